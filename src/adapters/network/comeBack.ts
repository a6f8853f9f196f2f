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

/** What a come-back knows of one signaling connection. */
export interface SignalingConnectionView {
  state: 'connecting' | 'open' | 'closing' | 'closed'
  /** Whether it was already there when the browser last said the network was gone. */
  outlivedLoss: boolean
}

/**
 * Whether an attempt to reach the members again replaces this signaling connection.
 *
 * One that outlived a cut may wait out TCP's back-off for tens of seconds, so it is replaced;
 * so is an attempt still pending from the cut. But one opened since the network came back is
 * the live path: it has already announced this device, and the others' offers to this device
 * are travelling to it. Replacing it lost them (measured: the browser's `online` event came
 * 20–60 ms after such a connection announced; the offers sent in reply went to the closed
 * socket, and the sender, waiting on its own unanswered offer, ignored the next announcements
 * until its regular one a minute later: 39–41 s to sync instead of under 1 s). When the browser
 * never said the network was gone (`lossSeen` false), nothing tells the connections apart and
 * every one is replaced.
 */
export function replacesSignaling(
  connection: SignalingConnectionView,
  reason: ComeBackReason,
  lossSeen: boolean,
): boolean {
  if (connection.state === 'closed') return false
  if (connection.state === 'connecting') return true
  if (reason === 'online' && lossSeen) return connection.outlivedLoss
  return true
}

/**
 * Whether the signaling connection is given up the moment the browser says the network is gone.
 *
 * A connection that still looks open through a cut keeps taking what Trystero publishes (its
 * announcements, every few seconds while members are missing) into the TCP send queue. When the
 * link returns, TCP delivers that queue before anything else: the broker relays announcements
 * written while the device was away, the other members answer them with offers, and those
 * offers go to the only subscription this device has — on the connection that is about to
 * close (measured: the stale announcement reached the broker 100–130 ms after the link
 * returned, the connection's close 10–50 ms later, the offers in reply were lost, and the
 * senders, holding their unanswered offer, ignored the fresh connection's announcement: 7–28 s
 * to sync, up to 54 s to a full mesh, instead of about 1 s). Given up at once, the connection
 * queues nothing more (the MQTT client is disconnected, so Trystero publishes nothing) and only
 * its close is delivered later. An attempt still connecting is given up too; a closed one has
 * nothing to give up. A room still subscribing loses its subscription with it: see
 * `reopensOnReturn`.
 */
export function dropsSignalingOnLoss(state: SignalingConnectionView['state']): boolean {
  return state === 'open' || state === 'connecting'
}

/**
 * Whether the rooms are reopened when the network returns, because a room's subscription may
 * have been lost with the connection given up at the loss.
 *
 * Trystero subscribes a room once, when it opens; a subscription sent on a connection that is
 * then given up is never made again, and that room hears nothing meant for it (measured: a
 * member cut 9.6 s after its room opened announced itself on return, but never received the
 * others' offers or replies; it synced only when the rejoin schedule reopened the room, 11 s
 * later, and reached the full mesh after 45 s). Keeping the connection instead (as before)
 * let stale announcements through (see `dropsSignalingOnLoss`). So the connection is always
 * given up, and a room that was still subscribing at the loss (`subscribingAtLoss`), or that
 * opened while the network was gone (`openedWhileLost`), is reopened on return.
 */
export function reopensOnReturn(subscribingAtLoss: boolean, openedWhileLost: boolean): boolean {
  return subscribingAtLoss || openedWhileLost
}

export interface RejoinOptions {
  /** How long after coming back the first check waits (ms); each later gap doubles. */
  settleMs?: number
  /** How many times at most a pod's room is reopened after one come-back. */
  maxAttempts?: number
  /** A number in [0, 1) that spreads the checks (two members back together must not reopen at once). */
  random?: () => number
}

const REJOIN_SETTLE_MS = 6_000
const REJOIN_MAX_ATTEMPTS = 4

/**
 * When a device that came back reopens a pod's room because members it reached before are
 * still missing.
 *
 * Signaling over MQTT loses messages around reconnects (QoS 0: an offer sent to a socket that
 * is being replaced is gone), and Trystero then holds the peer for its own unanswered attempt:
 * a side that sent an offer ignores the other's announcements for about 5 s, a side that sent
 * an answer ignores new offers for 23 s, and after that only the regular announcement, once a
 * minute, starts a new attempt (measured: 38–48 s to sync, or 24–47 s more for the direct link
 * between two members who were both cut). A reopened room starts with no such state and
 * announces itself at once, and the others' holds have lapsed by then: fresh offers both ways.
 * The first check comes after the holds (`settleMs`), the next ones with a doubling gap, and at
 * most `maxAttempts` times, so a member who really left does not keep the room churning. Pure:
 * the caller passes the clock.
 */
export class RejoinSchedule {
  readonly #settleMs: number
  readonly #maxAttempts: number
  readonly #random: () => number
  #nextAt: number | null = null
  #attempts = 0

  constructor(options: RejoinOptions = {}) {
    this.#settleMs = options.settleMs ?? REJOIN_SETTLE_MS
    this.#maxAttempts = options.maxAttempts ?? REJOIN_MAX_ATTEMPTS
    this.#random = options.random ?? Math.random
  }

  /** The gap before the next check: doubling, stretched by up to half at random. */
  #gap(): number {
    return this.#settleMs * 2 ** this.#attempts * (1 + this.#random() / 2)
  }

  /** The device came back at `now`: checks start again. */
  cameBack(now: number): void {
    this.#attempts = 0
    this.#nextAt = now + this.#gap()
  }

  /**
   * Whether to reopen now, given whether members reached before are missing and when a member
   * was last reached in the pod (null: not since coming back); a yes is recorded as an attempt.
   * A member reached within `settleMs` puts the check off (an exchange may be under way, and a
   * reopen would cut it); once nobody is missing, the checks stop until the next come-back.
   */
  shouldReopen(now: number, missing: boolean, lastReachedAt: number | null = null): boolean {
    if (this.#nextAt === null) return false
    if (!missing) {
      this.#nextAt = null
      return false
    }
    if (now < this.#nextAt) return false
    if (lastReachedAt !== null && now - lastReachedAt < this.#settleMs) {
      this.#nextAt = lastReachedAt + this.#settleMs
      return false
    }
    this.#attempts++
    this.#nextAt = this.#attempts >= this.#maxAttempts ? null : now + this.#gap()
    return true
  }
}
