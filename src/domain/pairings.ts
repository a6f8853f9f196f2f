import { LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { JourneyStage, Member, Pairing, PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom } from './commandContext.ts'

/**
 * The peer-mentor rotation (pattern.md, Section 4: "each member mentors one peer (usually
 * someone earlier in the journey) … rotate annually. This spreads mentoring labor and keeps the
 * more experienced person from becoming bottleneck").
 *
 * **Further along.** Members are ordered by journey stage (experienced, then practising, then
 * newer), then by `joinedAt` (earlier joined is further along), then by id, so the order is
 * total and the same on every device. A mentor is always further along than their mentee.
 *
 * **The proposal**, in order of priority:
 * 1. every active member who has someone further along gets exactly one mentor;
 * 2. each mentee's mentor is one of the members they have been paired with the fewest times
 *    before (declined pairings count as pairings; a pair is the two people, either way round) —
 *    so no pair repeats while an unused pair exists for that mentee, and when all are used the
 *    least used come round again;
 * 3. within that, as few members as possible mentor more than one (a maximum matching): with a
 *    fresh history every load is one;
 * 4. ties go to the mentor closest in the journey to the mentee, mentees taken from the one
 *    furthest along (fewest possible mentors) to the newest.
 *
 * Because the order is total, the only way to give everyone a mentor with every load at one is
 * the chain (each mentors the next newer). After that first year, rotating means someone
 * further along takes a second mentee for a while — rule 2 comes before rule 3 on purpose, or
 * the pairs would never change.
 */

const STAGE_RANK: Record<JourneyStage, number> = { experienced: 0, practising: 1, newer: 2 }

/** The default rotation period: a year (the pattern's "rotate annually"). */
export const DEFAULT_PAIRING_PERIOD_MS = 365 * 24 * 60 * 60 * 1000

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** Orders members from furthest along to newest in the journey (see the module comment). */
export function compareJourney(a: Member, b: Member): number {
  return (
    STAGE_RANK[a.stage] - STAGE_RANK[b.stage] || a.joinedAt - b.joinedAt || compareIds(a.id, b.id)
  )
}

/** Active members, furthest along first: who takes part in the rotation. */
export function journeyOrder(doc: Pick<PodDoc, 'members'>): Member[] {
  return Object.values(doc.members)
    .filter((m) => m.status === 'active')
    .sort(compareJourney)
}

function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`
}

/** How many times each pair of people has been paired (current, ended or declined). */
export function pairCounts(doc: Pick<PodDoc, 'pairings'>): Map<string, number> {
  const counts = new Map<string, number>()
  for (const p of Object.values(doc.pairings)) {
    const key = pairKey(p.mentorId, p.menteeId)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

/** How many times two members have been paired before, in either direction. */
export function timesPaired(counts: ReadonlyMap<string, number>, a: string, b: string): number {
  return counts.get(pairKey(a, b)) ?? 0
}

export interface PairingProposal {
  mentorId: string
  menteeId: string
}

/**
 * Proposes the next set of pairings (rules above). Pure and deterministic: the same record
 * gives the same proposal on every device. `now` is accepted so a caller can pass the moment of
 * the proposal; eligibility is read from member status, which is already current.
 */
export function proposePairings(
  doc: Pick<PodDoc, 'members' | 'pairings'>,
  _now: number,
): PairingProposal[] {
  const order = journeyOrder(doc)
  const counts = pairCounts(doc)
  // For each mentee (index ≥ 1), the mentors they have been paired with least, closest first.
  const options: string[][] = order.map((mentee, i) => {
    if (i === 0) return []
    const further = order.slice(0, i).reverse()
    const fewest = Math.min(...further.map((m) => timesPaired(counts, m.id, mentee.id)))
    return further.filter((m) => timesPaired(counts, m.id, mentee.id) === fewest).map((m) => m.id)
  })
  // Rule 3: a maximum matching (Kuhn), mentees furthest along first, options closest first.
  const menteeOf = new Map<string, number>()
  const tryMentee = (i: number, seen: Set<string>): boolean => {
    for (const mentor of options[i] ?? []) {
      if (seen.has(mentor)) continue
      seen.add(mentor)
      const holder = menteeOf.get(mentor)
      if (holder === undefined || tryMentee(holder, seen)) {
        menteeOf.set(mentor, i)
        return true
      }
    }
    return false
  }
  for (let i = 1; i < order.length; i++) tryMentee(i, new Set())
  const mentorOf = new Map<number, string>()
  for (const [mentor, i] of menteeOf) mentorOf.set(i, mentor)
  const load = new Map<string, number>()
  for (const mentor of menteeOf.keys()) load.set(mentor, 1)
  // Mentees left over share a mentor: the least loaded of their options, closest first.
  for (let i = 1; i < order.length; i++) {
    if (mentorOf.has(i)) continue
    const opts = options[i] ?? []
    let best: string | null = null
    for (const mentor of opts) {
      if (best === null || (load.get(mentor) ?? 0) < (load.get(best) ?? 0)) best = mentor
    }
    if (best === null) continue
    mentorOf.set(i, best)
    load.set(best, (load.get(best) ?? 0) + 1)
  }
  const proposals: PairingProposal[] = []
  for (let i = 1; i < order.length; i++) {
    const mentor = mentorOf.get(i)
    const mentee = order[i]
    if (mentor !== undefined && mentee !== undefined)
      proposals.push({ mentorId: mentor, menteeId: mentee.id })
  }
  return proposals
}

/** Pairings in force: not ended and not declined, in the order they started (ties by id). */
export function currentPairings(doc: Pick<PodDoc, 'pairings'>): Pairing[] {
  return Object.values(doc.pairings)
    .filter((p) => p.endedAt === null && p.declinedAt === null)
    .sort((a, b) => a.startedAt - b.startedAt || compareIds(a.id, b.id))
}

/** Every pairing the pod has had, current, ended and declined, oldest first. */
export function pairingHistory(doc: Pick<PodDoc, 'pairings'>): Pairing[] {
  return Object.values(doc.pairings).sort(
    (a, b) => a.startedAt - b.startedAt || compareIds(a.id, b.id),
  )
}

/**
 * Starts a new rotation: ends every pairing in force (sets `endedAt`; nothing is deleted, the
 * history is the pod's memory) and records the proposals as new pairings. Returns their ids.
 */
export function startRotation(
  doc: PodDoc,
  proposals: readonly PairingProposal[],
  ctx: CommandContext,
): string[] {
  requireRoom(Object.keys(doc.pairings).length + proposals.length - 1, LIMITS.pairings, 'pairings')
  for (const p of proposals) {
    if (p.mentorId === p.menteeId) throw new DomainError('Nobody can mentor themselves.')
    for (const id of [p.mentorId, p.menteeId]) {
      const member = ownEntry(doc.members, id)
      if (member === undefined || member.status !== 'active') {
        throw new DomainError('Only active members can be paired.')
      }
    }
  }
  for (const pairing of currentPairings(doc)) {
    const live = ownEntry(doc.pairings, pairing.id)
    if (live !== undefined) live.endedAt = ctx.now
  }
  return proposals.map((p) => {
    const id = ctx.newId()
    doc.pairings[id] = {
      id,
      mentorId: p.mentorId,
      menteeId: p.menteeId,
      startedAt: ctx.now,
      endedAt: null,
      declinedAt: null,
      declinedBy: null,
    }
    return id
  })
}

/**
 * A member of a pairing declines it. It leaves the current pairings but stays in the history,
 * and counts as a pairing when the next rotation avoids repeats.
 */
export function declinePairing(
  doc: PodDoc,
  pairingId: string,
  memberId: string,
  ctx: CommandContext,
): void {
  const pairing = ownEntry(doc.pairings, pairingId)
  if (pairing === undefined) throw new DomainError('That pairing is not in this pod.')
  if (pairing.mentorId !== memberId && pairing.menteeId !== memberId) {
    throw new DomainError('Only the two members of a pairing can decline it.')
  }
  if (pairing.declinedAt !== null || pairing.endedAt !== null) return
  pairing.declinedAt = ctx.now
  pairing.declinedBy = memberId
}

/**
 * Whether the pod is due a new rotation: it has at least two active members and either no
 * pairing in force, or the latest rotation started a `periodMs` or more ago.
 */
export function rotationDue(
  doc: Pick<PodDoc, 'members' | 'pairings'>,
  now: number,
  periodMs: number = DEFAULT_PAIRING_PERIOD_MS,
): boolean {
  if (journeyOrder(doc).length < 2) return false
  const current = currentPairings(doc)
  if (current.length === 0) return true
  const latest = Math.max(...current.map((p) => p.startedAt))
  return now - latest >= periodMs
}
