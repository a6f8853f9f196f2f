import type { JourneyStage, MemberStatus, PodKind } from '../../schema/podDocument.ts'

export const POD_KIND_LABELS: Record<PodKind, string> = {
  'learning-pod': 'Learning pod (4–6 people, weekly)',
  cohort: 'Cohort (8–12 people, biweekly)',
  circle: 'Circle (any size)',
}

export const POD_KIND_SHORT: Record<PodKind, string> = {
  'learning-pod': 'Learning pod',
  cohort: 'Cohort',
  circle: 'Circle',
}

export const STAGE_LABELS: Record<JourneyStage, string> = {
  newer: 'Newer',
  practising: 'Practising',
  experienced: 'Experienced',
}

export const STATUS_LABELS: Record<MemberStatus, string> = {
  active: 'Active',
  paused: 'Paused',
  left: 'Left',
}

/** "12 Mar 2026" in the reader's locale. */
export function formatDate(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  })
}

/** "12 Mar 2026, 18:05" in the reader's locale. */
export function formatDateTime(ms: number): string {
  return new Date(ms).toLocaleString(undefined, {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  })
}

/** "18:05" in the reader's locale. */
export function formatTime(ms: number): string {
  return new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
}

/** Epoch ms → the value of an `<input type="date">` (local date). */
export function toDateInput(ms: number): string {
  const d = new Date(ms)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`
}

/** The value of an `<input type="date">` → epoch ms at local midnight, or null if empty/invalid. */
export function fromDateInput(value: string): number | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value)
  if (match === null) return null
  const ms = new Date(Number(match[1]), Number(match[2]) - 1, Number(match[3])).getTime()
  return Number.isFinite(ms) ? ms : null
}

/** A message for a person from whatever a command threw. */
export function messageOf(error: unknown): string {
  if (error instanceof Error && error.message !== '') return error.message
  return 'Something went wrong. Your pod is unchanged.'
}
