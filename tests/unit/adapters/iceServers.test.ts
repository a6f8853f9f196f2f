import { describe, expect, it } from 'vitest'
import {
  RENEW_BEFORE_MS,
  createIceSource,
  type GrantStore,
  type IceGrant,
  hostConnectionDefaults,
} from '../../../src/adapters/network/iceServers.ts'
import type { ConnectionSettings } from '../../../src/adapters/device/deviceStore.ts'

const connection: ConnectionSettings = {
  signalingUrls: ['ws://h/mqtt'],
  iceServers: [{ urls: 'stun:h:3478' }],
  iceEndpoint: 'http://h/turn-credentials',
  passphrase: 'our garden',
}
const HOUR = 3600_000

function fakeHost() {
  let now = 0
  let up = true
  const calls: { url: string; headers: Record<string, string> }[] = []
  const fetchJson = async (url: string, init: RequestInit) => {
    calls.push({ url, headers: init.headers as Record<string, string> })
    if (!up) throw new Error('unreachable')
    return {
      iceServers: [{ urls: ['turn:h:3478'], username: `u${calls.length}`, credential: 'c' }],
      expiresAt: now + HOUR,
    }
  }
  return {
    fetchJson,
    calls,
    clock: () => now,
    advance: (ms: number) => (now += ms),
    setUp: (v: boolean) => (up = v),
  }
}

describe('relay credentials', () => {
  it('are fetched with the passphrase, cached, and renewed shortly before they expire', async () => {
    const host = fakeHost()
    const source = createIceSource(host.fetchJson, host.clock)
    const first = await source.serversFor(connection)
    expect(first).toEqual([{ urls: ['turn:h:3478'], username: 'u1', credential: 'c' }])
    expect(host.calls[0]?.headers).toEqual({ 'x-tend-passphrase': 'our garden' })
    host.advance(HOUR - RENEW_BEFORE_MS - 1)
    expect(await source.serversFor(connection)).toBe(first)
    expect(source.renewAt(connection)).toBe(HOUR - RENEW_BEFORE_MS)
    host.advance(2)
    expect((await source.serversFor(connection))[0]).toMatchObject({ username: 'u2' })
  })

  it('keep working from the cache, then the plain servers, when the host is unreachable', async () => {
    const host = fakeHost()
    const source = createIceSource(host.fetchJson, host.clock)
    await source.serversFor(connection)
    host.setUp(false)
    host.advance(HOUR - RENEW_BEFORE_MS + 1)
    expect((await source.serversFor(connection))[0]).toMatchObject({ username: 'u1' })
    host.advance(RENEW_BEFORE_MS)
    expect(await source.serversFor(connection)).toEqual([{ urls: 'stun:h:3478' }])
  })

  it('survive a reload in this device’s storage, so a pod opened offline still has its relay', async () => {
    const host = fakeHost()
    const saved = new Map<string, IceGrant | null>()
    const store: GrantStore = {
      load: (key) => saved.get(key) ?? null,
      save: (key, grant) => void saved.set(key, grant),
    }
    await createIceSource(host.fetchJson, host.clock, undefined, store).serversFor(connection)
    host.setUp(false)
    const afterReload = createIceSource(host.fetchJson, host.clock, undefined, store)
    expect((await afterReload.serversFor(connection))[0]).toMatchObject({ username: 'u1' })
    expect(afterReload.renewAt(connection)).toBe(HOUR - RENEW_BEFORE_MS)
    expect(host.calls).toHaveLength(1)
    afterReload.forget(connection)
    expect(saved.get('http://h/turn-credentials')).toBeNull()
    expect(await afterReload.serversFor(connection)).toEqual([{ urls: 'stun:h:3478' }])
  })

  it('kept from an earlier visit are checked once, and replaced when the relay refuses them', async () => {
    const host = fakeHost()
    const saved = new Map<string, IceGrant | null>()
    const store: GrantStore = {
      load: (key) => saved.get(key) ?? null,
      save: (key, grant) => void saved.set(key, grant),
    }
    await createIceSource(host.fetchJson, host.clock, undefined, store).serversFor(connection)
    const probed: string[] = []
    const refusesU1 = async (servers: RTCIceServer[]) => {
      probed.push(String(servers[0]?.username))
      return servers.every((s) => s.username !== 'u1')
    }
    const afterReload = createIceSource(host.fetchJson, host.clock, refusesU1, store)
    expect((await afterReload.serversFor(connection))[0]).toMatchObject({ username: 'u2' })
    expect((await afterReload.serversFor(connection))[0]).toMatchObject({ username: 'u2' })
    expect(probed).toEqual(['u1'])
    expect(saved.get('http://h/turn-credentials')?.iceServers[0]).toMatchObject({ username: 'u2' })
    // Offline, kept credentials are used as they are: no check that could only time out.
    const offline = createIceSource(host.fetchJson, host.clock, refusesU1, store, () => false)
    expect((await offline.serversFor(connection))[0]).toMatchObject({ username: 'u2' })
    expect(probed).toEqual(['u1'])
  })

  it('are asked for once more when the relay refuses them', async () => {
    const host = fakeHost()
    const refused = new Set(['u1'])
    const source = createIceSource(host.fetchJson, host.clock, async (servers) =>
      servers.every((s) => !refused.has(s.username ?? '')),
    )
    expect((await source.serversFor(connection))[0]).toMatchObject({ username: 'u2' })
    expect(host.calls).toHaveLength(2)
  })

  it('are fetched again after they were refused', async () => {
    const host = fakeHost()
    const source = createIceSource(host.fetchJson, host.clock)
    await source.serversFor(connection)
    source.forget(connection)
    expect((await source.serversFor(connection))[0]).toMatchObject({ username: 'u2' })
  })

  it('are not asked for when the pod has no endpoint', async () => {
    const host = fakeHost()
    const source = createIceSource(host.fetchJson, host.clock)
    expect(await source.serversFor({ ...connection, iceEndpoint: null })).toEqual([
      { urls: 'stun:h:3478' },
    ])
    expect(host.calls).toEqual([])
  })
})

describe('host defaults for a new pod', () => {
  it('point at the serving host’s broker and credential endpoint', async () => {
    const defaults = await hostConnectionDefaults('https://tend.example.org', async () => ({
      signalingPath: '/mqtt',
      iceEndpointPath: '/turn-credentials',
    }))
    expect(defaults).toEqual({
      signalingUrls: ['wss://tend.example.org/mqtt'],
      iceServers: [],
      iceEndpoint: 'https://tend.example.org/turn-credentials',
      passphrase: null,
    })
  })

  it('fall back to the same host’s broker without a relay when the host does not answer', async () => {
    const defaults = await hostConnectionDefaults('http://192.0.2.10:8080', async () => {
      throw new Error('offline')
    })
    expect(defaults).toEqual({
      signalingUrls: ['ws://192.0.2.10:8080/mqtt'],
      iceServers: [],
      iceEndpoint: null,
      passphrase: null,
    })
  })
})
