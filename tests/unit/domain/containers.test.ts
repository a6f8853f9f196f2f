import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/commandContext.ts'
import {
  activeContainers,
  addContainer,
  retireContainer,
  updateContainer,
} from '../../../src/domain/containers.ts'
import { counterContext, newPod } from './podFixture.ts'

const START = Date.UTC(2025, 0, 6)
const base = { weekday: 1, time: '18:00', timeZone: 'Europe/Berlin' } as const

describe('containers', () => {
  it('follow the pattern by default: weekly for a learning pod, biweekly for a cohort, quarterly all-hands, 30-minute office hours', () => {
    const ctx = counterContext(START)
    const pod = newPod(ctx).doc
    const cohort = newPod(ctx, [], 'cohort').doc
    const circle = pod.containers[addContainer(pod, { kind: 'circle', ...base }, ctx)]
    const cohortCircle = cohort.containers[addContainer(cohort, { kind: 'circle', ...base }, ctx)]
    const allHands = pod.containers[addContainer(pod, { kind: 'all-hands', ...base }, ctx)]
    const hours = pod.containers[addContainer(pod, { kind: 'office-hours', ...base }, ctx)]
    expect([
      circle?.cadence,
      circle?.name,
      circle?.durationMinutes,
      circle?.minutesPerMentee,
    ]).toEqual(['weekly', 'Circle', 90, null])
    expect(cohortCircle?.cadence).toBe('biweekly')
    expect([allHands?.cadence, allHands?.name]).toEqual(['quarterly', 'All-hands reflection'])
    expect([hours?.cadence, hours?.minutesPerMentee, hours?.durationMinutes]).toEqual([
      'monthly',
      30,
      30,
    ])
    expect(circle?.startsAt).toBe(START)
    expect(activeContainers(pod).map((c) => c.kind)).toEqual([
      'circle',
      'office-hours',
      'all-hands',
    ])
  })

  it('refuse an unknown time zone, a bad time, weekday or duration', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx)
    expect(() =>
      addContainer(doc, { kind: 'circle', ...base, timeZone: 'Mars/Olympus' }, ctx),
    ).toThrow(DomainError)
    expect(() => addContainer(doc, { kind: 'circle', ...base, time: '25:00' }, ctx)).toThrow(
      '18:30',
    )
    expect(() => addContainer(doc, { kind: 'circle', ...base, weekday: 7 }, ctx)).toThrow(
      DomainError,
    )
    expect(() => addContainer(doc, { kind: 'circle', ...base, durationMinutes: 0 }, ctx)).toThrow(
      DomainError,
    )
    expect(doc.containers).toEqual({})
  })

  it('are edited field by field and retired once, keeping their history', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx)
    const id = addContainer(doc, { kind: 'office-hours', ...base }, ctx)
    updateContainer(doc, id, { time: '12:30', minutesPerMentee: 45, name: ' Open door ' }, ctx)
    expect(doc.containers[id]).toMatchObject({
      time: '12:30',
      minutesPerMentee: 45,
      name: 'Open door',
      weekday: 1,
    })
    ctx.now = START + 1000
    retireContainer(doc, id, ctx)
    ctx.now = START + 2000
    retireContainer(doc, id, ctx)
    expect(doc.containers[id]?.retiredAt).toBe(START + 1000)
    expect(() => updateContainer(doc, id, { time: '13:00' }, ctx)).toThrow('retired')
    expect(activeContainers(doc)).toEqual([])
  })
})
