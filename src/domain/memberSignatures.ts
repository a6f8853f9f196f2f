/**
 * Signed membership: every change to the member list — a member's creation, each later change
 * of their name, stage, joined date, status or away date, and each device listed under them —
 * carries the Ed25519 signature of the device that made it. Pure, like `keyEpochs.ts`: the
 * caller signs (`changeStatements`) and verifies (`memberStatements`), and `verifyMembership`
 * reads the pod from the set of tags whose signatures held.
 *
 * The rules:
 * - A member counts when they were in the pod when it reached schema 7 (`legacy`), or their
 *   creation is signed by a device that was an active member's at that time; or, for someone
 *   who joined with an invite, by their own new device (see below); or, for the founder of a
 *   pod made since, by the device whose key and nonce the pod's key was derived from.
 * - A device counts when the member who had it at schema 7 had it then, or it is signed by an
 *   active member's device at the time it was added, or it signed itself and joined with an
 *   invite the pod records (signed, by an active member, for this member: a device link, or a
 *   new member whose creation this device signed).
 * - A field's value is that of its latest signed entry when the signature holds and its signer
 *   was an active member's device then; otherwise the entry is ignored, reported, and the field
 *   reads as the member was first recorded. The stored fields are never read.
 * - "Active member's device at a time": a device that counts, of a member who counts, listed
 *   before that time and not removed at or before it (signed removals, `keyEpochs.ts`).
 * - A member who was removed (a member removal, or every device of theirs removed) reads as
 *   left, so rotation, size guidance, vitality and attendance treat them so with no other step.
 *
 * Signed entries are one slot per member and field, written whole, so two devices editing
 * different fields of one member at once both keep their change, and two editing the same field
 * keep one whole entry.
 */
import type {
  JourneyStage,
  Member,
  MemberCert,
  MemberDevice,
  MemberField,
  MemberStatus,
  PodDoc,
} from '../schema/podDocument.ts'
import { JOURNEY_STAGES, MEMBER_STATUSES } from '../schema/podDocument.ts'
import { ownEntry } from '../schema/idMap.ts'
import { inviteStatement } from './invites.ts'
import { readKeyState, type KeyState, type SignedStatement } from './keyEpochs.ts'

/** What a cert says, before it is signed. */
export type SignedMemberCert = Omit<MemberCert, 'signature'>

/** The exact text a device signs for one part of a member's record. */
export function memberCertStatement(podKey: string, c: SignedMemberCert): string {
  return JSON.stringify([
    'tend-member',
    1,
    podKey,
    c.id,
    c.memberId,
    c.field,
    c.value,
    c.by,
    c.at,
    c.proof,
  ])
}

/** The exact text a device signs to list a device under a member. */
export function deviceStatement(
  podKey: string,
  memberId: string,
  d: Pick<MemberDevice, 'id' | 'publicKey' | 'label' | 'addedAt' | 'addedBy'>,
): string {
  return JSON.stringify([
    'tend-member-device',
    1,
    podKey,
    memberId,
    d.id,
    d.publicKey,
    d.label,
    d.addedAt,
    d.addedBy,
  ])
}

type Fields = Pick<Member, 'name' | 'stage' | 'joinedAt' | 'status' | 'awayUntil'>

/** The value of a member's `created` cert: their first fields. */
export function createdValue(m: Fields): string {
  return JSON.stringify([m.name, m.stage, m.joinedAt, m.status, m.awayUntil])
}

function parseFields(list: unknown): Fields | null {
  if (!Array.isArray(list) || list.length < 5) return null
  const [name, stage, joinedAt, status, awayUntil] = list as unknown[]
  if (typeof name !== 'string' || name.trim() === '') return null
  if (typeof stage !== 'string' || !(JOURNEY_STAGES as readonly string[]).includes(stage))
    return null
  if (typeof joinedAt !== 'number' || !Number.isFinite(joinedAt)) return null
  if (typeof status !== 'string' || !(MEMBER_STATUSES as readonly string[]).includes(status))
    return null
  if (!(awayUntil === null || (typeof awayUntil === 'number' && Number.isFinite(awayUntil))))
    return null
  return {
    name,
    stage: stage as JourneyStage,
    joinedAt,
    status: status as MemberStatus,
    awayUntil: awayUntil as number | null,
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

/** A legacy record's fields and device keys (see `legacyRecord`), or null if it is not one. */
function parseLegacy(text: string): { fields: Fields; keys: Set<string> } | null {
  const list = parseJson(text)
  if (!Array.isArray(list) || list[0] !== 'tend-legacy-member' || list[1] !== 1) return null
  const fields = parseFields(list.slice(2))
  const keys = list[7]
  if (fields === null || !Array.isArray(keys)) return null
  return { fields, keys: new Set(keys.filter((k): k is string => typeof k === 'string')) }
}

/** Whether `value` fits `field` (the reader ignores an entry that does not). */
function fits(field: MemberField, value: unknown): boolean {
  switch (field) {
    case 'name':
      return typeof value === 'string' && value.trim() !== ''
    case 'stage':
      return typeof value === 'string' && (JOURNEY_STAGES as readonly string[]).includes(value)
    case 'status':
      return typeof value === 'string' && (MEMBER_STATUSES as readonly string[]).includes(value)
    case 'joinedAt':
      return typeof value === 'number' && Number.isFinite(value)
    case 'awayUntil':
      return value === null || (typeof value === 'number' && Number.isFinite(value))
    case 'created':
      return typeof value === 'string' && parseFields(parseJson(value)) !== null
  }
}

export const certId = (memberId: string, field: MemberField) => `${memberId}:${field}`
const deviceTag = (memberId: string, deviceId: string) => `device:${memberId}:${deviceId}`
/** The tag of a founder's claim: the adapter puts it in `valid` when the pod key matches. */
export const founderTag = (deviceKey: string, nonce: string) => `founder:${deviceKey}:${nonce}`

type MembersView = Pick<PodDoc, 'members' | 'memberCerts' | 'invites' | 'inviteUses'>

/** Every signature the member list rests on (members, devices, invites), for the caller. */
export function memberStatements(view: MembersView, podKey: string): SignedStatement[] {
  const out: SignedStatement[] = []
  for (const c of Object.values(view.memberCerts))
    out.push({
      tag: `cert:${c.id}`,
      signer: c.by,
      statement: memberCertStatement(podKey, c),
      signature: c.signature,
    })
  for (const m of Object.values(view.members))
    for (const d of Object.values(m.devices))
      if (d.addedBy !== null && d.signature !== null)
        out.push({
          tag: deviceTag(m.id, d.id),
          signer: d.addedBy,
          statement: deviceStatement(podKey, m.id, d),
          signature: d.signature,
        })
  for (const r of Object.values(view.invites))
    out.push({
      tag: `invite:${r.id}`,
      signer: r.deviceKey,
      statement: inviteStatement(podKey, r),
      signature: r.signature,
    })
  return out
}

/** Founders' claims to check: the pod key must be derived from `deviceKey` and `nonce`. */
export function founderClaims(view: MembersView): { deviceKey: string; nonce: string }[] {
  const out: { deviceKey: string; nonce: string }[] = []
  for (const c of Object.values(view.memberCerts))
    if (c.field === 'created' && c.proof !== null) out.push({ deviceKey: c.by, nonce: c.proof })
  return out
}

const short = (key: string) => key.slice(0, 8)

/**
 * The members who count, with their signed values and the devices that count. `removedAt`
 * gives, per device key, when a signed removal removed it (empty on a first pass).
 */
export function readMembers(
  view: MembersView,
  valid: ReadonlySet<string>,
  removedAt: ReadonlyMap<string, number> = new Map(),
): { members: Record<string, Member>; ignored: string[] } {
  const ignored: string[] = []
  const all = Object.values(view.members).sort(
    (a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  const legacy = new Map<string, { fields: Fields; keys: Set<string> }>()
  for (const m of all) {
    const parsed = m.legacy === null ? null : parseLegacy(m.legacy)
    if (parsed !== null) legacy.set(m.id, parsed)
  }
  const createdOf = (m: Member) => ownEntry(view.memberCerts, certId(m.id, 'created'))
  const goodCert = (c: MemberCert | undefined): c is MemberCert =>
    c !== undefined && valid.has(`cert:${c.id}`) && fits(c.field, c.value)

  const memberOk = new Set<string>()
  /** Device key → the member it counts under and when it was listed. */
  const deviceOk = new Map<string, { memberId: string; addedAt: number }>()
  const activeAt = (key: string, at: number): boolean => {
    const d = deviceOk.get(key)
    if (d === undefined || !memberOk.has(d.memberId) || d.addedAt > at) return false
    const gone = removedAt.get(key)
    return gone === undefined || gone > at
  }
  /** A device that signed itself in with an invite the pod records for this member. */
  const joinedWithInvite = (m: Member, d: MemberDevice): boolean => {
    if (d.addedBy !== d.publicKey) return false
    for (const use of Object.values(view.inviteUses)) {
      if (use.deviceKey !== d.publicKey || use.memberId !== m.id) continue
      const record = ownEntry(view.invites, use.inviteId)
      if (record === undefined || !valid.has(`invite:${record.id}`)) continue
      if (!activeAt(record.deviceKey, record.createdAt)) continue
      if (deviceOk.get(record.deviceKey)?.memberId !== record.invitedBy) continue
      if (d.addedAt < record.createdAt || d.addedAt > record.expiresAt) continue
      if (record.forMember !== null) {
        if (record.forMember === m.id && record.forMember === record.invitedBy) return true
        continue
      }
      if (createdOf(m)?.by === d.publicKey) return true
    }
    return false
  }
  /** The founder of a pod made since schema 7: the pod key is derived from this device. */
  const founds = (m: Member, d: MemberDevice): boolean => {
    const c = createdOf(m)
    return (
      d.addedBy === d.publicKey &&
      c !== undefined &&
      c.by === d.publicKey &&
      c.proof !== null &&
      valid.has(founderTag(d.publicKey, c.proof)) &&
      goodCert(c)
    )
  }

  // The least set that the rules allow, grown until nothing more counts (each round adds at
  // least one entry or ends; entries vouching only for each other never count).
  const total = all.reduce((n, m) => n + 1 + Object.keys(m.devices).length, 0)
  for (let round = 0; round <= total; round++) {
    let grew = false
    for (const m of all) {
      for (const d of Object.values(m.devices)) {
        if (deviceOk.has(d.publicKey)) continue
        const signed = valid.has(deviceTag(m.id, d.id)) && d.addedBy !== null
        const ok =
          legacy.get(m.id)?.keys.has(d.publicKey) === true ||
          (signed &&
            (activeAt(d.addedBy as string, d.addedAt) || joinedWithInvite(m, d) || founds(m, d)))
        if (ok) {
          deviceOk.set(d.publicKey, { memberId: m.id, addedAt: d.addedAt })
          grew = true
        }
      }
      if (memberOk.has(m.id)) continue
      const c = createdOf(m)
      const ok =
        legacy.has(m.id) ||
        (goodCert(c) &&
          (activeAt(c.by, c.at) ||
            Object.values(m.devices).some(
              (d) => d.publicKey === c.by && deviceOk.get(d.publicKey)?.memberId === m.id,
            )))
      if (ok) {
        memberOk.add(m.id)
        grew = true
      }
    }
    if (!grew) break
  }

  const members: Record<string, Member> = Object.create(null) as Record<string, Member>
  for (const m of all) {
    if (!memberOk.has(m.id)) {
      const c = createdOf(m)
      const why =
        c === undefined
          ? 'it is not signed'
          : !valid.has(`cert:${c.id}`)
            ? 'its signature does not verify'
            : `the device that added it (${short(c.by)}) was not an active member's`
      ignored.push(`A member (${m.name}) was ignored: ${why}.`)
      continue
    }
    const created = createdOf(m)
    const base =
      legacy.get(m.id)?.fields ??
      (created === undefined ? null : parseFields(parseJson(String(created.value))))
    if (base === null) continue
    const fields: Fields = { ...base }
    let updatedAt = m.createdAt
    for (const field of ['name', 'stage', 'joinedAt', 'status', 'awayUntil'] as const) {
      const c = ownEntry(view.memberCerts, certId(m.id, field))
      if (c === undefined) continue
      const what = `A change of ${base.name}’s ${field === 'joinedAt' ? 'joined date' : field === 'awayUntil' ? 'away date' : field}`
      if (!goodCert(c)) {
        ignored.push(`${what} was ignored: its signature does not verify.`)
        continue
      }
      if (!activeAt(c.by, c.at)) {
        ignored.push(
          `${what} was ignored: the device that made it (${short(c.by)}) was not an active member's.`,
        )
        continue
      }
      ;(fields as unknown as Record<string, unknown>)[field] = c.value
      updatedAt = Math.max(updatedAt, c.at)
    }
    const devices: Record<string, MemberDevice> = Object.create(null) as Record<
      string,
      MemberDevice
    >
    for (const [id, d] of Object.entries(m.devices)) {
      if (deviceOk.get(d.publicKey)?.memberId === m.id) devices[id] = d
      else
        ignored.push(
          `A device (${short(d.publicKey)}) listed under ${fields.name} was ignored: ${
            d.signature === null
              ? 'it is not signed'
              : !valid.has(deviceTag(m.id, d.id))
                ? 'its signature does not verify'
                : 'the device that listed it was not an active member’s'
          }.`,
        )
    }
    members[m.id] = { ...m, ...fields, devices, updatedAt }
  }
  return { members, ignored }
}

/** Members removed as a whole, or all of whose (one or more) devices were removed, read as left. */
export function withRemovals(
  members: Record<string, Member>,
  state: KeyState,
): Record<string, Member> {
  const out: Record<string, Member> = Object.create(null) as Record<string, Member>
  for (const [id, m] of Object.entries(members)) {
    const keys = Object.values(m.devices).map((d) => d.publicKey)
    const removed =
      state.removedMembers.has(id) ||
      (keys.length > 0 && keys.every((k) => state.removedDevices.has(k)))
    out[id] = removed && m.status !== 'left' ? { ...m, status: 'left' } : m
  }
  return out
}

/**
 * The pod as its signatures allow: the members who count, with signed values, removed members
 * read as left, and the key state over them (its `ignored` lists member entries too). `valid`
 * holds the tags of `memberStatements`, `signedStatements` (keyEpochs.ts) and founders' claims
 * that held. Reading the result again gives the same result.
 */
export function verifyMembership<V extends PodDoc>(
  view: V,
  valid: ReadonlySet<string>,
): { view: V; keyState: KeyState } {
  const first = readMembers(view, valid)
  const before = readKeyState({ ...view, members: first.members }, valid)
  const removedAt = new Map<string, number>()
  for (const [key, r] of before.removedBy) removedAt.set(key, r.at)
  const second = readMembers(view, valid, removedAt)
  const state = readKeyState({ ...view, members: second.members }, valid)
  const members = withRemovals(second.members, state)
  return {
    view: { ...view, members },
    keyState: { ...state, ignored: [...second.ignored, ...state.ignored] },
  }
}

/** One part of the member list this device changed, to sign before it is written. */
export type MemberChange =
  | { kind: 'cert'; cert: SignedMemberCert }
  | {
      kind: 'device'
      memberId: string
      device: Pick<MemberDevice, 'id' | 'publicKey' | 'label' | 'addedAt' | 'addedBy'>
    }

/**
 * What a command changed in the member list, between the pod before and after it ran on a copy:
 * a new member's creation (with `proof` for a founder), each changed field, each new device —
 * all to be signed by `by` at `at`.
 */
export function memberChanges(
  before: Pick<PodDoc, 'members'>,
  after: Pick<PodDoc, 'members'>,
  input: { by: string; at: number; founderProof?: string | null },
): MemberChange[] {
  const out: MemberChange[] = []
  // A pod being created has no member list before its first command.
  const earlier = (before.members as Record<string, Member> | undefined) ?? {}
  for (const m of Object.values(after.members)) {
    const old = ownEntry(earlier, m.id)
    if (old === undefined) {
      out.push({
        kind: 'cert',
        cert: {
          id: certId(m.id, 'created'),
          memberId: m.id,
          field: 'created',
          value: createdValue(m),
          by: input.by,
          at: input.at,
          proof: input.founderProof ?? null,
        },
      })
    } else {
      for (const field of ['name', 'stage', 'joinedAt', 'status', 'awayUntil'] as const)
        if (old[field] !== m[field])
          out.push({
            kind: 'cert',
            cert: {
              id: certId(m.id, field),
              memberId: m.id,
              field,
              value: m[field],
              by: input.by,
              at: input.at,
              proof: null,
            },
          })
    }
    for (const d of Object.values(m.devices))
      if (old === undefined || ownEntry(old.devices, d.id) === undefined)
        out.push({
          kind: 'device',
          memberId: m.id,
          device: {
            id: d.id,
            publicKey: d.publicKey,
            label: d.label,
            addedAt: d.addedAt,
            addedBy: input.by,
          },
        })
  }
  return out
}

/** Writes signed changes (from `memberChanges`, with their signatures) into the pod. */
export function recordMemberChanges(
  doc: PodDoc,
  signed: readonly { change: MemberChange; signature: string }[],
): void {
  for (const { change, signature } of signed) {
    if (change.kind === 'cert') {
      if (ownEntry(doc.members, change.cert.memberId) === undefined) continue
      doc.memberCerts[change.cert.id] = { ...change.cert, signature }
    } else {
      const member = ownEntry(doc.members, change.memberId)
      const device = member === undefined ? undefined : ownEntry(member.devices, change.device.id)
      if (device === undefined) continue
      if (device.publicKey !== change.device.publicKey) continue
      if (device.label !== change.device.label) device.label = change.device.label
      if (device.addedAt !== change.device.addedAt) device.addedAt = change.device.addedAt
      device.addedBy = change.device.addedBy
      device.signature = signature
    }
  }
}
