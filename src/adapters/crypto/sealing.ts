/**
 * Sealed boxes: how a new pod secret reaches each remaining device after a removal, written in
 * the pod document where every member (and anyone holding an old copy) can read it, but only the
 * device it is sealed to can open it.
 *
 * Each device has an X25519 key pair (WebCrypto; the private key is non-extractable and kept in
 * IndexedDB beside the Ed25519 device key). Sealing makes a fresh ephemeral X25519 key, agrees a
 * shared secret with the recipient's public key, stretches it with HKDF-SHA-256 (salted with
 * both public keys) into an AES-256-GCM key, and encrypts with the pod key, the epoch and the
 * recipient's key as associated data: a box moved to another pod, epoch or device does not open.
 *
 * Box format (base64url): version byte 1 ‖ ephemeral public key (32) ‖ IV (12) ‖ ciphertext+tag.
 * Opening never throws: anything that does not open is `null`.
 */
import { fromBase64Url, randomBytes, toBase64Url } from './encoding.ts'

export interface SealingKeys {
  privateKey: CryptoKey
  publicKey: CryptoKey
  /** Raw X25519 public key, base64url (32 bytes). */
  publicKeyText: string
}

/** What a box is bound to: opening it under anything else fails. */
export interface SealContext {
  podKey: string
  epoch: number
}

const X25519 = { name: 'X25519' } as const
const VERSION = 1
const KEY_BYTES = 32
const IV_BYTES = 12
const encoder = new TextEncoder()

/** Makes a device's sealing key pair; the private key can be used but never exported. */
export async function generateSealingKeys(): Promise<SealingKeys> {
  const pair = (await crypto.subtle.generateKey(X25519, false, ['deriveBits'])) as CryptoKeyPair
  return completeSealingKeys(pair.privateKey, pair.publicKey)
}

/** Rebuilds the derived fields from a stored key pair. */
export async function completeSealingKeys(
  privateKey: CryptoKey,
  publicKey: CryptoKey,
): Promise<SealingKeys> {
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', publicKey))
  return { privateKey, publicKey, publicKeyText: toBase64Url(raw) }
}

function associatedData(context: SealContext, recipient: string): Uint8Array {
  return encoder.encode(
    JSON.stringify(['tend-sealed-secret', VERSION, context.podKey, context.epoch, recipient]),
  )
}

async function boxKey(
  shared: ArrayBuffer,
  ephemeral: Uint8Array,
  recipient: Uint8Array,
): Promise<CryptoKey> {
  const ikm = await crypto.subtle.importKey('raw', shared, 'HKDF', false, ['deriveKey'])
  const salt = new Uint8Array(KEY_BYTES * 2)
  salt.set(ephemeral, 0)
  salt.set(recipient, KEY_BYTES)
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt, info: encoder.encode('tend/sealed-secret/v1') },
    ikm,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  )
}

/**
 * Seals `secret` (any bytes) to the device whose X25519 public key is `recipientPublicKey`.
 * Throws only when the recipient key is not a valid X25519 key (the caller checks keys first).
 */
export async function seal(
  secret: Uint8Array,
  recipientPublicKey: string,
  context: SealContext,
): Promise<string> {
  const recipientRaw = fromBase64Url(recipientPublicKey)
  if (recipientRaw.length !== KEY_BYTES) throw new Error('not an X25519 public key')
  const recipient = await crypto.subtle.importKey(
    'raw',
    recipientRaw as BufferSource,
    X25519,
    false,
    [],
  )
  const ephemeral = (await crypto.subtle.generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair
  const ephemeralRaw = new Uint8Array(await crypto.subtle.exportKey('raw', ephemeral.publicKey))
  const shared = await crypto.subtle.deriveBits(
    { name: 'X25519', public: recipient },
    ephemeral.privateKey,
    256,
  )
  const key = await boxKey(shared, ephemeralRaw, recipientRaw)
  const iv = randomBytes(IV_BYTES)
  const ciphertext = new Uint8Array(
    await crypto.subtle.encrypt(
      {
        name: 'AES-GCM',
        iv: iv as BufferSource,
        additionalData: associatedData(context, recipientPublicKey) as BufferSource,
      },
      key,
      secret as BufferSource,
    ),
  )
  const box = new Uint8Array(1 + KEY_BYTES + IV_BYTES + ciphertext.length)
  box[0] = VERSION
  box.set(ephemeralRaw, 1)
  box.set(iv, 1 + KEY_BYTES)
  box.set(ciphertext, 1 + KEY_BYTES + IV_BYTES)
  return toBase64Url(box)
}

/**
 * Opens a box sealed to `keys` under `context`; null for a box sealed to another device, under
 * another pod or epoch, tampered with, or not a box at all. Never throws.
 */
export async function open(
  box: string,
  keys: SealingKeys,
  context: SealContext,
): Promise<Uint8Array | null> {
  try {
    const bytes = fromBase64Url(box)
    if (bytes.length < 1 + KEY_BYTES + IV_BYTES + 16 || bytes[0] !== VERSION) return null
    const ephemeralRaw = bytes.slice(1, 1 + KEY_BYTES)
    const iv = bytes.slice(1 + KEY_BYTES, 1 + KEY_BYTES + IV_BYTES)
    const ciphertext = bytes.slice(1 + KEY_BYTES + IV_BYTES)
    const ephemeral = await crypto.subtle.importKey(
      'raw',
      ephemeralRaw as BufferSource,
      X25519,
      false,
      [],
    )
    const shared = await crypto.subtle.deriveBits(
      { name: 'X25519', public: ephemeral },
      keys.privateKey,
      256,
    )
    const key = await boxKey(shared, ephemeralRaw, fromBase64Url(keys.publicKeyText))
    const plain = await crypto.subtle.decrypt(
      {
        name: 'AES-GCM',
        iv: iv as BufferSource,
        additionalData: associatedData(context, keys.publicKeyText) as BufferSource,
      },
      key,
      ciphertext as BufferSource,
    )
    return new Uint8Array(plain)
  } catch {
    return null
  }
}
