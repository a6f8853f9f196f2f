import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import {
  checkTurnCredentials,
  mintTurnCredentials,
  turnCredentialsRoute,
  type TurnEndpointOptions,
} from '../../../src/signal/turnCredentials.ts'

const NOW = Date.UTC(2026, 10, 25, 12)
const SECRET = 'community-shared-secret'

describe('TURN credentials (coturn REST-API scheme)', () => {
  it('use the expiry time as the username and the HMAC-SHA1 of it as the password', () => {
    const c = mintTurnCredentials(SECRET, { now: NOW, ttlSeconds: 3600, label: 'tend' })
    const expiry = NOW / 1000 + 3600
    expect(c.username).toBe(`${expiry}:tend`)
    expect(c.credential).toBe(createHmac('sha1', SECRET).update(`${expiry}:tend`).digest('base64'))
    expect(c.expiresAt).toBe(expiry * 1000)
  })

  it('are accepted until they expire, and refused when forged or expired', () => {
    const c = mintTurnCredentials(SECRET, { now: NOW, ttlSeconds: 60 })
    expect(checkTurnCredentials(SECRET, c.username, c.credential, NOW)).toBe(true)
    expect(checkTurnCredentials(SECRET, c.username, c.credential, NOW + 61_000)).toBe(false)
    expect(checkTurnCredentials('another secret', c.username, c.credential, NOW)).toBe(false)
    const later = String(Number(c.username) + 3600)
    expect(checkTurnCredentials(SECRET, later, c.credential, NOW)).toBe(false)
  })
})

describe('the credential endpoint', () => {
  let close = () => {}
  afterEach(() => close())

  async function serve(overrides: Partial<TurnEndpointOptions> = {}) {
    let now = NOW
    const route = turnCredentialsRoute({
      secret: SECRET,
      turnUrls: ['turn:192.0.2.10:3478?transport=udp'],
      stunUrls: ['stun:192.0.2.10:3478'],
      ttlSeconds: 600,
      passphrase: null,
      perMinute: 3,
      failedPerMinute: 2,
      now: () => now,
      ...overrides,
    })
    const server = createServer((req, res) => {
      if (!route(req, res)) res.writeHead(404).end()
    })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    close = () => server.close()
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    return { base, advance: (ms: number) => (now += ms) }
  }

  it('hands out STUN and TURN servers with fresh credentials', async () => {
    const { base } = await serve()
    const res = await fetch(`${base}/turn-credentials`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      iceServers: { urls: string[]; username?: string; credential?: string }[]
      expiresAt: number
    }
    expect(body.expiresAt).toBe(NOW + 600_000)
    expect(body.iceServers[0]).toEqual({ urls: ['stun:192.0.2.10:3478'] })
    const turn = body.iceServers[1]
    expect(turn?.urls).toEqual(['turn:192.0.2.10:3478?transport=udp'])
    expect(checkTurnCredentials(SECRET, turn?.username ?? '', turn?.credential ?? '', NOW)).toBe(
      true,
    )
  })

  it('limits requests per address per minute', async () => {
    const { base, advance } = await serve()
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${base}/turn-credentials`)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    advance(60_000)
    expect((await fetch(`${base}/turn-credentials`)).status).toBe(200)
  })

  it('requires the community passphrase when one is set', async () => {
    const { base } = await serve({ passphrase: 'our garden' })
    expect((await fetch(`${base}/turn-credentials`)).status).toBe(401)
    const res = await fetch(`${base}/turn-credentials`, {
      headers: { 'x-tend-passphrase': 'our garden' },
    })
    expect(res.status).toBe(200)
  })

  // Regression: wrong passphrases counted against the same budget as good requests, so anyone
  // sharing an address with members (or knocking from it) could lock them out.
  it('counts wrong passphrases apart from the requests of members who have it', async () => {
    const { base, advance } = await serve({ passphrase: 'our garden' })
    const ask = (passphrase: string) =>
      fetch(`${base}/turn-credentials`, { headers: { 'x-tend-passphrase': passphrase } }).then(
        (r) => r.status,
      )
    const wrong = []
    for (let i = 0; i < 5; i++) wrong.push(await ask('guess'))
    expect(wrong).toEqual([401, 401, 429, 429, 429])
    const right = []
    for (let i = 0; i < 4; i++) right.push(await ask('our garden'))
    expect(right).toEqual([200, 200, 200, 429])
    advance(60_000)
    expect(await ask('guess')).toBe(401)
  })

  it('takes the address from X-Forwarded-For only when a trusted proxy sent it', async () => {
    const from = (base: string, address: string) =>
      fetch(`${base}/turn-credentials`, { headers: { 'x-forwarded-for': address } }).then(
        (r) => r.status,
      )
    const proxied = await serve({ trustedProxies: ['127.0.0.1', '::1'] })
    const first = []
    for (let i = 0; i < 4; i++) first.push(await from(proxied.base, '203.0.113.1'))
    expect(first).toEqual([200, 200, 200, 429])
    // Another member behind the same proxy has a budget of their own.
    expect(await from(proxied.base, '203.0.113.2')).toBe(200)
    // What the client wrote left of the proxy's entry does not count.
    expect(await from(proxied.base, '198.51.100.9, 203.0.113.1')).toBe(429)
    close()

    // Without trusted proxies, a spoofed header changes nothing: all are 127.0.0.1.
    const direct = await serve()
    const spoofed = []
    for (let i = 0; i < 4; i++) spoofed.push(await from(direct.base, `203.0.113.${10 + i}`))
    expect(spoofed).toEqual([200, 200, 200, 429])
  })
})
