import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { OutsideRelationship, PodDoc } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'
import { standing } from './corrections.ts'

/**
 * The mentorship ecology (pattern.md, Section 4: "diagnose your mentorship ecology") across
 * every pod on this device: who mentors how many one-on-one against the 3–5 a mentor can hold,
 * who is waiting for a mentor, which topics only one person holds, and what a group container
 * would change. Computed each time from the pods' records and the one-on-ones entered by hand.
 *
 * People are matched across pods by name — trimmed, inner spaces collapsed, case-insensitive —
 * because each pod has its own member ids. Two different people with one name are counted as
 * one; the screen should say so.
 */

/** A mentor holds 3–5 meaningful one-on-one relationships (pattern.md, Section 2). */
export const MENTOR_CAPACITY = { min: 3, max: 5 } as const

/** The person key used to match people across pods. */
export function personKey(name: string): string {
  return name.trim().replace(/\s+/g, ' ').toLowerCase()
}

export type LoadFit = 'under' | 'within' | 'over'

export interface MentorRelationship {
  menteeName: string
  /** The pod's name for a pairing, "outside Tend" for a hand-entered one. */
  where: string
  topic: string | null
}

export interface GroupSuggestion {
  groupKind: 'learning-pod' | 'cohort'
  /** Mentees per group, and how many groups. */
  groupSize: number
  groups: number
  /** One-on-ones the mentor would keep. */
  oneOnOnesAfter: number
  /** Monthly office-hours minutes for the mentees who move into the group (30 each). */
  officeHoursMinutesPerMonth: number
  text: string
}

export interface MentorLoad {
  name: string
  load: number
  fit: LoadFit
  relationships: MentorRelationship[]
  /** For a mentor over capacity: what a group container would change. */
  suggestion: GroupSuggestion | null
}

export interface WaitingMentee {
  name: string
  pods: string[]
}

export interface SinglePointOfKnowledge {
  tag: string
  holder: string
  insights: number
  lastAt: number
  /** The holder has left every pod they were in: the knowledge is leaving with them. */
  holderLeft: boolean
}

export interface EcologyReading {
  mentors: MentorLoad[]
  waiting: WaitingMentee[]
  singlePoints: SinglePointOfKnowledge[]
  /** A one-line summary in the pattern's terms, e.g. "8–10 mentees each → 3–4 with a cohort". */
  summary: string | null
}

/** Share of an over-loaded mentor's mentees whose learning needs one-on-one space. */
export const ONE_ON_ONE_SHARE = 0.4

/**
 * What a group container would change for a mentor with `load` one-on-ones (pattern.md,
 * Section 4: "8–10 mentees each; a cohort-based model could reduce that to 3–4"). As
 * implemented: every mentee joins a group — a learning pod (≤ 6) or a cohort (7–12; several
 * cohorts of at most 12 beyond that) — and the mentor keeps one-on-one only the ~40% whose
 * learning is existential, clamped to 3–4 (within capacity, with room left); the others get
 * the pattern's 30 minutes a month of office hours. 8 → 3, 9 → 4, 10 → 4.
 */
export function groupSuggestion(name: string, load: number): GroupSuggestion {
  const groups = Math.max(1, Math.ceil(load / 12))
  const groupSize = Math.ceil(load / groups)
  const groupKind = groupSize <= 6 ? 'learning-pod' : 'cohort'
  const oneOnOnesAfter = Math.min(
    4,
    Math.max(MENTOR_CAPACITY.min, Math.round(load * ONE_ON_ONE_SHARE)),
  )
  const moved = load - oneOnOnesAfter
  const container =
    groupKind === 'cohort'
      ? groups === 1
        ? `a biweekly cohort of ${groupSize}`
        : `${groups} biweekly cohorts of about ${groupSize}`
      : `a weekly learning pod of ${groupSize}`
  return {
    groupKind,
    groupSize,
    groups,
    oneOnOnesAfter,
    officeHoursMinutesPerMonth: moved * 30,
    text: `${name} holds ${load} one-on-ones, above the ${MENTOR_CAPACITY.min}–${MENTOR_CAPACITY.max} a mentor can hold. With ${container}, ${name} would keep ${oneOnOnesAfter} one-on-ones and meet the other ${moved} in 30-minute monthly office hours: ${load} → ${oneOnOnesAfter} with a ${groupKind === 'cohort' ? 'cohort' : 'learning pod'}.`,
  }
}

function fitOf(load: number): LoadFit {
  if (load < MENTOR_CAPACITY.min) return 'under'
  if (load > MENTOR_CAPACITY.max) return 'over'
  return 'within'
}

function range(values: readonly number[]): string {
  const min = Math.min(...values)
  const max = Math.max(...values)
  return min === max ? `${min}` : `${min}–${max}`
}

function normaliseTag(tag: string): string {
  return tag.trim().replace(/^#+/, '').replace(/\s+/g, ' ').toLowerCase()
}

/**
 * Reads the ecology across `pods`, with the one-on-ones entered by hand in those pods plus
 * any in `outside` (the same record counted once, by id). A pairing counts while it has not
 * ended or been declined and its mentor has not left the pod; an outside one-on-one counts
 * until it ends. A mentee counted twice for one mentor (in two pods) is one relationship.
 * Waiting: active members not yet at the experienced stage with no current mentor anywhere.
 */
export function readEcology(
  pods: readonly PodDoc[],
  outside: readonly OutsideRelationship[] = [],
  now: number = Number.POSITIVE_INFINITY,
): EcologyReading {
  const display = new Map<string, string>()
  const remember = (name: string): string => {
    const key = personKey(name)
    if (!display.has(key)) display.set(key, name.trim().replace(/\s+/g, ' '))
    return key
  }
  const relations = new Map<string, Map<string, MentorRelationship>>()
  const relate = (mentorName: string, rel: MentorRelationship) => {
    const mentor = remember(mentorName)
    const mentee = remember(rel.menteeName)
    if (mentor === mentee) return
    let map = relations.get(mentor)
    if (map === undefined) {
      map = new Map()
      relations.set(mentor, map)
    }
    if (!map.has(mentee)) map.set(mentee, rel)
  }
  const mentees = new Set<string>()

  for (const doc of pods) {
    for (const p of Object.values(doc.pairings)) {
      if (p.endedAt !== null || p.declinedAt !== null || p.startedAt > now) continue
      const mentor = ownEntry(doc.members, p.mentorId)
      const mentee = ownEntry(doc.members, p.menteeId)
      if (mentor === undefined || mentee === undefined) continue
      if (mentor.status === 'left' || mentee.status === 'left') continue
      relate(mentor.name, { menteeName: mentee.name, where: doc.pod.name, topic: null })
      mentees.add(personKey(mentee.name))
    }
  }
  const seen = new Set<string>()
  const allOutside = [
    ...pods.flatMap((doc) => Object.values(doc.outsideRelationships ?? {})),
    ...outside,
  ]
  for (const r of allOutside) {
    if (seen.has(r.id) || r.endedAt !== null || r.startedAt > now) continue
    seen.add(r.id)
    relate(r.mentorName, { menteeName: r.menteeName, where: 'outside Tend', topic: r.topic })
    mentees.add(personKey(r.menteeName))
  }

  const mentors: MentorLoad[] = [...relations.entries()]
    .map(([key, map]) => {
      const name = display.get(key) ?? key
      const load = map.size
      const fit = fitOf(load)
      return {
        name,
        load,
        fit,
        relationships: [...map.values()].sort((a, b) => a.menteeName.localeCompare(b.menteeName)),
        suggestion: fit === 'over' ? groupSuggestion(name, load) : null,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))

  const waitingMap = new Map<string, WaitingMentee>()
  for (const doc of pods) {
    for (const m of Object.values(doc.members)) {
      if (m.status !== 'active' || m.stage === 'experienced') continue
      const key = personKey(m.name)
      if (mentees.has(key)) continue
      const entry = waitingMap.get(key) ?? { name: display.get(key) ?? m.name.trim(), pods: [] }
      if (!entry.pods.includes(doc.pod.name)) entry.pods.push(doc.pod.name)
      waitingMap.set(key, entry)
    }
  }
  const waiting = [...waitingMap.values()].sort((a, b) => a.name.localeCompare(b.name))

  const tagHolders = new Map<
    string,
    { holders: Set<string>; count: number; lastAt: number; label: string }
  >()
  const leftEverywhere = new Map<string, boolean>()
  for (const doc of pods) {
    for (const m of Object.values(doc.members)) {
      const key = remember(m.name)
      leftEverywhere.set(key, (leftEverywhere.get(key) ?? true) && m.status === 'left')
    }
    for (const meeting of Object.values(doc.meetings)) {
      for (const insight of standing(meeting.insights)) {
        const author = ownEntry(doc.members, insight.authorId)
        if (author === undefined) continue
        for (const raw of insight.tags) {
          const tag = normaliseTag(raw)
          if (tag === '') continue
          const entry = tagHolders.get(tag) ?? {
            holders: new Set(),
            count: 0,
            lastAt: 0,
            label: tag,
          }
          entry.holders.add(personKey(author.name))
          entry.count++
          entry.lastAt = Math.max(entry.lastAt, insight.at)
          tagHolders.set(tag, entry)
        }
      }
    }
  }
  const singlePoints: SinglePointOfKnowledge[] = []
  for (const [tag, entry] of tagHolders) {
    if (entry.holders.size !== 1) continue
    const [holderKey] = [...entry.holders]
    if (holderKey === undefined) continue
    singlePoints.push({
      tag,
      holder: display.get(holderKey) ?? holderKey,
      insights: entry.count,
      lastAt: entry.lastAt,
      holderLeft: leftEverywhere.get(holderKey) ?? false,
    })
  }
  singlePoints.sort((a, b) => b.insights - a.insights || a.tag.localeCompare(b.tag))

  const over = mentors.filter((m) => m.suggestion !== null)
  let summary: string | null = null
  if (over.length > 0) {
    const after = over.map((m) => m.suggestion?.oneOnOnesAfter ?? 0)
    const kinds = new Set(over.map((m) => m.suggestion?.groupKind))
    const group = kinds.size === 1 && kinds.has('learning-pod') ? 'a learning pod' : 'a cohort'
    summary = `${over.length === 1 ? `${over[0]?.name ?? 'One mentor'} holds` : `${over.length} mentors hold`} ${range(over.map((m) => m.load))} mentees${over.length === 1 ? '' : ' each'} → ${range(after)} with ${group}.`
  }
  return { mentors, waiting, singlePoints, summary }
}

// ---------------------------------------------------------------------------------------------
// One-on-ones outside Tend

export interface OutsideRelationshipInput {
  mentorName: string
  menteeName: string
  topic?: string | null
  /** Defaults to now. */
  startedAt?: number
}

/**
 * The map of outside one-on-ones. Pods created before it existed lack it; it is created here
 * on first use. Two devices doing that at once, offline, may keep only one device's first
 * entry — acceptable for a hand-entered list the person can see and re-enter.
 */
function outsideMap(doc: PodDoc): Record<string, OutsideRelationship> {
  if ((doc as Partial<PodDoc>).outsideRelationships === undefined) doc.outsideRelationships = {}
  return doc.outsideRelationships
}

/**
 * Records a one-on-one mentoring relationship that happens outside Tend, so the ecology's
 * mentor load is whole. Returns its id.
 */
export function addOutsideRelationship(
  doc: PodDoc,
  input: OutsideRelationshipInput,
  ctx: CommandContext,
): string {
  const mentorName = requireText(input.mentorName, 'The mentor’s name', TEXT_LIMITS.personName)
  const menteeName = requireText(input.menteeName, 'The mentee’s name', TEXT_LIMITS.personName)
  if (personKey(mentorName) === personKey(menteeName)) {
    throw new DomainError('A mentor and mentee are two different people.')
  }
  const topic =
    input.topic === undefined || input.topic === null || input.topic.trim() === ''
      ? null
      : requireText(input.topic, 'The topic', TEXT_LIMITS.topic)
  const startedAt = input.startedAt ?? ctx.now
  if (!Number.isFinite(startedAt)) throw new DomainError('The start date is not a date.')
  requireRoom(
    Object.keys(outsideMap(doc)).length,
    LIMITS.outsideRelationships,
    'relationships outside Tend',
  )
  const id = ctx.newId()
  outsideMap(doc)[id] = {
    id,
    mentorName,
    menteeName,
    topic,
    startedAt,
    endedAt: null,
    createdAt: ctx.now,
  }
  return id
}

/** Marks an outside one-on-one as ended; it stays in the record. Ending twice keeps the first date. */
export function endOutsideRelationship(doc: PodDoc, id: string, ctx: CommandContext): void {
  const relationship = ownEntry(outsideMap(doc), id)
  if (relationship === undefined) throw new DomainError('That relationship is not recorded.')
  if (relationship.endedAt !== null) return
  relationship.endedAt = ctx.now
}

/** Removes an outside one-on-one entered by mistake. */
export function removeOutsideRelationship(doc: PodDoc, id: string, _ctx: CommandContext): void {
  const map = outsideMap(doc)
  if (ownEntry(map, id) === undefined) return
  delete map[id]
}
