import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type {
  Container,
  ContainerKind,
  Meeting,
  MeetingStatus,
  PodDoc,
} from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'
import { slotMeetingRecord } from './meetings.ts'

/**
 * The pod's rhythm (pattern.md, Section 4: "name the rhythm explicitly"; Section 5: "decay if
 * rhythms slip"). Slots are computed from each container's cadence in its own IANA time zone,
 * so a circle at 18:00 in Berlin stays at 18:00 local across daylight-saving changes. Nothing
 * here is stored: streaks, nudges and the calendar are read from the meeting records each time.
 *
 * Cadences, as implemented:
 * - weekly: every week on the container's weekday at its time;
 * - biweekly: every second week, counted from the first slot on or after `startsAt`;
 * - monthly: the same weekday in the same week of the month as the first slot ("the second
 *   Tuesday"); a first slot on day 29–31 means "the last Tuesday";
 * - quarterly: like monthly, every third month from the first slot's month.
 * A local time that does not exist (inside a spring-forward gap) is read with the offset from
 * before the gap, i.e. moved forward by the gap, as RFC 5545 does; an ambiguous local time
 * (autumn fall-back) is the first of its two instants.
 */

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

// ---------------------------------------------------------------------------------------------
// Time zones, with Intl only

const formatters = new Map<string, Intl.DateTimeFormat>()

function zoneFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** True when the runtime knows `timeZone` as an IANA zone (e.g. "Europe/Berlin"). */
export function isValidTimeZone(timeZone: string): boolean {
  if (timeZone === '') return false
  try {
    zoneFormatter(timeZone)
    return true
  } catch {
    return false
  }
}

/** A wall-clock reading in some time zone. `month` is 1–12; `weekday` 0 = Sunday … 6. */
export interface ZonedDateTime {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: number
}

/** What the clocks in `timeZone` show at the instant `ms`. */
export function zonedDateTime(ms: number, timeZone: string): ZonedDateTime {
  const fields: Record<string, number> = {}
  for (const part of zoneFormatter(timeZone).formatToParts(new Date(ms))) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value)
  }
  const year = fields['year'] ?? 1970
  const month = fields['month'] ?? 1
  const day = fields['day'] ?? 1
  return {
    year,
    month,
    day,
    // Some engines print midnight as 24 even with h23.
    hour: (fields['hour'] ?? 0) % 24,
    minute: fields['minute'] ?? 0,
    second: fields['second'] ?? 0,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  }
}

/** The zone's offset from UTC at the instant `ms`, in milliseconds (Berlin in winter: +1 h). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  const p = zonedDateTime(ms, timeZone)
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return wall - Math.floor(ms / 1000) * 1000
}

/**
 * The instant at which clocks in `timeZone` show the given wall time. A time inside a
 * spring-forward gap moves forward by the gap; a time that occurs twice is the earlier one.
 */
export function zonedTimeToEpoch(
  local: { year: number; month: number; day: number; hour: number; minute: number },
  timeZone: string,
): number {
  const wall = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute)
  const before = zoneOffsetMs(wall - DAY, timeZone)
  const after = zoneOffsetMs(wall + DAY, timeZone)
  const early = wall - before
  const late = wall - after
  const earlyFits = zoneOffsetMs(early, timeZone) === before
  const lateFits = zoneOffsetMs(late, timeZone) === after
  if (earlyFits && lateFits) return Math.min(early, late)
  if (earlyFits) return early
  if (lateFits) return late
  return early
}

// ---------------------------------------------------------------------------------------------
// Civil-date arithmetic (no time zone: a calendar date)

interface CivilDate {
  year: number
  month: number
  day: number
}

function civil(utcMs: number): CivilDate {
  const d = new Date(utcMs)
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() }
}

function addDays(date: CivilDate, days: number): CivilDate {
  return civil(Date.UTC(date.year, date.month - 1, date.day + days))
}

function weekdayOf(date: CivilDate): number {
  return new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay()
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

/** Day of the month of the `nth` (1–4, or -1 for last) `weekday` in a month. */
function nthWeekday(year: number, month: number, weekday: number, nth: number): number {
  if (nth === -1) {
    const last = daysInMonth(year, month)
    const lastWeekday = weekdayOf({ year, month, day: last })
    return last - ((lastWeekday - weekday + 7) % 7)
  }
  const firstWeekday = weekdayOf({ year, month, day: 1 })
  return 1 + ((weekday - firstWeekday + 7) % 7) + (nth - 1) * 7
}

function parseTime(time: string): { hour: number; minute: number } {
  const [h, m] = time.split(':')
  const hour = Number(h)
  const minute = Number(m)
  return {
    hour: Number.isInteger(hour) && hour >= 0 && hour < 24 ? hour : 0,
    minute: Number.isInteger(minute) && minute >= 0 && minute < 60 ? minute : 0,
  }
}

// ---------------------------------------------------------------------------------------------
// The rule of a container

/**
 * A container's cadence as a recurrence rule: what `occurrences` computes and what the .ics
 * export writes as RRULE. `weekOfMonth` is 1–4 or -1 (last) for monthly and quarterly
 * cadences, null for weekly ones.
 */
export interface RhythmRule {
  frequency: 'weekly' | 'monthly'
  /** Weeks (weekly) or months (monthly) between slots. */
  interval: number
  weekday: number
  weekOfMonth: number | null
  hour: number
  minute: number
  timeZone: string
  /** The first slot's local calendar date. */
  firstDate: { year: number; month: number; day: number }
  /** The first slot, epoch ms. */
  firstStart: number
}

const rules = new WeakMap<Container, { key: string; rule: RhythmRule }>()

/** The recurrence rule of a container (see the module comment for the cadences). */
export function rhythmRule(container: Container): RhythmRule {
  const key = `${container.cadence}|${container.weekday}|${container.time}|${container.timeZone}|${container.startsAt}`
  const cached = rules.get(container)
  if (cached !== undefined && cached.key === key) return cached.rule
  const { hour, minute } = parseTime(container.time)
  const tz = container.timeZone
  const start = zonedDateTime(container.startsAt, tz)
  let date = addDays(start, (container.weekday - start.weekday + 7) % 7)
  let first = zonedTimeToEpoch({ ...date, hour, minute }, tz)
  if (first < container.startsAt) {
    date = addDays(date, 7)
    first = zonedTimeToEpoch({ ...date, hour, minute }, tz)
  }
  const monthly = container.cadence === 'monthly' || container.cadence === 'quarterly'
  const nth = Math.ceil(date.day / 7)
  const rule: RhythmRule = {
    frequency: monthly ? 'monthly' : 'weekly',
    interval: container.cadence === 'biweekly' ? 2 : container.cadence === 'quarterly' ? 3 : 1,
    weekday: container.weekday,
    weekOfMonth: monthly ? (nth >= 5 ? -1 : nth) : null,
    hour,
    minute,
    timeZone: tz,
    firstDate: date,
    firstStart: first,
  }
  rules.set(container, { key, rule })
  return rule
}

/** The start of the k-th slot (k = 0 is the first), epoch ms. */
function slotAt(rule: RhythmRule, k: number): number {
  const { hour, minute, timeZone } = rule
  if (rule.frequency === 'weekly') {
    const date = addDays(rule.firstDate, k * 7 * rule.interval)
    return zonedTimeToEpoch({ ...date, hour, minute }, timeZone)
  }
  const monthIndex = rule.firstDate.month - 1 + k * rule.interval
  const year = rule.firstDate.year + Math.floor(monthIndex / 12)
  const month = (((monthIndex % 12) + 12) % 12) + 1
  const day = nthWeekday(year, month, rule.weekday, rule.weekOfMonth ?? 1)
  return zonedTimeToEpoch({ year, month, day, hour, minute }, timeZone)
}

function periodMs(rule: RhythmRule): number {
  return rule.frequency === 'weekly' ? 7 * DAY * rule.interval : 30.436875 * DAY * rule.interval
}

/** Index of the first slot starting at or after `ms`. */
function firstIndexFrom(rule: RhythmRule, ms: number): number {
  if (ms <= rule.firstStart) return 0
  let k = Math.max(0, Math.floor((ms - rule.firstStart) / periodMs(rule)) - 1)
  while (k > 0 && slotAt(rule, k - 1) >= ms) k--
  while (slotAt(rule, k) < ms) k++
  return k
}

/**
 * The next `count` slot start times (epoch ms) of a container at or after `fromMs`, in order.
 * A retired container has no slots from its retirement on.
 */
export function occurrences(container: Container, fromMs: number, count: number): number[] {
  const rule = rhythmRule(container)
  const out: number[] = []
  for (let k = firstIndexFrom(rule, fromMs); out.length < count; k++) {
    const slot = slotAt(rule, k)
    if (container.retiredAt !== null && slot >= container.retiredAt) break
    out.push(slot)
  }
  return out
}

/** Every slot start in [fromMs, untilMs), capped at `limit` slots. */
export function occurrencesBetween(
  container: Container,
  fromMs: number,
  untilMs: number,
  limit = 5000,
): number[] {
  const rule = rhythmRule(container)
  const out: number[] = []
  for (let k = firstIndexFrom(rule, fromMs); out.length < limit; k++) {
    const slot = slotAt(rule, k)
    if (slot >= untilMs) break
    if (container.retiredAt !== null && slot >= container.retiredAt) break
    out.push(slot)
  }
  return out
}

/** True when `ms` is exactly one of the container's slots. */
export function isSlot(container: Container, ms: number): boolean {
  return occurrences(container, ms, 1)[0] === ms
}

// ---------------------------------------------------------------------------------------------
// Slots and the meeting records

/**
 * How far a meeting's `scheduledFor` may lie from a slot and still be that slot's record: a
 * meeting entered by hand at 18:30 for an 18:00 circle is still that circle.
 */
export const SLOT_TOLERANCE_MS = 12 * HOUR

/** When a slot with no record counts as not held: one day after it ended (notes lag). */
export const RECORD_GRACE_MS = DAY

/** The time a meeting happened or will happen: when held, else where it was moved, else its slot. */
export function meetingTime(meeting: Meeting): number {
  return meeting.heldAt ?? meeting.rescheduledTo ?? meeting.scheduledFor
}

/**
 * Maps each slot to the meeting recorded for it (same container, `scheduledFor` within
 * `SLOT_TOLERANCE_MS`; an exact match wins over a near one). `slots` must be sorted.
 */
export function meetingsForSlots(
  doc: Pick<PodDoc, 'meetings'>,
  containerId: string,
  slots: readonly number[],
): Map<number, Meeting> {
  const out = new Map<number, Meeting>()
  if (slots.length === 0) return out
  for (const meeting of Object.values(doc.meetings)) {
    if (meeting.containerId !== containerId) continue
    const slot = nearest(slots, meeting.scheduledFor)
    if (slot === null) continue
    const distance = Math.abs(slot - meeting.scheduledFor)
    if (distance > SLOT_TOLERANCE_MS) continue
    const taken = out.get(slot)
    if (taken === undefined || Math.abs(slot - taken.scheduledFor) > distance) {
      out.set(slot, meeting)
    }
  }
  return out
}

function nearest(sorted: readonly number[], value: number): number | null {
  let lo = 0
  let hi = sorted.length - 1
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((sorted[mid] ?? 0) < value) lo = mid + 1
    else hi = mid
  }
  const at = sorted[lo]
  const before = sorted[lo - 1]
  if (at === undefined) return null
  if (before !== undefined && value - before < at - value) return before
  return at
}

/** The meeting recorded for one slot of a container, if any. */
export function findMeetingForSlot(
  doc: Pick<PodDoc, 'meetings'>,
  containerId: string,
  slot: number,
): Meeting | null {
  return meetingsForSlots(doc, containerId, [slot]).get(slot) ?? null
}

/**
 * What became of a slot:
 * - `kept` — held at its slot;
 * - `rescheduled` — moved (held later or not): the rhythm slipped even if the group met;
 * - `skipped` — recorded as skipped;
 * - `unrecorded` — past, and no one recorded it as held;
 * - `pending` — not yet due, or still within a day of its end;
 * - `paused` — inside the pod's replanting pause, so not expected.
 */
export type SlotOutcome = 'kept' | 'rescheduled' | 'skipped' | 'unrecorded' | 'pending' | 'paused'

export interface SlotRecord {
  containerId: string
  slot: number
  outcome: SlotOutcome
  meeting: Meeting | null
}

/** Whether the pod was paused at `ms` (its last pause, from `pausedAt` to `pausedUntil`). */
export function isPausedAt(doc: Pick<PodDoc, 'pod'>, ms: number): boolean {
  const from = doc.pod.pausedAt ?? null
  const until = doc.pod.pausedUntil ?? null
  return from !== null && until !== null && ms >= from && ms < until
}

function outcomeOf(
  doc: Pick<PodDoc, 'pod'>,
  container: Container,
  slot: number,
  meeting: Meeting | null,
  now: number,
): SlotOutcome {
  if (meeting !== null) {
    if (meeting.status === 'held') return meeting.rescheduledTo === null ? 'kept' : 'rescheduled'
    if (meeting.status === 'skipped') return 'skipped'
    if (meeting.status === 'rescheduled') return 'rescheduled'
  }
  if (isPausedAt(doc, slot)) return 'paused'
  const settledAt = slot + container.durationMinutes * MINUTE + RECORD_GRACE_MS
  return settledAt <= now ? 'unrecorded' : 'pending'
}

/**
 * How far back a rhythm is read: ten years. A container whose start a peer set a century back
 * would otherwise cost thousands of slot computations on every reading.
 */
export const RHYTHM_HISTORY_MS = 3653 * DAY

/**
 * Every slot of a container from its first (at most `RHYTHM_HISTORY_MS` ago) up to `now`, with
 * what became of it. This is the evidence under streaks, nudges and the rhythm part of vitality.
 */
export function rhythmHistory(
  doc: Pick<PodDoc, 'pod' | 'meetings'>,
  container: Container,
  now: number,
): SlotRecord[] {
  const from = Math.max(container.startsAt, now - RHYTHM_HISTORY_MS)
  const slots = occurrencesBetween(container, from, now + 1)
  const byslot = meetingsForSlots(doc, container.id, slots)
  return slots.map((slot) => {
    const meeting = byslot.get(slot) ?? null
    return {
      containerId: container.id,
      slot,
      outcome: outcomeOf(doc, container, slot, meeting, now),
      meeting,
    }
  })
}

// ---------------------------------------------------------------------------------------------
// The upcoming calendar

/** The opening question of the first circle after a pause (pattern.md, Section 8, "replant"). */
export const FIRST_CIRCLE_AFTER_PAUSE = 'How do we want to be together?'

export interface CalendarEntry {
  containerId: string
  containerName: string
  kind: ContainerKind
  /** The slot in the rhythm (the original time, even when moved). */
  scheduledFor: number
  /** When the meeting actually starts: the slot, or where it was rescheduled to. */
  startsAt: number
  endsAt: number
  timeZone: string
  meetingId: string | null
  /** The recorded status, or `expected` when no meeting record exists yet. */
  status: MeetingStatus | 'expected'
  reason: string | null
  /** Role id → member id, when the meeting record names them already. */
  roleHolders: Record<string, string>
  /** The first circle after a replanting pause: open it with `FIRST_CIRCLE_AFTER_PAUSE`. */
  firstAfterPause: boolean
}

/**
 * The next `horizonCount` slots of every container still held, merged in time order, each
 * marked with its meeting record (if one exists) and status — skipped slots stay listed so
 * the calendar guardian sees them. A meeting moved from a past slot to a future time is listed
 * too. During a pause the calendar starts at the restart date.
 */
export function upcomingCalendar(
  doc: Pick<PodDoc, 'pod' | 'containers' | 'meetings'>,
  now: number,
  horizonCount: number,
): CalendarEntry[] {
  const pausedUntil = doc.pod.pausedUntil ?? null
  const restart = pausedUntil !== null && pausedUntil > now ? pausedUntil : null
  const entries: CalendarEntry[] = []
  for (const container of Object.values(doc.containers)) {
    if (container.retiredAt !== null && container.retiredAt <= now) continue
    const inProgressFrom = now - container.durationMinutes * MINUTE
    const from = restart ?? inProgressFrom
    const slots = occurrences(container, from, horizonCount)
    const records = meetingsForSlots(doc, container.id, slots)
    const seen = new Set<string>()
    const entry = (slot: number, meeting: Meeting | null): CalendarEntry => {
      const startsAt = meeting?.rescheduledTo ?? slot
      return {
        containerId: container.id,
        containerName: container.name,
        kind: container.kind,
        scheduledFor: slot,
        startsAt,
        endsAt: startsAt + container.durationMinutes * MINUTE,
        timeZone: container.timeZone,
        meetingId: meeting?.id ?? null,
        status: meeting?.status ?? 'expected',
        reason: meeting?.reason ?? null,
        roleHolders: { ...(meeting?.roleHolders ?? {}) },
        firstAfterPause: false,
      }
    }
    for (const slot of slots) {
      const meeting = records.get(slot) ?? null
      if (meeting !== null) seen.add(meeting.id)
      entries.push(entry(slot, meeting))
    }
    for (const meeting of Object.values(doc.meetings)) {
      if (meeting.containerId !== container.id || seen.has(meeting.id)) continue
      if (meeting.rescheduledTo === null || meeting.scheduledFor >= from) continue
      if (meeting.status === 'skipped' || meeting.rescheduledTo < inProgressFrom) continue
      entries.push(entry(meeting.scheduledFor, meeting))
    }
  }
  entries.sort((a, b) => a.startsAt - b.startsAt || a.containerName.localeCompare(b.containerName))
  if (pausedUntil !== null) {
    const heldSince = Object.values(doc.meetings).some(
      (m) => m.status === 'held' && meetingTime(m) >= pausedUntil,
    )
    const first = heldSince
      ? undefined
      : entries.find((e) => e.kind === 'circle' && e.startsAt >= pausedUntil)
    if (first !== undefined) first.firstAfterPause = true
  }
  return entries
}

// ---------------------------------------------------------------------------------------------
// Skipping and rescheduling

function requireContainer(doc: PodDoc, containerId: string): Container {
  const container = ownEntry(doc.containers, containerId)
  if (container === undefined) throw new DomainError('That container is not in this pod.')
  return container
}

function requireSlot(container: Container, scheduledFor: number): void {
  if (!Number.isFinite(scheduledFor) || !isSlot(container, scheduledFor)) {
    throw new DomainError(`That time is not one of the ${container.name}'s meetings.`)
  }
}

/** The meeting record of a slot, created (as planned) if there is none yet. */
function slotMeeting(
  doc: PodDoc,
  container: Container,
  scheduledFor: number,
  _ctx: CommandContext,
): Meeting {
  const existing = findMeetingForSlot(doc, container.id, scheduledFor)
  if (existing !== null) {
    if (existing.status === 'held') {
      throw new DomainError('That meeting has already been held.')
    }
    return existing
  }
  requireRoom(Object.keys(doc.meetings).length, LIMITS.meetings, 'meetings')
  const meeting = slotMeetingRecord(container.id, scheduledFor)
  doc.meetings[meeting.id] = meeting
  const stored = ownEntry(doc.meetings, meeting.id)
  if (stored === undefined) throw new DomainError('The meeting could not be recorded.')
  return stored
}

/**
 * Starts the meeting of one slot of a container (a circle, office hours, an all-hands), or
 * joins it when it has a record already — on this device or, merged, from another. A skipped
 * slot is started after all; a moved one keeps its move (it counts as moved). Returns the id. What
 * is recorded in it then counts for the rhythm: the streak, the nudge, the calendar, the
 * office-hours allowance and vitality read the slot as kept once the meeting is held.
 */
export function startSlotMeeting(
  doc: PodDoc,
  input: { containerId: string; scheduledFor: number },
  ctx: CommandContext,
): string {
  const container = requireContainer(doc, input.containerId)
  requireSlot(container, input.scheduledFor)
  const existing = findMeetingForSlot(doc, container.id, input.scheduledFor)
  if (existing !== null) {
    // A skipped slot met after all is planned again; a moved one is held where it was moved.
    if (existing.status === 'skipped') {
      existing.status = 'planned'
      if (existing.reason !== null) existing.reason = null
    }
    return existing.id
  }
  return slotMeeting(doc, container, input.scheduledFor, ctx).id
}

/** A slot of a container that can be started now: today's, not yet held. */
export interface DueSlot {
  containerId: string
  containerName: string
  kind: ContainerKind
  scheduledFor: number
  /** When it starts (its slot, or where it was moved to). */
  startsAt: number
  /** The meeting recorded for it already (started, moved or skipped), if any. */
  meetingId: string | null
  status: MeetingStatus | 'expected'
}

/**
 * The slots of the pod's containers on the day of `now` (from `dayStart` to `dayEnd`, the
 * reader's local day) that are not held yet, earliest first: what "Start today's circle"
 * offers. A skipped slot is listed (it can be started after all) but comes after the others.
 */
export function slotsDueToday(
  doc: Pick<PodDoc, 'pod' | 'containers' | 'meetings'>,
  dayStart: number,
  dayEnd: number,
): DueSlot[] {
  const due: DueSlot[] = []
  for (const container of Object.values(doc.containers)) {
    if (container.retiredAt !== null && container.retiredAt <= dayStart) continue
    const slots = occurrencesBetween(container, dayStart, dayEnd)
    const records = meetingsForSlots(doc, container.id, slots)
    for (const slot of slots) {
      const meeting = records.get(slot) ?? null
      if (meeting?.status === 'held') continue
      due.push({
        containerId: container.id,
        containerName: container.name,
        kind: container.kind,
        scheduledFor: slot,
        startsAt: meeting?.rescheduledTo ?? slot,
        meetingId: meeting?.id ?? null,
        status: meeting?.status ?? 'expected',
      })
    }
  }
  const rank = (d: DueSlot) => (d.status === 'skipped' ? 1 : 0)
  return due.sort((a, b) => rank(a) - rank(b) || a.startsAt - b.startsAt)
}

export interface SkipInput {
  containerId: string
  /** The slot being skipped (one of the container's occurrences). */
  scheduledFor: number
  reason: string
}

/**
 * Records that a slot will not be held, and why. The record keeps the slot, so the rhythm
 * reading and the .ics export (an EXDATE) both see the gap. Returns the meeting id.
 */
export function skipMeeting(doc: PodDoc, input: SkipInput, ctx: CommandContext): string {
  const container = requireContainer(doc, input.containerId)
  requireSlot(container, input.scheduledFor)
  const reason = requireText(input.reason, 'The reason', TEXT_LIMITS.meetingReason)
  const meeting = slotMeeting(doc, container, input.scheduledFor, ctx)
  if (meeting.status !== 'skipped') meeting.status = 'skipped'
  if (meeting.reason !== reason) meeting.reason = reason
  if (meeting.rescheduledTo !== null) meeting.rescheduledTo = null
  return meeting.id
}

export interface RescheduleInput {
  containerId: string
  /** The original slot. */
  scheduledFor: number
  /** The new start time (epoch ms). */
  to: number
  reason: string
}

/**
 * Moves one slot to another time, keeping both: `scheduledFor` stays the original slot and
 * `rescheduledTo` the new time, so the rhythm reading counts the slip and the .ics export
 * writes a moved instance (RECURRENCE-ID). Returns the meeting id.
 */
export function rescheduleMeeting(
  doc: PodDoc,
  input: RescheduleInput,
  ctx: CommandContext,
): string {
  const container = requireContainer(doc, input.containerId)
  requireSlot(container, input.scheduledFor)
  if (!Number.isFinite(input.to)) throw new DomainError('The new time is not a date.')
  if (input.to === input.scheduledFor) throw new DomainError('The new time is the same as the old.')
  const reason = requireText(input.reason, 'The reason', TEXT_LIMITS.meetingReason)
  const meeting = slotMeeting(doc, container, input.scheduledFor, ctx)
  if (meeting.status !== 'rescheduled') meeting.status = 'rescheduled'
  if (meeting.rescheduledTo !== input.to) meeting.rescheduledTo = input.to
  if (meeting.reason !== reason) meeting.reason = reason
  return meeting.id
}

/** Undoes a skip or a move: the slot is planned at its usual time again. */
export function restoreMeeting(
  doc: PodDoc,
  input: { containerId: string; scheduledFor: number },
  _ctx: CommandContext,
): void {
  const container = requireContainer(doc, input.containerId)
  const meeting = findMeetingForSlot(doc, container.id, input.scheduledFor)
  if (meeting === null || meeting.status === 'held' || meeting.status === 'planned') return
  meeting.status = 'planned'
  if (meeting.rescheduledTo !== null) meeting.rescheduledTo = null
  if (meeting.reason !== null) meeting.reason = null
}

// ---------------------------------------------------------------------------------------------
// Streak and the calendar guardian

export interface RhythmStreak {
  /** Consecutive past slots, up to now, held at their slot. */
  count: number
  /** The first slot of the streak, or null when the streak is 0. */
  since: number | null
  /** The slot that ended the streak, with what became of it; null if never broken. */
  brokenBy: { slot: number; outcome: SlotOutcome; reason: string | null } | null
}

/**
 * How many of a container's slots in a row, counting back from now, were held on rhythm. A
 * slot not yet due (or within a day of ending, see `RECORD_GRACE_MS`) and slots inside a
 * replanting pause neither count nor break it.
 */
export function rhythmStreak(
  doc: Pick<PodDoc, 'pod' | 'containers' | 'meetings'>,
  containerId: string,
  now: number,
): RhythmStreak {
  const container = ownEntry(doc.containers, containerId)
  if (container === undefined) return { count: 0, since: null, brokenBy: null }
  const history = rhythmHistory(doc, container, now)
  let count = 0
  let since: number | null = null
  for (let i = history.length - 1; i >= 0; i--) {
    const record = history[i]
    if (record === undefined || record.outcome === 'pending' || record.outcome === 'paused')
      continue
    if (record.outcome !== 'kept') {
      return {
        count,
        since,
        brokenBy: {
          slot: record.slot,
          outcome: record.outcome,
          reason: record.meeting?.reason ?? null,
        },
      }
    }
    count++
    since = record.slot
  }
  return { count, since, brokenBy: null }
}

/** Formats a day in a zone for people: "Mon 3 Mar". */
export function formatDay(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  }).format(new Date(ms))
}

export interface CalendarNudge {
  containerId: string
  /** The slots in a row, most recent last, that did not happen. */
  missed: number[]
  nextSlot: number | null
  roleName: string
  /** Who holds the calendar guardian role in the latest meeting that names one. */
  guardian: { memberId: string; name: string } | null
  message: string
}

const GUARDIAN_ROLE = /calendar\s*guardian/i

/**
 * A nudge to the calendar guardian when the latest slot of a circle or all-hands did not
 * happen (skipped, or past with no record): "one skipped week becomes two" (pattern.md,
 * Section 5). Office hours are optional and never nudge. Null while the pod is paused or when
 * the rhythm is intact.
 */
export function calendarGuardianNudge(
  doc: Pick<PodDoc, 'pod' | 'containers' | 'meetings' | 'roles' | 'members'>,
  now: number,
): CalendarNudge | null {
  if (isPausedAt(doc, now)) return null
  let best: { container: Container; missed: SlotRecord[] } | null = null
  for (const container of Object.values(doc.containers)) {
    if (container.kind === 'office-hours' || container.retiredAt !== null) continue
    const history = rhythmHistory(doc, container, now).filter(
      (r) => r.outcome !== 'pending' && r.outcome !== 'paused',
    )
    const missed: SlotRecord[] = []
    for (let i = history.length - 1; i >= 0; i--) {
      const record = history[i]
      if (record === undefined) break
      if (record.outcome !== 'skipped' && record.outcome !== 'unrecorded') break
      missed.unshift(record)
    }
    const last = missed[missed.length - 1]
    if (last === undefined) continue
    const bestLast = best?.missed[best.missed.length - 1]
    if (
      best === null ||
      bestLast === undefined ||
      (container.kind === 'circle' && best.container.kind !== 'circle') ||
      (container.kind === best.container.kind && last.slot > bestLast.slot)
    ) {
      best = { container, missed }
    }
  }
  if (best === null) return null
  const { container, missed } = best
  const role = Object.values(doc.roles).find(
    (r) => r.retiredAt === null && GUARDIAN_ROLE.test(r.name),
  )
  const roleName = role?.name ?? 'Calendar guardian'
  let guardian: CalendarNudge['guardian'] = null
  if (role !== undefined) {
    const latest = Object.values(doc.meetings)
      .filter((m) => ownEntry(m.roleHolders, role.id) !== undefined && meetingTime(m) <= now)
      .sort((a, b) => meetingTime(b) - meetingTime(a))[0]
    const memberId = latest === undefined ? undefined : ownEntry(latest.roleHolders, role.id)
    const member = memberId === undefined ? undefined : ownEntry(doc.members, memberId)
    if (member !== undefined) guardian = { memberId: member.id, name: member.name }
  }
  const next = occurrences(container, now, 1)[0] ?? null
  const tz = container.timeZone
  const days = missed.map((r) => formatDay(r.slot, tz))
  const lastMissed = missed[missed.length - 1]
  const why =
    lastMissed?.meeting?.reason !== undefined && lastMissed.meeting.reason !== null
      ? ` (${lastMissed.meeting.reason})`
      : ''
  const what =
    missed.length === 1
      ? `The ${container.name} on ${days[0] ?? ''} did not happen${why}.`
      : `${missed.length} meetings of the ${container.name} in a row did not happen (${days.join(', ')}).`
  const who =
    guardian === null
      ? `the ${roleName.toLowerCase()}`
      : `${guardian.name}, as ${roleName.toLowerCase()},`
  const ask =
    next === null
      ? ` ${capitalise(who)} could talk with the pod about its rhythm.`
      : ` ${capitalise(who)} please make sure the next one, on ${formatDay(next, tz)}, happens.`
  return {
    containerId: container.id,
    missed: missed.map((r) => r.slot),
    nextSlot: next,
    roleName,
    guardian,
    message: `${what} One skipped week becomes two.${ask}`,
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}

// ---------------------------------------------------------------------------------------------
// Office hours

export interface OfficeHoursMemberUsage {
  memberId: string
  name: string
  usedMinutes: number
  allowanceMinutes: number
  remainingMinutes: number
  over: boolean
}

export interface OfficeHoursUsage {
  /** "YYYY-MM" in `timeZone`. */
  month: string
  timeZone: string
  allowanceMinutes: number
  members: OfficeHoursMemberUsage[]
}

const FACILITATOR_ROLE = /facilitator/i

/**
 * Office-hours minutes each member used this calendar month against the pattern's allowance
 * (30 minutes a month per mentee by default). A held office-hours meeting counts its
 * container's duration for every member marked present except the one holding the
 * facilitator role (the mentor keeping the hours). The month is read in the time zone of the
 * first office-hours container still held; with several, the allowance is the largest of
 * theirs. Lists active members and anyone who used time; null when the pod keeps no office
 * hours.
 */
export function officeHoursUsage(
  doc: Pick<PodDoc, 'containers' | 'meetings' | 'members' | 'roles'>,
  now: number,
): OfficeHoursUsage | null {
  const all = Object.values(doc.containers).filter((c) => c.kind === 'office-hours')
  const held = all.filter((c) => c.retiredAt === null)
  const reference = held[0] ?? all[0]
  if (reference === undefined) return null
  const tz = reference.timeZone
  const today = zonedDateTime(now, tz)
  const monthStart = zonedTimeToEpoch(
    { year: today.year, month: today.month, day: 1, hour: 0, minute: 0 },
    tz,
  )
  const next = civil(Date.UTC(today.year, today.month, 1))
  const monthEnd = zonedTimeToEpoch({ ...next, hour: 0, minute: 0 }, tz)
  const allowance = Math.max(...(held.length > 0 ? held : all).map((c) => c.minutesPerMentee ?? 30))
  const facilitatorRoles = new Set(
    Object.values(doc.roles)
      .filter((r) => FACILITATOR_ROLE.test(r.name))
      .map((r) => r.id),
  )
  const used = new Map<string, number>()
  const byId = new Map(all.map((c) => [c.id, c]))
  for (const meeting of Object.values(doc.meetings)) {
    const container = meeting.containerId === null ? undefined : byId.get(meeting.containerId)
    if (container === undefined || meeting.status !== 'held') continue
    const at = meetingTime(meeting)
    if (at < monthStart || at >= monthEnd || at > now) continue
    const hosts = new Set(
      Object.entries(meeting.roleHolders)
        .filter(([roleId]) => facilitatorRoles.has(roleId))
        .map(([, memberId]) => memberId),
    )
    for (const [memberId, mark] of Object.entries(meeting.attendance)) {
      if (mark !== 'present' || hosts.has(memberId)) continue
      used.set(memberId, (used.get(memberId) ?? 0) + container.durationMinutes)
    }
  }
  const members = Object.values(doc.members)
    .filter((m) => m.status === 'active' || used.has(m.id))
    .map((m) => {
      const usedMinutes = used.get(m.id) ?? 0
      return {
        memberId: m.id,
        name: m.name,
        usedMinutes,
        allowanceMinutes: allowance,
        remainingMinutes: Math.max(0, allowance - usedMinutes),
        over: usedMinutes > allowance,
      }
    })
    .sort((a, b) => a.name.localeCompare(b.name))
  const month = `${today.year}-${String(today.month).padStart(2, '0')}`
  return { month, timeZone: tz, allowanceMinutes: allowance, members }
}
