/**
 * Six months of a pod run only through what the screens do, on three devices that are
 * sometimes offline, with a controlled clock. Every reading is checked against what a person
 * counting by hand would say. The commands are the ones the screens call, in the order they
 * call them: a slot's meeting is created the way the storage adapter creates it (one change
 * every device makes alike), then started, recorded and held.
 */
import { describe, expect, it } from 'vitest'
import { next as A } from '@automerge/automerge'
import { slotMeetingChange } from '../../../src/adapters/automerge/slotMeetings.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'
import { addContainer } from '../../../src/domain/containers.ts'
import {
  addCheckIn,
  holdMeeting,
  setAttendance,
  slotMeetingRecord,
  startAdHocCircle,
} from '../../../src/domain/meetings.ts'
import {
  calendarGuardianNudge,
  findMeetingForSlot,
  occurrences,
  officeHoursUsage,
  rescheduleMeeting,
  rhythmHistory,
  rhythmStreak,
  skipMeeting,
  startSlotMeeting,
  upcomingCalendar,
} from '../../../src/domain/rhythm.ts'
import { readVitality } from '../../../src/domain/vitality.ts'
import type { Attendance, PodDoc } from '../../../src/schema/podDocument.ts'
import type { CommandContext } from '../../../src/domain/commandContext.ts'

const POD_KEY = 'months-pod'
const HOUR = 3_600_000
const DAY = 24 * HOUR
const WEEK = 7 * DAY
/** Monday 5 January 2026, 09:00 in Berlin: the pod is made that morning. */
const T0 = Date.UTC(2026, 0, 5, 8)

let ids = 0
const at = (now: number): CommandContext => ({ now, newId: () => `id${++ids}` })

type Doc = A.Doc<PodDoc>

/** One member's device: its own copy of the pod, changed only by commands. */
class Device {
  constructor(
    public doc: Doc,
    readonly actor: string,
  ) {}
  run<T>(now: number, command: (d: PodDoc, ctx: CommandContext) => T): T {
    let result: T | undefined
    this.doc = A.change(this.doc, { time: Math.floor(now / 1000) }, (d) => {
      result = command(d, at(now))
    })
    return result as T
  }
  /** What the circle screen's start does for a slot (useStartCircle → ensureSlotMeeting). */
  startSlot(now: number, containerId: string, slot: number): string {
    if (findMeetingForSlot(this.doc, containerId, slot) === null) {
      const change = slotMeetingChange(this.doc, POD_KEY, slotMeetingRecord(containerId, slot))
      if (change === null) throw new Error('the slot meeting could not be made')
      this.doc = A.applyChanges(this.doc, [change])[0]
    }
    return this.run(now, (d, ctx) => startSlotMeeting(d, { containerId, scheduledFor: slot }, ctx))
  }
  /** Sync with another device (both directions). */
  meet(other: Device): void {
    this.doc = A.merge(this.doc, other.doc)
    other.doc = A.merge(other.doc, this.doc)
  }
}

function sixMonths() {
  const amaraDevice = new Device(A.init<PodDoc>({ actor: 'a1'.repeat(16) }), 'a1'.repeat(16))
  const people = amaraDevice.run(T0, (d, ctx) => {
    const amara = initPod(
      d,
      {
        name: 'Monday pod',
        purpose: 'Learning campaign craft together',
        kind: 'learning-pod',
        founder: { name: 'Amara', stage: 'experienced' },
        device: null,
      },
      ctx,
    )
    return {
      amara,
      bo: addMember(d, { name: 'Bo', stage: 'practising' }, ctx),
      cy: addMember(d, { name: 'Cy', stage: 'newer' }, ctx),
      dee: addMember(d, { name: 'Dee', stage: 'newer' }, ctx),
    }
  })
  const circle = amaraDevice.run(T0 + HOUR, (d, ctx) =>
    addContainer(d, { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin' }, ctx),
  )
  // Bo and Cy join: their devices receive the pod.
  const bo = new Device(A.clone(amaraDevice.doc, { actor: 'b2'.repeat(16) }), 'b2'.repeat(16))
  const cy = new Device(A.clone(amaraDevice.doc, { actor: 'c3'.repeat(16) }), 'c3'.repeat(16))
  const a = amaraDevice
  const devices = [a, bo, cy]
  const syncAll = () => {
    a.meet(bo)
    bo.meet(cy)
    a.meet(cy)
  }
  const slots = occurrences(a.doc.containers[circle]!, T0, 26)
  const { amara, dee } = people

  /** Dee comes on even weeks; Amara, Bo and Cy every week. */
  const marks = (week: number): [string, Attendance][] => [
    [amara, 'present'],
    [people.bo, 'present'],
    [people.cy, 'present'],
    [dee, week % 2 === 0 ? 'present' : 'absent'],
  ]
  const SKIPPED = new Map([
    [7, 'Half-term holiday'],
    [16, 'Easter Monday'],
  ])
  const MOVED_WEEK = 11
  let extraCircle = ''

  for (let week = 0; week < 26; week++) {
    const slot = slots[week]!
    const skip = SKIPPED.get(week)
    if (skip !== undefined) {
      // Decided on the Friday before, on Amara's device, and synced.
      a.run(slot - 3 * DAY, (d, ctx) =>
        skipMeeting(d, { containerId: circle, scheduledFor: slot, reason: skip }, ctx),
      )
      syncAll()
      continue
    }
    if (week === MOVED_WEEK) {
      // Moved to Tuesday on Bo's device; held there, then synced.
      bo.run(slot - 2 * DAY, (d, ctx) =>
        rescheduleMeeting(
          d,
          { containerId: circle, scheduledFor: slot, to: slot + DAY, reason: 'Room booked' },
          ctx,
        ),
      )
      syncAll()
      const id = bo.startSlot(slot + DAY, circle, slot)
      bo.run(slot + DAY + 5 * 60_000, (d) => {
        for (const [member, mark] of marks(week)) setAttendance(d, id, member, mark)
      })
      bo.run(slot + DAY + 90 * 60_000, (d, ctx) => holdMeeting(d, id, ctx))
      syncAll()
      continue
    }
    if (week === 4) {
      // Amara and Bo both start it with no network; each records half of the room.
      const left = a.startSlot(slot + 60_000, circle, slot)
      const right = bo.startSlot(slot + 90_000, circle, slot)
      expect(right).toBe(left)
      const [first, second] = [marks(week).slice(0, 2), marks(week).slice(2)]
      a.run(slot + 5 * 60_000, (d, ctx) => {
        for (const [m, mark] of first) setAttendance(d, left, m, mark)
        addCheckIn(d, left, { memberId: amara, text: 'Glad to be here' }, ctx)
      })
      bo.run(slot + 6 * 60_000, (d, ctx) => {
        for (const [m, mark] of second) setAttendance(d, right, m, mark)
        addCheckIn(d, right, { memberId: people.bo, text: 'Tired but here' }, ctx)
        holdMeeting(d, right, ctx)
      })
      a.run(slot + 90 * 60_000, (d, ctx) => holdMeeting(d, left, ctx))
      syncAll()
      continue
    }
    // Whose device runs the circle turns each week; Cy's device is offline in weeks 9 and 10
    // and syncs again in week 12.
    const runner = devices[week % 3]!
    const id = runner.startSlot(slot + 2 * 60_000, circle, slot)
    runner.run(slot + 5 * 60_000, (d) => {
      for (const [member, mark] of marks(week)) setAttendance(d, id, member, mark)
    })
    runner.run(slot + 90 * 60_000, (d, ctx) => holdMeeting(d, id, ctx))
    if (week === 19) {
      // An extra circle on Thursday, outside the rhythm: Amara and Bo come, Cy sends regrets.
      extraCircle = bo.run(slot + 3 * DAY, (d, ctx) => startAdHocCircle(d, { notesUrl: null }, ctx))
      bo.run(slot + 3 * DAY + 60_000, (d) => {
        setAttendance(d, extraCircle, amara, 'present')
        setAttendance(d, extraCircle, people.bo, 'present')
        setAttendance(d, extraCircle, people.cy, 'absent')
      })
      bo.run(slot + 3 * DAY + HOUR, (d, ctx) => holdMeeting(d, extraCircle, ctx))
    }
    if (week === 9 || week === 10) {
      a.meet(bo)
    } else {
      syncAll()
    }
  }

  // A month of office hours: Wednesdays at noon in May, 30 minutes each.
  const officeHours = a.run(Date.UTC(2026, 3, 30, 9), (d, ctx) =>
    addContainer(
      d,
      {
        kind: 'office-hours',
        weekday: 3,
        time: '12:00',
        timeZone: 'Europe/Berlin',
        cadence: 'weekly',
        durationMinutes: 30,
      },
      ctx,
    ),
  )
  syncAll()
  const wednesdays = occurrences(a.doc.containers[officeHours]!, Date.UTC(2026, 4, 1), 4)
  // Who came to each (besides whoever keeps the hours).
  const visitors = [[people.cy], [people.cy, dee], [people.bo], [people.cy]]
  wednesdays.forEach((slot, i) => {
    const id = a.startSlot(slot + 60_000, officeHours, slot)
    a.run(slot + 2 * 60_000, (d) => {
      setAttendance(d, id, amara, 'present')
      for (const m of visitors[i] ?? []) setAttendance(d, id, m, 'present')
    })
    a.run(slot + 30 * 60_000, (d, ctx) => holdMeeting(d, id, ctx))
    syncAll()
  })
  return { devices, people, circle, officeHours, slots, wednesdays, visitors, extraCircle }
}

describe('a pod run through the app for six months', () => {
  const run = sixMonths()
  const { devices, circle, slots, people } = run
  const now = slots[25]! + 2 * DAY

  it('ends the same on every device', () => {
    const [a, b, c] = devices.map((d) => d.doc)
    expect(A.getHeads(b!).sort()).toEqual(A.getHeads(a!).sort())
    expect(A.getHeads(c!).sort()).toEqual(A.getHeads(a!).sort())
  })

  it('reads every slot as a person counting by hand would', () => {
    const doc = devices[0]!.doc
    const outcomes = rhythmHistory(doc, doc.containers[circle]!, now).map((r) => r.outcome)
    const byHand = slots.map((_, week) =>
      week === 7 || week === 16 ? 'skipped' : week === 11 ? 'rescheduled' : 'kept',
    )
    expect(outcomes).toEqual(byHand)
    // One meeting per slot, even where two devices started it apart.
    const circleMeetings = Object.values(doc.meetings).filter((m) => m.containerId === circle)
    expect(circleMeetings).toHaveLength(26)
    const week4 = findMeetingForSlot(doc, circle, slots[4]!)
    expect(Object.keys(week4?.attendance ?? {})).toHaveLength(4)
    expect(
      Object.values(week4?.checkIns ?? {})
        .map((c) => c.text)
        .sort(),
    ).toEqual(['Glad to be here', 'Tired but here'])
  })

  it('counts the streak since the Easter skip, and the guardian has nothing to say', () => {
    const doc = devices[0]!.doc
    // Weeks 17 to 25 held on their Monday: nine in a row.
    const streak = rhythmStreak(doc, circle, now)
    expect(streak.count).toBe(9)
    expect(streak.since).toBe(slots[17])
    expect(streak.brokenBy).toEqual({
      slot: slots[16],
      outcome: 'skipped',
      reason: 'Easter Monday',
    })
    expect(calendarGuardianNudge(doc, now)).toBeNull()
    // A week later with nothing recorded, the guardian names the Monday that did not happen.
    const nudge = calendarGuardianNudge(doc, now + 8 * DAY)
    expect(nudge?.missed).toEqual([slots[25]! + WEEK])
  })

  it('shows the coming Mondays as expected on the calendar', () => {
    const doc = devices[0]!.doc
    const next = upcomingCalendar(doc, now, 3).filter((e) => e.containerId === circle)
    expect(next.map((e) => [e.scheduledFor, e.status])).toEqual([
      [slots[25]! + WEEK, 'expected'],
      [slots[25]! + 2 * WEEK, 'expected'],
      [slots[25]! + 3 * WEEK, 'expected'],
    ])
  })

  it('reads attendance and rhythm for vitality as counted by hand', () => {
    const doc = devices[0]!.doc
    const reading = readVitality(doc, now)
    // The last 12 group meetings: weeks 14, 15, 17, 18, 19, the extra circle, 20 to 25.
    // Weekly: Amara, Bo, Cy, and Dee on even weeks, of 4 marked; the extra circle 2 of 3.
    const weeks = [14, 15, 17, 18, 19, 20, 21, 22, 23, 24, 25]
    const present = weeks.reduce((sum, w) => sum + (w % 2 === 0 ? 4 : 3), 0) + 2
    const expected = weeks.length * 4 + 3
    expect(reading.attendance.series.slice(-12).map((p) => p.present)).toEqual([
      4, 3, 3, 4, 3, 2, 4, 3, 4, 3, 4, 3,
    ])
    expect(reading.attendance.recentRate).toBeCloseTo(present / expected, 10)
    expect(reading.attendance.band).toBe('alive')
    // 91 days back from now reaches week 13: 13 Mondays due, 12 kept, 1 skipped (Easter).
    expect(reading.rhythm).toMatchObject({
      expected: 13,
      kept: 12,
      skipped: 1,
      rescheduled: 0,
      unrecorded: 0,
      decaying: false,
    })
    expect(reading.rhythm.keptShare).toBeCloseTo(12 / 13, 10)
    expect(reading.overall).toBe('alive')
  })

  it('counts May’s office hours against each mentee’s 30 minutes', () => {
    const doc = devices[0]!.doc
    const { wednesdays, visitors, officeHours } = run
    const usage = officeHoursUsage(doc, wednesdays[3]! + DAY)
    expect(usage?.month).toBe('2026-05')
    expect(usage?.allowanceMinutes).toBe(30)
    // Whoever kept each hour (the facilitator the rotation named) is not a mentee in it.
    const used = new Map<string, number>()
    wednesdays.forEach((slot, i) => {
      const meeting = findMeetingForSlot(doc, officeHours, slot)
      expect(meeting?.status).toBe('held')
      const host = Object.entries(meeting?.roleHolders ?? {}).find(
        ([roleId]) => doc.roles[roleId]?.name === 'Facilitator',
      )?.[1]
      for (const m of [people.amara, ...(visitors[i] ?? [])])
        if (m !== host) used.set(m, (used.get(m) ?? 0) + 30)
    })
    const minutes = Object.fromEntries(
      (usage?.members ?? []).map((m) => [m.memberId, m.usedMinutes]),
    )
    for (const member of [people.amara, people.bo, people.cy, people.dee])
      expect(minutes[member], member).toBe(used.get(member) ?? 0)
    expect([...used.values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(4 * 30)
    // Cy came to three of the four: over the allowance, and the reading says so.
    expect(usage?.members.find((m) => m.memberId === people.cy)?.over).toBe(
      (used.get(people.cy) ?? 0) > 30,
    )
  })
})
