import type { Cadence, ContainerKind, MeetingStatus } from '../../schema/podDocument.ts'

export const WEEKDAYS = [
  'Sunday',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
] as const

export const CONTAINER_KIND_LABELS: Record<ContainerKind, string> = {
  circle: 'Circle',
  'office-hours': 'Office hours',
  'all-hands': 'All-hands reflection',
}

export const CONTAINER_KIND_HINTS: Record<ContainerKind, string> = {
  circle: 'the group meets, weekly or every two weeks',
  'office-hours': 'one-on-one time, minutes per mentee each month',
  'all-hands': 'the whole community reflects together, quarterly',
}

export const CADENCE_LABELS: Record<Cadence, string> = {
  weekly: 'every week',
  biweekly: 'every two weeks',
  monthly: 'once a month',
  quarterly: 'every three months',
}

/** The cadences the pattern gives each kind of container. */
export const CADENCES_FOR: Record<ContainerKind, readonly Cadence[]> = {
  circle: ['weekly', 'biweekly'],
  'office-hours': ['monthly'],
  'all-hands': ['quarterly'],
}

export const CALENDAR_STATUS_LABELS: Record<MeetingStatus | 'expected', string> = {
  expected: 'On the calendar',
  planned: 'Planned',
  held: 'Held',
  skipped: 'Skipped',
  rescheduled: 'Moved',
}

/** "Wed 3 Dec, 18:30" in `timeZone`. */
export function formatSlot(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date(ms))
}

/** This browser's IANA time zone ("Europe/Berlin"), or UTC when it does not say. */
export function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC'
  } catch {
    return 'UTC'
  }
}

/** The IANA zones this browser knows, for the zone picker (with `current` always in it). */
export function knownTimeZones(current: string): string[] {
  let zones: string[] = []
  try {
    zones =
      (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf?.(
        'timeZone',
      ) ?? []
  } catch {
    zones = []
  }
  return zones.includes(current) ? zones : [current, ...zones]
}

/** Epoch ms → the value of an `<input type="datetime-local">` in this browser's zone. */
export function toDateTimeInput(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}

/** The value of an `<input type="datetime-local">` → epoch ms, or null. */
export function fromDateTimeInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null
  const ms = new Date(value).getTime()
  return Number.isFinite(ms) ? ms : null
}
