import type { PodDoc } from '../../schema/podDocument.ts'
import { zonedDateTime } from '../../domain/rhythm.ts'
import {
  heldGroupMeetings,
  readVitality,
  type AttendancePoint,
  type RhythmSlot,
} from '../../domain/vitality.ts'
import type { LinePoint, StackBar } from './Charts.tsx'

/**
 * The vitality readings arranged for charts: grouped by calendar month (attendance, rhythm) or
 * read as of the end of each quarter (participation). Presentation only — every figure comes
 * from `domain/vitality.ts`.
 */

/** The pod's circle time zone (where its calendar months begin). */
export function podZone(doc: Pick<PodDoc, 'containers'>): string {
  const containers = Object.values(doc.containers)
  return (containers.find((c) => c.kind === 'circle') ?? containers[0])?.timeZone ?? 'UTC'
}

function monthKey(ms: number, tz: string): string {
  const d = zonedDateTime(ms, tz)
  return `${d.year}-${String(d.month).padStart(2, '0')}`
}

function monthLabel(key: string): string {
  const [year, month] = key.split('-').map(Number)
  return new Intl.DateTimeFormat('en-GB', {
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(Date.UTC(year ?? 1970, (month ?? 1) - 1, 15)))
}

/** Attendance pooled per month: places filled over places expected. */
export function attendanceByMonth(series: readonly AttendancePoint[], tz: string): LinePoint[] {
  const months = new Map<string, { present: number; expected: number; meetings: number }>()
  for (const p of series) {
    const key = monthKey(p.at, tz)
    const m = months.get(key) ?? { present: 0, expected: 0, meetings: 0 }
    m.present += p.present
    m.expected += p.expected
    m.meetings++
    months.set(key, m)
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .filter(([, m]) => m.expected > 0)
    .map(([key, m]) => ({
      label: monthLabel(key),
      value: m.present / m.expected,
      detail: `${m.present} of ${m.expected} places filled in ${m.meetings} meeting${m.meetings === 1 ? '' : 's'}`,
    }))
}

export const RHYTHM_SERIES = [
  { key: 'kept', label: 'Held on rhythm', className: 'chart-series-kept' },
  { key: 'rescheduled', label: 'Moved', className: 'chart-series-moved' },
  { key: 'skipped', label: 'Skipped', className: 'chart-series-skipped' },
  { key: 'unrecorded', label: 'Not recorded', className: 'chart-series-unrecorded' },
] as const

/** What became of each month's circle and all-hands slots (slots still to come left out). */
export function rhythmByMonth(history: readonly RhythmSlot[], tz: string): StackBar[] {
  const months = new Map<string, Record<string, number>>()
  for (const slot of history) {
    if (slot.outcome === 'pending' || slot.outcome === 'paused') continue
    const key = monthKey(slot.slot, tz)
    const m = months.get(key) ?? {}
    m[slot.outcome] = (m[slot.outcome] ?? 0) + 1
    months.set(key, m)
  }
  return [...months.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, values]) => ({ label: monthLabel(key), values }))
}

export const PARTICIPATION_SERIES = [
  { key: 'contributing', label: 'Came and shared insights', className: 'chart-series-kept' },
  { key: 'silent', label: 'Came, stayed silent', className: 'chart-series-unrecorded' },
] as const

const QUARTER_MS = 91 * 86_400_000

/**
 * Participation read as of the end of every quarter since the first held meeting (each reading
 * looks at the meetings just before it): how many people shared insights and how many came
 * but stayed silent, with the spread's Gini in the label's detail. Counts, never names.
 */
export function participationByQuarter(
  doc: PodDoc,
  now: number,
): (StackBar & { gini: number | null })[] {
  const first = heldGroupMeetings(doc, now)[0]
  if (first === undefined) return []
  const tz = podZone(doc)
  const out: (StackBar & { gini: number | null })[] = []
  const start = first.heldAt ?? first.scheduledFor
  for (let t = start + QUARTER_MS; ; t += QUARTER_MS) {
    const at = Math.min(t, now)
    const p = readVitality(doc, at).participation
    const contributing = p.perMember.filter((m) => m.insights > 0).length
    out.push({
      label: monthLabel(monthKey(at, tz)),
      values: { contributing, silent: p.silentMembers.length },
      gini: p.gini,
    })
    if (at >= now) break
  }
  return out
}
