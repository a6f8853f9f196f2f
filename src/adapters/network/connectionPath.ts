/**
 * How a WebRTC connection runs, read from its `getStats()` reports.
 *
 * The selected candidate pair says it: a relay candidate on either end means TURN; a
 * server-reflexive one means the peers punched through NAT across the internet; two host
 * candidates mean the same network. A peer-reflexive candidate is what a device learns from a
 * connectivity check that arrived before (or instead of) the candidate it names — Chromium hides
 * host addresses behind mDNS names, so this happens between two laptops on one Wi-Fi as well as
 * across NAT. Its address decides: a private, link-local or loopback address is the same
 * network; any other address was seen through the internet. Chromium often reports the address
 * as empty, though. Then the connection's ICE servers decide: without a STUN or TURN server no
 * device learns a public address, so a check that arrived came over the local network; with
 * one, crossing the internet is the honest guess.
 */
import type { PathKind } from './meshRoom.ts'

export interface StatsEntry {
  type: string
  id: string
  selectedCandidatePairId?: string
  nominated?: boolean
  state?: string
  localCandidateId?: string
  remoteCandidateId?: string
  candidateType?: string
  address?: string | null
  ip?: string | null
}

/** Whether `address` (IPv4 or IPv6 text) can only be reached without crossing the internet. */
export function isLocalAddress(address: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(address)
  if (v4 !== null) {
    const a = Number(v4[1])
    const b = Number(v4[2])
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254)
    )
  }
  const v6 = address.toLowerCase()
  if (v6.endsWith('.local')) return true // an mDNS name: only resolvable on the local link
  return v6 === '::1' || /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6)
}

function candidateIsLocal(candidate: StatsEntry | undefined, withServers: boolean): boolean {
  const address = candidate?.address || candidate?.ip || null
  return address === null ? !withServers : isLocalAddress(address)
}

/** Whether any of `servers` is a STUN or TURN server (one that can reveal a public address). */
export function hasReflexiveServers(servers: readonly RTCIceServer[]): boolean {
  return servers.some((s) =>
    (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^(stuns?|turns?):/i.test(u)),
  )
}

/**
 * Reads the path of a connection from its stats reports; `withServers` says whether the
 * connection was made with STUN or TURN servers.
 */
export function pathFromStats(entries: readonly StatsEntry[], withServers = true): PathKind {
  const selectedId = entries.find(
    (r) => r.type === 'transport' && r.selectedCandidatePairId !== undefined,
  )?.selectedCandidatePairId
  const pair =
    entries.find((r) => r.id === selectedId) ??
    entries.find(
      (r) => r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded',
    )
  if (pair === undefined) return 'unknown'
  const candidates = [pair.localCandidateId, pair.remoteCandidateId].map((id) =>
    entries.find((r) => r.id === id),
  )
  const types = candidates.map((c) => c?.candidateType)
  if (types.includes('relay')) return 'relay'
  if (types.includes('srflx')) return 'direct'
  if (types.some((t) => t === undefined)) return 'unknown'
  const sameNetwork = candidates.every(
    (c) =>
      c?.candidateType === 'host' ||
      (c?.candidateType === 'prflx' && candidateIsLocal(c, withServers)),
  )
  return sameNetwork ? 'same-network' : 'direct'
}
