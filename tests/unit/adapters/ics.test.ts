import { describe, expect, it } from 'vitest'
import ICAL from 'ical.js'
import { addContainer, retireContainer } from '../../../src/domain/containers.ts'
import {
  occurrences,
  occurrencesBetween,
  rescheduleMeeting,
  skipMeeting,
} from '../../../src/domain/rhythm.ts'
import { pausePod } from '../../../src/domain/vitality.ts'
import { escapeText, foldLine, podRhythmToIcs } from '../../../src/adapters/calendar/ics.ts'
import { DAY, HOUR, counterContext, newPod } from '../domain/podFixture.ts'

const START = Date.UTC(2025, 1, 20) // Thu 20 Feb 2025

function parse(ics: string): { cal: ICAL.Component; events: ICAL.Component[] } {
  const cal = new ICAL.Component(ICAL.parse(ics))
  for (const tz of cal.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz)
  return { cal, events: cal.getAllSubcomponents('vevent') }
}

/** Expands one container's series (its master event and moved instances) with ical.js. */
function expand(events: ICAL.Component[], uidPrefix: string, until: number): number[] {
  const own = events.filter((e) => String(e.getFirstPropertyValue('uid')).startsWith(uidPrefix))
  const master = own.find((e) => !e.hasProperty('recurrence-id'))
  if (master === undefined) throw new Error('no master event')
  const event = new ICAL.Event(master)
  for (const ex of own.filter((e) => e.hasProperty('recurrence-id'))) event.relateException(ex)
  const out: number[] = []
  const it = event.iterator()
  for (let next = it.next(); next !== null && next !== undefined; next = it.next()) {
    const start = event.getOccurrenceDetails(next).startDate.toJSDate().getTime()
    if (next.toJSDate().getTime() >= until) break
    out.push(start)
  }
  return out
}

function berlinPod() {
  const ctx = counterContext(START)
  const { doc } = newPod(ctx)
  doc.pod.name = 'Pod; with, commas\nand a line'
  const circleId = addContainer(
    doc,
    { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin', startsAt: START },
    ctx,
  )
  const circle = doc.containers[circleId]!
  return { ctx, doc, circleId, circle }
}

describe('podRhythmToIcs', () => {
  it('parses with ical.js and its RRULE expansion gives the slots minus EXDATEs, moved instances moved', () => {
    const { ctx, doc, circleId, circle } = berlinPod()
    const slots = occurrences(circle, START, 10)
    skipMeeting(doc, { containerId: circleId, scheduledFor: slots[3]!, reason: 'Holiday' }, ctx)
    const movedTo = slots[5]! + 2 * DAY + HOUR
    rescheduleMeeting(
      doc,
      { containerId: circleId, scheduledFor: slots[5]!, to: movedTo, reason: 'Room taken' },
      ctx,
    )
    const ics = podRhythmToIcs(doc, { now: START, productId: '-//Tend//Test//EN' })
    const { cal, events } = parse(ics)
    expect(cal.getFirstPropertyValue('prodid')).toBe('-//Tend//Test//EN')
    const expanded = expand(events, circleId, slots[9]! + 1)
    const expected = slots.filter((_, i) => i !== 3).map((s) => (s === slots[5] ? movedTo : s))
    expect(expanded).toEqual(expected)
    // The expansion crosses the March change (30 Mar 2025) and stays at 18:00 in Berlin.
    const hours = expanded
      .filter((s) => s !== movedTo)
      .map((s) =>
        new Intl.DateTimeFormat('en-GB', {
          timeZone: 'Europe/Berlin',
          hour: '2-digit',
          minute: '2-digit',
        }).format(s),
      )
    expect(new Set(hours)).toEqual(new Set(['18:00']))
    expect(expanded.some((s) => new Date(s).getUTCHours() === 17)).toBe(true)
    expect(expanded.some((s) => new Date(s).getUTCHours() === 16)).toBe(true)
  })

  it('writes TZID start times, the RRULE, EXDATE and RECURRENCE-ID as RFC 5545 text', () => {
    const { ctx, doc, circleId, circle } = berlinPod()
    const slots = occurrences(circle, START, 4)
    skipMeeting(doc, { containerId: circleId, scheduledFor: slots[1]!, reason: 'Holiday' }, ctx)
    rescheduleMeeting(
      doc,
      { containerId: circleId, scheduledFor: slots[2]!, to: slots[2]! + DAY, reason: 'Moved' },
      ctx,
    )
    const ics = podRhythmToIcs(doc, {
      now: Date.UTC(2025, 1, 21, 9, 30),
      productId: '-//Tend//Test//EN',
    })
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20250224T180000\r\n')
    expect(ics).toContain('RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO\r\n')
    expect(ics).toContain('EXDATE;TZID=Europe/Berlin:20250303T180000\r\n')
    expect(ics).toContain('RECURRENCE-ID;TZID=Europe/Berlin:20250310T180000\r\n')
    expect(ics).toContain('DTSTART;TZID=Europe/Berlin:20250311T180000\r\n')
    expect(ics).toContain('DTSTAMP:20250221T093000Z\r\n')
    expect(ics).toContain('DURATION:PT1H30M\r\n')
    expect(ics).toContain('BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n')
    expect(ics).toContain('RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU')
    expect(ics).toContain('RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU')
    expect(ics).toContain(`UID:${circleId}@${doc.pod.id}.tend\r\n`)
    expect(ics).toContain('X-WR-CALNAME:Pod\\; with\\, commas\\nand a line\r\n')
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true)
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true)
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/)
    const { events } = parse(ics)
    expect(events.map((e) => e.getFirstPropertyValue('summary'))).toEqual([
      'Circle — Pod; with, commas\nand a line',
      'Circle — Pod; with, commas\nand a line',
    ])
  })

  it('writes biweekly and quarterly rules that ical.js expands to the same slots as rhythm.ts', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx, [], 'cohort')
    const cohortId = addContainer(
      doc,
      { kind: 'circle', weekday: 4, time: '19:00', timeZone: 'America/New_York', startsAt: START },
      ctx,
    )
    const allHandsId = addContainer(
      doc,
      {
        kind: 'all-hands',
        weekday: 6,
        time: '10:00',
        timeZone: 'Australia/Sydney',
        startsAt: START,
      },
      ctx,
    )
    const ics = podRhythmToIcs(doc, { now: START, productId: '-//Tend//Test//EN' })
    expect(ics).toContain('RRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=TH\r\n')
    expect(ics).toMatch(/RRULE:FREQ=MONTHLY;INTERVAL=3;BYDAY=(-1|[1-4])SA\r\n/)
    const { events } = parse(ics)
    const until = START + 800 * DAY
    const cohort = doc.containers[cohortId]!
    const allHands = doc.containers[allHandsId]!
    expect(expand(events, cohortId, until)).toEqual(occurrencesBetween(cohort, START, until))
    const quarterly = expand(events, allHandsId, until)
    expect(quarterly).toEqual(occurrencesBetween(allHands, START, until))
    expect(quarterly.length).toBe(9)
  })

  it('ends a retired container with UNTIL and leaves out the slots of a pause', () => {
    const { ctx, doc, circleId, circle } = berlinPod()
    const slots = occurrences(circle, START, 12)
    ctx.now = slots[2]! + DAY
    pausePod(doc, { until: slots[5]! + HOUR, reason: 'Replanting' }, ctx)
    ctx.now = slots[9]! + DAY
    retireContainer(doc, circleId, ctx)
    const ics = podRhythmToIcs(doc, { now: ctx.now, productId: '-//Tend//Test//EN' })
    expect(ics).toMatch(/RRULE:FREQ=WEEKLY;INTERVAL=1;BYDAY=MO;UNTIL=\d{8}T\d{6}Z\r\n/)
    const { events } = parse(ics)
    const expanded = expand(events, circleId, Number.POSITIVE_INFINITY)
    expect(expanded).toEqual([slots[0], slots[1], slots[2], slots[6], slots[7], slots[8], slots[9]])
  })

  it('folds long lines at 75 octets without splitting a character, and escapes text', () => {
    const { doc } = berlinPod()
    doc.containers[Object.keys(doc.containers)[0]!]!.name =
      'Círculo de aprendizaje — ' + 'ü'.repeat(60)
    const ics = podRhythmToIcs(doc, { now: START, productId: '-//Tend//Test//EN' })
    const lines = ics.split('\r\n')
    const encoder = new TextEncoder()
    for (const line of lines) expect(encoder.encode(line).length).toBeLessThanOrEqual(75)
    expect(lines.some((l) => l.startsWith(' '))).toBe(true)
    const { events } = parse(ics)
    expect(String(events[0]!.getFirstPropertyValue('summary'))).toContain('ü'.repeat(60))
    expect(escapeText('a\\b;c,d\ne')).toBe('a\\\\b\\;c\\,d\\ne')
    expect(foldLine('x'.repeat(80))).toBe(`${'x'.repeat(75)}\r\n ${'x'.repeat(5)}`)
  })
})
