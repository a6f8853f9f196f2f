/**
 * What Tend's signaling broker allows: only what Trystero's MQTT strategy needs. Trystero
 * connects with a clean session and no last will, subscribes and publishes on hashed topics of
 * 20–40 characters of [0-9a-z] with no levels, at QoS 0, never retained, with small JSON
 * payloads. Anything else — wildcard subscriptions that would let a stranger listen to every
 * room, sessions, wills, QoS 1 and 2 or retained messages that would make the broker store
 * data, large packets — is refused. Pure functions, so they are tested without a broker.
 */

/** Trystero's topics: base-36 renderings of SHA-1 digests. */
export const TOPIC_PATTERN = /^[0-9a-z]{20,40}$/

/** Offers with many ICE candidates stay well under this; an MQTT payload larger is refused. */
export const MAX_PAYLOAD_BYTES = 16 * 1024

/**
 * The largest MQTT packet the broker reads: a largest payload plus room for the topic and
 * headers. A client that declares a larger one is cut off before the broker buffers it.
 */
export const DEFAULT_MAX_PACKET_BYTES = MAX_PAYLOAD_BYTES + 1024

export function isAllowedTopic(topic: string): boolean {
  return TOPIC_PATTERN.test(topic)
}

export type PublishVerdict = { ok: true } | { ok: false; reason: string }

export function judgePublish(packet: {
  topic: string
  qos: number
  retain: boolean
  payload: { length: number }
}): PublishVerdict {
  if (!isAllowedTopic(packet.topic)) return { ok: false, reason: 'topic not allowed' }
  if (packet.qos !== 0) return { ok: false, reason: 'QoS 0 only: nothing is stored for redelivery' }
  if (packet.retain) return { ok: false, reason: 'retained messages are not stored here' }
  if (packet.payload.length > MAX_PAYLOAD_BYTES) return { ok: false, reason: 'payload too large' }
  return { ok: true }
}

/** A subscription is granted only at QoS 0, on a Trystero-shaped topic. */
export function isAllowedSubscription(subscription: { topic: string; qos: number }): boolean {
  return subscription.qos === 0 && isAllowedTopic(subscription.topic)
}

/**
 * Why a CONNECT is refused, or null to accept it. A persistent session (clean: false) would make
 * the broker keep subscriptions and messages for an absent client; a last will is a message it
 * would hold for as long as the client stays.
 */
export function judgeConnect(packet: {
  clean?: boolean | undefined
  will?: unknown
}): string | null {
  if (packet.clean !== true) return 'this broker keeps no sessions: connect with clean: true'
  if (packet.will !== undefined && packet.will !== null) return 'this broker holds no last wills'
  return null
}

/**
 * Follows the MQTT packets in one connection's byte stream by their fixed headers, without
 * keeping any of them, and says no as soon as a packet declares a remaining length (all of it
 * after the fixed header) above `maxPacketBytes` — before the broker's parser would buffer it, however it arrives in pieces.
 */
export class PacketSizeGuard {
  #state: 'type' | 'length' | 'body' = 'type'
  #length = 0
  #multiplier = 1
  #remaining = 0
  #refused = false

  constructor(readonly maxPacketBytes: number) {}

  /** False once the stream has declared a packet too large (or a malformed length). */
  accept(chunk: Uint8Array): boolean {
    if (this.#refused) return false
    let at = 0
    while (at < chunk.length) {
      if (this.#state === 'body') {
        const step = Math.min(this.#remaining, chunk.length - at)
        this.#remaining -= step
        at += step
        if (this.#remaining === 0) this.#state = 'type'
      } else if (this.#state === 'type') {
        at += 1
        this.#state = 'length'
        this.#length = 0
        this.#multiplier = 1
      } else {
        const byte = chunk[at] as number
        at += 1
        this.#length += (byte & 0x7f) * this.#multiplier
        this.#multiplier *= 128
        // MQTT's remaining length has at most four bytes; a fifth is malformed.
        if (this.#length > this.maxPacketBytes || this.#multiplier > 128 ** 4) {
          this.#refused = true
          return false
        }
        if ((byte & 0x80) === 0) {
          this.#remaining = this.#length
          this.#state = this.#remaining === 0 ? 'type' : 'body'
        }
      }
    }
    return true
  }
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
