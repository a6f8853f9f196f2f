import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { emptyIdMap, ownEntry } from '../schema/idMap.ts'
import type {
  ConsentRecord,
  ConsentResponse,
  ConsentRound,
  Norm,
  PodDoc,
} from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'

/**
 * Norms by consent (pattern.md, Section 5: "groups can splinter if norms are not explicit …
 * build explicit norm-setting into early meetings").
 *
 * A norm is proposed with a consent round; every active member consents, stands aside or
 * objects. What each member answered stays hidden until the round is complete (everyone who is
 * waited for has answered, or the round was closed), so nobody answers under the sway of the
 * first answers. A norm is adopted when the round is complete, at least one member consents and
 * no objection stands; an objection leads to a revised proposal (`reviseNorm`). Nothing here is
 * a counter: every outcome is read from the recorded responses.
 */

const NORM_MAX = TEXT_LIMITS.norm
const REASON_MAX = TEXT_LIMITS.normReason

/** A prompt the first norm-setting circle offers, so a new pod does not start from a blank page. */
export interface StarterNormPrompt {
  id: string
  topic: string
  /** The question the circle talks through. */
  prompt: string
  /** One way a pod has put it; a starting point, never a default norm. */
  example: string
}

/** The starter prompts of a new pod's first norm-setting circle (issue 4, "Norms"). */
export const STARTER_NORM_PROMPTS: readonly StarterNormPrompt[] = [
  {
    id: 'confidentiality',
    topic: 'Confidentiality',
    prompt: 'What we share here: what may leave the circle, and in what form?',
    example: 'Stories stay in the circle; lessons may leave without names.',
  },
  {
    id: 'disagreement',
    topic: 'How we disagree',
    prompt: 'When we see something differently, how do we say so and stay together?',
    example: 'We disagree with ideas, not people, and ask a question before we argue.',
  },
  {
    id: 'speaking-time',
    topic: 'Speaking time',
    prompt: 'How do we make room for every voice, the quiet ones included?',
    example: 'In a round, each speaks once before anyone speaks twice.',
  },
  {
    id: 'phones',
    topic: 'Phones',
    prompt: 'What do we do with our phones and laptops while we are together?',
    example: 'Phones face down; the note-taker is the only one typing.',
  },
  {
    id: 'missing',
    topic: 'When someone misses',
    prompt: 'What happens when someone cannot come, and how do they catch up?',
    example: 'Say so before the circle; the note-taker shares the actions afterwards.',
  },
]

function requireNorm(doc: PodDoc, normId: string): Norm {
  const norm = ownEntry(doc.norms, normId)
  if (norm === undefined) throw new DomainError('That norm is not in this pod.')
  return norm
}

function requireActiveMember(doc: PodDoc, memberId: string, doing: string): void {
  const member = ownEntry(doc.members, memberId)
  if (member === undefined) throw new DomainError('That member is not in this pod.')
  if (member.status !== 'active') throw new DomainError(`Only active members can ${doing}.`)
}

function optionalText(value: string | null | undefined, what: string): string | null {
  if (value === null || value === undefined || value.trim() === '') return null
  return requireText(value, what, REASON_MAX)
}

/**
 * The round a norm is being decided in: the latest one opened (ties by id, so every device
 * picks the same round). Null for a norm that never had a round (e.g. repaired data).
 */
export function currentRound(norm: Norm): ConsentRound | null {
  let latest: ConsentRound | null = null
  for (const round of Object.values(norm.rounds)) {
    if (
      latest === null ||
      round.openedAt > latest.openedAt ||
      (round.openedAt === latest.openedAt && round.id > latest.id)
    ) {
      latest = round
    }
  }
  return latest
}

function openRound(norm: Norm): ConsentRound {
  const round = currentRound(norm)
  if (norm.status !== 'proposed' || round === null || round.closedAt !== null) {
    throw new DomainError('This norm has no open consent round.')
  }
  return round
}

export interface NormProposalInput {
  text: string
  reason?: string | null
  proposedBy: string
  /** The norm this proposal revises: an adopted norm, or a proposal that met an objection. */
  revises?: string | null
}

/**
 * Proposes a norm and opens its consent round; returns the norm's id.
 *
 * With `revises`, the proposal revises another norm. Revising an adopted norm leaves it in force
 * until the revision is adopted (the pod is never without the norm in between). Revising a
 * proposal — what an objection leads to — supersedes that proposal at once: it is marked
 * `revised` and its round is closed, so its responses become visible and no one answers a text
 * that is no longer on the table.
 */
export function proposeNorm(doc: PodDoc, input: NormProposalInput, ctx: CommandContext): string {
  const text = requireText(input.text, 'The norm', NORM_MAX)
  const reason = optionalText(input.reason, 'The reason')
  requireActiveMember(doc, input.proposedBy, 'propose a norm')
  const revises = input.revises ?? null
  if (revises !== null) {
    const target = requireNorm(doc, revises)
    if (target.status !== 'adopted' && target.status !== 'proposed') {
      throw new DomainError('Only an adopted norm or an open proposal can be revised.')
    }
  }
  requireRoom(Object.keys(doc.norms).length, LIMITS.norms, 'norms and proposals')
  const id = ctx.newId()
  const roundId = ctx.newId()
  doc.norms[id] = {
    id,
    text,
    reason,
    status: 'proposed',
    proposedBy: input.proposedBy,
    proposedAt: ctx.now,
    revises,
    rounds: { [roundId]: { id: roundId, openedAt: ctx.now, closedAt: null, responses: {} } },
    adoptedAt: null,
    retiredAt: null,
  }
  if (revises !== null) {
    const target = ownEntry(doc.norms, revises)
    if (target !== undefined && target.status === 'proposed') {
      target.status = 'revised'
      const round = currentRound(target)
      if (round !== null && round.closedAt === null) round.closedAt = ctx.now
    }
  }
  return id
}

export interface NormRevisionInput {
  normId: string
  text: string
  reason?: string | null
  proposedBy: string
}

/**
 * Proposes a new text for a norm (an adopted one, or a proposal that met an objection) with a
 * fresh consent round. On adoption the revised norm is marked `revised`; the chain stays in the
 * record (`normHistory`).
 */
export function reviseNorm(doc: PodDoc, input: NormRevisionInput, ctx: CommandContext): string {
  return proposeNorm(
    doc,
    {
      text: input.text,
      reason: input.reason ?? null,
      proposedBy: input.proposedBy,
      revises: input.normId,
    },
    ctx,
  )
}

export interface NormResponseInput {
  normId: string
  memberId: string
  response: ConsentResponse
  /** Required for an objection: the group needs to know what to revise. */
  reason?: string | null
}

/**
 * Records one active member's answer in the open round. A member may change their answer while
 * the round is open (the record is edited in place, one field at a time, so it merges); an
 * objection must say why.
 */
export function respondToNorm(doc: PodDoc, input: NormResponseInput, ctx: CommandContext): void {
  const norm = requireNorm(doc, input.normId)
  requireActiveMember(doc, input.memberId, 'answer a consent round')
  const round = openRound(norm)
  const reason = optionalText(input.reason, 'The reason')
  if (input.response === 'object' && reason === null) {
    throw new DomainError('An objection needs a reason, so the norm can be revised.')
  }
  const existing = ownEntry(round.responses, input.memberId)
  if (existing === undefined) {
    round.responses[input.memberId] = { response: input.response, reason, at: ctx.now }
    return
  }
  if (existing.response !== input.response) existing.response = input.response
  if (existing.reason !== reason) existing.reason = reason
  existing.at = ctx.now
}

/**
 * Closes the open round without waiting for everyone (the circle decided to stop waiting).
 * The responses become visible; `settleRound` then decides.
 */
export function closeRound(doc: PodDoc, normId: string, ctx: CommandContext): void {
  const round = openRound(requireNorm(doc, normId))
  round.closedAt = ctx.now
}

export interface StandingObjection {
  memberId: string
  reason: string | null
}

export interface RoundOutcome {
  /** True when everyone waited for has answered, or the round was closed. */
  complete: boolean
  closed: boolean
  /** The members the round waits for: active and not away at `now`. */
  awaitedCount: number
  /** Who has answered (never what), so the circle can see whom it still waits for. */
  answeredMemberIds: string[]
  waitingOnMemberIds: string[]
  /** Every answer, only once the round is complete; null while it is not. */
  visibleResponses: Record<string, ConsentRecord> | null
  /** Objections of members who have not left; empty while the round is not complete. */
  standingObjections: StandingObjection[]
  /** Complete, at least one consent, no standing objection. */
  adoptable: boolean
}

function isAwaited(doc: PodDoc, memberId: string, now: number): boolean {
  const member = ownEntry(doc.members, memberId)
  if (member === undefined || member.status !== 'active') return false
  return member.awayUntil === null || member.awayUntil <= now
}

/**
 * Reads where a norm's current round stands, hiding what anyone answered until it is complete.
 *
 * The round waits for every active member who is not away at `now` (a member on leave would
 * otherwise stall it for months); an away member may still answer, and their objection stands
 * like anyone's. An objection stands while its author has not left the pod. A round of only
 * stand-asides is not adoptable: at least one member must consent.
 */
export function roundOutcome(doc: PodDoc, normId: string, now: number): RoundOutcome {
  const norm = requireNorm(doc, normId)
  const round = currentRound(norm)
  const responses = round?.responses ?? {}
  const closed = round !== null && round.closedAt !== null
  const awaited = Object.values(doc.members)
    .filter((m) => isAwaited(doc, m.id, now))
    .map((m) => m.id)
    .sort()
  const answeredMemberIds = Object.keys(responses)
    .filter((id) => ownEntry(doc.members, id) !== undefined)
    .sort()
  const waitingOnMemberIds = closed
    ? []
    : awaited.filter((id) => ownEntry(responses, id) === undefined)
  const complete = round !== null && (closed || waitingOnMemberIds.length === 0)
  if (!complete) {
    return {
      complete,
      closed,
      awaitedCount: awaited.length,
      answeredMemberIds,
      waitingOnMemberIds,
      visibleResponses: null,
      standingObjections: [],
      adoptable: false,
    }
  }
  const visibleResponses = emptyIdMap<ConsentRecord>()
  const standingObjections: StandingObjection[] = []
  let consents = 0
  for (const id of answeredMemberIds) {
    const record = ownEntry(responses, id)
    if (record === undefined) continue
    visibleResponses[id] = { ...record }
    if (record.response === 'consent') consents++
    if (record.response === 'object' && ownEntry(doc.members, id)?.status !== 'left') {
      standingObjections.push({ memberId: id, reason: record.reason })
    }
  }
  return {
    complete,
    closed,
    awaitedCount: awaited.length,
    answeredMemberIds,
    waitingOnMemberIds,
    visibleResponses,
    standingObjections,
    adoptable: norm.status === 'proposed' && standingObjections.length === 0 && consents > 0,
  }
}

export type SettleResult = 'adopted' | 'objected' | 'waiting' | 'no-consent'

/**
 * Decides a proposal from its round: adopts it when the round is complete, someone consents and
 * no objection stands (closing the round, and marking the norm it revises as `revised`).
 * Otherwise the norm stays `proposed`: while members are still awaited nothing changes
 * (`waiting`); with a standing objection or no consent the round is closed so the answers stay
 * visible and the next step is a revised proposal.
 */
export function settleRound(doc: PodDoc, normId: string, ctx: CommandContext): SettleResult {
  const norm = requireNorm(doc, normId)
  if (norm.status !== 'proposed') throw new DomainError('This norm is not a proposal.')
  const outcome = roundOutcome(doc, normId, ctx.now)
  if (!outcome.complete) return 'waiting'
  const round = currentRound(norm)
  if (round !== null && round.closedAt === null) round.closedAt = ctx.now
  if (!outcome.adoptable) return outcome.standingObjections.length > 0 ? 'objected' : 'no-consent'
  norm.status = 'adopted'
  norm.adoptedAt = ctx.now
  if (norm.revises !== null) {
    const previous = ownEntry(doc.norms, norm.revises)
    if (previous !== undefined && previous.status === 'adopted') previous.status = 'revised'
  }
  return 'adopted'
}

/** Retires an adopted norm; it stays in the history. */
export function retireNorm(doc: PodDoc, normId: string, ctx: CommandContext): void {
  const norm = requireNorm(doc, normId)
  if (norm.status !== 'adopted') throw new DomainError('Only an adopted norm can be retired.')
  norm.status = 'retired'
  norm.retiredAt = ctx.now
}

/** Withdraws a proposal (its proposer or the circle let it go); its open round is closed. */
export function withdrawNorm(doc: PodDoc, normId: string, ctx: CommandContext): void {
  const norm = requireNorm(doc, normId)
  if (norm.status !== 'proposed') throw new DomainError('Only a proposal can be withdrawn.')
  norm.status = 'withdrawn'
  const round = currentRound(norm)
  if (round !== null && round.closedAt === null) round.closedAt = ctx.now
}

/** The pod's charter: adopted norms in the order they were adopted (ties by id). These open every circle. */
export function adoptedNorms(doc: Pick<PodDoc, 'norms'>): Norm[] {
  return Object.values(doc.norms)
    .filter((n) => n.status === 'adopted')
    .sort((a, b) => (a.adoptedAt ?? 0) - (b.adoptedAt ?? 0) || compareIds(a.id, b.id))
}

/** Proposals still open or awaiting a revision, oldest first. */
export function openProposals(doc: Pick<PodDoc, 'norms'>): Norm[] {
  return Object.values(doc.norms)
    .filter((n) => n.status === 'proposed')
    .sort((a, b) => a.proposedAt - b.proposedAt || compareIds(a.id, b.id))
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Every version of a norm: the proposals it revised, back to the first, and every later
 * revision of it (two concurrent revisions both appear), oldest first. The living charter's
 * memory of how a norm came to read as it does.
 */
export function normHistory(doc: Pick<PodDoc, 'norms'>, normId: string): Norm[] {
  const start = ownEntry(doc.norms, normId)
  if (start === undefined) return []
  let root = start
  const seen = new Set<string>([root.id])
  while (root.revises !== null) {
    const previous = ownEntry(doc.norms, root.revises)
    if (previous === undefined || seen.has(previous.id)) break
    seen.add(previous.id)
    root = previous
  }
  const chain = new Map<string, Norm>([[root.id, root]])
  const queue = [root.id]
  while (queue.length > 0) {
    const id = queue.shift() as string
    for (const norm of Object.values(doc.norms)) {
      if (norm.revises === id && !chain.has(norm.id)) {
        chain.set(norm.id, norm)
        queue.push(norm.id)
      }
    }
  }
  return [...chain.values()].sort((a, b) => a.proposedAt - b.proposedAt || compareIds(a.id, b.id))
}
