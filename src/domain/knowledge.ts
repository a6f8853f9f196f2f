import { ownEntry } from '../schema/idMap.ts'
import type { Insight, InsightKind, Meeting, PodDoc } from '../schema/podDocument.ts'
import { meetingTime } from './rhythm.ts'
import { standing } from './corrections.ts'

/**
 * The pod's institutional memory (pattern.md, Section 5: "institutional memory lives in
 * relationships, not individuals"; Section 7: "which tensions recur, which questions lead to
 * breakthroughs"). Read from the meeting records; nothing here is stored.
 */

/** An insight with where and when it was said. */
export interface InsightEntry {
  insight: Insight
  meetingId: string
  /** When the meeting happened (held, else moved-to, else slot). */
  meetingAt: number
  authorName: string
}

export interface InsightFilter {
  kind?: InsightKind
  /** Matched case-insensitively, with or without a leading "#". */
  tag?: string
}

function normaliseTag(tag: string): string {
  return tag.trim().replace(/^#+/, '').replace(/\s+/g, ' ').toLowerCase()
}

function entries(doc: Pick<PodDoc, 'meetings' | 'members'>): InsightEntry[] {
  const out: InsightEntry[] = []
  for (const meeting of Object.values(doc.meetings)) {
    for (const insight of standing(meeting.insights)) {
      out.push({
        insight,
        meetingId: meeting.id,
        meetingAt: meetingTime(meeting),
        authorName: ownEntry(doc.members, insight.authorId)?.name ?? 'a former member',
      })
    }
  }
  return out.sort((a, b) => a.meetingAt - b.meetingAt || a.insight.at - b.insight.at)
}

/**
 * Every standing insight across the pod's meetings (a withdrawn one is left out), oldest first,
 * optionally by kind and tag.
 */
export function allInsights(
  doc: Pick<PodDoc, 'meetings' | 'members'>,
  filter: InsightFilter = {},
): InsightEntry[] {
  const tag = filter.tag === undefined ? null : normaliseTag(filter.tag)
  return entries(doc).filter(
    (e) =>
      (filter.kind === undefined || e.insight.kind === filter.kind) &&
      (tag === null || e.insight.tags.some((t) => normaliseTag(t) === tag)),
  )
}

/** The tags in use with how often, most used first — the choices for the tag filter. */
export function insightTags(doc: Pick<PodDoc, 'meetings'>): { tag: string; count: number }[] {
  const counts = new Map<string, number>()
  for (const meeting of Object.values(doc.meetings)) {
    for (const insight of standing(meeting.insights)) {
      for (const tag of new Set(insight.tags.map(normaliseTag))) {
        if (tag !== '') counts.set(tag, (counts.get(tag) ?? 0) + 1)
      }
    }
  }
  return [...counts.entries()]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag))
}

export interface RecurringTension {
  tag: string
  /** The distinct meetings it came up in, oldest first, with when. */
  occurrences: { meetingId: string; at: number }[]
  /** The dates it recurred on (the meetings' dates), oldest first. */
  dates: number[]
  tensions: InsightEntry[]
  lastAt: number
}

/**
 * Tensions that recur: a tag carried by tension insights in two or more different meetings,
 * with the dates it came back. Most frequent first. A tension that keeps returning is
 * something the group has not yet held together — worth naming at the next circle.
 */
export function recurringTensions(doc: Pick<PodDoc, 'meetings' | 'members'>): RecurringTension[] {
  const byTag = new Map<string, InsightEntry[]>()
  for (const entry of allInsights(doc, { kind: 'tension' })) {
    for (const tag of new Set(entry.insight.tags.map(normaliseTag))) {
      if (tag === '') continue
      const list = byTag.get(tag) ?? []
      list.push(entry)
      byTag.set(tag, list)
    }
  }
  const out: RecurringTension[] = []
  for (const [tag, tensions] of byTag) {
    const meetings = new Map<string, number>()
    for (const t of tensions) meetings.set(t.meetingId, t.meetingAt)
    if (meetings.size < 2) continue
    const occurrences = [...meetings.entries()]
      .map(([meetingId, at]) => ({ meetingId, at }))
      .sort((a, b) => a.at - b.at)
    out.push({
      tag,
      occurrences,
      dates: occurrences.map((o) => o.at),
      tensions,
      lastAt: occurrences[occurrences.length - 1]?.at ?? 0,
    })
  }
  return out.sort((a, b) => b.occurrences.length - a.occurrences.length || b.lastAt - a.lastAt)
}

export interface BankedQuestion {
  question: InsightEntry
  breakthrough: InsightEntry
}

/**
 * The question bank: questions that led to a breakthrough (the question's `ledTo` names a
 * breakthrough insight), to ask again in another circle. Newest breakthrough first.
 */
export function questionBank(doc: Pick<PodDoc, 'meetings' | 'members'>): BankedQuestion[] {
  const all = entries(doc)
  const byId = new Map(all.map((e) => [e.insight.id, e]))
  const out: BankedQuestion[] = []
  for (const question of all) {
    if (question.insight.kind !== 'question' || question.insight.ledTo === null) continue
    const breakthrough = byId.get(question.insight.ledTo)
    if (breakthrough === undefined || breakthrough.insight.kind !== 'breakthrough') continue
    out.push({ question, breakthrough })
  }
  return out.sort((a, b) => b.breakthrough.meetingAt - a.breakthrough.meetingAt)
}

// ---------------------------------------------------------------------------------------------
// Markdown export

function zoneOf(doc: Pick<PodDoc, 'containers'>): string {
  const containers = Object.values(doc.containers)
  return (containers.find((c) => c.kind === 'circle') ?? containers[0])?.timeZone ?? 'UTC'
}

function dateIn(ms: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(ms))
  return parts
}

/** One line of text a person typed, safe inside a Markdown list item. */
function inline(text: string): string {
  return text.trim().replace(/\s*\n\s*/g, ' ')
}

/** A block of text (notes) indented under a heading, kept as typed. */
function block(text: string): string {
  return text.replace(/\r\n?/g, '\n').trim()
}

const KIND_TITLES: Record<InsightKind, string> = {
  learning: 'Learning',
  tension: 'Tension',
  breakthrough: 'Breakthrough',
  question: 'Question',
}

/**
 * The pod's knowledge as Markdown, readable without Tend: the pod, its members, norms,
 * containers, peer-mentoring pairings with their history, then every meeting (held, skipped or
 * moved) with attendance, check-ins, insights, actions and the notes passed in (notes live in
 * their own documents, so the caller loads them), then the actions still open. Dates are
 * calendar dates in the pod's circle time zone.
 */
export function exportMarkdown(doc: PodDoc, notesByMeetingId: Record<string, string>): string {
  const tz = zoneOf(doc)
  const day = (ms: number) => dateIn(ms, tz)
  const name = (id: string | null) =>
    id === null ? 'nobody' : (ownEntry(doc.members, id)?.name ?? 'a former member')
  const lines: string[] = []
  const push = (...more: string[]) => lines.push(...more)

  push(`# ${inline(doc.pod.name)}`, '')
  if (doc.pod.purpose.trim() !== '') push(inline(doc.pod.purpose), '')
  push(`- Kind: ${doc.pod.kind.replace('-', ' ')}`, `- Started: ${day(doc.pod.createdAt)}`)
  if (doc.pod.pausedUntil !== null && (doc.pod.pausedAt ?? null) !== null) {
    push(
      `- Paused ${day(doc.pod.pausedAt ?? 0)} until ${day(doc.pod.pausedUntil)}${doc.pod.pauseReason === null ? '' : `: ${inline(doc.pod.pauseReason)}`}`,
    )
  }
  if (doc.pod.archivedAt !== null) push(`- Archived: ${day(doc.pod.archivedAt)}`)
  push('')

  push('## Members', '')
  const members = Object.values(doc.members).sort(
    (a, b) => a.joinedAt - b.joinedAt || a.name.localeCompare(b.name),
  )
  for (const m of members) {
    push(`- ${inline(m.name)} — ${m.stage}, joined ${day(m.joinedAt)}, ${m.status}`)
  }
  push('')

  push('## Norms', '')
  const norms = Object.values(doc.norms).sort((a, b) => a.proposedAt - b.proposedAt)
  const adopted = norms.filter((n) => n.status === 'adopted')
  if (adopted.length === 0) push('No norms adopted yet.')
  for (const n of adopted) {
    push(
      `- ${inline(n.text)}${n.adoptedAt === null ? '' : ` (adopted ${day(n.adoptedAt)})`}${n.reason === null ? '' : ` — ${inline(n.reason)}`}`,
    )
  }
  const past = norms.filter((n) => n.status === 'retired' || n.status === 'revised')
  if (past.length > 0) {
    push('', '### Earlier norms', '')
    for (const n of past) {
      push(`- ${inline(n.text)} (${n.status}${n.retiredAt === null ? '' : ` ${day(n.retiredAt)}`})`)
    }
  }
  push('')

  const containers = Object.values(doc.containers)
  if (containers.length > 0) {
    push('## Rhythm', '')
    for (const c of containers) {
      const weekday = [
        'Sunday',
        'Monday',
        'Tuesday',
        'Wednesday',
        'Thursday',
        'Friday',
        'Saturday',
      ][c.weekday]
      push(
        `- ${inline(c.name)} (${c.kind}): ${c.cadence} on ${weekday ?? '?'} at ${c.time} ${c.timeZone}, ${c.durationMinutes} minutes${c.minutesPerMentee === null ? '' : `, ${c.minutesPerMentee} minutes a month per mentee`}${c.retiredAt === null ? '' : `, retired ${day(c.retiredAt)}`}`,
      )
    }
    push('')
  }

  push('## Peer mentoring pairings', '')
  const pairings = Object.values(doc.pairings).sort((a, b) => a.startedAt - b.startedAt)
  if (pairings.length === 0) push('No pairings yet.')
  for (const p of pairings) {
    const end =
      p.declinedAt !== null
        ? `declined ${day(p.declinedAt)}`
        : p.endedAt !== null
          ? `until ${day(p.endedAt)}`
          : 'current'
    push(`- ${name(p.mentorId)} mentors ${name(p.menteeId)}: from ${day(p.startedAt)}, ${end}`)
  }
  push('')

  push('## Meetings', '')
  const meetings = Object.values(doc.meetings).sort((a, b) => meetingTime(a) - meetingTime(b))
  if (meetings.length === 0) push('No meetings yet.', '')
  for (const m of meetings) meetingMarkdown(doc, m, notesByMeetingId[m.id] ?? null, day, name, push)

  const open = meetings.flatMap((m) =>
    standing(m.actions)
      .filter((a) => a.doneAt === null)
      .map((a) => ({ a, at: meetingTime(m) })),
  )
  push('## Open actions', '')
  if (open.length === 0) push('None.')
  for (const { a, at } of open) {
    push(`- [ ] ${inline(a.text)} — ${name(a.ownerId)} (from ${day(at)})`)
  }
  push('')
  return lines.join('\n')
}

function meetingMarkdown(
  doc: PodDoc,
  m: Meeting,
  notes: string | null,
  day: (ms: number) => string,
  name: (id: string | null) => string,
  push: (...lines: string[]) => void,
): void {
  const container = m.containerId === null ? undefined : ownEntry(doc.containers, m.containerId)
  const title = container?.name ?? 'Meeting'
  push(`### ${day(meetingTime(m))} — ${inline(title)}`, '')
  if (m.status === 'skipped') {
    push(`Skipped${m.reason === null ? '' : `: ${inline(m.reason)}`}.`, '')
    return
  }
  if (m.rescheduledTo !== null) {
    push(
      `Moved from ${day(m.scheduledFor)} to ${day(m.rescheduledTo)}${m.reason === null ? '' : `: ${inline(m.reason)}`}.`,
      '',
    )
  }
  if (m.status !== 'held') {
    push(`${m.status === 'planned' ? 'Planned' : 'Rescheduled'}.`, '')
    return
  }
  const present = Object.entries(m.attendance)
    .filter(([, a]) => a === 'present')
    .map(([id]) => name(id))
    .sort()
  if (present.length > 0) push(`Present: ${present.join(', ')}.`, '')
  const roles = Object.entries(m.roleHolders)
    .map(
      ([roleId, memberId]) => `${ownEntry(doc.roles, roleId)?.name ?? 'Role'}: ${name(memberId)}`,
    )
    .sort()
  if (roles.length > 0) push(`Roles — ${roles.join('; ')}.`, '')
  const checkIns = standing(m.checkIns).sort((a, b) => a.at - b.at)
  if (checkIns.length > 0) {
    push('#### Check-ins', '')
    for (const c of checkIns) push(`- ${name(c.memberId)}: ${inline(c.text)}`)
    push('')
  }
  const insights = standing(m.insights).sort((a, b) => a.at - b.at)
  if (insights.length > 0) {
    push('#### Insights', '')
    for (const i of insights) {
      const tags =
        i.tags.length === 0
          ? ''
          : ` ${i.tags.map((t) => `#${normaliseTag(t).replace(/ /g, '-')}`).join(' ')}`
      push(`- **${KIND_TITLES[i.kind]}** (${name(i.authorId)}): ${inline(i.text)}${tags}`)
    }
    push('')
  }
  const actions = standing(m.actions).sort((a, b) => a.at - b.at)
  if (actions.length > 0) {
    push('#### Actions', '')
    for (const a of actions) {
      push(`- [${a.doneAt === null ? ' ' : 'x'}] ${inline(a.text)} — ${name(a.ownerId)}`)
    }
    push('')
  }
  if (notes !== null && notes.trim() !== '') push('#### Notes', '', block(notes), '')
}

/**
 * Everything the pod holds as plain JSON, for other tools: the pod as Tend reads it (members,
 * practice, rhythm, every meeting with its marks, insights and actions, corrections) and each
 * meeting's notes text by meeting id. Key material is left out (sealed secrets and their
 * grants are of no use outside Tend's devices).
 */
export function exportJson(doc: PodDoc, notesByMeetingId: Record<string, string>): string {
  const {
    keyEpochs: _sealed,
    keyGrants: _grants,
    ...pod
  } = doc as PodDoc & {
    keyEpochs?: unknown
    keyGrants?: unknown
  }
  void _sealed
  void _grants
  return JSON.stringify(
    { format: 'tend-pod-json', version: 1, pod, notes: notesByMeetingId },
    null,
    2,
  )
}
