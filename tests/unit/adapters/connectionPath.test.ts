import { describe, expect, it } from 'vitest'
import {
  hasReflexiveServers,
  isLocalAddress,
  pathFromStats,
  type StatsEntry,
} from '../../../src/adapters/network/connectionPath.ts'

function statsFor(
  local: { type: string; address?: string },
  remote: { type: string; address?: string },
): StatsEntry[] {
  return [
    { type: 'transport', id: 'T1', selectedCandidatePairId: 'P1' },
    { type: 'candidate-pair', id: 'P0', localCandidateId: 'Lx', remoteCandidateId: 'Rx' },
    { type: 'candidate-pair', id: 'P1', localCandidateId: 'L1', remoteCandidateId: 'R1' },
    { type: 'local-candidate', id: 'Lx', candidateType: 'relay', address: '192.0.2.10' },
    { type: 'remote-candidate', id: 'Rx', candidateType: 'relay', address: '192.0.2.10' },
    {
      type: 'local-candidate',
      id: 'L1',
      candidateType: local.type,
      address: local.address ?? null,
    },
    {
      type: 'remote-candidate',
      id: 'R1',
      candidateType: remote.type,
      address: remote.address ?? null,
    },
  ]
}

describe('the path a connection takes', () => {
  it('reads the selected pair, not another pair of the same connection', () => {
    expect(pathFromStats(statsFor({ type: 'host', address: '10.0.0.2' }, { type: 'host' }))).toBe(
      'same-network',
    )
  })

  it('calls a relay candidate on either end a relay', () => {
    expect(pathFromStats(statsFor({ type: 'relay' }, { type: 'host' }))).toBe('relay')
    expect(pathFromStats(statsFor({ type: 'srflx' }, { type: 'relay' }))).toBe('relay')
  })

  it('calls a server-reflexive candidate direct across the internet', () => {
    expect(
      pathFromStats(statsFor({ type: 'host', address: '192.168.1.2' }, { type: 'srflx' })),
    ).toBe('direct')
  })

  it('decides a peer-reflexive candidate by its address', () => {
    // Two laptops on one network: the remote's mDNS host candidate arrives after its check.
    expect(
      pathFromStats(
        statsFor({ type: 'host', address: '10.231.0.2' }, { type: 'prflx', address: '10.231.0.2' }),
      ),
    ).toBe('same-network')
    // Behind NAT: the check comes from the other home's router.
    expect(
      pathFromStats(
        statsFor(
          { type: 'host', address: '192.168.1.2' },
          { type: 'prflx', address: '198.51.100.6' },
        ),
      ),
    ).toBe('direct')
    // No address to judge by (Chromium often reports it empty): with STUN or TURN servers,
    // crossing the internet is the honest guess; without any, the check came over the LAN.
    const hidden = statsFor({ type: 'host', address: '' }, { type: 'prflx', address: '' })
    expect(pathFromStats(hidden, true)).toBe('direct')
    expect(pathFromStats(hidden, false)).toBe('same-network')
    expect(pathFromStats(statsFor({ type: 'host' }, { type: 'prflx' }))).toBe('direct')
  })

  it('says unknown when no pair was chosen or a candidate is missing', () => {
    expect(pathFromStats([{ type: 'transport', id: 'T1' }])).toBe('unknown')
    expect(
      pathFromStats([
        { type: 'transport', id: 'T1', selectedCandidatePairId: 'P1' },
        { type: 'candidate-pair', id: 'P1', localCandidateId: 'L1', remoteCandidateId: 'R1' },
      ]),
    ).toBe('unknown')
  })

  it('tells STUN and TURN servers from none', () => {
    expect(hasReflexiveServers([])).toBe(false)
    expect(hasReflexiveServers([{ urls: 'stun:h:3478' }])).toBe(true)
    expect(hasReflexiveServers([{ urls: ['turn:h:3478?transport=udp'] }])).toBe(true)
  })

  it('knows private, link-local, loopback and mDNS addresses from public ones', () => {
    for (const local of [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.1',
      '192.168.0.9',
      '169.254.3.4',
      '127.0.0.1',
      '::1',
      'fd12::1',
      'fe80::1',
      '0b1e3c4d-aaaa.local',
    ])
      expect(isLocalAddress(local), local).toBe(true)
    for (const remote of ['172.32.0.1', '198.51.100.6', '8.8.8.8', '2001:db8::1', '192.0.2.10'])
      expect(isLocalAddress(remote), remote).toBe(false)
  })
})
