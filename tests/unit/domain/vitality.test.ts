import { describe, expect, it } from 'vitest'
import { addContainer } from '../../../src/domain/containers.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember } from '../../../src/domain/members.ts'
import { occurrences, skipMeeting } from '../../../src/domain/rhythm.ts'
import {
  RISK_SUGGESTIONS,
  classifyText,
  gini,
  pausePod,
  readVitality,
  resumePod,
} from '../../../src/domain/vitality.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import type { InsightSpec, MeetingSpec } from './podFixture.ts'
import { DAY, counterContext, newPod, recordMeeting } from './podFixture.ts'

const START = Date.UTC(2025, 0, 6) // a Monday
const REFLECTIVE = 'I noticed I was stuck on the same fear; learning to ask for help.'
const TRANSACTIONAL = 'Did the flyers, sent the emails, finished the tasks.'

type WeekPlan = Omit<MeetingSpec, 'containerId' | 'scheduledFor'> | { skip: string }

/** A six-member pod with a weekly circle and the given week-by-week history. */
function podWithHistory(
  weeks: number,
  plan: (week: number, ids: Record<string, string>) => WeekPlan,
) {
  const ctx = counterContext(START)
  const { doc, ids } = newPod(ctx, [
    ['Ben', 'practising'],
    ['Chen', 'newer'],
    ['Dana', 'practising'],
    ['Eli', 'newer'],
    ['Farah', 'experienced'],
  ])
  const circleId = addContainer(
    doc,
    { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin', startsAt: START },
    ctx,
  )
  const slots = occurrences(doc.containers[circleId]!, START, weeks)
  slots.forEach((slot, week) => {
    const p = plan(week, ids)
    if ('skip' in p)
      skipMeeting(doc, { containerId: circleId, scheduledFor: slot, reason: p.skip }, ctx)
    else recordMeeting(doc, ctx, { containerId: circleId, scheduledFor: slot, ...p })
  })
  return { doc, ids, ctx, circleId, slots, now: slots[slots.length - 1]! + 2 * DAY }
}

const everyone = (ids: Record<string, string>) => Object.values(ids)

function healthyWeek(week: number, ids: Record<string, string>): WeekPlan {
  const all = everyone(ids)
  const away = week % 3 === 2 ? [] : [all[week % all.length]!]
  const present = all.filter((id) => !away.includes(id))
  const authors = [0, 1, 2].map((k) => present[(week + k) % present.length]!)
  const first = `w${week}-first`
  const insights: InsightSpec[] = [
    { id: first, author: authors[0]!, text: REFLECTIVE, tags: ['listening'] },
    { author: authors[1]!, text: 'I realised why the quiet ones stay away.', respondsTo: first },
    { author: authors[2]!, kind: 'question', text: 'Why do we rush to fix?' },
  ]
  return {
    present,
    absent: away,
    facilitator: present[(week + 3) % present.length]!,
    checkIns: present.map((member) => ({ member, text: REFLECTIVE })),
    insights,
  }
}

describe('readVitality', () => {
  it('reads a healthy pod as alive, with no risk and the evidence for it', () => {
    const { doc, now } = podWithHistory(16, healthyWeek)
    const v = readVitality(doc, now)
    expect(v.overall).toBe('alive')
    expect(v.attendance.band).toBe('alive')
    expect(v.attendance.recentRate).toBeCloseTo(64 / 72, 5)
    expect(v.attendance.series).toHaveLength(16)
    expect(v.attendance.evidence[0]).toContain('64 of 72 places filled — 89% attendance')
    expect(v.rhythm).toMatchObject({ kept: 13, slipped: 0, keptShare: 1, decaying: false })
    expect(v.participation.dominated).toBe(false)
    expect(v.participation.silentMembers).toEqual([])
    expect(v.flow.shape).toBe('peer-to-peer')
    expect(v.reflectiveness.tone).toBe('reflective')
    expect(v.reflectiveness.examples.reflective).toContain(REFLECTIVE)
    expect(v.newcomersOnEdge).toEqual([])
    expect(v.risks).toEqual([])
    expect(v.replant.suggested).toBe(false)
  })

  it('names rhythm decay and low attendance in a decaying pod, with the evidence, and suggests replanting', () => {
    const skips: Record<number, string> = {
      7: 'Holiday',
      10: 'Nobody confirmed',
      13: 'Too few could come',
      16: 'Facilitator ill',
      19: 'Campaign action',
      22: 'Nobody confirmed',
      24: 'Too few could come',
      25: 'Forgot',
    }
    const { doc, now } = podWithHistory(26, (week, ids) => {
      const skip = skips[week]
      if (skip !== undefined) return { skip }
      const all = everyone(ids)
      if (week < 6) return { present: all.slice(0, 5), absent: all.slice(5) }
      return {
        present: [ids['Amara']!, ids['Ben']!],
        absent: all.filter((id) => id !== ids['Amara'] && id !== ids['Ben']),
      }
    })
    const v = readVitality(doc, now)
    expect(v.attendance.band).toBe('decaying')
    expect(v.attendance.trend).toBe('falling')
    expect(v.attendance.evidence).toEqual([
      'Last 12 meetings (since Mon 17 Feb): 24 of 72 places filled — 33% attendance.',
      'The 6 meetings before: 83% — attendance is falling.',
      "Near or below the pattern's 40% mark: attendance has drifted past 60%.",
    ])
    expect(v.rhythm).toMatchObject({
      expected: 13,
      kept: 7,
      skipped: 6,
      slipped: 6,
      decaying: true,
    })
    const decay = v.risks.find((r) => r.risk === 'rhythm-decay')
    expect(decay?.evidence).toEqual([
      '7 of 13 meetings due in the last 13 weeks were held on rhythm (54%); 6 skipped, 0 rescheduled, 0 not recorded as held.',
      'Skipped: Mon 28 Apr (Facilitator ill), Mon 19 May (Campaign action), Mon 9 Jun (Nobody confirmed), Mon 23 Jun (Too few could come), Mon 30 Jun (Forgot).',
      'The last two meetings of the Circle did not happen (Mon 23 Jun, Mon 30 Jun).',
    ])
    expect(decay?.suggestion).toBe(RISK_SUGGESTIONS['rhythm-decay'])
    expect(decay?.suggestion).toContain('calendar guardian')
    expect(v.replant.suggested).toBe(true)
    expect(v.replant.reason).toContain('attendance is decaying (33%) and the rhythm has broken')
    expect(v.replant.reason).toContain('pause for three months')
    expect(v.overall).toBe('decaying')
  })

  it('names domination when two members carry most of the insights', () => {
    const { doc, now } = podWithHistory(12, (week, ids) => {
      const all = everyone(ids)
      const others = all.filter((id) => id !== ids['Amara'] && id !== ids['Ben'])
      const loud = [ids['Amara']!, ids['Ben']!]
      return {
        present: all,
        insights: [
          ...loud.flatMap((author) => [{ author }, { author }]),
          { author: others[week % others.length]! },
        ],
      }
    })
    const v = readVitality(doc, now)
    expect(v.participation.dominated).toBe(true)
    expect(v.participation.dominatedBy).toEqual(['Amara', 'Ben'])
    expect(v.participation.topTwoShare).toBeCloseTo(0.8, 5)
    expect(v.participation.gini).toBeGreaterThan(0.35)
    const cliques = v.risks.find((r) => r.risk === 'cliques-domination')
    expect(cliques?.evidence).toContain(
      'Amara and Ben contributed 80% of the insights (the pattern warns: "some members dominate").',
    )
    expect(cliques?.suggestion).toContain('rotate the roles')
    // People are listed by name, never ranked by how much they spoke.
    expect(v.participation.perMember.map((m) => m.name)).toEqual([
      'Amara',
      'Ben',
      'Chen',
      'Dana',
      'Eli',
      'Farah',
    ])
  })

  it('does not call an uneven but broad spread in a pod of four domination', () => {
    const ctx = counterContext(START)
    const { doc, ids } = newPod(ctx, [
      ['Ben', 'practising'],
      ['Chen', 'newer'],
      ['Dana', 'newer'],
    ])
    const circleId = addContainer(
      doc,
      { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin', startsAt: START },
      ctx,
    )
    const slots = occurrences(doc.containers[circleId]!, START, 12)
    for (const slot of slots) {
      const all = everyone(ids)
      recordMeeting(doc, ctx, {
        containerId: circleId,
        scheduledFor: slot,
        present: all,
        insights: [ids['Amara']!, ids['Amara']!, ids['Ben']!, ids['Chen']!, ids['Dana']!].map(
          (author) => ({ author }),
        ),
      })
    }
    const v = readVitality(doc, slots[11]! + DAY)
    expect(v.participation.topTwoShare).toBeCloseTo(0.6, 5)
    expect(v.participation.gini).toBeCloseTo(0.2, 5)
    expect(v.participation.dominated).toBe(false)
  })

  it('reads learning that flows through the facilitator, and silence, as hollowness', () => {
    const { doc, now } = podWithHistory(12, (week, ids) => {
      const all = everyone(ids)
      const facilitator = ids['Amara']!
      const said = `w${week}-facilitator`
      return {
        present: all,
        facilitator,
        insights: [
          { id: said, author: facilitator, text: 'What did you learn this week?' },
          { author: ids['Ben']!, respondsTo: said },
          { author: ids['Chen']!, respondsTo: said },
        ],
      }
    })
    const v = readVitality(doc, now)
    expect(v.flow).toMatchObject({ responses: 24, toFacilitator: 24, shape: 'facilitator-centred' })
    expect(v.participation.silentMembers.map((s) => s.name)).toEqual(['Dana', 'Eli', 'Farah'])
    const hollow = v.risks.find((r) => r.risk === 'hollowness')
    expect(hollow?.evidence).toContain('3 of 6 people who came stayed silent: Dana, Eli, Farah.')
    expect(hollow?.evidence).toContain(
      'Learning flows through the facilitator: the group waits for them to speak.',
    )
  })

  it('reads check-ins that are status updates as transactional, with examples', () => {
    const { doc, now } = podWithHistory(8, (_week, ids) => ({
      present: everyone(ids),
      checkIns: everyone(ids).map((member, i) => ({
        member,
        text: i === 0 ? REFLECTIVE : TRANSACTIONAL,
      })),
      insights: everyone(ids).map((author) => ({ author, text: 'A thought.' })),
    }))
    const v = readVitality(doc, now)
    expect(v.reflectiveness).toMatchObject({
      reflective: 8,
      transactional: 40,
      tone: 'transactional',
    })
    expect(v.reflectiveness.examples).toEqual({
      reflective: [REFLECTIVE],
      transactional: [TRANSACTIONAL],
    })
    expect(v.risks.map((r) => r.risk)).toContain('hollowness')
  })

  it('finds a newcomer still on the edge after three months, not a founder or a recent joiner', () => {
    const { doc, ctx, circleId, slots } = (() => {
      const ctx = counterContext(START)
      const { doc } = newPod(ctx, [['Ben', 'practising']])
      const circleId = addContainer(
        doc,
        { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin', startsAt: START },
        ctx,
      )
      return { doc, ctx, circleId, slots: occurrences(doc.containers[circleId]!, START, 22) }
    })()
    ctx.now = START + 4 * 7 * DAY
    const gus = addMember(doc, { name: 'Gus', stage: 'newer' }, ctx)
    ctx.now = START + 18 * 7 * DAY
    const ivy = addMember(doc, { name: 'Ivy', stage: 'newer' }, ctx)
    const founders = Object.values(doc.members)
      .filter((m) => m.id !== gus && m.id !== ivy)
      .map((m) => m.id)
    slots.forEach((slot, week) => {
      const present = [...founders, ...(week >= 4 ? [gus] : []), ...(week >= 18 ? [ivy] : [])]
      recordMeeting(doc, ctx, {
        containerId: circleId,
        scheduledFor: slot,
        present,
        insights: founders.map((author) => ({ author })),
      })
    })
    const v = readVitality(doc, slots[21]! + DAY)
    expect(v.newcomersOnEdge.map((n) => [n.name, n.monthsIn, n.attended, n.insights])).toEqual([
      ['Gus', 4, 18, 0],
    ])
    expect(v.newcomersOnEdge[0]!.reasons).toEqual([
      "0 insights in 18 meetings attended, under half the pod's rate",
    ])
    expect(v.risks.find((r) => r.risk === 'cliques-domination')?.evidence).toContain(
      "Gus, 4 months in, is still on the edge: 0 insights in 18 meetings attended, under half the pod's rate.",
    )
  })

  it('names mentor invisibility when the experienced stay away and a newer member has no peer mentor', () => {
    const { doc, ids, now } = podWithHistory(10, (_week, ids) => {
      const all = everyone(ids)
      const present = all.filter((id) => id !== ids['Amara'] && id !== ids['Farah'])
      return {
        present,
        absent: [ids['Amara']!, ids['Farah']!],
        insights: present.map((author) => ({ author })),
      }
    })
    doc.pairings['p1'] = {
      id: 'p1',
      mentorId: ids['Ben']!,
      menteeId: ids['Chen']!,
      startedAt: START,
      endedAt: null,
      declinedAt: null,
      declinedBy: null,
    }
    const risk = readVitality(doc, now).risks.find((r) => r.risk === 'mentor-invisibility')
    expect(risk?.evidence).toEqual([
      'The experienced members (Amara, at 0 of 10; Farah, at 0 of 10) came to fewer than half of the recent meetings.',
      'Newer member without a peer mentor: Eli.',
    ])
  })

  it('reads too short a history as unknown', () => {
    const { doc, now } = podWithHistory(2, healthyWeek)
    const v = readVitality(doc, now)
    expect(v.attendance.band).toBe('unknown')
    expect(v.overall).toBe('unknown')
  })

  it('reads the past as it was: only meetings up to `now` count', () => {
    const { doc, slots } = podWithHistory(30, (week, ids) =>
      week < 16 ? healthyWeek(week, ids) : { skip: 'Nobody came' },
    )
    expect(readVitality(doc, slots[15]! + 2 * DAY).overall).toBe('alive')
    expect(readVitality(doc, slots[29]! + 2 * DAY).rhythm.decaying).toBe(true)
  })
})

describe('gini', () => {
  it('is 0 for an even spread, 1 for one voice, null when there is nothing to spread', () => {
    expect(gini([3, 3, 3, 3])).toBe(0)
    expect(gini([0, 0, 0, 7])).toBe(1)
    expect(gini([1, 1, 9, 9])).toBeCloseTo(0.5333, 3)
    expect(gini([5])).toBeNull()
    expect(gini([0, 0])).toBeNull()
  })
})

describe('classifyText', () => {
  it('reads whole words and phrases from the published lists, and says which it matched', () => {
    expect(classifyText('Here is what I learned and where I am stuck')).toEqual({
      kind: 'reflective',
      reflectiveHits: ['learned', 'stuck', 'where i am'],
      transactionalHits: [],
    })
    expect(classifyText('Did the rota, sent the minutes.').kind).toBe('transactional')
    // "feedback" contains "feed", not "feel"; "undone" is not "done".
    expect(classifyText('The feedback is undone.').kind).toBe('neutral')
  })
})

describe('pausePod', () => {
  function pod(): { doc: PodDoc; ctx: ReturnType<typeof counterContext>; slots: number[] } {
    const { doc, ctx, slots } = podWithHistory(6, healthyWeek)
    return { doc, ctx, slots }
  }

  it('pauses for three months by default, and paused slots are neither expected nor slipped', () => {
    const { doc, ctx, slots } = pod()
    ctx.now = slots[5]! + DAY
    const until = pausePod(doc, { reason: '  Lost our way; replanting  ' }, ctx)
    expect(until).toBe(Date.UTC(2025, 4, 11, 17))
    expect(doc.pod).toMatchObject({
      pausedAt: ctx.now,
      pausedUntil: until,
      pauseReason: 'Lost our way; replanting',
    })
    const during = readVitality(doc, ctx.now + 30 * DAY)
    expect(during.rhythm.slipped).toBe(0)
    expect(during.rhythm.history.filter((h) => h.outcome === 'paused').length).toBe(4)
    expect(during.replant).toEqual({
      suggested: false,
      reason: 'The pod is resting until Sun 11 May.',
    })
  })

  it('refuses a restart date in the past, and can end a pause early', () => {
    const { doc, ctx } = pod()
    expect(() => pausePod(doc, { until: ctx.now - DAY, reason: 'x' }, ctx)).toThrow(DomainError)
    pausePod(doc, { until: ctx.now + 60 * DAY, reason: 'Rest' }, ctx)
    ctx.now += 10 * DAY
    resumePod(doc, ctx)
    expect(doc.pod.pausedUntil).toBe(ctx.now)
  })
})
