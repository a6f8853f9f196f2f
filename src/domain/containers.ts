import { LIMITS, TEXT_LIMITS } from '../schema/limits.ts'
import { ownEntry } from '../schema/idMap.ts'
import type { Cadence, Container, ContainerKind, PodDoc, PodKind } from '../schema/podDocument.ts'
import type { CommandContext } from './commandContext.ts'
import { DomainError, requireRoom, requireText } from './commandContext.ts'
import { isValidTimeZone } from './rhythm.ts'

/** The pattern's office-hours allowance: 30 minutes a month per mentee (pattern.md, Section 4). */
export const DEFAULT_OFFICE_HOURS_MINUTES_PER_MENTEE = 30

export const CADENCES: readonly Cadence[] = ['weekly', 'biweekly', 'monthly', 'quarterly']

/**
 * The cadence a container starts with when none is given, following the pattern's rhythm
 * (Section 4): a learning pod's circle meets weekly ("weekly cohort meetings build relational
 * fabric"), a cohort's biweekly; office hours are a monthly allowance; the all-hands reflection
 * is quarterly.
 */
export function defaultCadence(kind: ContainerKind, podKind: PodKind): Cadence {
  if (kind === 'all-hands') return 'quarterly'
  if (kind === 'office-hours') return 'monthly'
  return podKind === 'cohort' ? 'biweekly' : 'weekly'
}

const DEFAULT_NAMES: Record<ContainerKind, string> = {
  circle: 'Circle',
  'office-hours': 'Office hours',
  'all-hands': 'All-hands reflection',
}

const DEFAULT_DURATIONS: Record<ContainerKind, number> = {
  circle: 90,
  'office-hours': 30,
  'all-hands': 120,
}

export interface NewContainerInput {
  kind: ContainerKind
  /** Defaults to the kind's everyday name ("Circle", "Office hours", "All-hands reflection"). */
  name?: string
  /** Defaults by the pattern, see `defaultCadence`. */
  cadence?: Cadence
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  /** Local time of day, "HH:MM" (24-hour), in `timeZone`. */
  time: string
  /** Defaults: circle 90, office hours 30, all-hands 120. */
  durationMinutes?: number
  /** An IANA time zone name such as "Europe/Berlin": the rhythm follows its clock across DST. */
  timeZone: string
  /** Office hours only; defaults to 30 (the pattern's allowance). Ignored for other kinds. */
  minutesPerMentee?: number
  /** The first meeting is the first slot on or after this instant; defaults to now. */
  startsAt?: number
}

const TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/

function requireWeekday(weekday: number): number {
  if (!Number.isInteger(weekday) || weekday < 0 || weekday > 6) {
    throw new DomainError('The weekday must be one of Sunday to Saturday.')
  }
  return weekday
}

function requireTime(time: string): string {
  const trimmed = time.trim()
  if (!TIME_PATTERN.test(trimmed)) throw new DomainError('The time must look like 18:30.')
  return trimmed
}

function requireDuration(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 600) {
    throw new DomainError('A meeting lasts between 5 minutes and 10 hours.')
  }
  return minutes
}

function requireZone(timeZone: string): string {
  const zone = timeZone.trim()
  if (!isValidTimeZone(zone)) throw new DomainError(`"${zone}" is not a time zone Tend knows.`)
  return zone
}

function requireAllowance(minutes: number): number {
  if (!Number.isInteger(minutes) || minutes < 5 || minutes > 600) {
    throw new DomainError('Office hours per mentee must be between 5 and 600 minutes a month.')
  }
  return minutes
}

function requireInstant(ms: number, what: string): number {
  if (!Number.isFinite(ms)) throw new DomainError(`${what} is not a date.`)
  return ms
}

/**
 * Declares a container the pod holds — its circle, office hours or all-hands — and returns its
 * id. Everything the caller leaves out follows the pattern (see `defaultCadence`, the default
 * durations and the 30-minute office-hours allowance), so "add our circle" is one tap.
 */
export function addContainer(doc: PodDoc, input: NewContainerInput, ctx: CommandContext): string {
  requireRoom(Object.keys(doc.containers).length, LIMITS.containers, 'containers')
  const id = ctx.newId()
  const container: Container = {
    id,
    kind: input.kind,
    name: requireText(
      input.name ?? DEFAULT_NAMES[input.kind],
      'The container name',
      TEXT_LIMITS.containerName,
    ),
    cadence: input.cadence ?? defaultCadence(input.kind, doc.pod.kind),
    weekday: requireWeekday(input.weekday),
    time: requireTime(input.time),
    durationMinutes: requireDuration(input.durationMinutes ?? DEFAULT_DURATIONS[input.kind]),
    timeZone: requireZone(input.timeZone),
    minutesPerMentee:
      input.kind === 'office-hours'
        ? requireAllowance(input.minutesPerMentee ?? DEFAULT_OFFICE_HOURS_MINUTES_PER_MENTEE)
        : null,
    startsAt: requireInstant(input.startsAt ?? ctx.now, 'The start date'),
    retiredAt: null,
  }
  if (!CADENCES.includes(container.cadence)) throw new DomainError('That cadence is unknown.')
  doc.containers[id] = container
  return id
}

function requireContainer(doc: PodDoc, containerId: string): Container {
  const container = ownEntry(doc.containers, containerId)
  if (container === undefined) throw new DomainError('That container is not in this pod.')
  return container
}

export interface ContainerEdit {
  name?: string
  cadence?: Cadence
  weekday?: number
  time?: string
  durationMinutes?: number
  timeZone?: string
  minutesPerMentee?: number
  startsAt?: number
}

/**
 * Edits a container field by field, writing only what changed so a concurrent edit of another
 * field on another device survives the merge. Changing the weekday, time or cadence moves
 * future slots; meetings already recorded keep the time they were recorded for.
 */
export function updateContainer(
  doc: PodDoc,
  containerId: string,
  edit: ContainerEdit,
  _ctx: CommandContext,
): void {
  const container = requireContainer(doc, containerId)
  if (container.retiredAt !== null) throw new DomainError('That container has been retired.')
  if (edit.name !== undefined) {
    const name = requireText(edit.name, 'The container name', TEXT_LIMITS.containerName)
    if (container.name !== name) container.name = name
  }
  if (edit.cadence !== undefined && container.cadence !== edit.cadence) {
    if (!CADENCES.includes(edit.cadence)) throw new DomainError('That cadence is unknown.')
    container.cadence = edit.cadence
  }
  if (edit.weekday !== undefined && container.weekday !== edit.weekday) {
    container.weekday = requireWeekday(edit.weekday)
  }
  if (edit.time !== undefined) {
    const time = requireTime(edit.time)
    if (container.time !== time) container.time = time
  }
  if (edit.durationMinutes !== undefined && container.durationMinutes !== edit.durationMinutes) {
    container.durationMinutes = requireDuration(edit.durationMinutes)
  }
  if (edit.timeZone !== undefined) {
    const zone = requireZone(edit.timeZone)
    if (container.timeZone !== zone) container.timeZone = zone
  }
  if (edit.minutesPerMentee !== undefined && container.kind === 'office-hours') {
    const minutes = requireAllowance(edit.minutesPerMentee)
    if (container.minutesPerMentee !== minutes) container.minutesPerMentee = minutes
  }
  if (edit.startsAt !== undefined && container.startsAt !== edit.startsAt) {
    container.startsAt = requireInstant(edit.startsAt, 'The start date')
  }
}

/**
 * Retires a container: no slots are expected from now on, but its history stays, so the
 * rhythm and vitality readings of the past are unchanged. Retiring twice keeps the first date.
 */
export function retireContainer(doc: PodDoc, containerId: string, ctx: CommandContext): void {
  const container = requireContainer(doc, containerId)
  if (container.retiredAt !== null) return
  container.retiredAt = ctx.now
}

/** The containers still held, circles first, then office hours, then all-hands; by name. */
export function activeContainers(doc: Pick<PodDoc, 'containers'>): Container[] {
  const order: Record<ContainerKind, number> = { circle: 0, 'office-hours': 1, 'all-hands': 2 }
  return Object.values(doc.containers)
    .filter((c) => c.retiredAt === null)
    .sort((a, b) => order[a.kind] - order[b.kind] || a.name.localeCompare(b.name))
}
