/**
 * Invite links. Everything a new member's device needs rides in the URL fragment, which
 * browsers never send to a server: the pod document's id, its 32-byte secret, the pod's
 * connection settings (broker URLs, ICE server addresses and where to fetch relay credentials —
 * never credentials or the community passphrase), who invited them, when
 * the invite expires, and a MAC over all of it made with the pod secret — so a changed link is
 * refused rather than half-trusted.
 *
 *   https://host/app/#/join/<base64url(JSON)>
 */
import { isValidDocumentId } from '@automerge/automerge-repo'
import { fromBase64Url, toBase64Url } from '../crypto/encoding.ts'
import { decodeSecret, podMac } from '../crypto/roomKeys.ts'
import type { ConnectionSettings } from '../device/deviceStore.ts'
import { linkSettingsProblems, usableIceServers } from './connectionSettings.ts'

export interface Invite {
  inviteId: string
  documentId: string
  secret: string
  podName: string
  invitedBy: string
  expiresAt: number
  connection: ConnectionSettings
  /** For a device link: the name of the member the new device joins as; null otherwise. */
  forMember: string | null
}

/** A link that cannot be used; `message` is written for the person holding it. */
export class InviteError extends Error {
  override readonly name = 'InviteError'
}

const VERSION = 1
export const JOIN_PREFIX = '#/join/'
export { INVITE_LIFETIME_MS } from '../../domain/invites.ts'

interface Wire {
  v: number
  id: string
  doc: string
  sec: string
  pod: string
  by: string
  exp: number
  sig: string[]
  ice: { urls: string | string[] }[]
  iceEp: string | null
  /** A device link's member name; absent in an invite of a new person. */
  for?: string
  mac?: string
}

function canonical(wire: Omit<Wire, 'mac'>): string {
  return JSON.stringify([
    wire.v,
    wire.id,
    wire.doc,
    wire.sec,
    wire.pod,
    wire.by,
    wire.exp,
    wire.sig,
    wire.ice,
    wire.iceEp,
    // Only device links carry it, so links without it read as they always did.
    ...(wire.for === undefined ? [] : [wire.for]),
  ])
}

/**
 * Only STUN addresses travel in links. A TURN relay is useless without credentials, and those
 * are fetched from the community host (`iceEndpoint`), never shared.
 */
function publicIceServers(servers: RTCIceServer[]): { urls: string | string[] }[] {
  const stun = (u: string) => /^stuns?:/.test(u)
  return servers.flatMap((s): { urls: string | string[] }[] => {
    if (!Array.isArray(s.urls)) return stun(s.urls) ? [{ urls: s.urls }] : []
    const urls = s.urls.filter(stun)
    return urls.length > 0 ? [{ urls }] : []
  })
}

export async function encodeInvite(invite: Invite, appBase: string): Promise<string> {
  const wire: Omit<Wire, 'mac'> = {
    v: VERSION,
    id: invite.inviteId,
    doc: invite.documentId,
    sec: invite.secret,
    pod: invite.podName,
    by: invite.invitedBy,
    exp: invite.expiresAt,
    sig: invite.connection.signalingUrls,
    ice: publicIceServers(invite.connection.iceServers),
    iceEp: invite.connection.iceEndpoint,
    ...(invite.forMember === null ? {} : { for: invite.forMember }),
  }
  const mac = await podMac(invite.secret, canonical(wire))
  const payload = toBase64Url(new TextEncoder().encode(JSON.stringify({ ...wire, mac })))
  return `${appBase.split('#')[0]}${JOIN_PREFIX}${payload}`
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string')
}

/**
 * Reads an invite from a link (or just its fragment). Throws `InviteError` with a plain message
 * for a link that is cut off, not an invite, changed, or expired.
 */
export async function decodeInvite(link: string, now: number): Promise<Invite> {
  const at = link.indexOf(JOIN_PREFIX)
  if (at < 0) throw new InviteError('This link is not a Tend invite.')
  const payload = link.slice(at + JOIN_PREFIX.length).trim()
  let wire: Partial<Wire>
  try {
    wire = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(fromBase64Url(payload)),
    ) as Partial<Wire>
  } catch {
    throw new InviteError(
      'This invite link is incomplete — it may have been cut off when it was copied. Ask for the link again.',
    )
  }
  if (typeof wire !== 'object' || wire === null || wire.v !== VERSION) {
    throw new InviteError(
      'This link is not a Tend invite, or it was made by a newer version of Tend.',
    )
  }
  const { id, doc, sec, pod, by, exp, sig, ice, iceEp, mac } = wire
  const forMember = wire.for
  if (
    typeof id !== 'string' ||
    typeof doc !== 'string' ||
    typeof sec !== 'string' ||
    typeof pod !== 'string' ||
    typeof by !== 'string' ||
    typeof exp !== 'number' ||
    !isStringArray(sig) ||
    !Array.isArray(ice) ||
    !(iceEp === null || typeof iceEp === 'string') ||
    !(forMember === undefined || typeof forMember === 'string') ||
    typeof mac !== 'string'
  ) {
    throw new InviteError('This invite link is incomplete or damaged. Ask for the link again.')
  }
  try {
    decodeSecret(sec)
  } catch {
    throw new InviteError(
      'This invite link is damaged: its pod key is not whole. Ask for the link again.',
    )
  }
  if (!isValidDocumentId(doc)) throw new InviteError('This invite link does not point to a pod.')
  const expected = await podMac(
    sec,
    canonical({
      v: VERSION,
      id,
      doc,
      sec,
      pod,
      by,
      exp,
      sig,
      ice,
      iceEp,
      ...(forMember === undefined ? {} : { for: forMember }),
    }),
  )
  if (expected !== mac) {
    throw new InviteError(
      'This invite link was changed after it was made, so Tend will not use it. Ask for a fresh link.',
    )
  }
  if (exp < now) {
    throw new InviteError(
      `This invite expired on ${new Date(exp).toLocaleDateString()}. Ask a member for a new one.`,
    )
  }
  const problems = linkSettingsProblems({ signalingUrls: sig, iceServers: ice, iceEndpoint: iceEp })
  if (problems.length > 0)
    throw new InviteError(
      `This invite’s connection settings cannot be used (${problems[0]}), so Tend will not open it; your other pods are untouched. Ask for a fresh link.`,
    )
  return {
    inviteId: id,
    documentId: doc,
    secret: sec,
    podName: pod,
    invitedBy: by,
    expiresAt: exp,
    connection: {
      signalingUrls: sig,
      iceServers: usableIceServers(ice),
      iceEndpoint: iceEp,
      passphrase: null,
    },
    forMember: forMember ?? null,
  }
}

/** The proof a joining device shows in the handshake: the invite id and expiry, MAC'd. */
export async function inviteProof(
  invite: Pick<Invite, 'inviteId' | 'expiresAt' | 'secret'>,
): Promise<string> {
  return podMac(invite.secret, `invite-proof:${invite.inviteId}:${invite.expiresAt}`)
}

export async function checkInviteProof(
  secret: string,
  proof: { inviteId: string; expiresAt: number; mac: string },
  now: number,
): Promise<boolean> {
  if (proof.expiresAt < now) return false
  return (await podMac(secret, `invite-proof:${proof.inviteId}:${proof.expiresAt}`)) === proof.mac
}
