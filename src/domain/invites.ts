/**
 * Invites as the pod records them. A link carries the pod secret and a MAC made with it, so
 * whoever holds a link can change what it says and MAC it again; what every member's device
 * trusts instead is the record in the pod document, signed by the inviting member's device.
 * Pure: the signature itself is made and checked by the caller (WebCrypto is asynchronous).
 */
import type { InviteRecord, InviteUse, PodDoc } from '../schema/podDocument.ts'
import { LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom } from './commandContext.ts'
import { memberForDevice } from './podQueries.ts'

/** How long an invite is good for (two weeks: long enough to reach someone, short enough to lapse). */
export const INVITE_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000

/** What the inviting device signs: the record's fields but the signature and a withdrawal. */
export type SignedInvite = Omit<InviteRecord, 'signature' | 'withdrawnAt'>

/** The exact text the inviting device signs. */
export function inviteStatement(podKey: string, record: SignedInvite): string {
  return JSON.stringify([
    'tend-invite',
    2,
    podKey,
    record.id,
    record.invitedBy,
    record.deviceKey,
    record.createdAt,
    record.expiresAt,
    record.uses,
    record.forMember,
  ])
}

/**
 * Records an invite this device made. The inviter must be an active member of the pod listing
 * `deviceKey`, and the invite may last at most `INVITE_LIFETIME_MS`. An id is recorded once.
 */
export function recordInvite(doc: PodDoc, record: InviteRecord): void {
  requireRoom(Object.keys(doc.invites).length, LIMITS.invites, 'invites')
  if (!Number.isInteger(record.uses) || record.uses < 1 || record.uses > LIMITS.usesPerInvite)
    throw new DomainError(`An invite admits from 1 to ${LIMITS.usesPerInvite} people.`)
  if (record.forMember !== null && (record.forMember !== record.invitedBy || record.uses !== 1))
    throw new DomainError('A device link adds one device, to the member who made it.')
  const inviter = memberForDevice(doc, record.deviceKey)
  if (inviter === null || inviter.id !== record.invitedBy || inviter.status === 'left')
    throw new DomainError('Only a member of this pod, on one of their devices, can invite.')
  if (
    !(record.expiresAt > record.createdAt) ||
    record.expiresAt - record.createdAt > INVITE_LIFETIME_MS
  )
    throw new DomainError('An invite lasts at most two weeks.')
  if (Object.hasOwn(doc.invites, record.id))
    throw new DomainError('That invite is recorded already.')
  doc.invites[record.id] = { ...record, withdrawnAt: null }
}

/**
 * Withdraws an invite: from then on no member's device admits anyone with it. Any active
 * member may (an invite is the group's door, not its maker's).
 */
export function withdrawInvite(
  doc: PodDoc,
  input: { inviteId: string; memberId: string },
  ctx: CommandContext,
): void {
  const record = ownEntry(doc.invites, input.inviteId)
  if (record === undefined) throw new DomainError('That invite is not in this pod.')
  const member = ownEntry(doc.members, input.memberId)
  if (member === undefined || member.status === 'left')
    throw new DomainError('Only a member of this pod can withdraw an invite.')
  if (record.withdrawnAt === null || record.withdrawnAt === undefined) record.withdrawnAt = ctx.now
}

/** The id of the record that `deviceKey` joined with `inviteId`: one per device, whoever writes it. */
export function inviteUseId(inviteId: string, deviceKey: string): string {
  return `${inviteId}-${deviceKey.slice(0, 16).replace(/[^A-Za-z0-9_-]/g, '')}`
}

/**
 * Records that a person joined with an invite, written by their device as it adds them: every
 * member's device then counts it. Recording the same device again changes nothing.
 */
export function recordInviteUse(
  doc: PodDoc,
  input: { inviteId: string; memberId: string; deviceKey: string },
  ctx: CommandContext,
): void {
  const id = inviteUseId(input.inviteId, input.deviceKey)
  if (ownEntry(doc.inviteUses, id) !== undefined) return
  requireRoom(Object.keys(doc.inviteUses).length, LIMITS.inviteUses, 'records of invites used')
  const use: InviteUse = { id, ...input, at: ctx.now }
  doc.inviteUses[id] = use
}

/** The devices that joined with `inviteId`, by key. */
export function inviteUsers(view: Pick<PodDoc, 'inviteUses'>, inviteId: string): Set<string> {
  const keys = new Set<string>()
  for (const use of Object.values(view.inviteUses))
    if (use.inviteId === inviteId) keys.add(use.deviceKey)
  return keys
}

/** Invites that still admit someone at `now`, newest first, with how many places are left. */
export function openInvites(
  view: Pick<PodDoc, 'invites' | 'inviteUses' | 'members'>,
  now: number,
): { record: InviteRecord; left: number }[] {
  return Object.values(view.invites)
    .filter((r) => judgeInvite(view, r.id, now).ok)
    .map((record) => ({ record, left: record.uses - inviteUsers(view, record.id).size }))
    .sort((a, b) => b.record.createdAt - a.record.createdAt)
}

export type InviteVerdict =
  | { ok: true; record: InviteRecord }
  | {
      ok: false
      reason: 'unknown' | 'expired' | 'inviter-gone' | 'too-long' | 'withdrawn' | 'used-up'
    }

/**
 * Whether the pod's record of `inviteId` admits someone at `now` — before its signature is
 * checked (the caller does that over `inviteStatement`). The inviter must still be a member
 * whose devices list the signing key: an invite made by someone who left admits no one.
 */
export function judgeInvite(
  view: Pick<PodDoc, 'invites' | 'inviteUses' | 'members'>,
  inviteId: string,
  now: number,
  /** The key of the device presenting it: a device that joined with it already may again. */
  deviceKey: string | null = null,
): InviteVerdict {
  if (!Object.hasOwn(view.invites, inviteId)) return { ok: false, reason: 'unknown' }
  const record = view.invites[inviteId] as InviteRecord
  if (record.expiresAt - record.createdAt > INVITE_LIFETIME_MS)
    return { ok: false, reason: 'too-long' }
  if (!(now < record.expiresAt)) return { ok: false, reason: 'expired' }
  if (record.withdrawnAt !== null && record.withdrawnAt !== undefined)
    return { ok: false, reason: 'withdrawn' }
  const users = inviteUsers(view, inviteId)
  if (users.size >= record.uses && (deviceKey === null || !users.has(deviceKey)))
    return { ok: false, reason: 'used-up' }
  const inviter = memberForDevice(view, record.deviceKey)
  if (inviter === null || inviter.id !== record.invitedBy || inviter.status === 'left')
    return { ok: false, reason: 'inviter-gone' }
  if (record.forMember !== null && record.forMember !== record.invitedBy)
    return { ok: false, reason: 'inviter-gone' }
  return { ok: true, record }
}
