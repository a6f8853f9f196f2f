/**
 * Who is let into a pod's room (run inside Trystero's handshake, before automerge-repo hears
 * of the peer). A device gets in when it signs our fresh challenge with its device key and
 * either (a) that key is listed under a member of the pod who has not left, or (b) it shows a
 * proof, made with the pod secret, of an invite that the pod records: signed by the device of
 * the member who made it, still a member, and not expired by the record's own expiry (what the
 * joining device claims about the expiry is never trusted: whoever holds a link can re-MAC it),
 * not withdrawn, and not used up by other devices (the pod records who joined with it).
 * Its repo peer id must carry the device id of that key, so it cannot pose as one of our tabs.
 *
 * A device that is joining (it has the invite but not yet the pod) admits peers that reached
 * its room — which needed the pod secret — and proved their key; it learns the member list
 * from them.
 *
 * Removal (schema 6): a device removed from the pod, or whose member was removed, is refused;
 * so is an invite made on a removed device. A former secret's room (a lobby, see lobbies.ts)
 * lets in only active members' devices, never an invite: an invite link made before a re-key
 * carries the old secret, so it leads only there — and its proof, made with the old secret,
 * does not verify under the new one either.
 */
import type { PodDoc } from '../../schema/podDocument.ts'
import { memberForDevice } from '../../domain/podQueries.ts'
import { inviteStatement, judgeInvite } from '../../domain/invites.ts'
import { deviceIdOf, sign, verify, type DeviceKeys } from '../crypto/deviceIdentity.ts'
import { deviceIdOfPeer } from '../automerge/createRepo.ts'
import type { PodEntry } from '../device/deviceStore.ts'
import { checkInviteProof, inviteProof } from './invite.ts'
import { keyStateOf, verifiedPodOf } from '../crypto/podKeyring.ts'
import { isLobby, parseRoomKey } from './lobbies.ts'
import type { Admission } from './meshAdapter.ts'
import type { HandshakeValue } from './meshRoom.ts'

export interface PodAdmissionOptions {
  keys: DeviceKeys
  entryOf: (podKey: string) => Promise<PodEntry | null>
  /** The pod as this device has it now, or null when it has not arrived yet. */
  viewOf: (podKey: string) => PodDoc | null
  now: () => number
  /** A member's device refused this one and sent a removal as the reason (untrusted). */
  onRemovalNotice?: (podKey: string, removal: unknown) => void
}

const encoder = new TextEncoder()
const challenge = (podKey: string, nonce: string) =>
  encoder.encode(`tend-handshake:${podKey}:${nonce}`)

export function createPodAdmission(options: PodAdmissionOptions): Admission {
  return {
    // A removed device is told why it is refused: the signed removal that removed it, which it
    // checks against its own copy of the pod before believing it.
    async refusal(roomKey, claim) {
      const { podKey } = parseRoomKey(roomKey)
      const view = options.viewOf(podKey)
      const cred = claim.credentials as { [key: string]: HandshakeValue } | null
      const publicKey = cred?.['publicKey']
      if (view === null || typeof publicKey !== 'string') return null
      // Only to the holder of the key, who signed our challenge.
      if (!(await verify(publicKey, challenge(podKey, claim.nonce), claim.signature))) return null
      const removal = (await keyStateOf(view, podKey)).removedBy.get(publicKey)?.removal
      return removal === undefined ? null : (JSON.parse(JSON.stringify(removal)) as HandshakeValue)
    },

    onRefused(roomKey, notice) {
      options.onRemovalNotice?.(parseRoomKey(roomKey).podKey, notice)
    },

    async credentials(roomKey) {
      const { podKey } = parseRoomKey(roomKey)
      const entry = await options.entryOf(podKey)
      const lobby = isLobby(roomKey, entry?.secret ?? null)
      const rejoin = entry?.rejoin ?? null
      const join = lobby
        ? null
        : (entry?.pendingJoin ??
          (rejoin !== null && options.now() < rejoin.expiresAt ? rejoin : null))
      const invite =
        join === null || entry?.secret == null
          ? null
          : {
              inviteId: join.inviteId,
              expiresAt: join.expiresAt,
              mac: await inviteProof({
                inviteId: join.inviteId,
                expiresAt: join.expiresAt,
                secret: entry.secret,
              }),
            }
      return { publicKey: options.keys.publicKeyText, invite }
    },

    async sign(roomKey, nonce) {
      return sign(options.keys, challenge(parseRoomKey(roomKey).podKey, nonce))
    },

    async verify(roomKey, claim) {
      const { podKey } = parseRoomKey(roomKey)
      const cred = claim.credentials as { [key: string]: HandshakeValue } | null
      const publicKey = cred?.['publicKey']
      if (typeof publicKey !== 'string') return false
      if (!(await verify(publicKey, challenge(podKey, claim.nonce), claim.signature))) return false
      if (deviceIdOfPeer(claim.peerId) !== (await deviceIdOf(publicKey))) return false
      const view = options.viewOf(podKey)
      const entry = await options.entryOf(podKey)
      const lobby = isLobby(roomKey, entry?.secret ?? null)
      if (view === null) return !lobby
      // Only members and devices whose signed entries hold (memberSignatures.ts).
      const { view: signed, keyState } = await verifiedPodOf(view, podKey)
      const member = memberForDevice(signed, publicKey)
      if (member !== null)
        return (
          member.status !== 'left' &&
          !keyState.removedDevices.has(publicKey) &&
          !keyState.removedMembers.has(member.id)
        )
      if (lobby) return false
      const invite = cred?.['invite'] as { [key: string]: HandshakeValue } | null | undefined
      if (invite == null || entry?.secret == null) return false
      const { inviteId, mac } = invite
      if (typeof inviteId !== 'string' || typeof mac !== 'string') return false
      // Used up, withdrawn or expired by the pod's record, whatever the link says.
      const verdict = judgeInvite(signed, inviteId, options.now(), publicKey)
      if (!verdict.ok) return false
      const record = verdict.record
      if (keyState.removedDevices.has(record.deviceKey)) return false
      const statement = encoder.encode(inviteStatement(podKey, record))
      if (!(await verify(record.deviceKey, statement, record.signature))) return false
      const expiresAt = verdict.record.expiresAt
      return checkInviteProof(entry.secret, { inviteId, expiresAt, mac }, options.now())
    },
  }
}
