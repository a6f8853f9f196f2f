import { describe, expect, it } from 'vitest'
import { parseRoute } from '../../../src/app/route.ts'

describe('routes of the rhythm, knowledge, vitality and ecology screens', () => {
  it('reads a pod screen and the ecology', () => {
    expect(parseRoute('#/pod/abc123/rhythm')).toEqual({ screen: 'rhythm', podKey: 'abc123' })
    expect(parseRoute('#/pod/abc123/knowledge')).toEqual({ screen: 'knowledge', podKey: 'abc123' })
    expect(parseRoute('#/pod/abc123/vitality')).toEqual({ screen: 'vitality', podKey: 'abc123' })
    expect(parseRoute('#/ecology')).toEqual({ screen: 'ecology' })
  })

  it('keeps the pod overview and refuses unknown screens', () => {
    expect(parseRoute('#/pod/abc123')).toEqual({ screen: 'pod', podKey: 'abc123' })
    expect(parseRoute('#/pod/abc123/leaderboard').screen).toBe('not-found')
    expect(parseRoute('#/pod/abc123/formats/x/y').screen).toBe('not-found')
  })

  it('reads the formats screen, with or without a format open to edit', () => {
    expect(parseRoute('#/pod/abc123/formats')).toEqual({
      screen: 'formats',
      podKey: 'abc123',
      formatId: null,
    })
    expect(parseRoute('#/pod/abc123/formats/f-1_a')).toEqual({
      screen: 'formats',
      podKey: 'abc123',
      formatId: 'f-1_a',
    })
  })
})
