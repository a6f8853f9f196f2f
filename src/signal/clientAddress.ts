/**
 * Which address a request comes from, for per-address limits. The direct peer's address, unless
 * that peer is a reverse proxy the host was told to trust: then the right-most address in
 * `X-Forwarded-For` that is not itself a trusted proxy. Each proxy appends the address it saw,
 * so the entries left of that one were written by the client and prove nothing. A header from a
 * peer that is not a trusted proxy is ignored, so no one can pick their own address.
 */
import { BlockList, isIP } from 'node:net'
import type { IncomingMessage } from 'node:http'

/** IPv4 peers on a dual-stack socket show as `::ffff:a.b.c.d`; limits count them as `a.b.c.d`. */
function normalize(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)
  return mapped?.[1] ?? address
}

/** A set of trusted proxies: addresses (`127.0.0.1`, `::1`) or ranges (`10.0.0.0/8`). */
export class TrustedProxies {
  readonly #list = new BlockList()
  readonly size: number

  constructor(entries: readonly string[]) {
    for (const entry of entries) {
      const [address = '', prefix] = entry.trim().split('/')
      const family = isIP(normalize(address))
      if (family === 0) throw new Error(`not an address or range: ${entry}`)
      const type = family === 4 ? 'ipv4' : 'ipv6'
      if (prefix === undefined) {
        this.#list.addAddress(normalize(address), type)
        continue
      }
      const bits = Number(prefix)
      if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128))
        throw new Error(`not an address or range: ${entry}`)
      this.#list.addSubnet(normalize(address), bits, type)
    }
    this.size = entries.length
  }

  has(address: string): boolean {
    const plain = normalize(address)
    const family = isIP(plain)
    if (family === 0 || this.size === 0) return false
    return this.#list.check(plain, family === 4 ? 'ipv4' : 'ipv6')
  }
}

/**
 * The address per-address limits count `req` under. `trusted` is the host's trusted proxies
 * (none by default: the direct peer is the client).
 */
export function clientAddress(
  req: Pick<IncomingMessage, 'headers'> & { socket: { remoteAddress?: string | undefined } },
  trusted: TrustedProxies,
): string {
  const peer = normalize(req.socket.remoteAddress ?? 'unknown')
  if (!trusted.has(peer)) return peer
  const header = req.headers['x-forwarded-for']
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => normalize(hop.trim()))
    .filter((hop) => hop !== '')
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i] as string
    if (isIP(hop) === 0) return peer
    if (!trusted.has(hop)) return hop
  }
  // Every hop is a trusted proxy: the request started inside them.
  return hops[0] ?? peer
}
