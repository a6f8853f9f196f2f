/**
 * When a device should try again to reach its pods' members, and how often.
 *
 * A device that lost the network must find the others again by itself, within seconds of the
 * network returning, with no reload. The triggers: the browser says it is online again; the page
 * becomes visible after a while hidden (a phone that slept); a live link to a member died; the
 * person taps "try again now". Each attempt makes the signaling connection anew: one that
 * outlived a cut waits out TCP's retransmission back-off, tens of seconds, before it carries
 * anything again, while a new one is made within a second of the network returning. "Try again
 * now" also reopens the rooms of pods where nobody is connected, with fresh offers; a page that
 * started with no network opens its rooms on the first attempt.
 *
 * Triggers that come from the network itself can repeat quickly (a flapping link), so they are
 * spaced with a doubling back-off; triggers from the person or the browser's own online event
 * act at once. The policy is pure: the caller passes the clock.
 */

export type ComeBackReason = 'online' | 'visible' | 'link-lost' | 'try-again'

/** Reasons that act at once, whatever the back-off says. */
const IMMEDIATE: ReadonlySet<ComeBackReason> = new Set(['online', 'visible', 'try-again'])

export interface ComeBackOptions {
  /** The first gap after an attempt (ms); it doubles with each attempt that did not help. */
  firstGapMs?: number
  /** The longest gap (ms). */
  maxGapMs?: number
}

const COME_BACK_FIRST_GAP_MS = 2_000
const COME_BACK_MAX_GAP_MS = 60_000
/** A page hidden at least this long tries again when it is shown. */
export const HIDDEN_LONG_MS = 10_000

/** Decides whether an attempt to reach the members again is due. */
export class ComeBackPolicy {
  readonly #firstGapMs: number
  readonly #maxGapMs: number
  #lastAttempt: number | null = null
  #gapMs: number

  constructor(options: ComeBackOptions = {}) {
    this.#firstGapMs = options.firstGapMs ?? COME_BACK_FIRST_GAP_MS
    this.#maxGapMs = options.maxGapMs ?? COME_BACK_MAX_GAP_MS
    this.#gapMs = this.#firstGapMs
  }

  /**
   * Whether to act on `reason` at `now`; when it says yes, the attempt is recorded and the next
   * gap doubles (up to the maximum).
   */
  shouldAct(reason: ComeBackReason, now: number): boolean {
    const due =
      IMMEDIATE.has(reason) || this.#lastAttempt === null || now - this.#lastAttempt >= this.#gapMs
    if (!due) return false
    if (this.#lastAttempt !== null && !IMMEDIATE.has(reason))
      this.#gapMs = Math.min(this.#gapMs * 2, this.#maxGapMs)
    this.#lastAttempt = now
    return true
  }

  /** When the next attempt for a network trigger would be allowed (epoch ms), or null if now. */
  nextAllowedAt(): number | null {
    return this.#lastAttempt === null ? null : this.#lastAttempt + this.#gapMs
  }

  /** A member was reached: the next trouble starts from the shortest gap again. */
  reached(): void {
    this.#gapMs = this.#firstGapMs
  }
}
