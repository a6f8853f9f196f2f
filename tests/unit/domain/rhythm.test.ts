import { describe, expect, it } from 'vitest'
import { addContainer, retireContainer } from '../../../src/domain/containers.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import {
  FIRST_CIRCLE_AFTER_PAUSE,
  calendarGuardianNudge,
  occurrences,
  officeHoursUsage,
  rescheduleMeeting,
  restoreMeeting,
  rhythmRule,
  rhythmStreak,
  skipMeeting,
  upcomingCalendar,
  zonedDateTime,
  zonedTimeToEpoch,
} from '../../../src/domain/rhythm.ts'
import { pausePod } from '../../../src/domain/vitality.ts'
import type { Container } from '../../../src/schema/podDocument.ts'
import { DAY, HOUR, counterContext, newPod, recordMeeting, roleId } from './podFixture.ts'

const iso = (ms: number) => new Date(ms).toISOString()

function container(overrides: Partial<Container>): Container {
  return {
    id: 'c',
    kind: 'circle',
    name: 'Circle',
    cadence: 'weekly',
    weekday: 1,
    time: '18:00',
    durationMinutes: 90,
    timeZone: 'Europe/Berlin',
    minutesPerMentee: null,
    startsAt: Date.UTC(2025, 2, 10),
    retiredAt: null,
    ...overrides,
  }
}

describe('occurrences', () => {
  it('keeps 18:00 in Berlin across the March change (the UTC hour moves, the local does not)', () => {
    const slots = occurrences(container({}), Date.UTC(2025, 2, 10), 5)
    expect(slots.map(iso)).toEqual([
      '2025-03-10T17:00:00.000Z',
      '2025-03-17T17:00:00.000Z',
      '2025-03-24T17:00:00.000Z',
      '2025-03-31T16:00:00.000Z',
      '2025-04-07T16:00:00.000Z',
    ])
    for (const s of slots) {
      const local = zonedDateTime(s, 'Europe/Berlin')
      expect([local.weekday, local.hour, local.minute]).toEqual([1, 18, 0])
    }
  })

  it('runs biweekly from the first slot and keeps 19:00 in New York across November', () => {
    const c = container({
      cadence: 'biweekly',
      weekday: 4,
      time: '19:00',
      timeZone: 'America/New_York',
      startsAt: Date.UTC(2025, 9, 20),
    })
    expect(occurrences(c, Date.UTC(2025, 9, 20), 3).map(iso)).toEqual([
      '2025-10-23T23:00:00.000Z',
      '2025-11-07T00:00:00.000Z',
      '2025-11-21T00:00:00.000Z',
    ])
    // Asking from mid-series lands on the same fortnightly grid.
    expect(occurrences(c, Date.UTC(2025, 10, 8), 1).map(iso)).toEqual(['2025-11-21T00:00:00.000Z'])
  })

  it('reads monthly as the same nth weekday, and a first slot on day 29–31 as the last', () => {
    const second = container({ cadence: 'monthly', weekday: 2, startsAt: Date.UTC(2025, 0, 8) })
    expect(rhythmRule(second).weekOfMonth).toBe(2)
    expect(occurrences(second, 0, 3).map((s) => zonedDateTime(s, 'Europe/Berlin').day)).toEqual([
      14, 11, 11,
    ])
    const last = container({ cadence: 'monthly', weekday: 3, startsAt: Date.UTC(2025, 0, 29) })
    expect(rhythmRule(last).weekOfMonth).toBe(-1)
    expect(occurrences(last, 0, 3).map((s) => iso(s).slice(0, 10))).toEqual([
      '2025-01-29',
      '2025-02-26',
      '2025-03-26',
    ])
  })

  it('reads quarterly as every third month on the same nth weekday', () => {
    const c = container({ cadence: 'quarterly', weekday: 2, startsAt: Date.UTC(2025, 0, 28) })
    expect(occurrences(c, Date.UTC(2025, 5, 1), 3).map(iso)).toEqual([
      '2025-07-22T16:00:00.000Z',
      '2025-10-28T17:00:00.000Z',
      '2026-01-27T17:00:00.000Z',
    ])
  })

  it('moves a time inside the spring gap forward, and takes the first of an autumn double', () => {
    const c = container({ weekday: 0, time: '02:30', startsAt: Date.UTC(2025, 2, 20) })
    expect(occurrences(c, Date.UTC(2025, 2, 20), 2).map(iso)).toEqual([
      '2025-03-23T01:30:00.000Z',
      '2025-03-30T01:30:00.000Z', // 03:30 CEST: 02:30 does not exist that night
    ])
    expect(
      iso(
        zonedTimeToEpoch({ year: 2025, month: 10, day: 26, hour: 2, minute: 30 }, 'Europe/Berlin'),
      ),
    ).toBe('2025-10-26T00:30:00.000Z')
  })

  it('stops at retirement', () => {
    const c = container({ retiredAt: Date.UTC(2025, 2, 20) })
    expect(occurrences(c, Date.UTC(2025, 2, 1), 10).map(iso)).toEqual([
      '2025-03-10T17:00:00.000Z',
      '2025-03-17T17:00:00.000Z',
    ])
  })
})

/** A pod with a weekly Monday 18:00 Berlin circle from Mon 6 Jan 2025. */
function weeklyPod() {
  const start = Date.UTC(2025, 0, 6)
  const ctx = counterContext(start)
  const pod = newPod(ctx, [
    ['Ben', 'practising'],
    ['Chen', 'newer'],
  ])
  const circleId =
    pod.doc.containers[
      addContainer(
        pod.doc,
        { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin', startsAt: start },
        ctx,
      )
    ]!.id
  const circle = pod.doc.containers[circleId]!
  const slots = occurrences(circle, start, 20)
  return { ...pod, ctx, circleId, circle, slots }
}

describe('skipping and rescheduling', () => {
  it('records a skip with its reason, and a move keeping both times', () => {
    const { doc, ctx, circleId, slots } = weeklyPod()
    const skipId = skipMeeting(
      doc,
      { containerId: circleId, scheduledFor: slots[1]!, reason: ' Holiday ' },
      ctx,
    )
    expect(doc.meetings[skipId]).toMatchObject({
      containerId: circleId,
      scheduledFor: slots[1],
      status: 'skipped',
      reason: 'Holiday',
      rescheduledTo: null,
    })
    const to = slots[2]! + DAY
    const moveId = rescheduleMeeting(
      doc,
      { containerId: circleId, scheduledFor: slots[2]!, to, reason: 'Room taken' },
      ctx,
    )
    expect(doc.meetings[moveId]).toMatchObject({
      scheduledFor: slots[2],
      rescheduledTo: to,
      status: 'rescheduled',
      reason: 'Room taken',
    })
    // Skipping the moved slot reuses its record rather than creating a second one.
    expect(
      skipMeeting(doc, { containerId: circleId, scheduledFor: slots[2]!, reason: 'Ill' }, ctx),
    ).toBe(moveId)
    expect(doc.meetings[moveId]).toMatchObject({
      status: 'skipped',
      rescheduledTo: null,
      reason: 'Ill',
    })
    restoreMeeting(doc, { containerId: circleId, scheduledFor: slots[2]! }, ctx)
    expect(doc.meetings[moveId]).toMatchObject({ status: 'planned', reason: null })
  })

  it('refuses a time that is not a slot, an empty reason, and a meeting already held', () => {
    const { doc, ctx, circleId, slots, ids } = weeklyPod()
    expect(() =>
      skipMeeting(doc, { containerId: circleId, scheduledFor: slots[1]! + HOUR, reason: 'x' }, ctx),
    ).toThrow(DomainError)
    expect(() =>
      skipMeeting(doc, { containerId: circleId, scheduledFor: slots[1]!, reason: '  ' }, ctx),
    ).toThrow(DomainError)
    recordMeeting(doc, ctx, {
      containerId: circleId,
      scheduledFor: slots[0]!,
      present: [ids['Ben']!],
    })
    expect(() =>
      skipMeeting(doc, { containerId: circleId, scheduledFor: slots[0]!, reason: 'late' }, ctx),
    ).toThrow('already been held')
  })
})

describe('upcomingCalendar', () => {
  it('merges containers in time order and marks recorded slots with their status', () => {
    const { doc, ctx, circleId, slots } = weeklyPod()
    const hoursId = addContainer(
      doc,
      {
        kind: 'office-hours',
        weekday: 3,
        time: '12:00',
        timeZone: 'Europe/Berlin',
        startsAt: slots[0]!,
      },
      ctx,
    )
    skipMeeting(doc, { containerId: circleId, scheduledFor: slots[1]!, reason: 'Holiday' }, ctx)
    rescheduleMeeting(
      doc,
      { containerId: circleId, scheduledFor: slots[2]!, to: slots[2]! + DAY, reason: 'Room' },
      ctx,
    )
    const calendar = upcomingCalendar(doc, slots[0]! + 2 * HOUR, 3)
    expect(calendar.map((e) => [e.containerId, iso(e.startsAt), e.status])).toEqual([
      [hoursId, '2025-01-08T11:00:00.000Z', 'expected'],
      [circleId, iso(slots[1]!), 'skipped'],
      [circleId, iso(slots[2]! + DAY), 'rescheduled'],
      [circleId, iso(slots[3]!), 'expected'],
      [hoursId, '2025-02-12T11:00:00.000Z', 'expected'],
      [hoursId, '2025-03-12T11:00:00.000Z', 'expected'],
    ])
    expect(calendar[1]!.reason).toBe('Holiday')
    expect(calendar[2]!.scheduledFor).toBe(slots[2])
  })

  it('starts again at the restart date after a pause and marks the first circle', () => {
    const { doc, ctx, slots } = weeklyPod()
    ctx.now = slots[0]! + DAY
    const until = pausePod(doc, { until: slots[5]! - DAY, reason: 'Replanting' }, ctx)
    const calendar = upcomingCalendar(doc, ctx.now, 2)
    expect(calendar.map((e) => e.startsAt)).toEqual([slots[5], slots[6]])
    expect(calendar.map((e) => e.firstAfterPause)).toEqual([true, false])
    expect(until).toBe(slots[5]! - DAY)
    expect(FIRST_CIRCLE_AFTER_PAUSE).toBe('How do we want to be together?')
  })

  it('leaves out a retired container', () => {
    const { doc, ctx, circleId, slots } = weeklyPod()
    ctx.now = slots[0]!
    retireContainer(doc, circleId, ctx)
    expect(upcomingCalendar(doc, slots[0]! + DAY, 3)).toEqual([])
  })
})

describe('rhythmStreak', () => {
  it('counts slots held on rhythm back from now; a slot not yet due neither counts nor breaks', () => {
    const { doc, ctx, circleId, slots, ids } = weeklyPod()
    const present = [ids['Amara']!, ids['Ben']!]
    recordMeeting(doc, ctx, { containerId: circleId, scheduledFor: slots[0]!, present })
    skipMeeting(doc, { containerId: circleId, scheduledFor: slots[1]!, reason: 'Holiday' }, ctx)
    for (const i of [2, 3, 4]) {
      recordMeeting(doc, ctx, { containerId: circleId, scheduledFor: slots[i]!, present })
    }
    // Now is two hours after slot 5 started: it is not recorded yet, still within its grace.
    const streak = rhythmStreak(doc, circleId, slots[5]! + 2 * HOUR)
    expect(streak).toEqual({
      count: 3,
      since: slots[2],
      brokenBy: { slot: slots[1], outcome: 'skipped', reason: 'Holiday' },
    })
    // Two days later, slot 5 with no record breaks it.
    expect(rhythmStreak(doc, circleId, slots[5]! + 2 * DAY)).toMatchObject({
      count: 0,
      brokenBy: { slot: slots[5], outcome: 'unrecorded' },
    })
  })

  it('does not count a meeting that was held after being moved as on rhythm', () => {
    const { doc, ctx, circleId, slots, ids } = weeklyPod()
    recordMeeting(doc, ctx, {
      containerId: circleId,
      scheduledFor: slots[0]!,
      present: [ids['Ben']!],
    })
    recordMeeting(doc, ctx, {
      containerId: circleId,
      scheduledFor: slots[1]!,
      rescheduledTo: slots[1]! + DAY,
      present: [ids['Ben']!],
    })
    expect(rhythmStreak(doc, circleId, slots[1]! + 3 * DAY)).toMatchObject({
      count: 0,
      brokenBy: { outcome: 'rescheduled' },
    })
  })
})

describe('calendarGuardianNudge', () => {
  it('is quiet while the rhythm holds, and names the guardian and the next date after a skip', () => {
    const { doc, ctx, circleId, slots, ids } = weeklyPod()
    const guardianRole = roleId(doc, /calendar guardian/i)
    const m = recordMeeting(doc, ctx, {
      containerId: circleId,
      scheduledFor: slots[0]!,
      present: [ids['Ben']!],
    })
    m.roleHolders[guardianRole] = ids['Chen']!
    expect(calendarGuardianNudge(doc, slots[0]! + 2 * DAY)).toBeNull()
    skipMeeting(doc, { containerId: circleId, scheduledFor: slots[1]!, reason: 'Holiday' }, ctx)
    const nudge = calendarGuardianNudge(doc, slots[1]! + 2 * DAY)
    expect(nudge).toMatchObject({
      containerId: circleId,
      missed: [slots[1]],
      nextSlot: slots[2],
      roleName: 'Calendar guardian',
      guardian: { memberId: ids['Chen'], name: 'Chen' },
    })
    expect(nudge?.message).toBe(
      'The Circle on Mon 13 Jan did not happen (Holiday). One skipped week becomes two. Chen, as calendar guardian, please make sure the next one, on Mon 20 Jan, happens.',
    )
    // A second slot with no record: two in a row.
    expect(calendarGuardianNudge(doc, slots[2]! + 2 * DAY)?.message).toContain(
      '2 meetings of the Circle in a row did not happen (Mon 13 Jan, Mon 20 Jan)',
    )
  })

  it('is quiet while the pod is paused', () => {
    const { doc, ctx, circleId, slots } = weeklyPod()
    skipMeeting(doc, { containerId: circleId, scheduledFor: slots[0]!, reason: 'Tired' }, ctx)
    ctx.now = slots[0]! + DAY
    pausePod(doc, { reason: 'Replanting' }, ctx)
    expect(calendarGuardianNudge(doc, slots[0]! + 2 * DAY)).toBeNull()
  })
})

describe('officeHoursUsage', () => {
  it('counts held office hours this month for each mentee present, not the mentor holding them', () => {
    const { doc, ctx, ids } = weeklyPod()
    const hoursId = addContainer(
      doc,
      {
        kind: 'office-hours',
        weekday: 3,
        time: '12:00',
        timeZone: 'Europe/Berlin',
        startsAt: Date.UTC(2025, 0, 1),
        durationMinutes: 20,
      },
      ctx,
    )
    const [amara, ben, chen] = [ids['Amara']!, ids['Ben']!, ids['Chen']!]
    const held = (at: number, mentee: string, status: 'held' | 'planned' = 'held') =>
      recordMeeting(doc, ctx, {
        containerId: hoursId,
        scheduledFor: at,
        status,
        present: [amara, mentee],
        facilitator: amara,
      })
    held(Date.UTC(2025, 1, 3, 11), ben)
    held(Date.UTC(2025, 1, 10, 11), ben)
    held(Date.UTC(2025, 1, 17, 11), chen, 'planned')
    held(Date.UTC(2025, 0, 20, 11), chen) // last month
    const usage = officeHoursUsage(doc, Date.UTC(2025, 1, 20))
    expect(usage?.month).toBe('2025-02')
    expect(usage?.allowanceMinutes).toBe(30)
    expect(usage?.members.map((m) => [m.name, m.usedMinutes, m.remainingMinutes, m.over])).toEqual([
      ['Amara', 0, 30, false],
      ['Ben', 40, 0, true],
      ['Chen', 0, 30, false],
    ])
  })

  it('is null for a pod without office hours', () => {
    const { doc, slots } = weeklyPod()
    expect(officeHoursUsage(doc, slots[3]!)).toBeNull()
  })

  it('reads the month in the office hours’ time zone', () => {
    const { doc, ctx } = weeklyPod()
    addContainer(
      doc,
      {
        kind: 'office-hours',
        weekday: 3,
        time: '12:00',
        timeZone: 'Pacific/Auckland',
        startsAt: 0,
      },
      ctx,
    )
    // 31 Jan 2025 20:00 UTC is already 1 Feb in Auckland.
    expect(officeHoursUsage(doc, Date.UTC(2025, 0, 31, 20))?.month).toBe('2025-02')
  })
})
