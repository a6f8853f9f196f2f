/**
 * Signed membership and key epochs: who has been removed, which pod secret is current, and
 * what a remaining device should write next (a new epoch, or a grant to a device an epoch
 * missed). Pure: every signature is made and checked by the caller (WebCrypto is asynchronous
 * and lives in adapters); the rules here take the set of signatures that verified.
 *
 * The rules, in order:
 * - A removal request counts when its signature verifies and its requesting device is listed
 *   under a member and was not removed before it (signed facts only: a member marked "left"
 *   afterwards, an unsigned edit, does not undo it). Removing one's own device,
 *   or oneself, takes effect at once; removing anyone else takes effect when a device of a
 *   second member (not the requester, not the one removed) who is still active confirms it.
 *   Requests are taken in order of time, then id, so "removed before" is the same everywhere.
 * - A key epoch counts when its signature verifies and its maker's device was active when it
 *   was made. The current epoch is the highest such number; two entries for one number (two
 *   devices re-keyed at once) are resolved by the lowest signature, on every device alike.
 * - A re-key is due while a removal has taken effect that no later epoch carried out (the epoch
 *   current when it took effect is still current), or while the current secret is still sealed
 *   to a device that a removal removed (a concurrent removal the winning epoch did not know).
 * - A device that holds the current secret grants it to active devices the epoch missed (they
 *   joined at the same time, or published their sealing key late) — to itself too, when it
 *   joined with an invite link, so that every holder of the secret is on record.
 * Entries that fail a rule are ignored and reported in plain words, never thrown.
 */
import type { KeyEpoch, KeyGrant, Member, PodDoc, Removal } from '../schema/podDocument.ts'
import { ownEntry } from '../schema/idMap.ts'
import { DomainError } from './commandContext.ts'

type KeyView = Pick<PodDoc, 'members' | 'removals' | 'keyEpochs' | 'keyGrants'>

/** The exact text a device signs to publish its sealing key in a pod. */
export function sealingKeyStatement(podKey: string, deviceKey: string, sealingKey: string): string {
  return JSON.stringify(['tend-sealing-key', 1, podKey, deviceKey, sealingKey])
}

/** What the requesting device signs: the removal but its confirmations. */
export type SignedRemoval = Omit<Removal, 'signature' | 'confirmations'>

export function removalStatement(podKey: string, r: SignedRemoval): string {
  return JSON.stringify([
    'tend-removal',
    1,
    podKey,
    r.id,
    r.memberId,
    r.deviceKey,
    r.requestedBy,
    r.requestedAt,
    r.epochSeen,
  ])
}

export function confirmationStatement(
  podKey: string,
  removalId: string,
  c: { by: string; at: number; epochSeen: number },
): string {
  return JSON.stringify(['tend-removal-confirm', 1, podKey, removalId, c.by, c.at, c.epochSeen])
}

export type SignedKeyEpoch = Omit<KeyEpoch, 'signature'>

export function keyEpochStatement(podKey: string, e: SignedKeyEpoch): string {
  const boxes = Object.keys(e.boxes)
    .sort()
    .map((k) => [k, e.boxes[k]])
  return JSON.stringify([
    'tend-key-epoch',
    1,
    podKey,
    e.id,
    e.epoch,
    [...e.removals].sort(),
    boxes,
    e.secretCheck,
    e.madeBy,
    e.madeAt,
  ])
}

export type SignedKeyGrant = Omit<KeyGrant, 'signature'>

export function keyGrantStatement(podKey: string, g: SignedKeyGrant): string {
  return JSON.stringify([
    'tend-key-grant',
    1,
    podKey,
    g.id,
    g.epochId,
    g.epoch,
    g.to,
    g.box,
    g.madeBy,
    g.madeAt,
  ])
}

/** One signature to check: `tag` names it in the set of valid ones the caller hands back. */
export interface SignedStatement {
  tag: string
  signer: string
  statement: string
  signature: string
}

/** Every signature the membership rules rest on, for the caller to verify. */
export function signedStatements(view: KeyView, podKey: string): SignedStatement[] {
  const out: SignedStatement[] = []
  for (const member of Object.values(view.members))
    for (const device of Object.values(member.devices))
      if (device.sealingKey !== null && device.sealingKeySignature !== null)
        out.push({
          tag: sealingTag(device.publicKey, device.sealingKey),
          signer: device.publicKey,
          statement: sealingKeyStatement(podKey, device.publicKey, device.sealingKey),
          signature: device.sealingKeySignature,
        })
  for (const r of Object.values(view.removals)) {
    out.push({
      tag: `removal:${r.id}`,
      signer: r.requestedBy,
      statement: removalStatement(podKey, r),
      signature: r.signature,
    })
    for (const [cid, c] of Object.entries(r.confirmations))
      out.push({
        tag: `confirm:${r.id}:${cid}`,
        signer: c.by,
        statement: confirmationStatement(podKey, r.id, c),
        signature: c.signature,
      })
  }
  for (const e of Object.values(view.keyEpochs))
    out.push({
      tag: `epoch:${e.id}`,
      signer: e.madeBy,
      statement: keyEpochStatement(podKey, e),
      signature: e.signature,
    })
  for (const g of Object.values(view.keyGrants))
    out.push({
      tag: `grant:${g.id}`,
      signer: g.madeBy,
      statement: keyGrantStatement(podKey, g),
      signature: g.signature,
    })
  return out
}

const sealingTag = (deviceKey: string, sealingKey: string) => `sealing:${deviceKey}:${sealingKey}`

/** A device of the pod that may receive the current secret. */
export interface ActiveDevice {
  memberId: string
  deviceKey: string
  /** Its published sealing key, when the signature over it verified; null otherwise. */
  sealingKey: string | null
}

export interface EffectiveRemoval {
  removal: Removal
  /** When it took effect: its request (one's own device) or the first valid confirmation. */
  at: number
  /** The epoch current on the device that made it take effect. */
  epochSeen: number
  /** The device that made it take effect (the requester, or the confirming device). */
  by: string
}

export interface KeyState {
  /** Device public keys removed (a removed member's devices included). */
  removedDevices: Set<string>
  /** Members removed as a whole. */
  removedMembers: Set<string>
  /** Device public key → the removal that removed it. */
  removedBy: Map<string, EffectiveRemoval>
  effective: EffectiveRemoval[]
  /** Valid requests to remove someone else that wait for a second member's confirmation. */
  pending: Removal[]
  /** The current epoch: 0 (the pod's first secret, no entry) or the winning entry. */
  current: { epoch: number; entry: KeyEpoch | null }
  /** Devices on record as holding the current secret; null for epoch 0 (everyone who joined). */
  holders: Set<string> | null
  needsRekey: boolean
  /** Active devices with a verified sealing key that hold no box of the current epoch. */
  missingGrants: ActiveDevice[]
  /** Devices that may receive a new secret: listed, member not left, not removed. */
  activeDevices: ActiveDevice[]
  /** What was ignored, in plain words (forged, unsigned or made by someone not active). */
  ignored: string[]
}

function memberOfDevice(view: KeyView, deviceKey: string): Member | null {
  for (const member of Object.values(view.members))
    for (const device of Object.values(member.devices))
      if (device.publicKey === deviceKey) return member
  return null
}

const short = (key: string) => key.slice(0, 8)

/**
 * Reads the pod's membership and keys. `valid` holds the tags (see `signedStatements`) whose
 * signatures verified; anything else is ignored and reported.
 */
export function readKeyState(view: KeyView, valid: ReadonlySet<string>): KeyState {
  const ignored: string[] = []
  const removedDevices = new Set<string>()
  const removedMembers = new Set<string>()
  /** Device key → when it was removed. */
  const removedAt = new Map<string, number>()
  const removedBy = new Map<string, EffectiveRemoval>()
  const effective: EffectiveRemoval[] = []
  const pending: Removal[] = []

  // Whether a device could sign at a time rests on signed facts only (listed, not removed
  // before): a member's status is an unsigned field anyone may set, so marking someone "left"
  // later never undoes what they signed while they were in the pod.
  const activeAt = (deviceKey: string, at: number): Member | null => {
    const member = memberOfDevice(view, deviceKey)
    if (member === null) return null
    const gone = removedAt.get(deviceKey)
    if (gone !== undefined && gone <= at) return null
    return member
  }
  const remove = (deviceKey: string, by: EffectiveRemoval) => {
    removedDevices.add(deviceKey)
    if (!removedAt.has(deviceKey)) {
      removedAt.set(deviceKey, by.at)
      removedBy.set(deviceKey, by)
    }
  }

  const requests = Object.values(view.removals).sort(
    (a, b) => a.requestedAt - b.requestedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  for (const r of requests) {
    if (!valid.has(`removal:${r.id}`)) {
      ignored.push(`A removal request (${r.id}) was ignored: its signature does not verify.`)
      continue
    }
    const requester = activeAt(r.requestedBy, r.requestedAt)
    if (requester === null) {
      ignored.push(
        `A removal request (${r.id}) was ignored: the device that made it (${short(r.requestedBy)}) was not an active member's.`,
      )
      continue
    }
    const target = ownEntry(view.members, r.memberId)
    const targetDevices =
      target === undefined
        ? []
        : r.deviceKey === null
          ? Object.values(target.devices).map((d) => d.publicKey)
          : Object.values(target.devices)
              .map((d) => d.publicKey)
              .filter((k) => k === r.deviceKey)
    if (target === undefined || (r.deviceKey !== null && targetDevices.length === 0)) {
      ignored.push(`A removal request (${r.id}) was ignored: it names no device of this pod.`)
      continue
    }
    let made: EffectiveRemoval | null = null
    if (requester.id === r.memberId) {
      made = { removal: r, at: r.requestedAt, epochSeen: r.epochSeen, by: r.requestedBy }
    } else {
      const confirmations = Object.entries(r.confirmations).sort(
        ([ia, a], [ib, b]) => a.at - b.at || (ia < ib ? -1 : ia > ib ? 1 : 0),
      )
      for (const [cid, c] of confirmations) {
        if (!valid.has(`confirm:${r.id}:${cid}`)) {
          ignored.push(
            `A confirmation of removal ${r.id} was ignored: its signature does not verify.`,
          )
          continue
        }
        const confirmer = activeAt(c.by, Math.max(c.at, r.requestedAt))
        if (confirmer === null || confirmer.id === requester.id || confirmer.id === r.memberId) {
          ignored.push(
            `A confirmation of removal ${r.id} was ignored: it was not made by a second active member.`,
          )
          continue
        }
        made = { removal: r, at: Math.max(c.at, r.requestedAt), epochSeen: c.epochSeen, by: c.by }
        break
      }
    }
    if (made === null) {
      const alreadyGone =
        r.deviceKey === null ? removedMembers.has(r.memberId) : removedDevices.has(r.deviceKey)
      if (!alreadyGone) pending.push(r)
      continue
    }
    effective.push(made)
    if (r.deviceKey === null) removedMembers.add(r.memberId)
    for (const key of targetDevices) remove(key, made)
  }

  // Epochs: valid signature, maker active when it made it; per number, the lowest signature.
  const winners = new Map<number, KeyEpoch>()
  const epochs = Object.values(view.keyEpochs).sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  )
  for (const e of epochs) {
    if (!valid.has(`epoch:${e.id}`)) {
      ignored.push(`A new key (epoch ${e.epoch}) was ignored: its signature does not verify.`)
      continue
    }
    if (activeAt(e.madeBy, e.madeAt) === null) {
      ignored.push(
        `A new key (epoch ${e.epoch}) was ignored: the device that made it (${short(e.madeBy)}) was not an active member's.`,
      )
      continue
    }
    const best = winners.get(e.epoch)
    if (best === undefined || e.signature < best.signature) winners.set(e.epoch, e)
  }
  const top = Math.max(0, ...winners.keys())
  const entry = winners.get(top) ?? null
  const current = { epoch: top, entry }

  let holders: Set<string> | null = null
  if (entry !== null) {
    holders = new Set(Object.keys(entry.boxes))
    for (const g of Object.values(view.keyGrants)) {
      if (g.epochId !== entry.id || g.epoch !== entry.epoch) continue
      if (!valid.has(`grant:${g.id}`)) {
        ignored.push(`A key grant (${g.id}) was ignored: its signature does not verify.`)
        continue
      }
      if (activeAt(g.madeBy, g.madeAt) === null) {
        ignored.push(`A key grant (${g.id}) was ignored: its maker was not an active member's.`)
        continue
      }
      holders.add(g.to)
    }
  }

  const activeDevices: ActiveDevice[] = []
  for (const member of Object.values(view.members)) {
    if (member.status === 'left' || removedMembers.has(member.id)) continue
    for (const device of Object.values(member.devices)) {
      if (removedDevices.has(device.publicKey)) continue
      const signed =
        device.sealingKey !== null && valid.has(sealingTag(device.publicKey, device.sealingKey))
      if (device.sealingKey !== null && !signed)
        ignored.push(
          `The sealing key of device ${short(device.publicKey)} was ignored: its signature does not verify.`,
        )
      activeDevices.push({
        memberId: member.id,
        deviceKey: device.publicKey,
        sealingKey: signed ? device.sealingKey : null,
      })
    }
  }

  const needsRekey =
    effective.some((e) => e.epochSeen >= top) ||
    (holders !== null && [...holders].some((k) => removedDevices.has(k)))
  const missingGrants =
    holders === null
      ? []
      : activeDevices.filter((d) => d.sealingKey !== null && !holders.has(d.deviceKey))

  return {
    removedDevices,
    removedMembers,
    removedBy,
    effective,
    pending,
    current,
    holders,
    needsRekey,
    missingGrants,
    activeDevices,
    ignored,
  }
}

/** Whether a device (by public key) was removed, and by which effective removal. */
export function removalOfDevice(state: KeyState, deviceKey: string): EffectiveRemoval | null {
  return state.removedBy.get(deviceKey) ?? null
}

/**
 * Checks a removal request before it is signed and written: the requester is an active
 * member's device, the target exists and is not removed already. Says whether it takes effect
 * at once (one's own device, or oneself) or waits for a second member.
 */
export function checkRemoval(
  view: KeyView,
  state: KeyState,
  input: { memberId: string; deviceKey: string | null; requestedBy: string },
): 'at-once' | 'needs-confirmation' {
  const requester = memberOfDevice(view, input.requestedBy)
  if (
    requester === null ||
    requester.status === 'left' ||
    state.removedDevices.has(input.requestedBy)
  )
    throw new DomainError('Only an active member, on one of their devices, can remove someone.')
  const target = ownEntry(view.members, input.memberId)
  if (target === undefined) throw new DomainError('That member is not in this pod.')
  if (input.deviceKey === null) {
    if (state.removedMembers.has(target.id))
      throw new DomainError('That member was removed already.')
  } else {
    const listed = Object.values(target.devices).some((d) => d.publicKey === input.deviceKey)
    if (!listed) throw new DomainError('That device is not listed under that member.')
    if (state.removedDevices.has(input.deviceKey))
      throw new DomainError('That device was removed already.')
  }
  const open = state.pending.some(
    (r) =>
      r.memberId === input.memberId &&
      r.deviceKey === input.deviceKey &&
      memberOfDevice(view, r.requestedBy)?.id === requester.id,
  )
  if (open)
    throw new DomainError('You asked for this removal already; it waits for a second member.')
  return requester.id === input.memberId ? 'at-once' : 'needs-confirmation'
}

/** Checks that `by` may confirm `removalId`: pending, and by a second active member's device. */
export function checkConfirmation(
  view: KeyView,
  state: KeyState,
  input: { removalId: string; by: string },
): Removal {
  const removal = state.pending.find((r) => r.id === input.removalId)
  if (removal === undefined) throw new DomainError('That removal is not waiting for confirmation.')
  const confirmer = memberOfDevice(view, input.by)
  const requester = memberOfDevice(view, removal.requestedBy)
  if (
    confirmer === null ||
    confirmer.status === 'left' ||
    state.removedDevices.has(input.by) ||
    state.removedMembers.has(confirmer.id)
  )
    throw new DomainError('Only an active member, on one of their devices, can confirm.')
  if (confirmer.id === requester?.id)
    throw new DomainError('A second member has to confirm a removal you asked for.')
  if (confirmer.id === removal.memberId)
    throw new DomainError('A removal of you is confirmed by another member.')
  return removal
}

/** Records a signed removal request (the caller signed `removalStatement`). */
export function recordRemoval(doc: PodDoc, removal: Removal): void {
  if (Object.hasOwn(doc.removals, removal.id))
    throw new DomainError('That removal is recorded already.')
  doc.removals[removal.id] = { ...removal, confirmations: {} }
}

/** Records a signed confirmation of a removal, keyed by the confirming device's id. */
export function recordConfirmation(
  doc: PodDoc,
  removalId: string,
  deviceId: string,
  confirmation: Removal['confirmations'][string],
): void {
  const removal = ownEntry(doc.removals, removalId)
  if (removal === undefined) throw new DomainError('That removal is not in this pod.')
  if (ownEntry(removal.confirmations, deviceId) !== undefined) return
  removal.confirmations[deviceId] = { ...confirmation }
}

/** Records a signed key epoch. */
export function recordKeyEpoch(doc: PodDoc, epoch: KeyEpoch): void {
  if (Object.hasOwn(doc.keyEpochs, epoch.id)) throw new DomainError('That key is recorded already.')
  doc.keyEpochs[epoch.id] = { ...epoch, removals: [...epoch.removals], boxes: { ...epoch.boxes } }
}

/** The id of a grant of `epochId` to a device: one per device and epoch, whoever writes it. */
export function keyGrantId(epochId: string, deviceKey: string): string {
  return `${epochId}-${deviceKey.slice(0, 16).replace(/[^A-Za-z0-9_-]/g, '')}`
}

/** Records a signed grant; a second grant of the same epoch to the same device changes nothing. */
export function recordKeyGrant(doc: PodDoc, grant: KeyGrant): void {
  if (Object.hasOwn(doc.keyGrants, grant.id)) return
  doc.keyGrants[grant.id] = { ...grant }
}

/** Publishes a device's signed sealing key under its member. */
export function publishSealingKey(
  doc: PodDoc,
  input: { deviceKey: string; sealingKey: string; signature: string },
): void {
  for (const member of Object.values(doc.members))
    for (const device of Object.values(member.devices))
      if (device.publicKey === input.deviceKey) {
        if (device.sealingKey !== input.sealingKey) device.sealingKey = input.sealingKey
        if (device.sealingKeySignature !== input.signature)
          device.sealingKeySignature = input.signature
        return
      }
  throw new DomainError('This device is not listed in this pod.')
}

/** The removals a new epoch carries out: every one in effect (for the record). */
export function removalsToCarry(state: KeyState): string[] {
  return state.effective.map((e) => e.removal.id).sort()
}
