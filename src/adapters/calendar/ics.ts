/**
 * The calendar boundary: a pod's rhythm as an iCalendar file (RFC 5545) that any calendar app
 * can import, so the rhythm lives "in calendars, not aspirations" (pattern.md, Section 4).
 *
 * Pure — it builds text and does no I/O; the screen that offers the download saves it. It
 * assumes the other side is an RFC 5545 reader that understands RRULE, EXDATE and
 * RECURRENCE-ID, which every mainstream calendar does.
 *
 * What it writes:
 * - one VEVENT per container, DTSTART in the container's zone (DTSTART;TZID=Europe/Berlin:…),
 *   RRULE FREQ=WEEKLY;INTERVAL=1|2;BYDAY=MO for weekly and biweekly, FREQ=MONTHLY;INTERVAL=1|3
 *   ;BYDAY=2TU for monthly and quarterly (the same nth weekday `rhythm.ts` computes), UNTIL for a
 *   retired container, DURATION, UID `<container id>@<pod id>.tend`, DTSTAMP;
 * - an EXDATE for every skipped slot and every slot inside the pod's replanting pause;
 * - a separate VEVENT with the same UID and RECURRENCE-ID for every moved slot;
 * - one VTIMEZONE per zone, as RFC 5545 requires for each TZID. It is derived with Intl from
 *   the year before the earliest event: that year's transitions written as yearly weekday rules
 *   (RRULE FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU). That is exact for zones whose daylight saving
 *   follows such rules (Europe, North America, Australia, …); a zone that changed its rules
 *   since is approximated — calendar apps that know the IANA name (most do) use their own.
 * Lines end in CRLF and are folded at 75 octets; text is escaped (\\ \; \, \n).
 */
import type { Container, PodDoc } from '../../schema/podDocument.ts'
import type { RhythmRule } from '../../domain/rhythm.ts'
import {
  SLOT_TOLERANCE_MS,
  meetingsForSlots,
  occurrencesBetween,
  rhythmRule,
  zoneOffsetMs,
  zonedDateTime,
} from '../../domain/rhythm.ts'

export interface IcsOptions {
  /** The DTSTAMP of every event: when the file was made (epoch ms). */
  now: number
  /** PRODID, e.g. "-//Tend//Pod rhythm//EN". */
  productId: string
}

const DAY = 86_400_000
const WEEKDAYS = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'] as const

/** Escapes a TEXT value (RFC 5545, 3.3.11). */
export function escapeText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
}

function octets(codePoint: number): number {
  if (codePoint < 0x80) return 1
  if (codePoint < 0x800) return 2
  if (codePoint < 0x10000) return 3
  return 4
}

/**
 * Folds one content line at 75 octets (RFC 5545, 3.1): continuation lines start with one
 * space. Never splits a UTF-8 sequence.
 */
export function foldLine(line: string): string {
  const out: string[] = []
  let current = ''
  let size = 0
  let limit = 75
  for (const char of line) {
    const n = octets(char.codePointAt(0) ?? 0)
    if (size + n > limit) {
      out.push(current)
      current = ' '
      size = 1
      limit = 75
    }
    current += char
    size += n
  }
  out.push(current)
  return out.join('\r\n')
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function utcStamp(ms: number): string {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`
}

function localStamp(p: {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second?: number
}): string {
  return `${pad(p.year, 4)}${pad(p.month)}${pad(p.day)}T${pad(p.hour)}${pad(p.minute)}${pad(p.second ?? 0)}`
}

/** The slot's wall time as the rule names it (a slot in a DST gap keeps its nominal time). */
function nominalLocal(rule: RhythmRule, slot: number): string {
  const local = zonedDateTime(slot, rule.timeZone)
  return localStamp({ ...local, hour: rule.hour, minute: rule.minute, second: 0 })
}

function duration(minutes: number): string {
  const h = Math.floor(minutes / 60)
  const m = minutes % 60
  return `PT${h > 0 ? `${h}H` : ''}${m > 0 || h === 0 ? `${m}M` : ''}`
}

function rrule(rule: RhythmRule, container: Container): string {
  const day = WEEKDAYS[rule.weekday] ?? 'MO'
  const parts =
    rule.frequency === 'weekly'
      ? [`FREQ=WEEKLY`, `INTERVAL=${rule.interval}`, `BYDAY=${day}`]
      : [`FREQ=MONTHLY`, `INTERVAL=${rule.interval}`, `BYDAY=${rule.weekOfMonth ?? 1}${day}`]
  if (container.retiredAt !== null) parts.push(`UNTIL=${utcStamp(container.retiredAt - 1000)}`)
  return `RRULE:${parts.join(';')}`
}

function offsetText(ms: number): string {
  const sign = ms < 0 ? '-' : '+'
  const total = Math.round(Math.abs(ms) / 1000)
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return `${sign}${pad(h)}${pad(m)}${s === 0 ? '' : pad(s)}`
}

/** Transitions of a zone in one year: the instant and the offsets either side. */
function transitions(timeZone: string, year: number): { at: number; from: number; to: number }[] {
  const out: { at: number; from: number; to: number }[] = []
  const end = Date.UTC(year + 1, 0, 1)
  let t = Date.UTC(year, 0, 1)
  let offset = zoneOffsetMs(t, timeZone)
  while (t < end) {
    const next = t + DAY
    const nextOffset = zoneOffsetMs(next, timeZone)
    if (nextOffset !== offset) {
      let lo = t
      let hi = next
      while (hi - lo > 60_000) {
        const mid = Math.floor((lo + hi) / 2 / 60_000) * 60_000
        if (mid <= lo || mid >= hi) break
        if (zoneOffsetMs(mid, timeZone) === offset) lo = mid
        else hi = mid
      }
      out.push({ at: hi, from: offset, to: nextOffset })
    }
    t = next
    offset = nextOffset
  }
  return out
}

function vtimezone(timeZone: string, year: number): string[] {
  const lines = ['BEGIN:VTIMEZONE', `TZID:${timeZone}`]
  const found = transitions(timeZone, year)
  if (found.length === 0) {
    const offset = offsetText(zoneOffsetMs(Date.UTC(year, 0, 1), timeZone))
    lines.push(
      'BEGIN:STANDARD',
      'DTSTART:19700101T000000',
      `TZOFFSETFROM:${offset}`,
      `TZOFFSETTO:${offset}`,
      'END:STANDARD',
    )
  }
  for (const { at, from, to } of found) {
    const wall = new Date(at + from)
    const local = {
      year: wall.getUTCFullYear(),
      month: wall.getUTCMonth() + 1,
      day: wall.getUTCDate(),
      hour: wall.getUTCHours(),
      minute: wall.getUTCMinutes(),
      second: wall.getUTCSeconds(),
    }
    const daysInMonth = new Date(Date.UTC(local.year, local.month, 0)).getUTCDate()
    const nth = local.day + 7 > daysInMonth ? -1 : Math.ceil(local.day / 7)
    const weekday = WEEKDAYS[wall.getUTCDay()] ?? 'SU'
    const kind = to > from ? 'DAYLIGHT' : 'STANDARD'
    lines.push(
      `BEGIN:${kind}`,
      `DTSTART:${localStamp(local)}`,
      `RRULE:FREQ=YEARLY;BYMONTH=${local.month};BYDAY=${nth}${weekday}`,
      `TZOFFSETFROM:${offsetText(from)}`,
      `TZOFFSETTO:${offsetText(to)}`,
      `END:${kind}`,
    )
  }
  lines.push('END:VTIMEZONE')
  return lines
}

const KIND_WORDS: Record<Container['kind'], string> = {
  circle: 'circle',
  'office-hours': 'office hours',
  'all-hands': 'all-hands reflection',
}

/**
 * The pod's rhythm as an RFC 5545 calendar (see the file header for what it contains).
 * Returns the whole file as text with CRLF line endings.
 */
export function podRhythmToIcs(doc: PodDoc, options: IcsOptions): string {
  const stamp = utcStamp(options.now)
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    `PRODID:${options.productId}`,
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(doc.pod.name)}`,
  ]
  const events: string[] = []
  const zones = new Map<string, number>()
  const pausedAt = doc.pod.pausedAt ?? null
  const pausedUntil = doc.pod.pausedUntil ?? null
  const containers = Object.values(doc.containers).sort((a, b) => a.startsAt - b.startsAt)
  for (const container of containers) {
    const rule = rhythmRule(container)
    if (container.retiredAt !== null && rule.firstStart >= container.retiredAt) continue
    const tz = container.timeZone
    const firstYear = rule.firstDate.year
    zones.set(tz, Math.min(zones.get(tz) ?? firstYear, firstYear))
    const uid = `${container.id}@${doc.pod.id}.tend`
    const summary = `${container.name} — ${doc.pod.name}`
    const description = `${doc.pod.name}: ${container.cadence} ${KIND_WORDS[container.kind]}.`
    const tzid = `TZID=${tz}`

    const own = Object.values(doc.meetings).filter((m) => m.containerId === container.id)
    const lastScheduled = Math.max(rule.firstStart, ...own.map((m) => m.scheduledFor))
    const slots = occurrencesBetween(
      container,
      container.startsAt,
      lastScheduled + SLOT_TOLERANCE_MS + 1,
    )
    const bySlot = meetingsForSlots(doc, container.id, slots)
    const exdates = new Set<number>()
    const moved: { slot: number; to: number; reason: string | null }[] = []
    for (const [slot, meeting] of bySlot) {
      if (meeting.status === 'skipped') exdates.add(slot)
      else if (meeting.rescheduledTo !== null) {
        moved.push({ slot, to: meeting.rescheduledTo, reason: meeting.reason })
      }
    }
    if (pausedAt !== null && pausedUntil !== null) {
      for (const slot of occurrencesBetween(container, pausedAt, pausedUntil)) {
        if (!moved.some((m) => m.slot === slot)) exdates.add(slot)
      }
    }

    events.push(
      'BEGIN:VEVENT',
      `UID:${uid}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;${tzid}:${localStamp({ ...rule.firstDate, hour: rule.hour, minute: rule.minute })}`,
      `DURATION:${duration(container.durationMinutes)}`,
      rrule(rule, container),
      ...[...exdates]
        .sort((a, b) => a - b)
        .map((slot) => `EXDATE;${tzid}:${nominalLocal(rule, slot)}`),
      `SUMMARY:${escapeText(summary)}`,
      `DESCRIPTION:${escapeText(description)}`,
      'END:VEVENT',
    )
    for (const move of moved.sort((a, b) => a.slot - b.slot)) {
      events.push(
        'BEGIN:VEVENT',
        `UID:${uid}`,
        `DTSTAMP:${stamp}`,
        `RECURRENCE-ID;${tzid}:${nominalLocal(rule, move.slot)}`,
        `DTSTART;${tzid}:${localStamp(zonedDateTime(move.to, tz))}`,
        `DURATION:${duration(container.durationMinutes)}`,
        `SUMMARY:${escapeText(summary)}`,
        `DESCRIPTION:${escapeText(`Moved${move.reason === null ? '' : `: ${move.reason}`}`)}`,
        'END:VEVENT',
      )
    }
  }
  for (const [tz, year] of [...zones.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(...vtimezone(tz, year - 1))
  }
  lines.push(...events, 'END:VCALENDAR')
  return lines.map(foldLine).join('\r\n') + '\r\n'
}
