import { describe, expect, it } from 'vitest'
import { parseRoute } from '../../../src/app/route.ts'
import { addMember } from '../../../src/domain/members.ts'
import { addContainer } from '../../../src/domain/containers.ts'
import {
  holdMeeting,
  markStarted,
  scheduleMeeting,
  setAttendance,
  setNotesUrl,
  startAdHocCircle,
} from '../../../src/domain/meetings.ts'
import { nextHolders, projectedSlots } from '../../../src/ui/roles/RolesScreen.tsx'
import { startChoice, startLabel, todaysMeeting } from '../../../src/ui/circle/PracticeNav.tsx'
import { circlePath } from '../../../src/ui/circle/practicePaths.ts'
import { occurrences, skipMeeting, startSlotMeeting } from '../../../src/domain/rhythm.ts'
import { formatTime } from '../../../src/ui/common/labels.ts'
import { formatRemaining } from '../../../src/ui/circle/FormatSteps.tsx'
import { newPod, testContext } from '../support/testContext.ts'

const WEEK = 7 * 24 * 60 * 60 * 1000

describe('circle practice routes', () => {
  it('addresses the norms, roles, pairings and circle screens of a pod', () => {
    expect(parseRoute('#/pod/abc123/norms')).toEqual({ screen: 'norms', podKey: 'abc123' })
    expect(parseRoute('#/pod/abc123/roles')).toEqual({ screen: 'roles', podKey: 'abc123' })
    expect(parseRoute('#/pod/abc123/pairings')).toEqual({ screen: 'pairings', podKey: 'abc123' })
    expect(parseRoute('#/pod/abc123/circle/m_1-x')).toEqual({
      screen: 'circle',
      podKey: 'abc123',
      meetingId: 'm_1-x',
    })
    expect(parseRoute('#/pod/abc123/circle/').screen).toBe('not-found')
    expect(parseRoute('#/pod/abc123/circle/a/b').screen).toBe('not-found')
  })
})

describe('the next three circles’ holders', () => {
  it('projects weekly slots when nothing is planned and the pod has no circle rhythm', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    expect(projectedSlots(doc, ctx.now)).toEqual([1, 2, 3].map((k) => ctx.now + k * WEEK))
    const next = nextHolders(doc, ctx.now)
    expect(next).toHaveLength(3)
    expect(next.every((e) => e.meetingId === null)).toBe(true)
  })

  it('follows the pod’s circle rhythm, and puts planned meetings first', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const circle = addContainer(
      doc,
      { kind: 'circle', weekday: 3, time: '18:00', timeZone: 'Europe/Berlin' },
      ctx,
    )
    const slots = projectedSlots(doc, ctx.now)
    expect(slots).toHaveLength(3)
    expect(slots[1]! - slots[0]!).toBe(WEEK)
    const planned = scheduleMeeting(
      doc,
      { containerId: circle, scheduledFor: slots[0]!, notesUrl: null },
      ctx,
    )
    const next = nextHolders(doc, ctx.now)
    expect(next.map((e) => e.meetingId)).toEqual([planned, null, null])
    expect(next.map((e) => e.scheduledFor)).toEqual(slots)
  })
})

describe('today’s circle', () => {
  it('is the circle planned for today; a held one is not started again', () => {
    const ctx = testContext(new Date(2026, 2, 4, 9).getTime())
    const { doc, founderId } = newPod(ctx)
    expect(todaysMeeting(doc, ctx.now)).toBeNull()
    const evening = new Date(2026, 2, 4, 18).getTime()
    const id = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: evening, notesUrl: null },
      ctx,
    )
    scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: evening + 24 * 3600_000, notesUrl: null },
      ctx,
    )
    expect(todaysMeeting(doc, ctx.now)).toBe(id)
    setAttendance(doc, id, founderId, 'present')
    holdMeeting(doc, id, ctx)
    expect(todaysMeeting(doc, ctx.now)).toBeNull()
  })
})

describe('the start button', () => {
  it('joins a circle another member already started instead of starting a second one', () => {
    const ctx = testContext(new Date(2026, 2, 4, 18, 2).getTime())
    const { doc } = newPod(ctx)
    expect(startLabel(doc, todaysMeeting(doc, ctx.now))).toBe('Start a circle now')
    // Amara starts one on her device; it reaches this one with its notes linked.
    const id = startAdHocCircle(doc, { notesUrl: null }, ctx)
    expect(startLabel(doc, todaysMeeting(doc, ctx.now))).toBe('Start today’s circle')
    setNotesUrl(doc, id, 'automerge:notes-of-the-circle')
    const later = ctx.now + 10 * 60_000
    expect(todaysMeeting(doc, later)).toBe(id)
    expect(startLabel(doc, todaysMeeting(doc, later))).toBe(
      `Join the circle started ${formatTime(ctx.now)}`,
    )
  })

  it('names who started the circle, and tells the starter it is theirs', () => {
    const ctx = testContext(new Date(2026, 2, 4, 18, 2).getTime())
    const { doc, founderId } = newPod(ctx)
    const bo = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    const id = startAdHocCircle(doc, { notesUrl: null }, ctx)
    markStarted(doc, id, founderId, ctx)
    const later = { ...ctx, now: ctx.now + 10 * 60_000 }
    // Bo, joining ten minutes later, does not become the starter.
    markStarted(doc, id, bo, later)
    const founder = doc.members[founderId]!.name
    const label = (me: string) => startLabel(doc, todaysMeeting(doc, later.now), me)
    expect(label(bo)).toBe(`Join ${founder}’s circle, started ${formatTime(ctx.now)}`)
    expect(label(founderId)).toBe(`Back to your circle, started ${formatTime(ctx.now)}`)
  })

  it('names the starter of the rhythm’s office hours too', () => {
    const ctx = testContext(new Date(2026, 2, 4, 9).getTime())
    const { doc, founderId } = newPod(ctx)
    const bo = addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const hours = addContainer(
      doc,
      { kind: 'office-hours', weekday: 3, time: '18:00', timeZone: zone },
      ctx,
    )
    const slot = new Date(2026, 2, 4, 18).getTime()
    const at = { ...ctx, now: slot + 3 * 60_000 }
    const id = startSlotMeeting(doc, { containerId: hours, scheduledFor: slot }, at)
    markStarted(doc, id, bo, at)
    expect(startChoice(doc, at.now + 60_000, founderId).label).toBe(
      `Join Bo’s office hours, started ${formatTime(at.now)}`,
    )
  })
})

describe('what start means today', () => {
  it('offers the rhythm’s meeting due today, with an extra circle beside it', () => {
    // Wednesday 4 March 2026, 9:00 here; the circle meets on Wednesdays at 18:00.
    const ctx = testContext(new Date(2026, 2, 4, 9).getTime())
    const { doc } = newPod(ctx)
    expect(startChoice(doc, ctx.now)).toEqual({
      label: 'Start a circle now',
      target: { kind: 'extra' },
      offerExtra: false,
    })
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone
    const circle = addContainer(
      doc,
      { kind: 'circle', weekday: 3, time: '18:00', timeZone: zone },
      ctx,
    )
    const slot = new Date(2026, 2, 4, 18).getTime()
    expect(occurrences(doc.containers[circle]!, ctx.now, 1)).toEqual([slot])
    const choice = startChoice(doc, ctx.now)
    expect(choice.target).toEqual({ kind: 'slot', containerId: circle, scheduledFor: slot })
    expect(choice.label).toBe(`Start today’s circle (${formatTime(slot)})`)
    expect(choice.offerExtra).toBe(true)
    // Started on one device: the others join it, and its id is an address the app can open.
    const id = startSlotMeeting(doc, { containerId: circle, scheduledFor: slot }, ctx)
    expect(parseRoute(circlePath('automerge:abc', id))).toEqual({
      screen: 'circle',
      podKey: 'abc',
      meetingId: id,
    })
    expect(startChoice(doc, ctx.now).target).toEqual({ kind: 'meeting', meetingId: id })
    // Office hours say so.
    const nextWeek = new Date(2026, 2, 11, 9).getTime()
    skipMeeting(
      doc,
      { containerId: circle, scheduledFor: new Date(2026, 2, 11, 18).getTime(), reason: 'Away' },
      ctx,
    )
    expect(startChoice(doc, nextWeek).label).toBe('Start a circle now')
    addContainer(
      doc,
      { kind: 'office-hours', weekday: 3, time: '12:00', timeZone: zone, cadence: 'weekly' },
      ctx,
    )
    expect(startChoice(doc, nextWeek).label).toMatch(/^Start today’s office hours \(/)
  })
})

describe('timers', () => {
  it('show seconds, or whole minutes in words when motion is reduced', () => {
    expect(formatRemaining(125_000, false)).toBe('2:05')
    expect(formatRemaining(125_000, true)).toBe('about 3 min')
    expect(formatRemaining(30_000, true)).toBe('under a minute')
    expect(formatRemaining(0, false)).toBe('0:00')
  })
})
