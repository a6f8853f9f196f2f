import { describe, expect, it } from 'vitest'
import {
  MAX_PAYLOAD_BYTES,
  PacketSizeGuard,
  RateLimiter,
  isAllowedSubscription,
  isAllowedTopic,
  judgeConnect,
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

describe('the packet size guard', () => {
  /** A fixed header: packet type byte, then the remaining length in MQTT's variable bytes. */
  function header(type: number, length: number): number[] {
    const bytes = [type]
    do {
      let byte = length % 128
      length = Math.floor(length / 128)
      if (length > 0) byte |= 0x80
      bytes.push(byte)
    } while (length > 0)
    return bytes
  }

  it('lets packets up to the limit through, however they are split', () => {
    const guard = new PacketSizeGuard(300)
    const stream = Uint8Array.from([
      ...header(0x30, 300),
      ...new Array<number>(300).fill(1),
      ...header(0xc0, 0),
      ...header(0x30, 5),
      1,
      2,
      3,
      4,
      5,
    ])
    for (let at = 0; at < stream.length; at += 7)
      expect(guard.accept(stream.subarray(at, at + 7))).toBe(true)
  })

  it('says no once a header declares more, even before the packet arrives', () => {
    const guard = new PacketSizeGuard(300)
    expect(
      guard.accept(Uint8Array.from([...header(0x30, 10), ...new Array<number>(10).fill(0)])),
    ).toBe(true)
    const huge = header(0x30, 256 * 1024 * 1024 - 1)
    expect(guard.accept(Uint8Array.from(huge.slice(0, 2)))).toBe(true)
    expect(guard.accept(Uint8Array.from(huge.slice(2)))).toBe(false)
    // And stays shut.
    expect(guard.accept(Uint8Array.from(header(0xc0, 0)))).toBe(false)
  })

  it('says no to a remaining length of more than four bytes', () => {
    const guard = new PacketSizeGuard(Number.MAX_SAFE_INTEGER)
    expect(guard.accept(Uint8Array.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false)
  })
})

describe('what a connection may ask for', () => {
  it('only clean sessions without a last will', () => {
    expect(judgeConnect({ clean: true })).toBeNull()
    expect(judgeConnect({ clean: false })).toMatch(/no sessions/)
    expect(judgeConnect({ clean: true, will: { topic: 'x' } })).toMatch(/no last wills/)
  })

  it('only QoS 0, on Trystero-shaped topics', () => {
    const topic = 'a'.repeat(30)
    expect(isAllowedSubscription({ topic, qos: 0 })).toBe(true)
    expect(isAllowedSubscription({ topic, qos: 1 })).toBe(false)
    expect(isAllowedSubscription({ topic: '#', qos: 0 })).toBe(false)
    expect(judgePublish({ topic, qos: 1, retain: false, payload: { length: 1 } })).toMatchObject({
      ok: false,
    })
  })
})
