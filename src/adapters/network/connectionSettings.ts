/**
 * Whether a pod's connection settings can be used, checked where they enter the device: an
 * invite link, the settings form, a relay host's answer, and once more just before a
 * connection is made. Settings come from whoever made a link, so they are untrusted.
 *
 * What is at stake: Chromium refuses to make any RTCPeerConnection whose ICE server list holds
 * one entry it cannot use (a `turn:` address without credentials, a malformed address), and
 * Trystero makes its ready offers for all rooms together — so one pod's bad entry would stop
 * every pod on the device from connecting. The rules below follow the WebRTC specification's
 * "validate an ICE server" step; anything else is refused with a plain reason.
 */

/** stun:host[:port] / turn:host[:port][?transport=udp|tcp], the shapes browsers accept. */
const ICE_URL =
  /^(stun|stuns|turn|turns):(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?)(?::(\d{1,5}))?(\?transport=(udp|tcp))?$/

/** Longest address or credential kept (a guard against a link stuffed with megabytes). */
const MAX_FIELD = 512
/** Most ICE servers one pod may name. */
export const MAX_ICE_SERVERS = 8
/** Most signaling services one pod may name. */
export const MAX_SIGNALING_URLS = 4

/** Why `url` is not a usable STUN/TURN address, or null when it is. */
export function iceUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > MAX_FIELD) return 'not an address'
  const match = ICE_URL.exec(url)
  if (match === null) return `“${url.slice(0, 80)}” is not a stun: or turn: address`
  const port = match[3]
  if (port !== undefined && (Number(port) < 1 || Number(port) > 65535))
    return `“${url.slice(0, 80)}” has no valid port`
  if (match[4] !== undefined && match[1]?.startsWith('stun') === true)
    return `“${url.slice(0, 80)}” is a stun: address with a transport`
  return null
}

/** The urls of an ICE server entry as a list (empty when they are not text). */
function urlsOf(server: { urls?: unknown }): unknown[] {
  return Array.isArray(server.urls) ? server.urls : [server.urls]
}

/**
 * Why `server` would make a browser refuse the connection, or null when it is usable. A TURN
 * entry needs a username and a credential (fetched from the community host, never in links).
 */
export function iceServerProblem(server: unknown): string | null {
  if (typeof server !== 'object' || server === null || Array.isArray(server))
    return 'an ICE server is not an entry'
  const entry = server as { urls?: unknown; username?: unknown; credential?: unknown }
  const urls = urlsOf(entry)
  if (urls.length === 0) return 'an ICE server names no address'
  for (const url of urls) {
    const problem = iceUrlProblem(url)
    if (problem !== null) return problem
  }
  const turn = urls.some((u) => typeof u === 'string' && u.startsWith('turn'))
  if (turn) {
    const { username, credential } = entry
    if (typeof username !== 'string' || typeof credential !== 'string')
      return 'a TURN relay is named without its credentials'
    if (username.length > MAX_FIELD || credential.length > MAX_FIELD)
      return 'a TURN relay’s credentials are too long'
  }
  return null
}

/**
 * The usable entries of `servers`, as clean copies (only urls, username, credential): what a
 * connection may be given. Anything else is dropped, so no stored or received value can make
 * the browser refuse a connection.
 */
export function usableIceServers(servers: unknown): RTCIceServer[] {
  if (!Array.isArray(servers)) return []
  const usable: RTCIceServer[] = []
  for (const server of servers.slice(0, MAX_ICE_SERVERS * 2)) {
    if (iceServerProblem(server) !== null) continue
    const { urls, username, credential } = server as RTCIceServer
    usable.push({
      urls: Array.isArray(urls) ? [...urls] : urls,
      ...(typeof username === 'string' ? { username } : {}),
      ...(typeof credential === 'string' ? { credential } : {}),
    })
  }
  return usable
}

/** Why `url` is not a signaling service address (ws:// or wss://), or null. */
export function signalingUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || url.length > MAX_FIELD) return 'a signaling service is not text'
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return null
  } catch {
    // fall through
  }
  return `“${url.slice(0, 80)}” is not a ws:// or wss:// address`
}

/** Why `url` is not where relay passes can be fetched (http:// or https://), or null. */
export function relayEndpointProblem(url: unknown): string | null {
  if (url === null) return null
  if (typeof url !== 'string' || url.length > MAX_FIELD) return 'the relay address is not text'
  try {
    const parsed = new URL(url)
    if (parsed.protocol === 'https:' || parsed.protocol === 'http:') return null
  } catch {
    // fall through
  }
  return `“${url.slice(0, 80)}” is not a web address for relay passes`
}

/** The host part of the relay address, for display; never throws. */
export function relayHostOf(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return 'an address Tend cannot read'
  }
}

/**
 * Problems with settings that travel in a link: signaling services, public ICE servers (STUN
 * only: TURN credentials are fetched, never shared) and the relay address. Empty when usable.
 */
export function linkSettingsProblems(settings: {
  signalingUrls: unknown
  iceServers: unknown
  iceEndpoint: unknown
}): string[] {
  const problems: string[] = []
  const { signalingUrls, iceServers, iceEndpoint } = settings
  if (!Array.isArray(signalingUrls) || signalingUrls.length === 0)
    problems.push('it names no signaling service')
  else if (signalingUrls.length > MAX_SIGNALING_URLS)
    problems.push('it names too many signaling services')
  else
    for (const url of signalingUrls) {
      const problem = signalingUrlProblem(url)
      if (problem !== null) problems.push(problem)
    }
  if (!Array.isArray(iceServers)) problems.push('its ICE servers are not a list')
  else if (iceServers.length > MAX_ICE_SERVERS) problems.push('it names too many ICE servers')
  else
    for (const server of iceServers) {
      const problem = iceServerProblem(server)
      if (problem !== null) problems.push(problem)
    }
  const relay = relayEndpointProblem(iceEndpoint)
  if (relay !== null) problems.push(relay)
  return problems
}
