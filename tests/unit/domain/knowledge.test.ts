import { describe, expect, it } from 'vitest'
import { addContainer } from '../../../src/domain/containers.ts'
import {
  allInsights,
  exportJson,
  exportMarkdown,
  insightTags,
  questionBank,
  recurringTensions,
} from '../../../src/domain/knowledge.ts'
import { occurrences } from '../../../src/domain/rhythm.ts'
import { DAY, counterContext, newPod, recordMeeting } from './podFixture.ts'

const START = Date.UTC(2025, 0, 6)

function pod() {
  const ctx = counterContext(START)
  const { doc, ids } = newPod(ctx, [
    ['Ben', 'practising'],
    ['Chen', 'newer'],
  ])
  const circleId = addContainer(
    doc,
    { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'Europe/Berlin', startsAt: START },
    ctx,
  )
  const slots = occurrences(doc.containers[circleId]!, START, 5)
  const [amara, ben, chen] = [ids['Amara']!, ids['Ben']!, ids['Chen']!]
  const m0 = recordMeeting(doc, ctx, {
    containerId: circleId,
    scheduledFor: slots[0]!,
    present: [amara, ben, chen],
    checkIns: [{ member: ben, text: 'Tired,\nbut here' }],
    insights: [
      {
        id: 'q1',
        author: chen,
        kind: 'question',
        text: 'How do we say no?',
        tags: ['Burnout'],
        ledTo: 'b1',
      },
      {
        id: 't1',
        author: ben,
        kind: 'tension',
        text: 'Too many actions',
        tags: ['burnout', 'time'],
      },
      { id: 'q2', author: amara, kind: 'question', text: 'Who decides?', tags: ['power'] },
    ],
  })
  recordMeeting(doc, ctx, {
    containerId: circleId,
    scheduledFor: slots[1]!,
    status: 'skipped',
    reason: 'Holiday',
  })
  const m2 = recordMeeting(doc, ctx, {
    containerId: circleId,
    scheduledFor: slots[2]!,
    present: [amara, ben],
    insights: [
      { id: 't2', author: amara, kind: 'tension', text: 'Running on empty', tags: ['#burnout'] },
      {
        id: 'b1',
        author: ben,
        kind: 'breakthrough',
        text: 'One new thing, one thing stops',
        tags: ['burnout'],
      },
      { id: 't3', author: ben, kind: 'tension', text: 'Evenings only', tags: ['power'] },
    ],
  })
  m2.actions['a1'] = {
    id: 'a1',
    text: 'Write the rule down',
    ownerId: ben,
    doneAt: null,
    at: slots[2]!,
    withdrawnAt: null,
    withdrawnBy: null,
  }
  m2.actions['a2'] = {
    id: 'a2',
    text: 'Book the hall',
    ownerId: amara,
    doneAt: slots[2]! + DAY,
    at: slots[2]!,
    withdrawnAt: null,
    withdrawnBy: null,
  }
  recordMeeting(doc, ctx, {
    containerId: circleId,
    scheduledFor: slots[3]!,
    present: [amara, chen],
    insights: [
      { id: 't4', author: chen, kind: 'tension', text: 'Still too much', tags: ['Burnout'] },
    ],
  })
  return { doc, ids, slots, m0, m2 }
}

describe('knowledge', () => {
  it('lists every insight with its meeting date, by kind and by tag', () => {
    const { doc, slots } = pod()
    expect(allInsights(doc).map((e) => e.insight.id)).toEqual([
      'q1',
      't1',
      'q2',
      't2',
      'b1',
      't3',
      't4',
    ])
    expect(allInsights(doc, { kind: 'question' }).map((e) => [e.insight.id, e.authorName])).toEqual(
      [
        ['q1', 'Chen'],
        ['q2', 'Amara'],
      ],
    )
    expect(allInsights(doc, { tag: '#BURNOUT' }).map((e) => e.insight.id)).toEqual([
      'q1',
      't1',
      't2',
      'b1',
      't4',
    ])
    expect(allInsights(doc, { kind: 'tension', tag: 'power' }).map((e) => e.meetingAt)).toEqual([
      slots[2]! + 3_600_000,
    ])
    expect(insightTags(doc)[0]).toEqual({ tag: 'burnout', count: 5 })
  })

  it('finds tensions that recur across meetings, with the dates, and not a one-off', () => {
    const { doc, slots } = pod()
    const tensions = recurringTensions(doc)
    expect(tensions.map((t) => [t.tag, t.occurrences.length])).toEqual([['burnout', 3]])
    expect(tensions[0]!.dates).toEqual([slots[0]!, slots[2]!, slots[3]!].map((s) => s + 3_600_000))
    expect(tensions[0]!.tensions.map((t) => t.insight.id)).toEqual(['t1', 't2', 't4'])
  })

  it('banks questions that led to a breakthrough', () => {
    const { doc } = pod()
    const bank = questionBank(doc)
    expect(bank.map((b) => [b.question.insight.text, b.breakthrough.insight.text])).toEqual([
      ['How do we say no?', 'One new thing, one thing stops'],
    ])
  })

  it('exports Markdown readable without Tend', () => {
    const { doc, ids, m0, m2 } = pod()
    doc.norms['n1'] = {
      id: 'n1',
      text: 'We pass the talking piece',
      reason: 'Every voice heard',
      status: 'adopted',
      proposedBy: ids['Amara']!,
      proposedAt: START,
      revises: null,
      rounds: {},
      adoptedAt: START,
      retiredAt: null,
    }
    doc.pairings['p1'] = {
      id: 'p1',
      mentorId: ids['Amara']!,
      menteeId: ids['Chen']!,
      startedAt: START,
      endedAt: START + 30 * DAY,
      declinedAt: null,
      declinedBy: null,
    }
    const md = exportMarkdown(doc, {
      [m2.id]: 'We drew the power map.\n\n- tenants\n- council',
      [m0.id]: '  ',
    })
    expect(md.startsWith('# Test pod\n\nLearning together\n')).toBe(true)
    expect(md).toContain('## Members\n\n- Amara — experienced, joined 2025-01-06, active\n')
    expect(md).toContain(
      '## Norms\n\n- We pass the talking piece (adopted 2025-01-06) — Every voice heard\n',
    )
    expect(md).toContain('- Circle (circle): weekly on Monday at 18:00 Europe/Berlin, 90 minutes')
    expect(md).toContain('- Amara mentors Chen: from 2025-01-06, until 2025-02-05')
    expect(md).toContain('### 2025-01-13 — Circle\n\nSkipped: Holiday.\n')
    expect(md).toContain('- Ben: Tired, but here\n')
    expect(md).toContain('- **Question** (Chen): How do we say no? #burnout\n')
    expect(md).toContain('#### Notes\n\nWe drew the power map.\n\n- tenants\n- council\n')
    expect(md).toContain('- [ ] Write the rule down — Ben\n- [x] Book the hall — Amara\n')
    expect(md).toContain('## Open actions\n\n- [ ] Write the rule down — Ben (from 2025-01-20)\n')
    expect(md.match(/#### Notes/g)).toHaveLength(1)
  })
})

describe('the JSON export', () => {
  it('holds everything the pod holds and every meeting’s notes, and no key material', () => {
    const ctx = counterContext(Date.UTC(2025, 0, 6, 18))
    const { doc } = newPod(ctx, [['Ben', 'newer']])
    const meeting = recordMeeting(doc, ctx, { containerId: null, scheduledFor: ctx.now })
    ;(doc as unknown as Record<string, unknown>)['keyEpochs'] = { e1: { sealed: 'secret box' } }
    const parsed = JSON.parse(exportJson(doc, { [meeting.id]: 'We drew the power map.' })) as {
      format: string
      version: number
      pod: Record<string, unknown>
      notes: Record<string, string>
    }
    expect(parsed.format).toBe('tend-pod-json')
    expect(parsed.version).toBe(1)
    const {
      keyEpochs: _sealed,
      keyGrants: _grants,
      ...rest
    } = doc as unknown as Record<string, unknown>
    void [_sealed, _grants]
    expect(parsed.pod).toEqual(JSON.parse(JSON.stringify(rest)))
    expect(parsed.pod).not.toHaveProperty('keyEpochs')
    expect(parsed.pod).not.toHaveProperty('keyGrants')
    expect(parsed.notes).toEqual({ [meeting.id]: 'We drew the power map.' })
  })
})
