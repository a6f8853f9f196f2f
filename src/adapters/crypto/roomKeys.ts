/**
 * What a pod's 32-byte secret opens: its own Trystero app id, room id and room password, each
 * derived with HKDF-SHA-256 under its own label. The signaling broker sees only a SHA-1 topic of
 * app id and room id, which cannot be brute-forced back to a 256-bit derivation; the password
 * encrypts every offer and answer. A distinct app id per pod keeps Trystero from sharing one
 * connection (and its room tokens) between pods.
 */
import { fromBase64Url, toBase64Url } from './encoding.ts'

export interface RoomKeys {
  appId: string
  roomId: string
  password: string
}

export const POD_SECRET_BYTES = 32

async function derive(secret: Uint8Array, label: string, length = 32): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', secret as BufferSource, 'HKDF', false, [
    'deriveBits',
  ])
  const bits = await crypto.subtle.deriveBits(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new TextEncoder().encode('tend/pod-secret/v1'),
      info: new TextEncoder().encode(label),
    },
    key,
    length * 8,
  )
  return new Uint8Array(bits)
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

/** Decodes a pod secret, refusing anything that is not exactly 32 bytes. */
export function decodeSecret(secretText: string): Uint8Array {
  const secret = fromBase64Url(secretText)
  if (secret.length !== POD_SECRET_BYTES) throw new Error('a pod secret is 32 bytes')
  return secret
}

export async function deriveRoomKeys(secretText: string): Promise<RoomKeys> {
  const secret = decodeSecret(secretText)
  const [app, room, password] = await Promise.all([
    derive(secret, 'trystero app id', 16),
    derive(secret, 'trystero room id'),
    derive(secret, 'trystero room password'),
  ])
  return { appId: `tend-${hex(app)}`, roomId: hex(room), password: toBase64Url(password) }
}

/** HMAC-SHA-256 with a key derived from the pod secret (invite links, invite proofs). */
export async function podMac(secretText: string, data: string): Promise<string> {
  const macKey = await derive(decodeSecret(secretText), 'invite mac')
  const key = await crypto.subtle.importKey(
    'raw',
    macKey as BufferSource,
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  )
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(data))
  return toBase64Url(new Uint8Array(mac).slice(0, 16))
}

/**
 * A check value of a pod secret, recorded with each key epoch: a device that holds a secret
 * (from an invite link, or from before) learns which epoch it is without revealing anything of it.
 */
export async function secretCheckOf(secretText: string): Promise<string> {
  return toBase64Url(await derive(decodeSecret(secretText), 'epoch check', 16))
}
