import { describe, expect, it } from 'vitest'
import { DomainError } from '../../../src/domain/commandContext.ts'
import {
  addOutsideRelationship,
  endOutsideRelationship,
  groupSuggestion,
  personKey,
  readEcology,
  removeOutsideRelationship,
} from '../../../src/domain/ecology.ts'
import { setMemberStatus } from '../../../src/domain/members.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { counterContext, newPod, recordMeeting } from './podFixture.ts'

const START = Date.UTC(2025, 0, 6)

function pair(doc: PodDoc, mentorId: string, menteeId: string, id: string): void {
  doc.pairings[id] = {
    id,
    mentorId,
    menteeId,
    startedAt: START,
    endedAt: null,
    declinedAt: null,
    declinedBy: null,
  }
}

describe('readEcology', () => {
  it('shows a mentor over capacity across pods and outside one-on-ones, matching names loosely', () => {
    const ctx = counterContext(START)
    const a = newPod(ctx, [
      ['Ben', 'newer'],
      ['Chen', 'newer'],
    ])
    const b = newPod(ctx, [
      ['  amara ', 'experienced'],
      ['Dana', 'newer'],
      ['Ben', 'newer'],
    ])
    a.doc.pod.name = 'Pod A'
    b.doc.pod.name = 'Pod B'
    pair(a.doc, a.ids['Amara']!, a.ids['Ben']!, 'p1')
    pair(a.doc, a.ids['Amara']!, a.ids['Chen']!, 'p2')
    pair(b.doc, b.ids['  amara ']!, b.ids['Dana']!, 'p3')
    // Ben is Amara's mentee in both pods: one relationship, not two.
    pair(b.doc, b.ids['  amara ']!, b.ids['Ben']!, 'p4')
    for (const mentee of ['Eve', 'Finn', 'Gia', 'Hal', 'Ines']) {
      addOutsideRelationship(
        a.doc,
        { mentorName: 'AMARA', menteeName: mentee, topic: 'grief' },
        ctx,
      )
    }
    const reading = readEcology([a.doc, b.doc])
    const amara = reading.mentors.find((m) => personKey(m.name) === 'amara')
    expect(amara?.load).toBe(8)
    expect(amara?.fit).toBe('over')
    expect(amara?.relationships.map((r) => [r.menteeName, r.where])).toEqual([
      ['Ben', 'Pod A'],
      ['Chen', 'Pod A'],
      ['Dana', 'Pod B'],
      ['Eve', 'outside Tend'],
      ['Finn', 'outside Tend'],
      ['Gia', 'outside Tend'],
      ['Hal', 'outside Tend'],
      ['Ines', 'outside Tend'],
    ])
    expect(amara?.suggestion).toMatchObject({
      groupKind: 'cohort',
      groupSize: 8,
      groups: 1,
      oneOnOnesAfter: 3,
      officeHoursMinutesPerMonth: 150,
    })
    expect(amara?.suggestion?.text).toContain('8 → 3 with a cohort')
    expect(reading.summary).toBe('Amara holds 8 mentees → 3 with a cohort.')
    expect(reading.waiting).toEqual([])
  })

  it('reads 3–5 as within capacity, fewer as under, and summarises several over-loaded mentors', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx)
    const load = (mentor: string, n: number) => {
      for (let i = 0; i < n; i++) {
        addOutsideRelationship(
          doc,
          { mentorName: mentor, menteeName: `${mentor}-mentee-${i}` },
          ctx,
        )
      }
    }
    load('Ana', 2)
    load('Bo', 3)
    load('Cy', 5)
    load('Di', 8)
    load('Ed', 10)
    const reading = readEcology([doc])
    expect(reading.mentors.map((m) => [m.name, m.load, m.fit])).toEqual([
      ['Ana', 2, 'under'],
      ['Bo', 3, 'within'],
      ['Cy', 5, 'within'],
      ['Di', 8, 'over'],
      ['Ed', 10, 'over'],
    ])
    expect(reading.summary).toBe('2 mentors hold 8–10 mentees each → 3–4 with a cohort.')
  })

  it('suggests a concrete group container from the numbers', () => {
    expect(groupSuggestion('Ana', 6)).toMatchObject({
      groupKind: 'learning-pod',
      oneOnOnesAfter: 3,
    })
    expect(groupSuggestion('Ana', 9)).toMatchObject({
      groupKind: 'cohort',
      groupSize: 9,
      oneOnOnesAfter: 4,
    })
    expect(groupSuggestion('Ana', 20)).toMatchObject({
      groups: 2,
      groupSize: 10,
      oneOnOnesAfter: 4,
    })
    expect(groupSuggestion('Ana', 20).text).toContain('2 biweekly cohorts of about 10')
  })

  it('lists mentees without a mentor, leaving out ended, declined and left relationships', () => {
    const ctx = counterContext(START)
    const { doc, ids } = newPod(ctx, [
      ['Ben', 'newer'],
      ['Chen', 'practising'],
      ['Dana', 'newer'],
      ['Eli', 'experienced'],
    ])
    pair(doc, ids['Amara']!, ids['Ben']!, 'p1')
    pair(doc, ids['Amara']!, ids['Chen']!, 'p2')
    doc.pairings['p2']!.declinedAt = START + 1
    const outside = addOutsideRelationship(doc, { mentorName: 'Zoe', menteeName: 'dana' }, ctx)
    expect(readEcology([doc]).waiting.map((w) => w.name)).toEqual(['Chen'])
    endOutsideRelationship(doc, outside, ctx)
    expect(readEcology([doc]).waiting.map((w) => [w.name, w.pods])).toEqual([
      ['Chen', ['Test pod']],
      ['Dana', ['Test pod']],
    ])
    setMemberStatus(doc, ids['Amara']!, 'left', ctx)
    expect(readEcology([doc]).mentors.map((m) => m.name)).toEqual([])
  })

  it('finds topics only one person holds across pods, and whether they have left', () => {
    const ctx = counterContext(START)
    const a = newPod(ctx, [['Ben', 'newer']])
    const b = newPod(ctx, [
      ['ben', 'newer'],
      ['Cleo', 'practising'],
    ])
    recordMeeting(a.doc, ctx, {
      containerId: null,
      scheduledFor: START,
      insights: [
        { author: a.ids['Ben']!, tags: ['Coalitions', 'power'] },
        { author: a.ids['Amara']!, tags: ['power'] },
      ],
    })
    recordMeeting(b.doc, ctx, {
      containerId: null,
      scheduledFor: START,
      insights: [
        { author: b.ids['ben']!, tags: ['#coalitions'] },
        { author: b.ids['Cleo']!, tags: ['budgets'] },
      ],
    })
    setMemberStatus(b.doc, b.ids['Cleo']!, 'left', ctx)
    const points = readEcology([a.doc, b.doc]).singlePoints
    expect(points.map((p) => [p.tag, p.holder, p.insights, p.holderLeft])).toEqual([
      ['coalitions', 'Ben', 2, false],
      ['budgets', 'Cleo', 1, true],
    ])
  })
})

describe('outside relationships', () => {
  it('are recorded, ended and removed with small edits, and refuse nonsense', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx)
    const id = addOutsideRelationship(
      doc,
      { mentorName: ' Zoe ', menteeName: 'Yan', topic: '  ' },
      ctx,
    )
    expect(doc.outsideRelationships[id]).toEqual({
      id,
      mentorName: 'Zoe',
      menteeName: 'Yan',
      topic: null,
      startedAt: START,
      endedAt: null,
      createdAt: START,
    })
    expect(() =>
      addOutsideRelationship(doc, { mentorName: 'Zoe', menteeName: ' zoe' }, ctx),
    ).toThrow(DomainError)
    expect(() => addOutsideRelationship(doc, { mentorName: '', menteeName: 'Yan' }, ctx)).toThrow(
      DomainError,
    )
    ctx.now = START + 1000
    endOutsideRelationship(doc, id, ctx)
    ctx.now = START + 2000
    endOutsideRelationship(doc, id, ctx)
    expect(doc.outsideRelationships[id]?.endedAt).toBe(START + 1000)
    removeOutsideRelationship(doc, id, ctx)
    expect(doc.outsideRelationships).toEqual({})
  })

  it('are created on first use in a pod made before they existed', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx)
    delete (doc as Partial<PodDoc>).outsideRelationships
    addOutsideRelationship(doc, { mentorName: 'Zoe', menteeName: 'Yan' }, ctx)
    expect(Object.keys(doc.outsideRelationships)).toHaveLength(1)
  })

  it('are read tolerantly from an untrusted document, with the pause fields', () => {
    const ctx = counterContext(START)
    const { doc } = newPod(ctx)
    const raw = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>
    raw['outsideRelationships'] = {
      good: {
        mentorName: 'Zoe',
        menteeName: 'Yan',
        topic: 7,
        startedAt: 5,
        endedAt: null,
        createdAt: 5,
      },
      noMentee: { mentorName: 'Zoe', menteeName: '' },
      notObject: 'x',
    }
    ;(raw['pod'] as Record<string, unknown>)['pausedUntil'] = 'soon'
    const parsed = parsePodDoc(raw)
    if (!parsed.ok) throw new Error('expected a pod')
    expect(parsed.view.outsideRelationships).toEqual({
      good: {
        id: 'good',
        mentorName: 'Zoe',
        menteeName: 'Yan',
        topic: null,
        startedAt: 5,
        endedAt: null,
        createdAt: 5,
      },
    })
    expect(parsed.view.pod).toMatchObject({ pausedAt: null, pausedUntil: null, pauseReason: null })
    expect(parsed.problems).toEqual(
      expect.arrayContaining([
        'document.outsideRelationships.good: topic was not text',
        'document.outsideRelationships.notObject: left out: not an object',
        'pod: pausedUntil was not a number',
      ]),
    )
    // A document from before these fields existed still opens, with them empty.
    delete raw['outsideRelationships']
    const older = parsePodDoc(raw)
    expect(older.ok && older.view.outsideRelationships).toEqual({})
  })
})
