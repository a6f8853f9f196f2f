/**
 * Device identity: one Ed25519 signing key pair per device (WebCrypto). The private key is
 * created non-extractable and kept in IndexedDB as a CryptoKey, so page scripts can sign with
 * it but never read it. The public key is listed under the member in the pod document, and
 * peers check a signed challenge against it in the handshake.
 */
import { fromBase64Url, toBase64Url } from './encoding.ts'

export interface DeviceKeys {
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** Raw public key, base64url. */
  publicKeyText: string
  /** A short, stable id derived from the public key. */
  deviceId: string
}

const ED25519 = { name: 'Ed25519' } as const

/** The device id of a public key: the first 12 bytes of its SHA-256, base64url. */
export async function deviceIdOf(publicKeyText: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', fromBase64Url(publicKeyText) as BufferSource)
  return toBase64Url(new Uint8Array(digest).slice(0, 12))
}

export async function generateDeviceKeys(): Promise<DeviceKeys> {
  const pair = (await crypto.subtle.generateKey(ED25519, false, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  return completeKeys(pair.privateKey, pair.publicKey)
}

/** Rebuilds the derived fields from a stored key pair. */
export async function completeKeys(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
): Promise<DeviceKeys> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey))
  const publicKeyText = toBase64Url(raw)
  return { privateKey, publicKey, publicKeyText, deviceId: await deviceIdOf(publicKeyText) }
}

export async function sign(keys: DeviceKeys, data: Uint8Array): Promise<string> {
  const signature = await crypto.subtle.sign(ED25519, keys.privateKey, data as BufferSource)
  return toBase64Url(new Uint8Array(signature))
}

/** Checks a signature made by the holder of `publicKeyText`; false for any malformed input. */
export async function verify(
  publicKeyText: string,
  data: Uint8Array,
  signature: string,
): Promise<boolean> {
  try {
    const key = await crypto.subtle.importKey(
      'raw',
      fromBase64Url(publicKeyText) as BufferSource,
      ED25519,
      false,
      ['verify'],
    )
    return await crypto.subtle.verify(
      ED25519,
      key,
      fromBase64Url(signature) as BufferSource,
      data as BufferSource,
    )
  } catch {
    return false
  }
}
