import { describe, expect, it } from 'vitest'
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo'
import {
  InviteError,
  checkInviteProof,
  decodeInvite,
  encodeInvite,
  inviteProof,
  type Invite,
} from '../../../src/adapters/network/invite.ts'
import { deriveRoomKeys, podMac } from '../../../src/adapters/crypto/roomKeys.ts'
import { fromBase64Url, randomBytes, toBase64Url } from '../../../src/adapters/crypto/encoding.ts'

const NOW = Date.UTC(2026, 10, 25)
const BASE = 'https://tend.example.org/app/'

function invite(overrides: Partial<Invite> = {}): Invite {
  return {
    inviteId: 'inv1',
    documentId: parseAutomergeUrl(generateAutomergeUrl()).documentId,
    secret: toBase64Url(randomBytes(32)),
    podName: 'Thursday circle',
    invitedBy: 'Amara',
    expiresAt: NOW + 1000,
    connection: {
      signalingUrls: ['wss://tend.example.org/mqtt'],
      iceServers: [{ urls: 'stun:tend.example.org' }],
      iceEndpoint: null,
      passphrase: null,
    },
    forMember: null,
    ...overrides,
  }
}

/** Rewrites one field of an encoded link's JSON, keeping the old MAC. */
function tamper(link: string, change: (wire: Record<string, unknown>) => void): string {
  const [head, payload] = link.split('#/join/') as [string, string]
  const wire = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as Record<
    string,
    unknown
  >
  change(wire)
  return `${head}#/join/${toBase64Url(new TextEncoder().encode(JSON.stringify(wire)))}`
}

/** MACs a tampered link again with the pod secret it carries, as anyone holding it can. */
async function reMac(link: string, secret: string): Promise<string> {
  const [, payload] = link.split('#/join/') as [string, string]
  const wire = JSON.parse(new TextDecoder().decode(fromBase64Url(payload))) as Record<string, never>
  const canonical = JSON.stringify(
    ['v', 'id', 'doc', 'sec', 'pod', 'by', 'exp', 'sig', 'ice', 'iceEp'].map((k) => wire[k]),
  )
  const mac = await podMac(secret, canonical)
  return tamper(link, (w) => {
    w['mac'] = mac
  })
}

describe('invite links', () => {
  it('round-trip everything, with the secret only in the fragment', async () => {
    const original = invite()
    const link = await encodeInvite(original, BASE)
    expect(link.startsWith(`${BASE}#/join/`)).toBe(true)
    expect(new URL(link).pathname + new URL(link).search).not.toContain(original.secret)
    expect(await decodeInvite(link, NOW)).toEqual(original)
  })

  it('carries a device link’s member, and reads links without one as before', async () => {
    const device = invite({ forMember: 'Amara' })
    const link = await encodeInvite(device, BASE)
    expect((await decodeInvite(link, NOW)).forMember).toBe('Amara')
    // Changing whose device it links is a change like any other.
    const changed = tamper(link, (wire) => {
      wire['for'] = 'Mallory'
    })
    await expect(decodeInvite(changed, NOW)).rejects.toThrow(/changed after it was made/)
    const plain = await encodeInvite(invite(), BASE)
    const wire = JSON.parse(
      Buffer.from(fromBase64Url(plain.split('#/join/')[1] ?? '')).toString(),
    ) as Record<string, unknown>
    expect(Object.hasOwn(wire, 'for')).toBe(false)
    expect((await decodeInvite(plain, NOW)).forMember).toBeNull()
  })

  it('carries ICE server addresses but never their credentials', async () => {
    const link = await encodeInvite(
      invite({
        connection: {
          signalingUrls: ['wss://h/mqtt'],
          iceServers: [{ urls: 'turn:h:3478', username: 'u', credential: 'secret-pass' }],
          iceEndpoint: 'https://h/turn-credentials',
          passphrase: 'our garden',
        },
      }),
      BASE,
    )
    expect(Buffer.from(fromBase64Url(link.split('#/join/')[1] ?? '')).toString()).not.toContain(
      'secret-pass',
    )
    const decoded = await decodeInvite(link, NOW)
    // A TURN relay is useless without credentials: only STUN addresses travel.
    expect(decoded.connection.iceServers).toEqual([])
    expect(decoded.connection.iceEndpoint).toBe('https://h/turn-credentials')
    expect(decoded.connection.passphrase).toBeNull()
    expect(Buffer.from(fromBase64Url(link.split('#/join/')[1] ?? '')).toString()).not.toContain(
      'our garden',
    )
  })

  it('refuses a changed link with a clear message', async () => {
    const link = await encodeInvite(invite(), BASE)
    const renamed = tamper(link, (w) => (w['pod'] = 'Somewhere else'))
    await expect(decodeInvite(renamed, NOW)).rejects.toThrow('changed after it was made')
    const redirected = tamper(link, (w) => (w['sig'] = ['wss://attacker.example/mqtt']))
    await expect(decodeInvite(redirected, NOW)).rejects.toThrow('changed after it was made')
    const rekeyed = tamper(link, (w) => (w['sec'] = toBase64Url(randomBytes(32))))
    await expect(decodeInvite(rekeyed, NOW)).rejects.toThrow('changed after it was made')
  })

  it('refuses a link whose connection settings a browser could not use', async () => {
    const secret = toBase64Url(randomBytes(32))
    // Made by hand (or by a hostile member) with the right secret, so its MAC holds.
    for (const [iceServers, iceEndpoint, why] of [
      [[{ urls: 'turn:evil.example:3478' }], null, /TURN relay is named without its credentials/],
      [[], 'not a url', /not a web address/],
      [[{ urls: 'https://evil.example' }], null, /not a stun: or turn: address/],
    ] as const) {
      const link = await encodeInvite(invite({ secret }), BASE)
      const hostile = tamper(link, (wire) => {
        wire['ice'] = iceServers
        wire['iceEp'] = iceEndpoint
      })
      const resigned = await reMac(hostile, secret)
      await expect(decodeInvite(resigned, NOW)).rejects.toThrow(InviteError)
      await expect(decodeInvite(resigned, NOW)).rejects.toThrow(why)
      await expect(decodeInvite(resigned, NOW)).rejects.toThrow(/other pods are untouched/)
    }
  })

  it('says a cut-off link is incomplete', async () => {
    const link = await encodeInvite(invite(), BASE)
    await expect(decodeInvite(link.slice(0, link.length - 25), NOW)).rejects.toThrow(/incomplete/)
    await expect(decodeInvite(link.slice(0, link.length - 25), NOW)).rejects.toBeInstanceOf(
      InviteError,
    )
  })

  it('says a foreign link is not a Tend invite', async () => {
    await expect(decodeInvite('https://example.org/#/somewhere', NOW)).rejects.toThrow(
      'not a Tend invite',
    )
    const other = `${BASE}#/join/${toBase64Url(new TextEncoder().encode(JSON.stringify({ v: 7, x: 1 })))}`
    await expect(decodeInvite(other, NOW)).rejects.toThrow('not a Tend invite')
  })

  it('refuses an expired invite', async () => {
    const link = await encodeInvite(invite({ expiresAt: NOW - 1 }), BASE)
    await expect(decodeInvite(link, NOW)).rejects.toThrow(/expired/)
  })

  it('refuses a link whose pod key is not 32 bytes', async () => {
    const link = await encodeInvite(invite(), BASE)
    const short = tamper(link, (w) => (w['sec'] = toBase64Url(randomBytes(16))))
    await expect(decodeInvite(short, NOW)).rejects.toThrow('pod key is not whole')
  })
})

describe('invite proofs', () => {
  it('hold only with the pod secret and before expiry', async () => {
    const secret = toBase64Url(randomBytes(32))
    const mac = await inviteProof({ inviteId: 'i', expiresAt: NOW + 10, secret })
    expect(await checkInviteProof(secret, { inviteId: 'i', expiresAt: NOW + 10, mac }, NOW)).toBe(
      true,
    )
    expect(await checkInviteProof(secret, { inviteId: 'j', expiresAt: NOW + 10, mac }, NOW)).toBe(
      false,
    )
    expect(await checkInviteProof(secret, { inviteId: 'i', expiresAt: NOW + 11, mac }, NOW)).toBe(
      false,
    )
    expect(
      await checkInviteProof(secret, { inviteId: 'i', expiresAt: NOW + 10, mac }, NOW + 11),
    ).toBe(false)
    const other = toBase64Url(randomBytes(32))
    expect(await checkInviteProof(other, { inviteId: 'i', expiresAt: NOW + 10, mac }, NOW)).toBe(
      false,
    )
  })
})

describe('room keys', () => {
  it('are derived deterministically from the pod secret and differ per pod', async () => {
    const secret = toBase64Url(new Uint8Array(32).fill(7))
    const keys = await deriveRoomKeys(secret)
    expect(await deriveRoomKeys(secret)).toEqual(keys)
    expect(keys.appId).toMatch(/^tend-[0-9a-f]{32}$/)
    expect(keys.roomId).toMatch(/^[0-9a-f]{64}$/)
    expect(fromBase64Url(keys.password)).toHaveLength(32)
    expect(new Set([keys.appId, keys.roomId, keys.password]).size).toBe(3)
    const other = await deriveRoomKeys(toBase64Url(new Uint8Array(32).fill(8)))
    expect(other.appId).not.toBe(keys.appId)
    expect(other.roomId).not.toBe(keys.roomId)
    expect(other.password).not.toBe(keys.password)
  })

  it('refuse a secret of the wrong size', async () => {
    await expect(deriveRoomKeys(toBase64Url(new Uint8Array(31)))).rejects.toThrow('32 bytes')
  })
})
