/**
 * Room keys. Each of a pod's rooms is keyed by the pod key and a fingerprint of the secret it
 * opens with (`podKey~fingerprint`): the room of the current secret, and the rooms of former
 * secrets, kept open as lobbies where a member's device that was away during a re-key finds the
 * others and learns the new secret. A re-key opens the new secret's room and leaves the old one
 * open as it is (never left and joined again: Trystero keeps one room per secret). Whether a room
 * is a lobby is decided when a device knocks, by comparing its fingerprint with the current
 * secret's. A plain pod key (no fingerprint) means the current room.
 */
import { hash as sha256 } from 'fast-sha256'

/** A short, one-way fingerprint of a pod secret (it names rooms on this device only). */
export function secretFingerprint(secret: string): string {
  const digest = sha256(new TextEncoder().encode(`tend-room-fingerprint:${secret}`))
  return Array.from(digest.slice(0, 6), (b) => b.toString(16).padStart(2, '0')).join('')
}

/** The room key of a pod's room on `secret`. */
export function roomKeyFor(podKey: string, secret: string): string {
  return `${podKey}~${secretFingerprint(secret)}`
}

/** The pod a room key belongs to, and the fingerprint of its secret (null: the current one). */
export function parseRoomKey(roomKey: string): { podKey: string; fingerprint: string | null } {
  const at = roomKey.indexOf('~')
  if (at < 0) return { podKey: roomKey, fingerprint: null }
  return { podKey: roomKey.slice(0, at), fingerprint: roomKey.slice(at + 1) }
}

/** Whether `roomKey` is a former secret's lobby, given the pod's current secret. */
export function isLobby(roomKey: string, currentSecret: string | null): boolean {
  const { fingerprint } = parseRoomKey(roomKey)
  return (
    fingerprint !== null &&
    (currentSecret === null || fingerprint !== secretFingerprint(currentSecret))
  )
}

/** The secret a room key opens with, among a pod's current and former secrets; null if none. */
export function secretOfRoom(roomKey: string, secrets: readonly (string | null)[]): string | null {
  const { fingerprint } = parseRoomKey(roomKey)
  if (fingerprint === null) return secrets[0] ?? null
  return secrets.find((s) => s !== null && secretFingerprint(s) === fingerprint) ?? null
}
