/**
 * Invites as the pod records them. A link carries the pod secret and a MAC made with it, so
 * whoever holds a link can change what it says and MAC it again; what every member's device
 * trusts instead is the record in the pod document, signed by the inviting member's device.
 * Pure: the signature itself is made and checked by the caller (WebCrypto is asynchronous).
 */
import type { InviteRecord, PodDoc } from '../schema/podDocument.ts'
import { DomainError } from './commandContext.ts'
import { memberForDevice } from './podQueries.ts'

/** How long an invite is good for (two weeks: long enough to reach someone, short enough to lapse). */
export const INVITE_LIFETIME_MS = 14 * 24 * 60 * 60 * 1000

/** The exact text the inviting device signs: every field of the record but the signature. */
export function inviteStatement(podKey: string, record: Omit<InviteRecord, 'signature'>): string {
  return JSON.stringify([
    'tend-invite',
    1,
    podKey,
    record.id,
    record.invitedBy,
    record.deviceKey,
    record.createdAt,
    record.expiresAt,
  ])
}

/**
 * Records an invite this device made. The inviter must be an active member of the pod listing
 * `deviceKey`, and the invite may last at most `INVITE_LIFETIME_MS`. An id is recorded once.
 */
export function recordInvite(doc: PodDoc, record: InviteRecord): void {
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
  doc.invites[record.id] = { ...record }
}

export type InviteVerdict =
  | { ok: true; record: InviteRecord }
  | { ok: false; reason: 'unknown' | 'expired' | 'inviter-gone' | 'too-long' }

/**
 * Whether the pod's record of `inviteId` admits someone at `now` — before its signature is
 * checked (the caller does that over `inviteStatement`). The inviter must still be a member
 * whose devices list the signing key: an invite made by someone who left admits no one.
 */
export function judgeInvite(
  view: Pick<PodDoc, 'invites' | 'members'>,
  inviteId: string,
  now: number,
): InviteVerdict {
  if (!Object.hasOwn(view.invites, inviteId)) return { ok: false, reason: 'unknown' }
  const record = view.invites[inviteId] as InviteRecord
  if (record.expiresAt - record.createdAt > INVITE_LIFETIME_MS)
    return { ok: false, reason: 'too-long' }
  if (!(now < record.expiresAt)) return { ok: false, reason: 'expired' }
  const inviter = memberForDevice(view, record.deviceKey)
  if (inviter === null || inviter.id !== record.invitedBy || inviter.status === 'left')
    return { ok: false, reason: 'inviter-gone' }
  return { ok: true, record }
}
