import { describe, expect, it } from 'vitest'
import {
  ARCHIVE_VERSION,
  ArchiveError,
  decodeArchive,
  encodeArchive,
  isArchive,
  isSealed,
  type ArchiveContents,
} from '../../../src/adapters/files/podArchive.ts'

const contents: ArchiveContents = {
  podUrl: 'automerge:4NMNnkMhL8jXrdJ9jamS58PAVdXu',
  podName: 'Wednesday organisers',
  savedAt: Date.UTC(2026, 2, 4, 18),
  pod: new Uint8Array([1, 2, 3, 4, 5]),
  notes: [
    { meetingId: 'm1', bytes: new Uint8Array([9, 8, 7]) },
    { meetingId: 'm2', bytes: new Uint8Array([]) },
  ],
  deviceLink: null,
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise
  } catch (e) {
    expect(e).toBeInstanceOf(ArchiveError)
    return (e as Error).message
  }
  throw new Error('the file was accepted')
}

describe('the whole-pod file', () => {
  it('gives back every document it holds', async () => {
    const bytes = await encodeArchive(contents, null)
    expect(isArchive(bytes)).toBe(true)
    expect(isSealed(bytes)).toBe(false)
    expect(await decodeArchive(bytes, null)).toEqual(contents)
  })

  it('sealed with a passphrase, opens only with it, and carries a device link', async () => {
    const linked = { ...contents, deviceLink: 'https://tend.example/#/join/abc' }
    const bytes = await encodeArchive(linked, 'correct horse')
    expect(isSealed(bytes)).toBe(true)
    // Nothing of the pod is readable in a sealed file.
    const text = new TextDecoder().decode(bytes)
    expect(text).not.toContain('Wednesday')
    expect(text).not.toContain('join')
    expect(await decodeArchive(bytes, 'correct horse')).toEqual(linked)
    expect(await refusal(decodeArchive(bytes, 'wrong horse'))).toMatch(/passphrase does not open/)
    expect(await refusal(decodeArchive(bytes, null))).toMatch(/sealed with a passphrase/)
  })

  it('never writes a device link into a file without a passphrase', async () => {
    const linked = { ...contents, deviceLink: 'https://tend.example/#/join/abc' }
    expect(await refusal(encodeArchive(linked, null))).toMatch(
      /only saved in a file with a passphrase/,
    )
  })

  it('refuses a file cut short at any point, plain or sealed', async () => {
    for (const phrase of [null, 'pass']) {
      const bytes = await encodeArchive(contents, phrase)
      for (const keep of [0, 4, 9, 10, 20, bytes.length - 33, bytes.length - 1]) {
        const message = await refusal(decodeArchive(bytes.slice(0, keep), phrase))
        expect(message).toMatch(/incomplete|not a Tend pod file|does not open|changed/)
      }
    }
  })

  it('refuses a file with any byte changed', async () => {
    const plain = await encodeArchive(contents, null)
    for (let i = 10; i < plain.length; i += 7) {
      const bent = plain.slice()
      bent[i] = (bent[i] ?? 0) ^ 0x40
      expect(await refusal(decodeArchive(bent, null))).toMatch(/changed|incomplete/)
    }
    const sealed = await encodeArchive(contents, 'pass')
    const bent = sealed.slice()
    bent[sealed.length - 5] = (bent[sealed.length - 5] ?? 0) ^ 1
    expect(await refusal(decodeArchive(bent, 'pass'))).toMatch(/does not open the file/)
  })

  it('refuses a file that is not one, and one from a newer Tend', async () => {
    expect(await refusal(decodeArchive(new TextEncoder().encode('hello'), null))).toMatch(
      /not a Tend pod file/,
    )
    const newer = await encodeArchive(contents, null)
    newer[8] = ARCHIVE_VERSION + 1
    expect(await refusal(decodeArchive(newer, null))).toMatch(/newer version of Tend/)
  })
})
