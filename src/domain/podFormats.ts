import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { PodDoc, PodFormat, PodFormatStep } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'
import {
  CIRCLE_FORMATS,
  FIRST_CIRCLE_FORMAT_ID,
  circleFormat,
  isFirstCircle,
  type CircleFormat,
  type CircleStep,
  type CircleStepKind,
} from './circleFormats.ts'
import { adoptedNorms } from './norms.ts'

/**
 * A pod's own circle formats: edited copies of the templates (issue 4, "a pod can edit its own
 * copy"), kept in `PodDoc.formats` and chosen per meeting (`Meeting.formatId`).
 *
 * Steps live in a map with a numeric `position`, so two members editing one format offline
 * merge: a moved step moves once, two added steps both appear, and an edit to a step's minutes
 * and another to its title both survive.
 */

/** The format a meeting runs when nobody chose one. */
export const DEFAULT_FORMAT_ID = 'round-check-in'

const STEP_KINDS: readonly CircleStepKind[] = [
  'norms',
  'review-actions',
  'check-in',
  'round',
  'presenting',
  'consulting',
  'discussion',
  'norm-setting',
  'insights',
  'actions',
  'closing',
]

export interface StepEdit {
  title?: string
  minutes?: number
  roleCue?: string | null
  speakerMinutes?: number | null
}

function stepKind(kind: string): CircleStepKind {
  return (STEP_KINDS as readonly string[]).includes(kind) ? (kind as CircleStepKind) : 'discussion'
}

function byPosition(a: PodFormatStep, b: PodFormatStep): number {
  return a.position - b.position || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
}

/** A pod format's steps in the order they run. */
export function orderedSteps(format: PodFormat): PodFormatStep[] {
  return Object.values(format.steps).sort(byPosition)
}

/** A pod's format as circle mode reads it (the same shape as a template). */
export function asCircleFormat(format: PodFormat): CircleFormat {
  return {
    id: format.id,
    name: format.name,
    summary: format.summary,
    steps: orderedSteps(format).map((s): CircleStep => ({
      id: s.id,
      title: s.title,
      minutes: s.minutes,
      roleCue: s.roleCue,
      kind: stepKind(s.kind),
      speakerMinutes: s.speakerMinutes,
    })),
  }
}

/** The pod's own formats in use (not retired), by name. */
export function podFormats(doc: Pick<PodDoc, 'formats'>): PodFormat[] {
  return Object.values(doc.formats)
    .filter((f) => f.retiredAt === null)
    .sort((a, b) => a.name.localeCompare(b.name) || (a.id < b.id ? -1 : 1))
}

/** A format by id: one of the pod's (retired ones too, for meetings that ran them), or a template. */
export function findFormat(doc: Pick<PodDoc, 'formats'>, id: string): CircleFormat | null {
  const own = ownEntry(doc.formats, id)
  return own !== undefined ? asCircleFormat(own) : circleFormat(id)
}

/**
 * The format a meeting runs: the one chosen for it, else the norm-setting circle for a new
 * pod's first circle, else the round check-in. A chosen format that is gone from the document
 * (it never arrived, or a peer wrote a bad id) falls back the same way.
 */
export function meetingFormat(doc: PodDoc, meetingId: string): CircleFormat {
  const meeting = ownEntry(doc.meetings, meetingId)
  const chosen = meeting?.formatId ?? null
  const found = chosen === null ? null : findFormat(doc, chosen)
  if (found !== null) return found
  const first =
    meeting !== undefined && isFirstCircle(doc, meetingId) && adoptedNorms(doc).length === 0
  return (
    circleFormat(first ? FIRST_CIRCLE_FORMAT_ID : DEFAULT_FORMAT_ID) ??
    (CIRCLE_FORMATS[0] as CircleFormat)
  )
}

/** Records the format a meeting runs, so every member's screen shows the same steps. */
export function chooseMeetingFormat(doc: PodDoc, meetingId: string, formatId: string): void {
  const meeting = ownEntry(doc.meetings, meetingId)
  if (meeting === undefined) throw new DomainError('That circle is not in this pod.')
  if (findFormat(doc, formatId) === null) throw new DomainError('That format is not in this pod.')
  if (meeting.formatId !== formatId) meeting.formatId = formatId
}

function requireFormat(doc: PodDoc, formatId: string): PodFormat {
  const format = ownEntry(doc.formats, formatId)
  if (format === undefined) throw new DomainError('That format is not one of this pod’s own.')
  return format
}

function checkMinutes(value: number, what: string, max: number): number {
  if (!Number.isFinite(value) || Math.round(value) < 1 || Math.round(value) > max)
    throw new DomainError(`${what} must be between 1 and ${max} minutes.`)
  return Math.round(value)
}

/**
 * Copies a template (or one of the pod's formats) into the pod's own formats, named
 * "<name> (ours)"; returns the new format's id. The copy's steps get fresh ids.
 */
export function copyFormat(doc: PodDoc, sourceId: string, ctx: CommandContext): string {
  const source = findFormat(doc, sourceId)
  if (source === null) throw new DomainError('That format is not in this pod.')
  requireRoom(Object.keys(doc.formats).length, LIMITS.formats, 'circle formats')
  const id = ctx.newId()
  const steps: Record<string, PodFormatStep> = {}
  source.steps.forEach((s, index) => {
    const stepId = ctx.newId()
    steps[stepId] = {
      id: stepId,
      title: s.title,
      minutes: s.minutes,
      roleCue: s.roleCue,
      kind: s.kind,
      speakerMinutes: s.speakerMinutes,
      position: index + 1,
    }
  })
  doc.formats[id] = {
    id,
    name: `${source.name} (ours)`,
    summary: source.summary,
    basedOn: source.id,
    steps,
    createdAt: ctx.now,
    updatedAt: ctx.now,
    retiredAt: null,
  }
  return id
}

/** Renames a pod format or rewrites its summary. */
export function updateFormat(
  doc: PodDoc,
  formatId: string,
  edit: { name?: string; summary?: string },
  ctx: CommandContext,
): void {
  const format = requireFormat(doc, formatId)
  if (edit.name !== undefined) {
    const name = requireText(edit.name, 'The format’s name', TEXT_LIMITS.formatName)
    if (format.name !== name) format.name = name
  }
  if (edit.summary !== undefined && format.summary !== edit.summary.trim())
    format.summary = edit.summary.trim()
  format.updatedAt = ctx.now
}

/** Changes one step's title, minutes, role cue or minutes per speaker. */
export function updateFormatStep(
  doc: PodDoc,
  formatId: string,
  stepId: string,
  edit: StepEdit,
  ctx: CommandContext,
): void {
  const format = requireFormat(doc, formatId)
  const step = ownEntry(format.steps, stepId)
  if (step === undefined) throw new DomainError('That step is no longer in this format.')
  if (edit.title !== undefined) {
    const title = requireText(edit.title, 'A step’s title', TEXT_LIMITS.stepTitle)
    if (step.title !== title) step.title = title
  }
  if (edit.minutes !== undefined) {
    const minutes = checkMinutes(edit.minutes, 'A step', 240)
    if (step.minutes !== minutes) step.minutes = minutes
  }
  if (edit.roleCue !== undefined) {
    const cue = edit.roleCue === null ? '' : edit.roleCue.trim()
    const next = cue === '' ? null : cue
    if (step.roleCue !== next) step.roleCue = next
  }
  if (edit.speakerMinutes !== undefined) {
    const next =
      edit.speakerMinutes === null ? null : checkMinutes(edit.speakerMinutes, 'A turn', 60)
    if (step.speakerMinutes !== next) step.speakerMinutes = next
  }
  format.updatedAt = ctx.now
}

/** Adds an open discussion step after `afterStepId` (or first, when null); returns its id. */
export function addFormatStep(
  doc: PodDoc,
  formatId: string,
  afterStepId: string | null,
  title: string,
  ctx: CommandContext,
): string {
  const format = requireFormat(doc, formatId)
  const steps = orderedSteps(format)
  const index = afterStepId === null ? -1 : steps.findIndex((s) => s.id === afterStepId)
  if (afterStepId !== null && index === -1)
    throw new DomainError('That step is no longer in this format.')
  const before = index === -1 ? null : (steps[index] ?? null)
  const after = steps[index + 1] ?? null
  const position =
    before === null
      ? (after?.position ?? 1) - 1
      : after === null
        ? before.position + 1
        : (before.position + after.position) / 2
  requireRoom(steps.length, LIMITS.stepsPerFormat, 'steps in this format')
  const id = ctx.newId()
  format.steps[id] = {
    id,
    title: requireText(title, 'A step’s title', TEXT_LIMITS.stepTitle),
    minutes: 5,
    roleCue: null,
    kind: 'discussion',
    speakerMinutes: null,
    position,
  }
  format.updatedAt = ctx.now
  return id
}

/** Moves a step one place earlier (-1) or later (+1). */
export function moveFormatStep(
  doc: PodDoc,
  formatId: string,
  stepId: string,
  direction: -1 | 1,
  ctx: CommandContext,
): void {
  const format = requireFormat(doc, formatId)
  const steps = orderedSteps(format)
  const index = steps.findIndex((s) => s.id === stepId)
  const step = ownEntry(format.steps, stepId)
  if (index === -1 || step === undefined)
    throw new DomainError('That step is no longer in this format.')
  const neighbour = steps[index + direction]
  if (neighbour === undefined) return
  const beyond = steps[index + 2 * direction]
  // Between the neighbour and the one beyond it, so only this step's position changes.
  step.position =
    beyond === undefined
      ? neighbour.position + direction
      : (neighbour.position + beyond.position) / 2
  format.updatedAt = ctx.now
}

/** Removes a step; a format keeps at least one. */
export function removeFormatStep(
  doc: PodDoc,
  formatId: string,
  stepId: string,
  ctx: CommandContext,
): void {
  const format = requireFormat(doc, formatId)
  if (ownEntry(format.steps, stepId) === undefined) return
  if (Object.keys(format.steps).length <= 1)
    throw new DomainError('A format needs at least one step.')
  delete format.steps[stepId]
  format.updatedAt = ctx.now
}

/** Retires a pod format: it leaves the list; meetings that ran it still show it. */
export function retireFormat(doc: PodDoc, formatId: string, ctx: CommandContext): void {
  const format = requireFormat(doc, formatId)
  if (format.retiredAt === null) format.retiredAt = ctx.now
}
