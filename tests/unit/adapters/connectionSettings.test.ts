import { describe, expect, it } from 'vitest'
import {
  iceServerProblem,
  iceUrlProblem,
  linkSettingsProblems,
  relayEndpointProblem,
  relayHostOf,
  signalingUrlProblem,
  usableIceServers,
} from '../../../src/adapters/network/connectionSettings.ts'

describe('connection settings a browser can use', () => {
  it('accepts the STUN and TURN addresses browsers accept', () => {
    for (const url of [
      'stun:relay.example.org',
      'stun:192.0.2.10:3478',
      'stuns:relay.example.org:5349',
      'turn:192.0.2.10:3478?transport=udp',
      'turns:relay.example.org:443?transport=tcp',
      'stun:[2001:db8::1]:3478',
    ])
      expect(iceUrlProblem(url), url).toBeNull()
  })

  it('refuses addresses a browser would refuse, in plain words', () => {
    for (const url of [
      'https://relay.example.org',
      'turn:',
      'turn:relay.example.org:99999',
      'stun:relay.example.org?transport=udp',
      'turn:relay.example.org?transport=sctp',
      'turn:host name',
      'x'.repeat(600),
      42,
    ])
      expect(iceUrlProblem(url), String(url)).not.toBeNull()
  })

  it('needs credentials for a TURN relay, not for STUN', () => {
    expect(iceServerProblem({ urls: 'turn:h:3478' })).toMatch(/without its credentials/)
    expect(iceServerProblem({ urls: ['stun:h', 'turn:h'], username: 'u' })).toMatch(/credentials/)
    expect(iceServerProblem({ urls: 'turn:h:3478', username: 'u', credential: 'c' })).toBeNull()
    expect(iceServerProblem({ urls: 'stun:h:3478' })).toBeNull()
    expect(iceServerProblem({ urls: [] })).toMatch(/no address/)
    expect(iceServerProblem(null)).not.toBeNull()
    expect(iceServerProblem(['stun:h'])).not.toBeNull()
  })

  it('keeps only usable entries, as clean copies', () => {
    const hostile = [
      { urls: 'turn:evil:3478' },
      { urls: 'stun:ok:3478', extra: 'dropped' },
      { urls: 'turn:ok:3478', username: 'u', credential: 'c', credentialType: 'oauth' },
      'not an entry',
      { urls: 'javascript:alert(1)' },
    ]
    expect(usableIceServers(hostile)).toEqual([
      { urls: 'stun:ok:3478' },
      { urls: 'turn:ok:3478', username: 'u', credential: 'c' },
    ])
    expect(usableIceServers('nope')).toEqual([])
  })

  it('checks signaling and relay addresses, and shows a relay host without throwing', () => {
    expect(signalingUrlProblem('wss://h/mqtt')).toBeNull()
    expect(signalingUrlProblem('https://h/mqtt')).toMatch(/ws:\/\//)
    expect(relayEndpointProblem(null)).toBeNull()
    expect(relayEndpointProblem('https://h/turn-credentials')).toBeNull()
    expect(relayEndpointProblem('not a url')).toMatch(/not a web address/)
    expect(relayEndpointProblem('javascript:alert(1)')).toMatch(/not a web address/)
    expect(relayHostOf('https://h.example:8443/x')).toBe('h.example:8443')
    expect(relayHostOf('not a url')).toBe('an address Tend cannot read')
  })

  it('lists every problem of a link’s settings', () => {
    expect(
      linkSettingsProblems({
        signalingUrls: ['wss://h/mqtt'],
        iceServers: [{ urls: ['stun:h:3478'] }],
        iceEndpoint: 'https://h/turn-credentials',
      }),
    ).toEqual([])
    expect(
      linkSettingsProblems({
        signalingUrls: [],
        iceServers: [{ urls: 'turn:h:3478' }],
        iceEndpoint: '::',
      }),
    ).toHaveLength(3)
    expect(
      linkSettingsProblems({
        signalingUrls: Array(5).fill('wss://h'),
        iceServers: Array(9).fill({ urls: 'stun:h' }),
        iceEndpoint: null,
      }),
    ).toEqual(['it names too many signaling services', 'it names too many ICE servers'])
  })
})
