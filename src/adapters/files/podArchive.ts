/**
 * The whole-pod file ("Save the whole pod"): the pod document and every meeting's notes
 * document, as Automerge binaries, in one versioned container, optionally sealed with a
 * passphrase. The format (all integers big-endian):
 *
 *     "TENDPOD" 0x00            8 bytes, the magic
 *     version                   1 byte (1)
 *     flags                     1 byte (bit 0: sealed with a passphrase)
 *     plain:  body, then SHA-256(body)            32 bytes, so a cut or changed file is caught
 *     sealed: log2 N, r, p      3 bytes (scrypt's cost), salt 16 bytes, iv 12 bytes,
 *             AES-256-GCM(body) with the key scrypt(passphrase, salt) and the header as
 *             associated data
 *     body:   manifest length   4 bytes, manifest (UTF-8 JSON), then each document's bytes in
 *             the manifest's order
 *
 * The manifest: `{ "format": "tend-pod", "version": 1, "podUrl", "podName", "savedAt",
 * "documents": [{ "role": "pod" | "notes", "meetingId"?, "length" }], "deviceLink"? }`.
 * A device link (an invite for one device of the member who saved) is only ever written into a
 * sealed file: it is a key to the pod for its lifetime.
 *
 * Everything read from a file is checked before anything is used: a file that is not one, is
 * cut short, was changed, was saved by a newer Tend, or is opened with the wrong passphrase is
 * refused with a plain `ArchiveError`.
 */
import { scryptAsync } from '@noble/hashes/scrypt'

export interface ArchiveContents {
  podUrl: string
  podName: string
  savedAt: number
  pod: Uint8Array
  notes: { meetingId: string; bytes: Uint8Array }[]
  /** A device link for the member who saved (sealed files only). */
  deviceLink: string | null
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError'
}

const MAGIC = new Uint8Array([0x54, 0x45, 0x4e, 0x44, 0x50, 0x4f, 0x44, 0x00])
export const ARCHIVE_VERSION = 1
const SEALED = 1
/** scrypt's cost: 2^15 × 8 × 128 bytes = 32 MiB of memory, about a second on a phone. */
const KDF = { logN: 15, r: 8, p: 1 }
const MAX_LOG_N = 20
const NOT_A_POD = 'This file is not a Tend pod file. Nothing was changed.'
const CUT_SHORT = 'This pod file is incomplete (it was cut short). Nothing was changed.'
const CHANGED = 'This pod file was changed or damaged after it was saved. Nothing was changed.'

/** The file name a pod's whole-pod file is offered under. */
export function archiveFileName(podName: string): string {
  const safe = podName.replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-|-$/g, '') || 'pod'
  return `${safe}.tendpod`
}

/** Whether `bytes` start like a whole-pod file (else it may be an older bare pod file). */
export function isArchive(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b)
}

/** Whether a whole-pod file needs a passphrase to open. */
export function isSealed(bytes: Uint8Array): boolean {
  return isArchive(bytes) && bytes.length > 9 && ((bytes[9] ?? 0) & SEALED) !== 0
}

const sha256 = async (bytes: Uint8Array) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as BufferSource))

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, n)
  return out
}

async function sealingKey(
  passphrase: string,
  salt: Uint8Array,
  kdf: typeof KDF,
): Promise<CryptoKey> {
  const raw = await scryptAsync(passphrase.normalize('NFC'), salt, {
    N: 2 ** kdf.logN,
    r: kdf.r,
    p: kdf.p,
    dkLen: 32,
  })
  return crypto.subtle.importKey('raw', raw as BufferSource, 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ])
}

function encodeBody(contents: ArchiveContents): Uint8Array {
  const documents = [
    { role: 'pod', length: contents.pod.length },
    ...contents.notes.map((n) => ({
      role: 'notes',
      meetingId: n.meetingId,
      length: n.bytes.length,
    })),
  ]
  const manifest = new TextEncoder().encode(
    JSON.stringify({
      format: 'tend-pod',
      version: ARCHIVE_VERSION,
      podUrl: contents.podUrl,
      podName: contents.podName,
      savedAt: contents.savedAt,
      documents,
      ...(contents.deviceLink === null ? {} : { deviceLink: contents.deviceLink }),
    }),
  )
  return concat([
    u32(manifest.length),
    manifest,
    contents.pod,
    ...contents.notes.map((n) => n.bytes),
  ])
}

/** Writes a whole-pod file; sealed with `passphrase` when one is given (not empty). */
export async function encodeArchive(
  contents: ArchiveContents,
  passphrase: string | null,
): Promise<Uint8Array> {
  const sealed = passphrase !== null && passphrase !== ''
  if (!sealed && contents.deviceLink !== null)
    throw new ArchiveError('A device link is only saved in a file with a passphrase.')
  const body = encodeBody(contents)
  const head = concat([MAGIC, new Uint8Array([ARCHIVE_VERSION, sealed ? SEALED : 0])])
  if (!sealed) return concat([head, body, await sha256(body)])
  const salt = crypto.getRandomValues(new Uint8Array(16))
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const header = concat([head, new Uint8Array([KDF.logN, KDF.r, KDF.p]), salt, iv])
  const key = await sealingKey(passphrase, salt, KDF)
  const cipher = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv: iv as BufferSource, additionalData: header as BufferSource },
    key,
    body as BufferSource,
  )
  return concat([header, new Uint8Array(cipher)])
}

type Json = Record<string, unknown>

function parseBody(body: Uint8Array): ArchiveContents {
  if (body.length < 4) throw new ArchiveError(CUT_SHORT)
  const length = new DataView(body.buffer, body.byteOffset).getUint32(0)
  if (4 + length > body.length) throw new ArchiveError(CUT_SHORT)
  let manifest: Json
  try {
    const parsed: unknown = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(4, 4 + length)),
    )
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error()
    manifest = parsed as Json
  } catch {
    throw new ArchiveError(CHANGED)
  }
  if (manifest['format'] !== 'tend-pod') throw new ArchiveError(NOT_A_POD)
  const { podUrl, podName, savedAt, documents, deviceLink } = manifest
  if (
    typeof podUrl !== 'string' ||
    typeof podName !== 'string' ||
    typeof savedAt !== 'number' ||
    !Array.isArray(documents) ||
    (deviceLink !== undefined && typeof deviceLink !== 'string')
  )
    throw new ArchiveError(CHANGED)
  let at = 4 + length
  let pod: Uint8Array | null = null
  const notes: ArchiveContents['notes'] = []
  const seen = new Set<string>()
  for (const entry of documents as unknown[]) {
    const d = (typeof entry === 'object' && entry !== null ? entry : {}) as Json
    const size = d['length']
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
      throw new ArchiveError(CHANGED)
    if (at + size > body.length) throw new ArchiveError(CUT_SHORT)
    const bytes = body.slice(at, at + size)
    at += size
    if (d['role'] === 'pod' && pod === null) pod = bytes
    else if (
      d['role'] === 'notes' &&
      typeof d['meetingId'] === 'string' &&
      !seen.has(d['meetingId'])
    ) {
      seen.add(d['meetingId'])
      notes.push({ meetingId: d['meetingId'], bytes })
    } else throw new ArchiveError(CHANGED)
  }
  if (pod === null || at !== body.length) throw new ArchiveError(CHANGED)
  return { podUrl, podName, savedAt, pod, notes, deviceLink: deviceLink ?? null }
}

/**
 * Reads a whole-pod file. `passphrase` is needed for a sealed one (see `isSealed`). Throws an
 * `ArchiveError` with a message for the person for anything that is not a whole, unchanged
 * file this Tend can read.
 */
export async function decodeArchive(
  bytes: Uint8Array,
  passphrase: string | null,
): Promise<ArchiveContents> {
  if (!isArchive(bytes)) throw new ArchiveError(NOT_A_POD)
  if (bytes.length < 10) throw new ArchiveError(CUT_SHORT)
  const version = bytes[8] ?? 0
  if (version > ARCHIVE_VERSION)
    throw new ArchiveError(
      'This pod file was saved by a newer version of Tend. Update Tend to open it.',
    )
  if (version < 1) throw new ArchiveError(NOT_A_POD)
  if (((bytes[9] ?? 0) & SEALED) === 0) {
    if (bytes.length < 10 + 32) throw new ArchiveError(CUT_SHORT)
    const body = bytes.subarray(10, bytes.length - 32)
    const digest = await sha256(body)
    const kept = bytes.subarray(bytes.length - 32)
    if (!digest.every((b, i) => b === kept[i])) {
      // A body whose own lengths run past its end was cut short; anything else was changed.
      parseBody(body)
      throw new ArchiveError(CHANGED)
    }
    return parseBody(body)
  }
  if (passphrase === null || passphrase === '')
    throw new ArchiveError('This pod file is sealed with a passphrase. Enter it to open the file.')
  const headerLength = 10 + 3 + 16 + 12
  if (bytes.length < headerLength + 16) throw new ArchiveError(CUT_SHORT)
  const kdf = { logN: bytes[10] ?? 0, r: bytes[11] ?? 0, p: bytes[12] ?? 0 }
  if (kdf.logN < 10 || kdf.logN > MAX_LOG_N || kdf.r < 1 || kdf.r > 16 || kdf.p < 1 || kdf.p > 4)
    throw new ArchiveError(CHANGED)
  const header = bytes.subarray(0, headerLength)
  const salt = bytes.slice(13, 29)
  const iv = bytes.slice(29, 41)
  const key = await sealingKey(passphrase, salt, kdf)
  let body: Uint8Array
  try {
    body = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: iv as BufferSource, additionalData: header as BufferSource },
        key,
        bytes.subarray(headerLength) as BufferSource,
      ),
    )
  } catch {
    throw new ArchiveError(
      'This passphrase does not open the file (or the file was changed). Nothing was changed.',
    )
  }
  return parseBody(body)
}
