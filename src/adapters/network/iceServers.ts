/**
 * Where a pod's ICE servers come from. A pod's connection settings may name STUN/TURN URLs
 * directly (no credentials) and an endpoint on the community's host that hands out short-lived
 * TURN credentials (coturn's REST-API scheme). Credentials are cached until shortly before they
 * expire; when the host cannot be reached, unexpired cached ones are used, else the pod's plain
 * servers — the app keeps working from storage either way.
 */
import { usableIceServers } from './connectionSettings.ts'
import type { ConnectionSettings } from '../device/deviceStore.ts'

export interface IceGrant {
  iceServers: RTCIceServer[]
  /** Epoch ms; after it coturn refuses the credentials. */
  expiresAt: number
}

/** Credentials are renewed this long before they expire. */
export const RENEW_BEFORE_MS = 10 * 60 * 1000
const FETCH_TIMEOUT_MS = 5000

export interface IceSource {
  /** ICE servers to create connections with now. */
  serversFor(connection: ConnectionSettings): Promise<RTCIceServer[]>
  /** When the credentials in use for `connection` should be renewed (epoch ms), or null. */
  renewAt(connection: ConnectionSettings): number | null
  /** Forgets cached credentials (for example after coturn refused them). */
  forget(connection: ConnectionSettings): void
}

/** Where credentials are kept between visits, so a pod opened offline still has its relay. */
export interface GrantStore {
  load(key: string): IceGrant | null
  save(key: string, grant: IceGrant | null): void
}

/** Keeps grants in this device's localStorage (never synced); nothing when it is unavailable. */
export function localGrantStore(): GrantStore {
  const name = (key: string) => `tend-ice-grant:${key}`
  return {
    load(key) {
      try {
        const raw = globalThis.localStorage?.getItem(name(key))
        if (raw === null || raw === undefined) return null
        const grant = JSON.parse(raw) as { iceServers?: unknown; expiresAt?: unknown }
        if (!Array.isArray(grant.iceServers) || typeof grant.expiresAt !== 'number') return null
        return { iceServers: usableIceServers(grant.iceServers), expiresAt: grant.expiresAt }
      } catch {
        return null
      }
    },
    save(key, grant) {
      try {
        if (grant === null) globalThis.localStorage?.removeItem(name(key))
        else globalThis.localStorage?.setItem(name(key), JSON.stringify(grant))
      } catch {
        // Full or unavailable storage: the grant lives in memory only.
      }
    },
  }
}

export function createIceSource(
  fetchJson: (url: string, init: RequestInit) => Promise<unknown> = async (url, init) => {
    const res = await fetch(url, init)
    if (!res.ok) throw new Error(`the host answered ${res.status}`)
    return res.json()
  },
  now: () => number = () => Date.now(),
  /** Whether the relay accepts a grant's credentials (see relayProbe.ts); true when absent. */
  probe: (servers: RTCIceServer[]) => Promise<boolean> = async () => true,
  store: GrantStore | null = null,
  /** Whether the device has a network at all (a check of kept credentials would only wait). */
  online: () => boolean = () => globalThis.navigator?.onLine !== false,
): IceSource {
  const grants = new Map<string, IceGrant>()
  // Credentials kept from an earlier visit are checked against the relay once before use:
  // the host's secret or this device's clock may have changed since.
  const unchecked = new Set<string>()
  const cachedGrant = (k: string): IceGrant | undefined => {
    const inMemory = grants.get(k)
    if (inMemory !== undefined) return inMemory
    const stored = store?.load(k) ?? null
    if (stored === null) return undefined
    grants.set(k, stored)
    unchecked.add(k)
    return stored
  }
  const key = (c: ConnectionSettings) => c.iceEndpoint ?? ''

  async function fetchGrant(connection: ConnectionSettings): Promise<IceGrant | null> {
    if (connection.iceEndpoint === null) return null
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS)
    try {
      const headers: Record<string, string> = {}
      if (connection.passphrase !== null && connection.passphrase !== undefined) {
        headers['x-tend-passphrase'] = connection.passphrase
      }
      const body = (await fetchJson(connection.iceEndpoint, {
        headers,
        signal: controller.signal,
        cache: 'no-store',
      })) as {
        iceServers?: unknown
        expiresAt?: unknown
      }
      if (!Array.isArray(body.iceServers) || typeof body.expiresAt !== 'number') return null
      return { iceServers: usableIceServers(body.iceServers), expiresAt: body.expiresAt }
    } catch {
      return null
    } finally {
      clearTimeout(timer)
    }
  }

  return {
    async serversFor(connection) {
      const k = key(connection)
      const cached = cachedGrant(k)
      if (cached !== undefined && cached.expiresAt - RENEW_BEFORE_MS > now()) {
        if (!unchecked.delete(k) || !online() || (await probe(cached.iceServers)))
          return cached.iceServers
        const replaced = await fetchGrant(connection)
        if (replaced === null) return cached.iceServers
        grants.set(k, replaced)
        store?.save(k, replaced)
        return replaced.iceServers
      }
      let fresh = await fetchGrant(connection)
      // A relay that refuses the credentials (forged, expired, a clock out of step) gets one
      // more request; if it still refuses, the relay itself may be down: use what we have.
      if (fresh !== null && !(await probe(fresh.iceServers)))
        fresh = (await fetchGrant(connection)) ?? fresh
      if (fresh !== null) {
        grants.set(key(connection), fresh)
        store?.save(key(connection), fresh)
        return fresh.iceServers
      }
      if (cached !== undefined && cached.expiresAt > now()) return cached.iceServers
      return connection.iceServers
    },
    renewAt(connection) {
      const grant = grants.get(key(connection))
      return grant === undefined ? null : grant.expiresAt - RENEW_BEFORE_MS
    },
    forget(connection) {
      grants.delete(key(connection))
      store?.save(key(connection), null)
    },
  }
}

/** What the serving host offers new pods (GET /tend-host.json), as absolute settings. */
export async function hostConnectionDefaults(
  origin: string,
  fetchJson = async (url: string) =>
    (await fetch(url, { cache: 'no-store' })).json() as Promise<unknown>,
): Promise<ConnectionSettings> {
  const ws = origin.replace(/^http/, 'ws')
  const fallback: ConnectionSettings = {
    signalingUrls: [`${ws}/mqtt`],
    iceServers: [],
    iceEndpoint: null,
    passphrase: null,
  }
  try {
    const info = (await fetchJson(`${origin}/tend-host.json`)) as {
      signalingPath?: unknown
      iceEndpointPath?: unknown
    }
    const signalingPath = typeof info.signalingPath === 'string' ? info.signalingPath : '/mqtt'
    const endpoint =
      typeof info.iceEndpointPath === 'string' ? `${origin}${info.iceEndpointPath}` : null
    return {
      signalingUrls: [`${ws}${signalingPath}`],
      iceServers: [],
      iceEndpoint: endpoint,
      passphrase: null,
    }
  } catch {
    return fallback
  }
}
