import { describe, expect, it } from 'vitest'
import {
  MAX_PAYLOAD_BYTES,
  RateLimiter,
  isAllowedTopic,
  judgePublish,
} from '../../../src/signal/brokerRules.ts'

describe('broker rules', () => {
  it('allows only Trystero-shaped topics', () => {
    expect(isAllowedTopic('a1b2c3d4e5f6g7h8i9j0')).toBe(true)
    expect(isAllowedTopic('#')).toBe(false)
    expect(isAllowedTopic('+')).toBe(false)
    expect(isAllowedTopic('room/#')).toBe(false)
    expect(isAllowedTopic('$SYS/broker')).toBe(false)
    expect(isAllowedTopic('short')).toBe(false)
    expect(isAllowedTopic('A1B2C3D4E5F6G7H8I9J0')).toBe(false)
  })

  it('refuses retained and oversized messages', () => {
    const topic = 'a'.repeat(30)
    expect(judgePublish({ topic, qos: 0, retain: false, payload: { length: 100 } })).toEqual({
      ok: true,
    })
    expect(judgePublish({ topic, qos: 0, retain: true, payload: { length: 100 } })).toMatchObject({
      ok: false,
    })
    expect(
      judgePublish({ topic, qos: 0, retain: false, payload: { length: MAX_PAYLOAD_BYTES + 1 } }),
    ).toMatchObject({
      ok: false,
      reason: 'payload too large',
    })
  })

  it('rate-limits per address within a window and forgets after it', () => {
    const limiter = new RateLimiter(2, 1000)
    expect([limiter.allow('a', 0), limiter.allow('a', 10), limiter.allow('a', 20)]).toEqual([
      true,
      true,
      false,
    ])
    expect(limiter.allow('b', 20)).toBe(true)
    expect(limiter.allow('a', 1000)).toBe(true)
  })
})
