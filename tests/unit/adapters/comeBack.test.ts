import { describe, expect, it } from 'vitest'
import { ComeBackPolicy } from '../../../src/adapters/network/comeBack.ts'

// The clock is passed in: every time below is a fixed number, never the machine's.
const T0 = 1_800_000_000_000

describe('ComeBackPolicy', () => {
  it('acts on the first network trigger at once', () => {
    const policy = new ComeBackPolicy({ firstGapMs: 2000, maxGapMs: 60_000 })
    expect(policy.shouldAct('link-lost', T0)).toBe(true)
  })

  it('spaces repeated network triggers with a doubling gap, up to the maximum', () => {
    const policy = new ComeBackPolicy({ firstGapMs: 2000, maxGapMs: 10_000 })
    const acted: number[] = []
    // A trigger every 500 ms for a minute (a member who stays unreachable).
    for (let t = T0; t <= T0 + 60_000; t += 500) {
      if (policy.shouldAct('link-lost', t)) acted.push(t - T0)
    }
    // Gaps 2 s, 4 s, 8 s, then 10 s each.
    expect(acted.slice(0, 5)).toEqual([0, 2000, 6000, 14_000, 24_000])
    const gaps = acted.slice(1).map((t, i) => t - (acted[i] ?? 0))
    expect(Math.max(...gaps)).toBe(10_000)
    expect(acted).toEqual([0, 2000, 6000, 14_000, 24_000, 34_000, 44_000, 54_000])
  })

  it('acts at once when the browser is online again, the page is shown, or the person asks', () => {
    const policy = new ComeBackPolicy({ firstGapMs: 2000, maxGapMs: 60_000 })
    expect(policy.shouldAct('link-lost', T0)).toBe(true)
    expect(policy.shouldAct('link-lost', T0 + 100)).toBe(false)
    expect(policy.shouldAct('online', T0 + 200)).toBe(true)
    expect(policy.shouldAct('visible', T0 + 300)).toBe(true)
    expect(policy.shouldAct('try-again', T0 + 400)).toBe(true)
    // An immediate attempt does not lengthen the gap for the network triggers after it.
    expect(policy.nextAllowedAt()).toBe(T0 + 400 + 2000)
  })

  it('starts from the shortest gap again once a member was reached', () => {
    const policy = new ComeBackPolicy({ firstGapMs: 1000, maxGapMs: 60_000 })
    let t = T0
    for (let i = 0; i < 6; i++) {
      t = policy.nextAllowedAt() ?? t
      expect(policy.shouldAct('link-lost', t)).toBe(true)
    }
    expect((policy.nextAllowedAt() ?? 0) - t).toBe(32_000)
    policy.reached()
    expect(policy.shouldAct('link-lost', t + 999)).toBe(false)
    expect(policy.shouldAct('link-lost', t + 1000)).toBe(true)
  })
})
