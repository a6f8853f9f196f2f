import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type {
  ActionItem,
  Attendance,
  CheckIn,
  Correction,
  CorrectionField,
  CorrectionTarget,
  Insight,
  Meeting,
  Member,
  PodDoc,
  Withdrawable,
} from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'

/**
 * Correcting the record (issue 12): a member edits or withdraws a check-in, insight or action,
 * corrects an attendance mark, or renames the pod or restates its purpose — and every such
 * change is written down in `PodDoc.corrections` with who made it, when, and what it was
 * before. Nothing is erased: a withdrawn item keeps its text and is only marked withdrawn, so
 * the screens can show what it said while every reading leaves it out.
 *
 * Any active member may correct (Tend has no roles for this); the correction names them.
 * Each command edits one scalar and adds one key to `corrections`, so two members correcting
 * offline merge with both corrections kept.
 */

/** The three kinds of item a member may edit or withdraw. */
export type CorrectableKind = 'insight' | 'check-in' | 'action'

const ITEM_WORDS: Record<CorrectableKind, string> = {
  insight: 'insight',
  'check-in': 'check-in',
  action: 'action',
}

const ITEM_LIMITS: Record<CorrectableKind, number> = {
  insight: TEXT_LIMITS.insight,
  'check-in': TEXT_LIMITS.checkIn,
  action: TEXT_LIMITS.action,
}

/**
 * Whether a member withdrew this item: it stays in the record, out of every reading. An item
 * stored before schema 4 has no `withdrawnAt` at all (the parser reads it as null, a command
 * sees it absent): it stands.
 */
export function isWithdrawn(item: Withdrawable): boolean {
  return typeof item.withdrawnAt === 'number'
}

/** The items of a meeting's map that stand (not withdrawn), in the map's order. */
export function standing<T extends Withdrawable>(items: Readonly<Record<string, T>>): T[] {
  return Object.values(items).filter((item) => !isWithdrawn(item))
}

/** Where one correctable item lives. */
export interface ItemRef {
  kind: CorrectableKind
  meetingId: string
  itemId: string
}

function requireCorrector(doc: PodDoc, memberId: string): Member {
  const member = ownEntry(doc.members, memberId)
  if (member === undefined) throw new DomainError('Only a member of this pod can correct it.')
  if (member.status !== 'active') {
    throw new DomainError(
      `Only an active member can correct the pod; ${member.name} is ${member.status === 'left' ? 'no longer in it' : 'paused'}.`,
    )
  }
  return member
}

function requireMeeting(doc: PodDoc, meetingId: string): Meeting {
  const meeting = ownEntry(doc.meetings, meetingId)
  if (meeting === undefined) throw new DomainError('That meeting is not in this pod.')
  return meeting
}

function itemsOf(meeting: Meeting, kind: CorrectableKind): Record<string, Withdrawable & Texted> {
  const items: Record<string, CheckIn> | Record<string, Insight> | Record<string, ActionItem> =
    kind === 'insight' ? meeting.insights : kind === 'check-in' ? meeting.checkIns : meeting.actions
  return items
}

interface Texted {
  text: string
}

function requireItem(doc: PodDoc, ref: ItemRef): Withdrawable & Texted {
  if (!(ref.kind in ITEM_WORDS)) throw new DomainError('That is not something Tend can correct.')
  const meeting = requireMeeting(doc, ref.meetingId)
  const item = ownEntry(itemsOf(meeting, ref.kind), ref.itemId)
  if (item === undefined)
    throw new DomainError(`That ${ITEM_WORDS[ref.kind]} is not in this meeting.`)
  return item
}

function record(
  doc: PodDoc,
  change: {
    target: CorrectionTarget
    meetingId: string | null
    itemId: string | null
    field: CorrectionField
    before: string | null
    after: string | null
    by: string
  },
  ctx: CommandContext,
): string {
  const id = ctx.newId()
  doc.corrections[id] = { id, ...change, at: ctx.now }
  return id
}

/** Records a correction of a check-in, insight or action. */
function recordItem(
  doc: PodDoc,
  input: ItemRef & { by: string },
  field: CorrectionField,
  change: { before: string | null; after: string | null },
  ctx: CommandContext,
): string {
  const { kind, meetingId, itemId, by } = input
  return record(doc, { target: kind, meetingId, itemId, field, ...change, by }, ctx)
}

function requireCorrectionRoom(doc: PodDoc): void {
  requireRoom(Object.keys(doc.corrections).length, LIMITS.corrections, 'corrections')
}

/**
 * Replaces the text of a check-in, insight or action and records the correction with the text
 * it replaces. A withdrawn item is restored first, never edited unseen. Returns the
 * correction's id.
 */
export function correctItemText(
  doc: PodDoc,
  input: ItemRef & { text: string; by: string },
  ctx: CommandContext,
): string {
  requireCorrector(doc, input.by)
  const item = requireItem(doc, input)
  const word = ITEM_WORDS[input.kind]
  if (isWithdrawn(item)) {
    throw new DomainError(`That ${word} was withdrawn; restore it before correcting it.`)
  }
  const text = requireText(input.text, `The corrected ${word}`, ITEM_LIMITS[input.kind])
  if (text === item.text) throw new DomainError(`The ${word} already says that.`)
  requireCorrectionRoom(doc)
  const before = item.text
  item.text = text
  return recordItem(doc, input, 'text', { before: before, after: text }, ctx)
}

/**
 * Withdraws a check-in, insight or action: it stays in the record, marked withdrawn by whom
 * and when, and every reading (knowledge base, vitality, exports) leaves it out. Returns the
 * correction's id; the correction keeps what the item said when it was withdrawn.
 */
export function withdrawItem(
  doc: PodDoc,
  input: ItemRef & { by: string },
  ctx: CommandContext,
): string {
  requireCorrector(doc, input.by)
  const item = requireItem(doc, input)
  if (isWithdrawn(item))
    throw new DomainError(`That ${ITEM_WORDS[input.kind]} is already withdrawn.`)
  requireCorrectionRoom(doc)
  item.withdrawnAt = ctx.now
  item.withdrawnBy = input.by
  return recordItem(doc, input, 'withdrawn', { before: item.text, after: null }, ctx)
}

/** Restores a withdrawn item (a withdrawal can be a mistake too), recorded like any other. */
export function restoreItem(
  doc: PodDoc,
  input: ItemRef & { by: string },
  ctx: CommandContext,
): string {
  requireCorrector(doc, input.by)
  const item = requireItem(doc, input)
  if (!isWithdrawn(item)) throw new DomainError(`That ${ITEM_WORDS[input.kind]} was not withdrawn.`)
  requireCorrectionRoom(doc)
  item.withdrawnAt = null
  item.withdrawnBy = null
  return recordItem(doc, input, 'restored', { before: null, after: item.text }, ctx)
}

const ATTENDANCE: readonly Attendance[] = ['present', 'absent', 'excused']

/** The checks both attendance corrections make: who corrects, which meeting and member, what mark. */
function requireMarkInput(
  doc: PodDoc,
  input: { meetingId: string; memberId: string; mark: Attendance | null; by: string },
): { meeting: Meeting; member: Member; before: Attendance | null } {
  requireCorrector(doc, input.by)
  const meeting = requireMeeting(doc, input.meetingId)
  const member = ownEntry(doc.members, input.memberId)
  if (member === undefined) throw new DomainError('That member is not in this pod.')
  if (input.mark !== null && !ATTENDANCE.includes(input.mark)) {
    throw new DomainError('A mark is present, absent or excused.')
  }
  return { meeting, member, before: ownEntry(meeting.attendance, input.memberId) ?? null }
}

/** Writes down that a member's mark went from `before` to `mark`. Returns the correction's id. */
function recordMark(
  doc: PodDoc,
  input: { meetingId: string; memberId: string; mark: Attendance | null; by: string },
  before: Attendance | null,
  ctx: CommandContext,
): string {
  return record(
    doc,
    {
      target: 'attendance',
      meetingId: input.meetingId,
      itemId: input.memberId,
      field: 'mark',
      before,
      after: input.mark,
      by: input.by,
    },
    ctx,
  )
}

/**
 * Corrects one member's attendance mark in a meeting (usually a held one, whose marks
 * `setAttendance` no longer changes): a new mark, or null to withdraw the mark. Records the
 * mark it replaces. Returns the correction's id.
 */
export function correctAttendance(
  doc: PodDoc,
  input: { meetingId: string; memberId: string; mark: Attendance | null; by: string },
  ctx: CommandContext,
): string {
  const { meeting, member, before } = requireMarkInput(doc, input)
  if (before === input.mark) {
    throw new DomainError(
      input.mark === null
        ? `${member.name} has no mark to withdraw.`
        : `${member.name} is already marked ${input.mark}.`,
    )
  }
  requireCorrectionRoom(doc)
  if (input.mark === null) delete meeting.attendance[input.memberId]
  else meeting.attendance[input.memberId] = input.mark
  return recordMark(doc, input, before, ctx)
}

/**
 * Settles a member's mark that two devices set differently while apart (see
 * `AttendanceDisagreement`): writes the mark the group agrees on, which replaces every value
 * the devices wrote, so the disagreement ends on every device once they sync. In a held circle,
 * settling on a mark other than the one the record showed is a correction, written down like
 * any other. Returns the correction's id, or null when none was needed.
 */
export function settleAttendance(
  doc: PodDoc,
  input: { meetingId: string; memberId: string; mark: Attendance; by: string },
  ctx: CommandContext,
): string | null {
  const { meeting, before } = requireMarkInput(doc, input)
  const corrects = meeting.status === 'held' && before !== input.mark
  if (corrects) requireCorrectionRoom(doc)
  // Written even when it equals the value shown: one write replaces all the merged values.
  meeting.attendance[input.memberId] = input.mark
  return corrects ? recordMark(doc, input, before, ctx) : null
}

/**
 * Renames the pod or restates its purpose, recording each field that changed with what it
 * said before. Returns the ids of the corrections it recorded (one per changed field).
 */
export function correctPodDetails(
  doc: PodDoc,
  input: { name?: string; purpose?: string; by: string },
  ctx: CommandContext,
): string[] {
  requireCorrector(doc, input.by)
  const changes: { field: 'name' | 'purpose'; value: string }[] = []
  if (input.name !== undefined) {
    const name = requireText(input.name, 'The pod name', TEXT_LIMITS.podName)
    if (name !== doc.pod.name) changes.push({ field: 'name', value: name })
  }
  if (input.purpose !== undefined) {
    const purpose = input.purpose.trim()
    if (purpose.length > TEXT_LIMITS.podPurpose) {
      throw new DomainError(`The purpose is longer than ${TEXT_LIMITS.podPurpose} characters.`)
    }
    if (purpose !== doc.pod.purpose) changes.push({ field: 'purpose', value: purpose })
  }
  if (changes.length === 0) throw new DomainError('The pod’s name and purpose already say that.')
  requireRoom(
    Object.keys(doc.corrections).length + changes.length - 1,
    LIMITS.corrections,
    'corrections',
  )
  return changes.map(({ field, value }) => {
    const before = doc.pod[field]
    doc.pod[field] = value
    return record(
      doc,
      { target: 'pod', meetingId: null, itemId: null, field, before, after: value, by: input.by },
      ctx,
    )
  })
}

/** The key under which `correctionsByItem` files an item's corrections. */
export function correctionKey(
  target: CorrectionTarget,
  meetingId: string | null,
  itemId: string | null,
): string {
  return `${target}\u0000${meetingId ?? ''}\u0000${itemId ?? ''}`
}

/**
 * Every correction filed by what it corrected (`correctionKey`), oldest first (ties by id, so
 * every device shows the same order). Built once per view, for screens that show many items.
 */
export function correctionsByItem(doc: Pick<PodDoc, 'corrections'>): Map<string, Correction[]> {
  const out = new Map<string, Correction[]>()
  const all = Object.values(doc.corrections).sort(
    (a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  for (const c of all) {
    const key = correctionKey(c.target, c.meetingId, c.itemId)
    const list = out.get(key)
    if (list === undefined) out.set(key, [c])
    else list.push(c)
  }
  return out
}
