/**
 * What Tend's signaling broker allows: only what Trystero's MQTT strategy needs. Trystero
 * publishes on hashed topics of 20–40 characters of [0-9a-z] with no levels, at QoS 0, never
 * retained, with small JSON payloads. Anything else — wildcard subscriptions that would let a
 * stranger listen to every room, retained messages that would make the broker store data,
 * large payloads — is refused. Pure functions, so they are tested without a broker.
 */

/** Trystero's topics: base-36 renderings of SHA-1 digests. */
export const TOPIC_PATTERN = /^[0-9a-z]{20,40}$/

/** Offers with many ICE candidates stay well under this; an MQTT payload larger is refused. */
export const MAX_PAYLOAD_BYTES = 16 * 1024

export function isAllowedTopic(topic: string): boolean {
  return TOPIC_PATTERN.test(topic)
}

export type PublishVerdict = { ok: true } | { ok: false; reason: string }

export function judgePublish(packet: {
  topic: string
  retain: boolean
  payload: { length: number }
}): PublishVerdict {
  if (!isAllowedTopic(packet.topic)) return { ok: false, reason: 'topic not allowed' }
  if (packet.retain) return { ok: false, reason: 'retained messages are not stored here' }
  if (packet.payload.length > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'payload too large' }
  return { ok: true }
}

/**
 * A fixed-window counter per key (an IP address): at most `limit` events per `windowMs`.
 * The clock is passed in so it is testable.
 */
export class RateLimiter {
  readonly #hits = new Map<string, { start: number; count: number }>()
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  allow(key: string, now: number): boolean {
    const hit = this.#hits.get(key)
    if (hit === undefined || now - hit.start >= this.windowMs) {
      this.#hits.set(key, { start: now, count: 1 })
      this.#prune(now)
      return true
    }
    hit.count += 1
    return hit.count <= this.limit
  }

  #prune(now: number): void {
    if (this.#hits.size < 10_000) return
    for (const [key, hit] of this.#hits)
      if (now - hit.start >= this.windowMs) this.#hits.delete(key)
  }
}
