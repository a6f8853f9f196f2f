import { TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { Container, Meeting, Member, PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireText } from './commandContext.ts'
import { standing } from './corrections.ts'
import type { SlotOutcome } from './rhythm.ts'
import { formatDay, isPausedAt, meetingTime, rhythmHistory } from './rhythm.ts'

/**
 * Vitality (pattern.md, Section 8): the signs of life and decay of a pod, computed from the
 * record each time and never stored. Every reading carries its evidence in plain sentences,
 * because the signals are for the group to discuss, not scores that rank people — so member
 * lists are ordered by name, never by how much someone spoke.
 *
 * The recent window is the last `RECENT_MEETINGS` group meetings held (circles and all-hands;
 * office hours are one-on-ones and are left out), about a quarter for a weekly pod.
 */

const DAY = 86_400_000

/** How many of the latest held group meetings the "recent" readings look at. */
export const RECENT_MEETINGS = 12

/**
 * The pattern's attendance marks: "80%+" alive; decay shows as attendance drifting to 60%,
 * then 40%. Tend reads a rate at or above `alive` as alive; from `decayingBelow` (the
 * midpoint between the 60% and 40% marks) up to `alive` as drifting; below it as decaying.
 */
export const ATTENDANCE_THRESHOLDS = {
  alive: 0.8,
  drifting: 0.6,
  decaying: 0.4,
  decayingBelow: 0.5,
} as const

/** Fewer held meetings than this and the attendance band is `unknown`. */
export const MIN_MEETINGS_FOR_BAND = 3

/** The rhythm window, and the share of slots that must be kept in it. */
export const RHYTHM_WINDOW_DAYS = 91
export const RHYTHM_KEPT_MIN = 0.75

/**
 * Domination, as implemented: among the members who attended the recent window (at least
 * `minMembers` of them, with at least `minInsights` insights between them), the two who
 * contributed most hold `topTwoShare` or more of the insights AND the spread's Gini
 * coefficient (normalised so 1 = one person holds everything) is `gini` or more. Both are
 * needed: in a pod of four, two members holding 60% is close to even (Gini ≈ 0.1).
 */
export const DOMINATION = { topTwoShare: 0.6, gini: 0.35, minMembers: 4, minInsights: 8 } as const

/** Responses directed at the facilitator at or above this share (of ≥ 5) read as facilitator-centred. */
export const FACILITATOR_CENTRED_SHARE = 0.5

/** Newcomers: joined between three and twelve months ago (pattern.md: "after three months"). */
export const NEWCOMER_MONTHS = { from: 3, until: 12 } as const

/**
 * Words that mark a reflective note — "here is what I learned and where I am stuck" — and a
 * transactional one — "here is what I did" (pattern.md, Section 8). Matched as whole words or
 * phrases, case-insensitive. A text with more reflective than transactional hits is
 * reflective, the reverse transactional, otherwise neutral (not counted). Shown to the group
 * so they can see, and argue with, how their notes were read.
 */
export const REFLECTIVE_WORDS: readonly string[] = [
  'learned',
  'learnt',
  'learning',
  'realised',
  'realized',
  'realise',
  'realize',
  'noticed',
  'wonder',
  'wondering',
  'stuck',
  'struggle',
  'struggling',
  'unsure',
  'uncertain',
  'afraid',
  'scared',
  'feel',
  'felt',
  'feeling',
  'surprised',
  'curious',
  'why',
  'understand',
  'understood',
  'changed my mind',
  'i was wrong',
  'where i am',
  'hard for me',
  'grateful',
  'vulnerable',
  'insight',
]

export const TRANSACTIONAL_WORDS: readonly string[] = [
  'did',
  'done',
  'finished',
  'completed',
  'shipped',
  'sent',
  'status',
  'update',
  'updated',
  'worked on',
  'fixed',
  'closed',
  'scheduled',
  'booked',
  'deadline',
  'next step',
  'next week',
  'todo',
  'to do',
  'ticket',
  'task',
  'tasks',
  'reviewed',
]

export type VitalityBand = 'alive' | 'drifting' | 'decaying' | 'unknown'

export interface AttendancePoint {
  meetingId: string
  containerId: string | null
  at: number
  present: number
  /** Members with an attendance mark (present, absent or excused). */
  expected: number
  rate: number
}

export interface AttendanceReading {
  /** One point per held group meeting with attendance marked, oldest first. */
  series: AttendancePoint[]
  /** Places filled over places expected in the recent window; null with no data. */
  recentRate: number | null
  /** The same over the window before it. */
  previousRate: number | null
  band: VitalityBand
  trend: 'rising' | 'steady' | 'falling' | 'unknown'
  evidence: string[]
}

export interface RhythmSlot {
  containerId: string
  slot: number
  outcome: SlotOutcome
}

export interface RhythmReading {
  /** Every slot of every circle and all-hands up to now (for charts). */
  history: RhythmSlot[]
  windowDays: number
  expected: number
  kept: number
  slipped: number
  skipped: number
  rescheduled: number
  unrecorded: number
  keptShare: number | null
  /** Kept share below `RHYTHM_KEPT_MIN`, or the last two circle slots did not happen. */
  decaying: boolean
  evidence: string[]
}

export interface MemberParticipation {
  memberId: string
  name: string
  attended: number
  checkIns: number
  insights: number
  /** Share of the window's insights. */
  share: number
}

export interface ParticipationReading {
  meetings: number
  /** Everyone who attended or contributed in the window, by name. */
  perMember: MemberParticipation[]
  /** Attended at least two of the window's meetings and contributed no insight. */
  silentMembers: { memberId: string; name: string; attended: number }[]
  /** Normalised Gini of insights across those members (0 even … 1 one voice); null if none. */
  gini: number | null
  topTwoShare: number | null
  dominated: boolean
  /** The two members, by name, when dominated. */
  dominatedBy: string[]
  evidence: string[]
}

export interface FlowReading {
  /** Insights in the window that respond to another member's insight or check-in. */
  responses: number
  toFacilitator: number
  peerToPeer: number
  facilitatorShare: number | null
  shape: 'peer-to-peer' | 'facilitator-centred' | 'unknown'
  evidence: string[]
}

export interface ReflectivenessReading {
  reflective: number
  transactional: number
  neutral: number
  reflectiveShare: number | null
  tone: 'reflective' | 'mixed' | 'transactional' | 'unknown'
  examples: { reflective: string[]; transactional: string[] }
  evidence: string[]
}

export interface NewcomerOnEdge {
  memberId: string
  name: string
  joinedAt: number
  monthsIn: number
  meetingsSinceJoin: number
  attended: number
  insights: number
  responsesReceived: number
  reasons: string[]
}

export type VitalityRisk =
  'hollowness' | 'mentor-invisibility' | 'cliques-domination' | 'rhythm-decay'

/** A risk the pattern names (Section 5), raised only with the evidence that raised it. */
export interface VitalitySignal {
  risk: VitalityRisk
  evidence: string[]
  /** What the pattern suggests doing. */
  suggestion: string
}

export interface VitalityReading {
  at: number
  /** The attendance band, one step worse with rhythm decay, decaying when replanting is due. */
  overall: VitalityBand
  attendance: AttendanceReading
  rhythm: RhythmReading
  participation: ParticipationReading
  flow: FlowReading
  reflectiveness: ReflectivenessReading
  newcomersOnEdge: NewcomerOnEdge[]
  risks: VitalitySignal[]
  replant: { suggested: boolean; reason: string }
}

/** What the pattern suggests for each risk (pattern.md, Section 5). */
export const RISK_SUGGESTIONS: Readonly<Record<VitalityRisk, string>> = {
  hollowness:
    'Tend the safety of the space before its content: the facilitator as gardener, not fountain — asking better questions, naming patterns across the group — and status updates moved out of the circle so its time goes to what people are learning and where they are stuck.',
  'mentor-invisibility':
    'Protect the facilitator’s time to build individual relationships within the group, keep an experienced voice in the circle, and make sure every newer member has a peer mentor.',
  'cliques-domination':
    'Make the norms explicit again at the next circle, rotate the roles so power does not concentrate, and go round with a talking piece so every voice is heard.',
  'rhythm-decay':
    'Guard the calendar ruthlessly: a named calendar guardian, the rhythm written into calendars rather than aspirations, and the next meeting held even if few can come — one skipped week becomes two.',
}

const REPLANT_ADVICE =
  'If the group has lost vitality, do not patch it: pause for three months, let the pod rest, then restart with explicit attention to how you want to be together, not just what you want to learn.'

// ---------------------------------------------------------------------------------------------

function percent(rate: number): string {
  return `${Math.round(rate * 100)}%`
}

function addMonths(ms: number, months: number): number {
  const d = new Date(ms)
  const year = d.getUTCFullYear()
  const month = d.getUTCMonth() + months
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return Date.UTC(
    year,
    month,
    Math.min(d.getUTCDate(), lastDay),
    d.getUTCHours(),
    d.getUTCMinutes(),
    d.getUTCSeconds(),
    d.getUTCMilliseconds(),
  )
}

function wholeMonthsBetween(from: number, to: number): number {
  const a = new Date(from)
  const b = new Date(to)
  const months =
    (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth())
  return addMonths(from, months) > to ? months - 1 : months
}

function zoneOf(doc: Pick<PodDoc, 'containers'>): string {
  const containers = Object.values(doc.containers)
  return (containers.find((c) => c.kind === 'circle') ?? containers[0])?.timeZone ?? 'UTC'
}

function nameOf(doc: Pick<PodDoc, 'members'>, memberId: string): string {
  return ownEntry(doc.members, memberId)?.name ?? 'a former member'
}

function roleIds(doc: Pick<PodDoc, 'roles'>, pattern: RegExp): Set<string> {
  return new Set(
    Object.values(doc.roles)
      .filter((r) => pattern.test(r.name))
      .map((r) => r.id),
  )
}

/** Held circles and all-hands (and meetings without a container) up to `now`, oldest first. */
export function heldGroupMeetings(
  doc: Pick<PodDoc, 'containers' | 'meetings'>,
  now: number,
): Meeting[] {
  return Object.values(doc.meetings)
    .filter((m) => {
      if (m.status !== 'held' || meetingTime(m) > now) return false
      const container = m.containerId === null ? undefined : ownEntry(doc.containers, m.containerId)
      return container?.kind !== 'office-hours'
    })
    .sort((a, b) => meetingTime(a) - meetingTime(b))
}

/** Reads attendance `rate` against the pattern's marks (see `ATTENDANCE_THRESHOLDS`). */
export function attendanceBand(rate: number | null): VitalityBand {
  if (rate === null) return 'unknown'
  if (rate >= ATTENDANCE_THRESHOLDS.alive) return 'alive'
  if (rate >= ATTENDANCE_THRESHOLDS.decayingBelow) return 'drifting'
  return 'decaying'
}

function pooledRate(points: readonly AttendancePoint[]): number | null {
  const expected = points.reduce((sum, p) => sum + p.expected, 0)
  if (expected === 0) return null
  return points.reduce((sum, p) => sum + p.present, 0) / expected
}

function readAttendance(meetings: readonly Meeting[], tz: string): AttendanceReading {
  const series: AttendancePoint[] = []
  for (const m of meetings) {
    const marks = Object.values(m.attendance)
    if (marks.length === 0) continue
    const present = marks.filter((a) => a === 'present').length
    series.push({
      meetingId: m.id,
      containerId: m.containerId,
      at: meetingTime(m),
      present,
      expected: marks.length,
      rate: present / marks.length,
    })
  }
  const recent = series.slice(-RECENT_MEETINGS)
  const previous = series.slice(-2 * RECENT_MEETINGS, -RECENT_MEETINGS)
  const recentRate = pooledRate(recent)
  const previousRate = previous.length >= MIN_MEETINGS_FOR_BAND ? pooledRate(previous) : null
  const band = recent.length >= MIN_MEETINGS_FOR_BAND ? attendanceBand(recentRate) : 'unknown'
  let trend: AttendanceReading['trend'] = 'unknown'
  if (recentRate !== null && previousRate !== null) {
    const delta = recentRate - previousRate
    trend = delta <= -0.05 ? 'falling' : delta >= 0.05 ? 'rising' : 'steady'
  }
  const evidence: string[] = []
  const first = recent[0]
  if (recentRate === null || first === undefined) {
    evidence.push('No held meeting has attendance marked yet.')
  } else {
    const present = recent.reduce((s, p) => s + p.present, 0)
    const expected = recent.reduce((s, p) => s + p.expected, 0)
    evidence.push(
      `Last ${recent.length} meetings (since ${formatDay(first.at, tz)}): ${present} of ${expected} places filled — ${percent(recentRate)} attendance.`,
    )
    if (previousRate !== null) {
      evidence.push(
        `The ${previous.length} meetings before: ${percent(previousRate)} — attendance is ${trend === 'falling' ? 'falling' : trend === 'rising' ? 'rising' : 'steady'}.`,
      )
    }
    const { alive, drifting, decaying } = ATTENDANCE_THRESHOLDS
    if (band === 'alive') {
      evidence.push(`At or above the ${percent(alive)} the pattern reads as a vital group.`)
    } else if (band === 'drifting') {
      evidence.push(
        `Below the pattern's ${percent(alive)} for a vital group, near its ${percent(drifting)} mark of drift.`,
      )
    } else if (band === 'decaying') {
      evidence.push(
        `Near or below the pattern's ${percent(decaying)} mark: attendance has drifted past ${percent(drifting)}.`,
      )
    } else {
      evidence.push(`Fewer than ${MIN_MEETINGS_FOR_BAND} meetings held: too early to read.`)
    }
  }
  return { series, recentRate, previousRate, band, trend, evidence }
}

function readRhythm(
  doc: Pick<PodDoc, 'pod' | 'containers' | 'meetings'>,
  now: number,
): RhythmReading {
  const history: RhythmSlot[] = []
  const windowFrom = now - RHYTHM_WINDOW_DAYS * DAY
  const inWindow: (RhythmSlot & { reason: string | null; tz: string })[] = []
  const lastTwoMissed: { container: Container; slots: number[] }[] = []
  for (const container of Object.values(doc.containers)) {
    if (container.kind === 'office-hours') continue
    const records = rhythmHistory(doc, container, now)
    for (const r of records) {
      history.push({ containerId: r.containerId, slot: r.slot, outcome: r.outcome })
      if (r.slot >= windowFrom && r.outcome !== 'pending' && r.outcome !== 'paused') {
        inWindow.push({
          containerId: r.containerId,
          slot: r.slot,
          outcome: r.outcome,
          reason: r.meeting?.reason ?? null,
          tz: container.timeZone,
        })
      }
    }
    if (container.kind === 'circle') {
      const settled = records.filter((r) => r.outcome !== 'pending' && r.outcome !== 'paused')
      const lastTwo = settled.slice(-2)
      if (
        lastTwo.length === 2 &&
        lastTwo.every((r) => r.outcome === 'skipped' || r.outcome === 'unrecorded')
      ) {
        lastTwoMissed.push({ container, slots: lastTwo.map((r) => r.slot) })
      }
    }
  }
  history.sort((a, b) => a.slot - b.slot)
  inWindow.sort((a, b) => a.slot - b.slot)
  const count = (o: SlotOutcome) => inWindow.filter((r) => r.outcome === o).length
  const kept = count('kept')
  const skipped = count('skipped')
  const rescheduled = count('rescheduled')
  const unrecorded = count('unrecorded')
  const expected = inWindow.length
  const slipped = skipped + rescheduled + unrecorded
  const keptShare = expected === 0 ? null : kept / expected
  const decaying =
    (keptShare !== null && expected >= 3 && keptShare < RHYTHM_KEPT_MIN) || lastTwoMissed.length > 0
  const evidence: string[] = []
  if (expected === 0) {
    evidence.push(`No meetings were due in the last ${RHYTHM_WINDOW_DAYS} days.`)
  } else {
    evidence.push(
      `${kept} of ${expected} meetings due in the last ${Math.round(RHYTHM_WINDOW_DAYS / 7)} weeks were held on rhythm (${percent(keptShare ?? 0)}); ${skipped} skipped, ${rescheduled} rescheduled, ${unrecorded} not recorded as held.`,
    )
    const skips = inWindow.filter((r) => r.outcome === 'skipped').slice(-5)
    if (skips.length > 0) {
      evidence.push(
        `Skipped: ${skips.map((r) => `${formatDay(r.slot, r.tz)}${r.reason === null ? '' : ` (${r.reason})`}`).join(', ')}.`,
      )
    }
    const moves = inWindow.filter((r) => r.outcome === 'rescheduled').slice(-5)
    if (moves.length > 0) {
      evidence.push(`Rescheduled: ${moves.map((r) => formatDay(r.slot, r.tz)).join(', ')}.`)
    }
  }
  for (const { container, slots } of lastTwoMissed) {
    evidence.push(
      `The last two meetings of the ${container.name} did not happen (${slots.map((s) => formatDay(s, container.timeZone)).join(', ')}).`,
    )
  }
  return {
    history,
    windowDays: RHYTHM_WINDOW_DAYS,
    expected,
    kept,
    slipped,
    skipped,
    rescheduled,
    unrecorded,
    keptShare,
    decaying,
    evidence,
  }
}

/**
 * The Gini coefficient of non-negative values, normalised by n/(n−1) so that 0 is a perfectly
 * even spread and 1 is one value holding everything, whatever the group's size. Null for
 * fewer than two values or an all-zero list.
 */
export function gini(values: readonly number[]): number | null {
  const n = values.length
  const total = values.reduce((s, v) => s + v, 0)
  if (n < 2 || total === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const weighted = sorted.reduce((s, v, i) => s + (i + 1) * v, 0)
  const g = (2 * weighted) / (n * total) - (n + 1) / n
  return Math.min(1, Math.max(0, (g * n) / (n - 1)))
}

function readParticipation(
  doc: Pick<PodDoc, 'members'>,
  window: readonly Meeting[],
): ParticipationReading {
  const rows = new Map<string, MemberParticipation>()
  const row = (memberId: string): MemberParticipation => {
    let r = rows.get(memberId)
    if (r === undefined) {
      r = { memberId, name: nameOf(doc, memberId), attended: 0, checkIns: 0, insights: 0, share: 0 }
      rows.set(memberId, r)
    }
    return r
  }
  let totalInsights = 0
  for (const m of window) {
    for (const [memberId, mark] of Object.entries(m.attendance)) {
      if (mark === 'present') row(memberId).attended++
    }
    for (const c of standing(m.checkIns)) if (c.memberId !== '') row(c.memberId).checkIns++
    for (const i of standing(m.insights)) {
      if (i.authorId === '') continue
      row(i.authorId).insights++
      totalInsights++
    }
  }
  const perMember = [...rows.values()]
    .map((r) => ({ ...r, share: totalInsights === 0 ? 0 : r.insights / totalInsights }))
    .sort((a, b) => a.name.localeCompare(b.name))
  const silentMembers = perMember
    .filter((r) => r.attended >= 2 && r.insights === 0)
    .map((r) => ({ memberId: r.memberId, name: r.name, attended: r.attended }))
  const g = gini(perMember.map((r) => r.insights))
  const top = [...perMember].sort((a, b) => b.insights - a.insights).slice(0, 2)
  const topTwoShare =
    totalInsights === 0 ? null : top.reduce((s, r) => s + r.insights, 0) / totalInsights
  const dominated =
    perMember.length >= DOMINATION.minMembers &&
    totalInsights >= DOMINATION.minInsights &&
    topTwoShare !== null &&
    topTwoShare >= DOMINATION.topTwoShare &&
    g !== null &&
    g >= DOMINATION.gini
  const evidence: string[] = []
  if (window.length === 0) evidence.push('No group meeting held yet.')
  else {
    evidence.push(
      `${totalInsights} insights from ${perMember.filter((r) => r.insights > 0).length} of ${perMember.length} people over the last ${window.length} meetings${g === null ? '' : `; spread (Gini) ${g.toFixed(2)}`}.`,
    )
  }
  if (dominated && topTwoShare !== null) {
    evidence.push(
      `${top.map((r) => r.name).join(' and ')} contributed ${percent(topTwoShare)} of the insights (the pattern warns: "some members dominate").`,
    )
  }
  if (silentMembers.length > 0) {
    evidence.push(
      `${silentMembers.length === 1 ? 'One person' : `${silentMembers.length} people`} came but contributed no insight: ${silentMembers.map((s) => `${s.name} (at ${s.attended})`).join(', ')}.`,
    )
  }
  return {
    meetings: window.length,
    perMember,
    silentMembers,
    gini: g,
    topTwoShare,
    dominated,
    dominatedBy: dominated ? top.map((r) => r.name) : [],
    evidence,
  }
}

function readFlow(
  doc: Pick<PodDoc, 'meetings' | 'roles'>,
  window: readonly Meeting[],
): FlowReading {
  const facilitatorRoles = roleIds(doc, /facilitator/i)
  const authorOf = new Map<string, string>()
  for (const m of Object.values(doc.meetings)) {
    for (const i of Object.values(m.insights)) authorOf.set(i.id, i.authorId)
    for (const c of Object.values(m.checkIns)) authorOf.set(c.id, c.memberId)
  }
  let responses = 0
  let toFacilitator = 0
  for (const m of window) {
    const facilitators = new Set(
      Object.entries(m.roleHolders)
        .filter(([roleId]) => facilitatorRoles.has(roleId))
        .map(([, memberId]) => memberId),
    )
    for (const i of standing(m.insights)) {
      if (i.respondsTo === null) continue
      const target = authorOf.get(i.respondsTo) ?? i.respondsTo
      if (target === '' || target === i.authorId) continue
      responses++
      if (facilitators.has(target)) toFacilitator++
    }
  }
  const peerToPeer = responses - toFacilitator
  const facilitatorShare = responses === 0 ? null : toFacilitator / responses
  const shape: FlowReading['shape'] =
    responses < 5 || facilitatorShare === null
      ? 'unknown'
      : facilitatorShare >= FACILITATOR_CENTRED_SHARE
        ? 'facilitator-centred'
        : 'peer-to-peer'
  const evidence: string[] =
    responses === 0
      ? ['No insight in the recent meetings responds to another member’s.']
      : [
          `${responses} response${responses === 1 ? '' : 's'} between members in the last ${window.length} meetings: ${peerToPeer} peer to peer, ${toFacilitator} to that meeting’s facilitator (${percent(facilitatorShare ?? 0)}).`,
        ]
  if (shape === 'facilitator-centred') {
    evidence.push('Learning flows through the facilitator: the group waits for them to speak.')
  }
  return { responses, toFacilitator, peerToPeer, facilitatorShare, shape, evidence }
}

const wordPatterns = new Map<string, RegExp>()

function hits(text: string, words: readonly string[]): string[] {
  const normalised = text.toLowerCase().replace(/[’‘]/g, "'").replace(/\s+/g, ' ')
  return words.filter((word) => {
    let pattern = wordPatterns.get(word)
    if (pattern === undefined) {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+')
      pattern = new RegExp(`(?:^|[^\\p{L}'])${escaped}(?:$|[^\\p{L}'])`, 'u')
      wordPatterns.set(word, pattern)
    }
    return pattern.test(normalised)
  })
}

/**
 * Reads one note with the word lists (`REFLECTIVE_WORDS`, `TRANSACTIONAL_WORDS`), returning
 * which words it matched so the reading can be shown and questioned.
 */
export function classifyText(text: string): {
  kind: 'reflective' | 'transactional' | 'neutral'
  reflectiveHits: string[]
  transactionalHits: string[]
} {
  const reflectiveHits = hits(text, REFLECTIVE_WORDS)
  const transactionalHits = hits(text, TRANSACTIONAL_WORDS)
  const kind =
    reflectiveHits.length > transactionalHits.length
      ? 'reflective'
      : transactionalHits.length > reflectiveHits.length
        ? 'transactional'
        : 'neutral'
  return { kind, reflectiveHits, transactionalHits }
}

function readReflectiveness(window: readonly Meeting[]): ReflectivenessReading {
  let reflective = 0
  let transactional = 0
  let neutral = 0
  const examples = { reflective: [] as string[], transactional: [] as string[] }
  const texts: string[] = []
  for (const m of [...window].reverse()) {
    for (const i of standing(m.insights)) texts.push(i.text)
    for (const c of standing(m.checkIns)) texts.push(c.text)
  }
  for (const text of texts) {
    if (text.trim() === '') continue
    const { kind } = classifyText(text)
    if (kind === 'reflective') {
      reflective++
      if (examples.reflective.length < 3 && !examples.reflective.includes(text)) {
        examples.reflective.push(text)
      }
    } else if (kind === 'transactional') {
      transactional++
      if (examples.transactional.length < 3 && !examples.transactional.includes(text)) {
        examples.transactional.push(text)
      }
    } else neutral++
  }
  const classified = reflective + transactional
  const reflectiveShare = classified === 0 ? null : reflective / classified
  const tone: ReflectivenessReading['tone'] =
    classified < 6 || reflectiveShare === null
      ? 'unknown'
      : reflectiveShare >= 0.6
        ? 'reflective'
        : reflectiveShare < 0.4
          ? 'transactional'
          : 'mixed'
  const evidence =
    classified === 0
      ? ['No check-in or insight in the recent meetings reads clearly one way or the other.']
      : [
          `Of ${classified} check-ins and insights that read clearly, ${reflective} are reflective ("what I learned, where I am stuck") and ${transactional} transactional ("what I did") — ${percent(reflectiveShare ?? 0)} reflective.`,
        ]
  if (tone === 'transactional') {
    evidence.push('Conversations have become transactional: status updates more than learning.')
  }
  return { reflective, transactional, neutral, reflectiveShare, tone, examples, evidence }
}

function isFounder(doc: Pick<PodDoc, 'pod'>, member: Member): boolean {
  return member.joinedAt <= doc.pod.createdAt + 14 * DAY
}

function readNewcomers(
  doc: Pick<PodDoc, 'pod' | 'members' | 'meetings'>,
  meetings: readonly Meeting[],
  now: number,
): NewcomerOnEdge[] {
  const authorOf = new Map<string, string>()
  for (const m of Object.values(doc.meetings)) {
    for (const i of Object.values(m.insights)) authorOf.set(i.id, i.authorId)
    for (const c of Object.values(m.checkIns)) authorOf.set(c.id, c.memberId)
  }
  const out: NewcomerOnEdge[] = []
  for (const member of Object.values(doc.members)) {
    if (member.status === 'left' || isFounder(doc, member)) continue
    if (member.joinedAt > addMonths(now, -NEWCOMER_MONTHS.from)) continue
    if (member.joinedAt <= addMonths(now, -NEWCOMER_MONTHS.until)) continue
    const since = meetings.filter((m) => meetingTime(m) >= member.joinedAt)
    if (since.length < 3) continue
    let attended = 0
    let insights = 0
    let responsesReceived = 0
    let seats = 0
    let allInsights = 0
    for (const m of since) {
      for (const [memberId, mark] of Object.entries(m.attendance)) {
        if (mark !== 'present') continue
        seats++
        if (memberId === member.id) attended++
      }
      for (const i of standing(m.insights)) {
        allInsights++
        if (i.authorId === member.id) insights++
        if (
          i.respondsTo !== null &&
          i.authorId !== member.id &&
          (authorOf.get(i.respondsTo) ?? i.respondsTo) === member.id
        ) {
          responsesReceived++
        }
      }
    }
    const reasons: string[] = []
    const monthsIn = wholeMonthsBetween(member.joinedAt, now)
    if (attended / since.length < 0.5) {
      reasons.push(`came to ${attended} of ${since.length} meetings since joining`)
    }
    const podRate = seats === 0 ? 0 : allInsights / seats
    const ownRate = attended === 0 ? 0 : insights / attended
    if (attended > 0 && ownRate < podRate / 2) {
      reasons.push(
        `${insights} insight${insights === 1 ? '' : 's'} in ${attended} meetings attended, under half the pod's rate`,
      )
    }
    if (insights > 0 && responsesReceived === 0) {
      reasons.push('nobody has responded to their insights yet')
    }
    if (reasons.length > 0) {
      out.push({
        memberId: member.id,
        name: member.name,
        joinedAt: member.joinedAt,
        monthsIn,
        meetingsSinceJoin: since.length,
        attended,
        insights,
        responsesReceived,
        reasons,
      })
    }
  }
  return out.sort((a, b) => a.name.localeCompare(b.name))
}

function mentorInvisibility(
  doc: Pick<PodDoc, 'members' | 'pairings'>,
  window: readonly Meeting[],
  now: number,
): string[] {
  const evidence: string[] = []
  const current = Object.values(doc.members).filter(
    (m) => m.status === 'active' && m.joinedAt <= now,
  )
  const experienced = current.filter((m) => m.stage === 'experienced')
  const newer = current.filter((m) => m.stage === 'newer')
  if (window.length >= 3 && newer.length > 0) {
    if (experienced.length === 0) {
      evidence.push('No experienced practitioner is an active member of the pod.')
    } else {
      const attendedBy = (id: string) =>
        window.filter((m) => ownEntry(m.attendance, id) === 'present').length
      const seen = experienced.filter((m) => attendedBy(m.id) / window.length >= 0.5)
      if (seen.length === 0) {
        evidence.push(
          `The experienced members (${experienced.map((m) => `${m.name}, at ${attendedBy(m.id)} of ${window.length}`).join('; ')}) came to fewer than half of the recent meetings.`,
        )
      }
    }
  }
  const mentored = new Set(
    Object.values(doc.pairings)
      .filter(
        (p) =>
          p.startedAt <= now &&
          (p.endedAt === null || p.endedAt > now) &&
          (p.declinedAt === null || p.declinedAt > now),
      )
      .map((p) => p.menteeId),
  )
  const unpaired = newer.filter((m) => !mentored.has(m.id))
  if (unpaired.length > 0 && Object.keys(doc.pairings).length > 0) {
    evidence.push(
      `Newer member${unpaired.length === 1 ? '' : 's'} without a peer mentor: ${unpaired.map((m) => m.name).join(', ')}.`,
    )
  }
  return evidence
}

/**
 * Reads a pod's vitality at `now` from its record alone: attendance against the pattern's
 * thresholds, rhythm kept against slipped, participation spread, peer-to-peer flow,
 * reflective against transactional notes, newcomers still on the edge, the risks the pattern
 * names with their evidence, and whether to replant. Only meetings up to `now` count, so the
 * same pod can be read as it was a year ago (member status is as it is today).
 */
export function readVitality(doc: PodDoc, now: number): VitalityReading {
  const tz = zoneOf(doc)
  const meetings = heldGroupMeetings(doc, now)
  const window = meetings.slice(-RECENT_MEETINGS)
  const attendance = readAttendance(meetings, tz)
  const rhythm = readRhythm(doc, now)
  const participation = readParticipation(doc, window)
  const flow = readFlow(doc, window)
  const reflectiveness = readReflectiveness(window)
  const newcomersOnEdge = readNewcomers(doc, meetings, now)

  const risks: VitalitySignal[] = []
  const hollow: string[] = []
  const attendees = participation.perMember.filter((r) => r.attended > 0).length
  if (attendees >= 3 && participation.silentMembers.length / attendees >= 1 / 3) {
    hollow.push(
      `${participation.silentMembers.length} of ${attendees} people who came stayed silent: ${participation.silentMembers.map((s) => s.name).join(', ')}.`,
    )
  }
  if (reflectiveness.tone === 'transactional') hollow.push(...reflectiveness.evidence)
  if (flow.shape === 'facilitator-centred') hollow.push(...flow.evidence)
  if (hollow.length > 0) {
    risks.push({ risk: 'hollowness', evidence: hollow, suggestion: RISK_SUGGESTIONS.hollowness })
  }
  const invisible = mentorInvisibility(doc, window, now)
  if (invisible.length > 0) {
    risks.push({
      risk: 'mentor-invisibility',
      evidence: invisible,
      suggestion: RISK_SUGGESTIONS['mentor-invisibility'],
    })
  }
  const cliques: string[] = []
  if (participation.dominated) cliques.push(...participation.evidence.slice(0, 2))
  for (const n of newcomersOnEdge) {
    cliques.push(
      `${n.name}, ${n.monthsIn} months in, is still on the edge: ${n.reasons.join('; ')}.`,
    )
  }
  if (cliques.length > 0) {
    risks.push({
      risk: 'cliques-domination',
      evidence: cliques,
      suggestion: RISK_SUGGESTIONS['cliques-domination'],
    })
  }
  if (rhythm.decaying) {
    risks.push({
      risk: 'rhythm-decay',
      evidence: rhythm.evidence,
      suggestion: RISK_SUGGESTIONS['rhythm-decay'],
    })
  }

  const paused = isPausedAt(doc, now)
  const systemic =
    (attendance.band === 'decaying' && rhythm.decaying) ||
    ((attendance.band === 'drifting' || attendance.band === 'decaying') && risks.length >= 3)
  let replant: VitalityReading['replant']
  if (paused) {
    replant = {
      suggested: false,
      reason: `The pod is resting until ${formatDay(doc.pod.pausedUntil ?? now, tz)}.`,
    }
  } else if (systemic) {
    replant = {
      suggested: true,
      reason: `Decay is systemic — attendance is ${attendance.band} (${percent(attendance.recentRate ?? 0)}) and ${rhythm.decaying ? 'the rhythm has broken' : `${risks.length} risks show together`}. ${REPLANT_ADVICE}`,
    }
  } else {
    replant = { suggested: false, reason: 'No systemic decay: tend what the signals show.' }
  }

  let overall: VitalityBand = attendance.band
  if (replant.suggested) overall = 'decaying'
  else if (rhythm.decaying && overall === 'alive') overall = 'drifting'
  return {
    at: now,
    overall,
    attendance,
    rhythm,
    participation,
    flow,
    reflectiveness,
    newcomersOnEdge,
    risks,
    replant,
  }
}

// ---------------------------------------------------------------------------------------------
// Replanting

/** The pattern's rest before replanting: three months. */
export const REPLANT_PAUSE_MONTHS = 3

export interface PauseInput {
  /** The restart date (epoch ms); defaults to three months from now. */
  until?: number
  reason: string
}

/**
 * Pauses the pod to replant it (pattern.md, Section 8: "do not patch it — pause for 3
 * months"). Slots inside the pause are neither expected nor counted as slipped, the calendar
 * starts again at the restart date, and the first circle after it is marked to open with
 * "How do we want to be together?". Returns the restart date.
 */
export function pausePod(doc: PodDoc, input: PauseInput, ctx: CommandContext): number {
  const until = input.until ?? addMonths(ctx.now, REPLANT_PAUSE_MONTHS)
  if (!Number.isFinite(until) || until <= ctx.now) {
    throw new DomainError('The restart date must be in the future.')
  }
  const reason = requireText(input.reason, 'The reason', TEXT_LIMITS.pauseReason)
  if (doc.pod.pausedAt !== ctx.now) doc.pod.pausedAt = ctx.now
  if (doc.pod.pausedUntil !== until) doc.pod.pausedUntil = until
  if (doc.pod.pauseReason !== reason) doc.pod.pauseReason = reason
  return until
}

/** Ends a pause early: the restart date becomes now, the pause stays in the record. */
export function resumePod(doc: PodDoc, ctx: CommandContext): void {
  if (!isPausedAt(doc, ctx.now)) return
  doc.pod.pausedUntil = ctx.now
}
