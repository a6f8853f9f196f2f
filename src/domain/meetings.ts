import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type {
  ActionItem,
  Attendance,
  Insight,
  InsightKind,
  Meeting,
  MeetingStatus,
  PodDoc,
} from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'
import { compareMeetings, rotationFor } from './roleRotation.ts'
import { isWithdrawn } from './corrections.ts'

/**
 * Meetings and what a circle records in them: attendance, role holders, check-ins, insights and
 * action items. Each command edits one meeting in place (a key in a map, one field), so members
 * recording the same circle on several devices, offline, merge without losing anything.
 */

const INSIGHT_KINDS: readonly InsightKind[] = ['learning', 'tension', 'breakthrough', 'question']

function requireMeeting(doc: PodDoc, meetingId: string): Meeting {
  const meeting = ownEntry(doc.meetings, meetingId)
  if (meeting === undefined) throw new DomainError('That meeting is not in this pod.')
  return meeting
}

function requireMember(doc: PodDoc, memberId: string): void {
  if (ownEntry(doc.members, memberId) === undefined)
    throw new DomainError('That member is not in this pod.')
}

export interface ScheduleMeetingInput {
  containerId: string | null
  scheduledFor: number
  /** The URL of the meeting's notes document, once created by the caller; null until then. */
  notesUrl: string | null
}

/**
 * A new meeting record with empty maps and null, never undefined, fields — the one shape every
 * command that creates a meeting (scheduling, skipping or moving a slot) writes.
 */
export function newMeetingRecord(
  containerId: string | null,
  scheduledFor: number,
  status: MeetingStatus,
  ctx: CommandContext,
): Meeting {
  return {
    id: ctx.newId(),
    containerId,
    scheduledFor,
    status,
    reason: null,
    rescheduledTo: null,
    heldAt: null,
    attendance: {},
    roleHolders: {},
    checkIns: {},
    insights: {},
    actions: {},
    notesUrl: null,
    formatId: null,
    createdAt: ctx.now,
  }
}

/**
 * The id every device gives the meeting of one slot of a container's rhythm. Two members who
 * start, skip or move the same slot on two devices, offline, then write into one meeting.
 */
export function slotMeetingId(containerId: string, slot: number): string {
  return `${containerId}-${slot}`
}

/**
 * The record a slot's meeting starts as: the same on every device (no clock, no fresh id), so
 * the storage adapter can write its creation as one change every device makes byte for byte
 * alike (see podStore's `ensureSlotMeeting`), and what each device then records merges.
 */
export function slotMeetingRecord(containerId: string, slot: number): Meeting {
  const id = slotMeetingId(containerId, slot)
  return newMeetingRecord(containerId, slot, 'planned', { now: slot, newId: () => id })
}

/** Puts a meeting on the calendar as `planned`; returns its id. */
export function scheduleMeeting(
  doc: PodDoc,
  input: ScheduleMeetingInput,
  ctx: CommandContext,
): string {
  if (!Number.isFinite(input.scheduledFor)) throw new DomainError('The meeting date is not a date.')
  if (input.containerId !== null && ownEntry(doc.containers, input.containerId) === undefined) {
    throw new DomainError('That container is not in this pod.')
  }
  requireRoom(Object.keys(doc.meetings).length, LIMITS.meetings, 'meetings')
  const meeting = newMeetingRecord(input.containerId, input.scheduledFor, 'planned', ctx)
  meeting.notesUrl = input.notesUrl
  doc.meetings[meeting.id] = meeting
  return meeting.id
}

/**
 * Starts a circle that was not on the calendar, now: a planned meeting scheduled at `ctx.now`,
 * which circle mode then runs like any other. Returns its id.
 */
export function startAdHocCircle(
  doc: PodDoc,
  input: { containerId?: string | null; notesUrl: string | null },
  ctx: CommandContext,
): string {
  return scheduleMeeting(
    doc,
    { containerId: input.containerId ?? null, scheduledFor: ctx.now, notesUrl: input.notesUrl },
    ctx,
  )
}

/** Links a meeting to its notes document (created by the caller outside the domain). */
export function setNotesUrl(doc: PodDoc, meetingId: string, notesUrl: string): void {
  const meeting = requireMeeting(doc, meetingId)
  if (meeting.notesUrl !== notesUrl) meeting.notesUrl = notesUrl
}

/**
 * Records who started a circle and when, once: the first start on this device's view writes
 * both; a later start (someone joining) leaves them. Two members who start the same circle
 * while apart each write theirs, and the merge keeps one of the two on every device.
 */
export function markStarted(
  doc: PodDoc,
  meetingId: string,
  memberId: string | null,
  ctx: CommandContext,
): void {
  const meeting = requireMeeting(doc, meetingId)
  if (meeting.startedAt != null) return
  meeting.startedAt = ctx.now
  meeting.startedBy = memberId
}

/**
 * A member whose attendance two devices set differently while they were apart: the merge keeps
 * one value on every device, but the group should hear that they disagreed and settle it.
 * `marks` are the values the devices wrote, each once, in a stable order.
 */
export interface AttendanceDisagreement {
  meetingId: string
  memberId: string
  marks: Attendance[]
}

/**
 * Marks one member present, absent or excused; the rotation reads it (absent members are
 * skipped). Once the circle is held its marks are part of the record: a change then goes
 * through `correctAttendance` (corrections.ts), which writes down who changed it and from what.
 */
export function setAttendance(
  doc: PodDoc,
  meetingId: string,
  memberId: string,
  attendance: Attendance,
): void {
  const meeting = requireMeeting(doc, meetingId)
  requireMember(doc, memberId)
  if (ownEntry(meeting.attendance, memberId) === attendance) return
  if (meeting.status === 'held') {
    throw new DomainError(
      'This circle was held: correct its attendance, so the change is recorded.',
    )
  }
  meeting.attendance[memberId] = attendance
}

/**
 * Writes the rotation's holders into the meeting for every role not yet set, so the screen and
 * the record agree. Roles already set (by hand, a swap, or another device) are left alone.
 * Returns the role ids it filled.
 */
export function assignRoleHolders(doc: PodDoc, meetingId: string): string[] {
  const meeting = requireMeeting(doc, meetingId)
  const holders = rotationFor(doc, { meetingId })
  const filled: string[] = []
  for (const [roleId, memberId] of Object.entries(holders)) {
    if (memberId === null || ownEntry(meeting.roleHolders, roleId) !== undefined) continue
    meeting.roleHolders[roleId] = memberId
    filled.push(roleId)
  }
  return filled
}

/** Records a member's check-in; returns its id. */
export function addCheckIn(
  doc: PodDoc,
  meetingId: string,
  input: { memberId: string; text: string },
  ctx: CommandContext,
): string {
  const meeting = requireMeeting(doc, meetingId)
  requireMember(doc, input.memberId)
  const text = requireText(input.text, 'The check-in', TEXT_LIMITS.checkIn)
  requireRoom(
    Object.keys(meeting.checkIns).length,
    LIMITS.notesPerMeeting,
    'check-ins in this meeting',
  )
  const id = ctx.newId()
  meeting.checkIns[id] = {
    id,
    memberId: input.memberId,
    text,
    at: ctx.now,
    withdrawnAt: null,
    withdrawnBy: null,
  }
  return id
}

/** Where an insight lives: its meeting and itself. */
export interface FoundInsight {
  meetingId: string
  insight: Insight
}

/** Finds an insight anywhere in the pod (insights link across meetings). */
export function findInsight(doc: Pick<PodDoc, 'meetings'>, insightId: string): FoundInsight | null {
  for (const meeting of Object.values(doc.meetings)) {
    const insight = ownEntry(meeting.insights, insightId)
    if (insight !== undefined) return { meetingId: meeting.id, insight }
  }
  return null
}

function normaliseTags(tags: readonly string[]): string[] {
  const out: string[] = []
  for (const tag of tags) {
    const t = tag.trim().replace(/^#/, '').toLowerCase()
    if (t === '') continue
    if (t.length > LIMITS.tagLength) {
      throw new DomainError(`A tag is longer than ${LIMITS.tagLength} characters.`)
    }
    if (!out.includes(t)) out.push(t)
  }
  if (out.length > LIMITS.tagsPerInsight) {
    throw new DomainError(`An insight can have at most ${LIMITS.tagsPerInsight} tags.`)
  }
  return out
}

function requireLinkTarget(doc: PodDoc, insightId: string | null, selfId: string | null): void {
  if (insightId === null) return
  if (insightId === selfId) throw new DomainError('An insight cannot link to itself.')
  if (findInsight(doc, insightId) === null)
    throw new DomainError('That insight is not in this pod.')
}

export interface NewInsightInput {
  kind: InsightKind
  text: string
  tags?: readonly string[]
  authorId: string
  /** A question may link to the breakthrough it led to (any meeting). */
  ledTo?: string | null
  /** An insight may respond to an earlier one (any meeting). */
  respondsTo?: string | null
}

/**
 * Records a learning, tension, breakthrough or question in a meeting; returns its id. Tags are
 * trimmed, lower-cased and de-duplicated so "Power" and "#power" find each other later.
 */
export function addInsight(
  doc: PodDoc,
  meetingId: string,
  input: NewInsightInput,
  ctx: CommandContext,
): string {
  const meeting = requireMeeting(doc, meetingId)
  if (!INSIGHT_KINDS.includes(input.kind)) throw new DomainError('That is not a kind of insight.')
  requireMember(doc, input.authorId)
  const text = requireText(input.text, 'The insight', TEXT_LIMITS.insight)
  requireRoom(
    Object.keys(meeting.insights).length,
    LIMITS.notesPerMeeting,
    'insights in this meeting',
  )
  const ledTo = input.ledTo ?? null
  const respondsTo = input.respondsTo ?? null
  requireLinkTarget(doc, ledTo, null)
  requireLinkTarget(doc, respondsTo, null)
  const id = ctx.newId()
  meeting.insights[id] = {
    id,
    kind: input.kind,
    text,
    tags: normaliseTags(input.tags ?? []),
    authorId: input.authorId,
    ledTo,
    respondsTo,
    at: ctx.now,
    withdrawnAt: null,
    withdrawnBy: null,
  }
  return id
}

/**
 * Links an insight to the one it led to (a question to its breakthrough) and/or the one it
 * responds to; pass null to remove a link. Only the fields given change.
 */
export function linkInsight(
  doc: PodDoc,
  insightId: string,
  links: { ledTo?: string | null; respondsTo?: string | null },
): void {
  const found = findInsight(doc, insightId)
  if (found === null) throw new DomainError('That insight is not in this pod.')
  const { insight } = found
  if (links.ledTo !== undefined) {
    requireLinkTarget(doc, links.ledTo, insightId)
    if (insight.ledTo !== links.ledTo) insight.ledTo = links.ledTo
  }
  if (links.respondsTo !== undefined) {
    requireLinkTarget(doc, links.respondsTo, insightId)
    if (insight.respondsTo !== links.respondsTo) insight.respondsTo = links.respondsTo
  }
}

/** Records an action item with its owner (or none yet); returns its id. */
export function addAction(
  doc: PodDoc,
  meetingId: string,
  input: { text: string; ownerId: string | null },
  ctx: CommandContext,
): string {
  const meeting = requireMeeting(doc, meetingId)
  if (input.ownerId !== null) requireMember(doc, input.ownerId)
  const text = requireText(input.text, 'The action', TEXT_LIMITS.action)
  requireRoom(
    Object.keys(meeting.actions).length,
    LIMITS.notesPerMeeting,
    'actions in this meeting',
  )
  const id = ctx.newId()
  meeting.actions[id] = {
    id,
    text,
    ownerId: input.ownerId,
    doneAt: null,
    at: ctx.now,
    withdrawnAt: null,
    withdrawnBy: null,
  }
  return id
}

/** Marks an action done (once: a second device marking it done keeps the first time). */
export function completeAction(
  doc: PodDoc,
  meetingId: string,
  actionId: string,
  ctx: CommandContext,
): void {
  const action = ownEntry(requireMeeting(doc, meetingId).actions, actionId)
  if (action === undefined) throw new DomainError('That action is not in this meeting.')
  if (action.doneAt === null) action.doneAt = ctx.now
}

/** Reopens an action marked done by mistake. */
export function reopenAction(doc: PodDoc, meetingId: string, actionId: string): void {
  const action = ownEntry(requireMeeting(doc, meetingId).actions, actionId)
  if (action === undefined) throw new DomainError('That action is not in this meeting.')
  if (action.doneAt !== null) action.doneAt = null
}

/** An open action and the meeting it was recorded in. */
export interface CarriedAction {
  meetingId: string
  action: ActionItem
}

/**
 * The open actions a circle reviews in its first step: those recorded at any meeting before
 * this one (in meeting order) that are not done — oldest meeting first, then as recorded.
 */
export function carriedActions(doc: Pick<PodDoc, 'meetings'>, meetingId: string): CarriedAction[] {
  const meeting = ownEntry(doc.meetings, meetingId)
  if (meeting === undefined) return []
  const carried: CarriedAction[] = []
  const earlier = Object.values(doc.meetings)
    .filter((m) => m.id !== meeting.id && compareMeetings(m, meeting) < 0)
    .sort(compareMeetings)
  for (const m of earlier) {
    const open = Object.values(m.actions)
      .filter((a) => a.doneAt === null && !isWithdrawn(a))
      .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    for (const action of open) carried.push({ meetingId: m.id, action })
  }
  return carried
}

/**
 * Closes a circle: confirms the role holders (filling any role not yet set from the rotation,
 * before the meeting counts as held), then marks it held. Holding a meeting twice keeps the
 * first `heldAt`.
 */
export function holdMeeting(doc: PodDoc, meetingId: string, ctx: CommandContext): void {
  const meeting = requireMeeting(doc, meetingId)
  assignRoleHolders(doc, meetingId)
  if (meeting.status !== 'held') meeting.status = 'held'
  if (meeting.heldAt === null) meeting.heldAt = ctx.now
}

/** The next planned meeting at or after `now`, or null: what circle mode opens on. */
export function nextMeeting(doc: Pick<PodDoc, 'meetings'>, now: number): Meeting | null {
  let next: Meeting | null = null
  for (const meeting of Object.values(doc.meetings)) {
    if (meeting.status !== 'planned' || meeting.scheduledFor < now) continue
    if (next === null || compareMeetings(meeting, next) < 0) next = meeting
  }
  return next
}
