import { describe, expect, it } from 'vitest'
import {
  ComeBackPolicy,
  RejoinSchedule,
  dropsSignalingOnLoss,
  reopensOnReturn,
  replacesSignaling,
} from '../../../src/adapters/network/comeBack.ts'

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

describe('replacesSignaling', () => {
  const open = (outlivedLoss: boolean) => ({ state: 'open' as const, outlivedLoss })

  // Regression: the online event came just after the MQTT client had reconnected by itself and
  // announced this device; replacing that fresh connection lost the offers sent in reply, and
  // the member synced only with the next announcement, about 40 s later.
  it('keeps a connection opened since the network came back', () => {
    expect(replacesSignaling(open(false), 'online', true)).toBe(false)
  })

  it('replaces a connection that outlived the cut', () => {
    expect(replacesSignaling(open(true), 'online', true)).toBe(true)
  })

  it('replaces an attempt still pending from the cut', () => {
    expect(replacesSignaling({ state: 'connecting', outlivedLoss: false }, 'online', true)).toBe(
      true,
    )
  })

  it('replaces every open connection when the browser never said the network was gone', () => {
    expect(replacesSignaling(open(false), 'online', false)).toBe(true)
  })

  it('replaces open connections for a lost link or when asked to try again', () => {
    for (const reason of ['link-lost', 'try-again', 'visible'] as const)
      expect(replacesSignaling(open(false), reason, true)).toBe(true)
  })

  it('leaves a closed connection alone', () => {
    expect(replacesSignaling({ state: 'closed', outlivedLoss: true }, 'online', true)).toBe(false)
  })
})

describe('dropsSignalingOnLoss', () => {
  // Regression: a connection kept through a cut queued Trystero's announcements; TCP delivered
  // them when the link returned, just before the connection's close, and the offers sent in
  // reply went to that dying connection.
  it('gives up an open connection the moment the network is gone', () => {
    expect(dropsSignalingOnLoss('open')).toBe(true)
  })

  it('gives up an attempt still connecting', () => {
    expect(dropsSignalingOnLoss('connecting')).toBe(true)
  })

  it('leaves a connection that is already closing or closed', () => {
    expect(dropsSignalingOnLoss('closing')).toBe(false)
    expect(dropsSignalingOnLoss('closed')).toBe(false)
  })
})

describe('reopensOnReturn', () => {
  // Regression: a member cut 9.6 s after its room opened kept the connection (so the room's
  // subscription would not be lost), and the stale announcements it queued came through on
  // return; the connection is now always given up, and such a room reopened on return.
  it('reopens the rooms when one was still subscribing as the network went', () => {
    expect(reopensOnReturn(true, false)).toBe(true)
  })

  it('reopens the rooms when one opened while the network was gone', () => {
    expect(reopensOnReturn(false, true)).toBe(true)
  })

  it('leaves rooms whose subscriptions were made before the loss', () => {
    expect(reopensOnReturn(false, false)).toBe(false)
  })
})

describe('RejoinSchedule', () => {
  it('does nothing until the device comes back', () => {
    const schedule = new RejoinSchedule({ settleMs: 6000, maxAttempts: 4, random: () => 0 })
    expect(schedule.shouldReopen(T0 + 60_000, true)).toBe(false)
  })

  // Regression: a member who came back waited for Trystero's next announcement, a minute
  // apart, when an offer to it was lost or an attempt from before the cut held the peer.
  it('reopens once the holds have lapsed, then with a doubling gap, at most maxAttempts times', () => {
    const schedule = new RejoinSchedule({ settleMs: 6000, maxAttempts: 4, random: () => 0 })
    schedule.cameBack(T0)
    const reopened: number[] = []
    // The status tick, every 2 s for five minutes, with a member still missing.
    for (let t = T0; t <= T0 + 300_000; t += 2000)
      if (schedule.shouldReopen(t, true)) reopened.push(t - T0)
    // 6 s after coming back, then gaps of 12 s, 24 s and 48 s.
    expect(reopened).toEqual([6000, 18_000, 42_000, 90_000])
  })

  it('stops checking once nobody is missing, until the next come-back', () => {
    const schedule = new RejoinSchedule({ settleMs: 6000, maxAttempts: 4, random: () => 0 })
    schedule.cameBack(T0)
    expect(schedule.shouldReopen(T0 + 2000, false)).toBe(false)
    // A member missing again later (they left on their side) is not chased by this come-back.
    expect(schedule.shouldReopen(T0 + 8000, true)).toBe(false)
    schedule.cameBack(T0 + 100_000)
    expect(schedule.shouldReopen(T0 + 105_999, true)).toBe(false)
    expect(schedule.shouldReopen(T0 + 106_000, true)).toBe(true)
  })

  it('starts its count again with each come-back', () => {
    const schedule = new RejoinSchedule({ settleMs: 1000, maxAttempts: 1, random: () => 0 })
    schedule.cameBack(T0)
    expect(schedule.shouldReopen(T0 + 1000, true)).toBe(true)
    expect(schedule.shouldReopen(T0 + 60_000, true)).toBe(false)
    schedule.cameBack(T0 + 70_000)
    expect(schedule.shouldReopen(T0 + 71_000, true)).toBe(true)
  })

  it('spreads its checks, so two members back together do not reopen at once', () => {
    const at = (random: number) => {
      const schedule = new RejoinSchedule({ settleMs: 6000, random: () => random })
      schedule.cameBack(T0)
      for (let t = T0; t <= T0 + 20_000; t += 500) if (schedule.shouldReopen(t, true)) return t - T0
      return null
    }
    expect(at(0)).toBe(6000)
    expect(at(0.99)).toBe(9000)
  })

  // Regression: a reopen just as a member was reached cut the next exchange under way.
  it('puts the check off while members are being reached', () => {
    const schedule = new RejoinSchedule({ settleMs: 6000, random: () => 0 })
    schedule.cameBack(T0)
    expect(schedule.shouldReopen(T0 + 6000, true, T0 + 4000)).toBe(false)
    expect(schedule.shouldReopen(T0 + 9999, true, T0 + 4000)).toBe(false)
    expect(schedule.shouldReopen(T0 + 10_000, true, T0 + 4000)).toBe(true)
  })
})
