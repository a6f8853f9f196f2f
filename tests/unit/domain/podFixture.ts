import type {
  Attendance,
  CheckIn,
  Insight,
  InsightKind,
  JourneyStage,
  Meeting,
  MeetingStatus,
  PodDoc,
  PodKind,
} from '../../../src/schema/podDocument.ts'
import type { CommandContext } from '../../../src/domain/commandContext.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
export const WEEK = 7 * DAY

/** A CommandContext whose clock the test moves by hand and whose ids count up. */
export function counterContext(now: number): CommandContext & { now: number } {
  let n = 0
  return { now, newId: () => `id-${String(++n).padStart(4, '0')}` }
}

/** A pod on a plain object, with the founder and the other members given. */
export function newPod(
  ctx: CommandContext & { now: number },
  members: readonly [string, JourneyStage][] = [],
  kind: PodKind = 'learning-pod',
): { doc: PodDoc; founderId: string; ids: Record<string, string> } {
  const doc = {} as PodDoc
  const founderId = initPod(
    doc,
    {
      name: 'Test pod',
      purpose: 'Learning together',
      kind,
      founder: { name: 'Amara', stage: 'experienced' },
      device: null,
    },
    ctx,
  )
  const ids: Record<string, string> = { Amara: founderId }
  for (const [name, stage] of members) ids[name] = addMember(doc, { name, stage }, ctx)
  return { doc, founderId, ids }
}

export function roleId(doc: PodDoc, name: RegExp): string {
  const role = Object.values(doc.roles).find((r) => name.test(r.name))
  if (role === undefined) throw new Error(`no role ${String(name)}`)
  return role.id
}

export interface InsightSpec {
  author: string
  kind?: InsightKind
  text?: string
  tags?: string[]
  id?: string
  respondsTo?: string | null
  ledTo?: string | null
}

export interface MeetingSpec {
  containerId: string | null
  scheduledFor: number
  status?: MeetingStatus
  reason?: string | null
  rescheduledTo?: number | null
  present?: readonly string[]
  absent?: readonly string[]
  excused?: readonly string[]
  facilitator?: string
  checkIns?: readonly { member: string; text: string }[]
  insights?: readonly InsightSpec[]
}

/** Writes a meeting record directly (the shape the meeting commands produce). */
export function recordMeeting(doc: PodDoc, ctx: CommandContext, spec: MeetingSpec): Meeting {
  const id = ctx.newId()
  const status = spec.status ?? 'held'
  const at = spec.rescheduledTo ?? spec.scheduledFor
  const attendance: Record<string, Attendance> = {}
  for (const m of spec.present ?? []) attendance[m] = 'present'
  for (const m of spec.absent ?? []) attendance[m] = 'absent'
  for (const m of spec.excused ?? []) attendance[m] = 'excused'
  const checkIns: Record<string, CheckIn> = {}
  for (const c of spec.checkIns ?? []) {
    const cid = ctx.newId()
    checkIns[cid] = {
      id: cid,
      memberId: c.member,
      text: c.text,
      at,
      withdrawnAt: null,
      withdrawnBy: null,
    }
  }
  const insights: Record<string, Insight> = {}
  for (const i of spec.insights ?? []) {
    const iid = i.id ?? ctx.newId()
    insights[iid] = {
      id: iid,
      kind: i.kind ?? 'learning',
      text: i.text ?? 'I learned something about listening.',
      tags: i.tags ?? [],
      authorId: i.author,
      ledTo: i.ledTo ?? null,
      respondsTo: i.respondsTo ?? null,
      at,
      withdrawnAt: null,
      withdrawnBy: null,
    }
  }
  const roleHolders: Record<string, string> = {}
  if (spec.facilitator !== undefined) roleHolders[roleId(doc, /facilitator/i)] = spec.facilitator
  const meeting: Meeting = {
    id,
    containerId: spec.containerId,
    scheduledFor: spec.scheduledFor,
    status,
    reason: spec.reason ?? null,
    rescheduledTo: spec.rescheduledTo ?? null,
    heldAt: status === 'held' ? at + HOUR : null,
    attendance,
    roleHolders,
    checkIns,
    insights,
    actions: {},
    notesUrl: null,
    formatId: null,
    createdAt: at,
  }
  doc.meetings[id] = meeting
  return meeting
}
