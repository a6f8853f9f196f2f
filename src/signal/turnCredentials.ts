/**
 * Short-lived TURN credentials in coturn's REST-API scheme (`use-auth-secret`): the username is
 * the expiry time in Unix seconds (optionally ":" and a label), the password is the base64
 * HMAC-SHA1 of the username keyed with the secret shared with coturn. coturn checks both and
 * refuses expired or forged ones, so the host hands out credentials without a user database and
 * the app bundle never contains any.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { RateLimiter } from './brokerRules.ts'
import { TrustedProxies, clientAddress } from './clientAddress.ts'

export interface TurnCredentials {
  username: string
  credential: string
  /** Epoch milliseconds after which coturn refuses them. */
  expiresAt: number
}

export function mintTurnCredentials(
  secret: string,
  options: { now: number; ttlSeconds: number; label?: string },
): TurnCredentials {
  const expiry = Math.floor(options.now / 1000) + options.ttlSeconds
  const username = options.label === undefined ? String(expiry) : `${expiry}:${options.label}`
  const credential = createHmac('sha1', secret).update(username).digest('base64')
  return { username, credential, expiresAt: expiry * 1000 }
}

/** Checks credentials as coturn does (used by tests and by the host's own health check). */
export function checkTurnCredentials(
  secret: string,
  username: string,
  credential: string,
  now: number,
): boolean {
  const expiry = Number(username.split(':')[0])
  if (!Number.isFinite(expiry) || expiry * 1000 <= now) return false
  const expected = Buffer.from(createHmac('sha1', secret).update(username).digest('base64'))
  const given = Buffer.from(credential)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

export interface TurnEndpointOptions {
  secret: string
  /** turn:/turns: URLs of the community's coturn servers. */
  turnUrls: string[]
  /** stun: URLs handed out beside them (usually the same coturn servers). */
  stunUrls: string[]
  ttlSeconds: number
  /** When set, a request must carry it (header `x-tend-passphrase`). */
  passphrase: string | null
  /** Credential requests allowed per client address per minute (with the passphrase, if set). */
  perMinute: number
  /**
   * Requests with a missing or wrong passphrase allowed per client address per minute. Counted
   * apart, so guessing neither uses up the members' budget nor goes on unchecked. Default 10.
   */
  failedPerMinute?: number
  /** Reverse proxies whose X-Forwarded-For is believed (see clientAddress.ts); none if unset. */
  trustedProxies?: readonly string[]
  now?: () => number
}

export const TURN_CREDENTIALS_PATH = '/turn-credentials'

function samePassphrase(given: string | string[] | undefined, expected: string): boolean {
  if (typeof given !== 'string') return false
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * The host's endpoint: GET /turn-credentials → `{ iceServers, expiresAt }`. Refuses requests
 * without the community passphrase when one is configured. Two budgets per client address: one
 * for requests that carry the passphrase (or all, when none is set), one for those that do not.
 * Returns a route handler for `startHost` (true when it answered).
 */
export function turnCredentialsRoute(
  options: TurnEndpointOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const limiter = new RateLimiter(options.perMinute, 60_000)
  const failures = new RateLimiter(options.failedPerMinute ?? 10, 60_000)
  const trusted = new TrustedProxies(options.trustedProxies ?? [])
  const now = options.now ?? (() => Date.now())
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path !== TURN_CREDENTIALS_PATH) return false
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-store' }
    if (req.method !== 'GET') {
      res.writeHead(405, headers).end(JSON.stringify({ error: 'use GET' }))
      return true
    }
    const address = clientAddress(req, trusted)
    const tooMany = () =>
      res
        .writeHead(429, { ...headers, 'retry-after': '60' })
        .end(JSON.stringify({ error: 'too many requests' }))
    if (
      options.passphrase !== null &&
      !samePassphrase(req.headers['x-tend-passphrase'], options.passphrase)
    ) {
      if (!failures.allow(address, now())) tooMany()
      else
        res
          .writeHead(401, headers)
          .end(JSON.stringify({ error: 'this community needs its passphrase' }))
      return true
    }
    if (!limiter.allow(address, now())) {
      tooMany()
      return true
    }
    const minted = mintTurnCredentials(options.secret, {
      now: now(),
      ttlSeconds: options.ttlSeconds,
      label: 'tend',
    })
    const iceServers = [
      ...(options.stunUrls.length > 0 ? [{ urls: options.stunUrls }] : []),
      ...(options.turnUrls.length > 0
        ? [{ urls: options.turnUrls, username: minted.username, credential: minted.credential }]
        : []),
    ]
    res.writeHead(200, headers).end(JSON.stringify({ iceServers, expiresAt: minted.expiresAt }))
    return true
  }
}
