import { describe, expect, it } from 'vitest'
import { TrustedProxies, clientAddress } from '../../../src/signal/clientAddress.ts'

const request = (peer: string, forwardedFor?: string | string[]) => ({
  socket: { remoteAddress: peer },
  headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
})

describe('the client address per-address limits count', () => {
  const proxies = new TrustedProxies(['127.0.0.1', '::1', '10.0.0.0/8'])

  it('is the peer when no proxy is trusted, whatever X-Forwarded-For claims', () => {
    const none = new TrustedProxies([])
    expect(clientAddress(request('198.51.100.4', '203.0.113.1'), none)).toBe('198.51.100.4')
    expect(clientAddress(request('127.0.0.1', '203.0.113.1'), none)).toBe('127.0.0.1')
  })

  it('is the peer when the peer is not a trusted proxy', () => {
    expect(clientAddress(request('198.51.100.4', '203.0.113.1'), proxies)).toBe('198.51.100.4')
  })

  it('is the right-most forwarded address that is not a trusted proxy', () => {
    expect(clientAddress(request('127.0.0.1', '203.0.113.1'), proxies)).toBe('203.0.113.1')
    // The client wrote the first entry itself; the proxies appended the others.
    expect(clientAddress(request('::1', '192.0.2.66, 203.0.113.1, 10.1.2.3'), proxies)).toBe(
      '203.0.113.1',
    )
    expect(clientAddress(request('127.0.0.1', ['192.0.2.66', '203.0.113.1']), proxies)).toBe(
      '203.0.113.1',
    )
  })

  it('reads IPv4 peers on a dual-stack socket as IPv4', () => {
    expect(clientAddress(request('::ffff:127.0.0.1', '203.0.113.1'), proxies)).toBe('203.0.113.1')
    expect(clientAddress(request('::ffff:198.51.100.4'), proxies)).toBe('198.51.100.4')
  })

  it('falls back to the proxy when the header is missing or not an address', () => {
    expect(clientAddress(request('127.0.0.1'), proxies)).toBe('127.0.0.1')
    expect(clientAddress(request('127.0.0.1', 'unknown'), proxies)).toBe('127.0.0.1')
  })

  it('refuses a trusted-proxy entry that is not an address or range', () => {
    expect(() => new TrustedProxies(['proxy.local'])).toThrow('not an address or range')
    expect(() => new TrustedProxies(['10.0.0.0/33'])).toThrow('not an address or range')
  })
})
