import { describe, expect, it } from 'vitest'
import * as A from '@automerge/automerge'
import {
  addFormatStep,
  chooseMeetingFormat,
  copyFormat,
  findFormat,
  meetingFormat,
  moveFormatStep,
  orderedSteps,
  podFormats,
  removeFormatStep,
  retireFormat,
  updateFormat,
  updateFormatStep,
} from '../../../src/domain/podFormats.ts'
import { circleFormat, FIRST_CIRCLE_FORMAT_ID } from '../../../src/domain/circleFormats.ts'
import { scheduleMeeting } from '../../../src/domain/meetings.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { counterContext, DAY, newPod, recordMeeting } from './podFixture.ts'

const T0 = Date.UTC(2026, 0, 5, 18)

function podWithTroika() {
  const ctx = counterContext(T0)
  const { doc, ids } = newPod(ctx, [['Bo', 'practising']])
  const formatId = copyFormat(doc, 'troika', ctx)
  return { ctx, doc, ids, formatId }
}

function titles(doc: PodDoc, formatId: string): string[] {
  const format = doc.formats[formatId]
  return format === undefined ? [] : orderedSteps(format).map((s) => s.title)
}

describe('a pod’s own copy of a format', () => {
  it('copies every step of the template, in order, under a name that says it is ours', () => {
    const { doc, formatId } = podWithTroika()
    const troika = circleFormat('troika')
    expect(doc.formats[formatId]?.name).toBe('Troika Consulting (ours)')
    expect(doc.formats[formatId]?.basedOn).toBe('troika')
    expect(titles(doc, formatId)).toEqual(troika?.steps.map((s) => s.title))
    expect(findFormat(doc, formatId)?.steps.map((s) => [s.kind, s.minutes])).toEqual(
      troika?.steps.map((s) => [s.kind, s.minutes]),
    )
    expect(podFormats(doc).map((f) => f.id)).toEqual([formatId])
  })

  it('edits a step without touching the template', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const step = orderedSteps(doc.formats[formatId] as never)[3]
    updateFormatStep(
      doc,
      formatId,
      step?.id as string,
      { title: 'Client speaks', minutes: 6, roleCue: '  ' },
      ctx,
    )
    const edited = findFormat(doc, formatId)?.steps[3]
    expect(edited).toMatchObject({ title: 'Client speaks', minutes: 6, roleCue: null })
    expect(circleFormat('troika')?.steps[3]?.title).toBe('Client presents the challenge')
  })

  it('refuses a step of no minutes, or of more than four hours, and an empty title', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const stepId = orderedSteps(doc.formats[formatId] as never)[0]?.id as string
    expect(() => updateFormatStep(doc, formatId, stepId, { minutes: 0 }, ctx)).toThrow(/between 1/)
    expect(() => updateFormatStep(doc, formatId, stepId, { minutes: 241 }, ctx)).toThrow(
      /between 1 and 240/,
    )
    expect(() => updateFormatStep(doc, formatId, stepId, { title: ' ' }, ctx)).toThrow(/empty/)
    expect(() => updateFormat(doc, formatId, { name: '' }, ctx)).toThrow(/empty/)
  })

  it('adds, moves and removes steps', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const [first, second] = orderedSteps(doc.formats[formatId] as never)
    const silence = addFormatStep(doc, formatId, first?.id as string, 'A minute of silence', ctx)
    expect(titles(doc, formatId).slice(0, 3)).toEqual([
      'Our norms',
      'A minute of silence',
      'Actions from last time',
    ])
    moveFormatStep(doc, formatId, silence, -1, ctx)
    expect(titles(doc, formatId)[0]).toBe('A minute of silence')
    moveFormatStep(doc, formatId, silence, -1, ctx) // already first: stays
    expect(titles(doc, formatId)[0]).toBe('A minute of silence')
    moveFormatStep(doc, formatId, silence, 1, ctx)
    moveFormatStep(doc, formatId, silence, 1, ctx)
    expect(titles(doc, formatId).slice(0, 3)).toEqual([
      'Our norms',
      'Actions from last time',
      'A minute of silence',
    ])
    removeFormatStep(doc, formatId, second?.id as string, ctx)
    expect(titles(doc, formatId)).not.toContain('Actions from last time')
    const last = addFormatStep(doc, formatId, null, 'Arrive', ctx)
    expect(titles(doc, formatId)[0]).toBe('Arrive')
    expect(doc.formats[formatId]?.steps[last]?.minutes).toBe(5)
  })

  it('keeps at least one step', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const steps = orderedSteps(doc.formats[formatId] as never)
    for (const s of steps.slice(1)) removeFormatStep(doc, formatId, s.id, ctx)
    expect(() => removeFormatStep(doc, formatId, steps[0]?.id as string, ctx)).toThrow(/one step/)
  })

  it('leaves the list when retired, but a meeting that ran it still shows it', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const meetingId = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: T0 + DAY, notesUrl: null },
      ctx,
    )
    chooseMeetingFormat(doc, meetingId, formatId)
    retireFormat(doc, formatId, ctx)
    expect(podFormats(doc)).toEqual([])
    expect(meetingFormat(doc, meetingId).name).toBe('Troika Consulting (ours)')
  })
})

describe('the format a meeting runs', () => {
  it('is the norm-setting circle for a new pod’s first circle, then the round check-in', () => {
    const ctx = counterContext(T0)
    const { doc, ids } = newPod(ctx, [['Bo', 'practising']])
    const first = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: T0 + DAY, notesUrl: null },
      ctx,
    )
    expect(meetingFormat(doc, first).id).toBe(FIRST_CIRCLE_FORMAT_ID)
    recordMeeting(doc, ctx, { containerId: null, scheduledFor: T0, present: [ids.Amara as string] })
    expect(meetingFormat(doc, first).id).toBe('round-check-in')
  })

  it('is the one chosen, stored on the meeting; an unknown choice is refused', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const meetingId = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: T0 + DAY, notesUrl: null },
      ctx,
    )
    chooseMeetingFormat(doc, meetingId, 'wise-crowds')
    expect(doc.meetings[meetingId]?.formatId).toBe('wise-crowds')
    expect(meetingFormat(doc, meetingId).name).toBe('Wise Crowds')
    chooseMeetingFormat(doc, meetingId, formatId)
    expect(meetingFormat(doc, meetingId).id).toBe(formatId)
    expect(() => chooseMeetingFormat(doc, meetingId, 'no-such-format')).toThrow(/not in this pod/)
  })

  it('falls back when a peer wrote a format id this pod does not have', () => {
    const { ctx, doc } = podWithTroika()
    const meetingId = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: T0 + DAY, notesUrl: null },
      ctx,
    )
    ;(doc.meetings[meetingId] as { formatId: string | null }).formatId = 'gone'
    expect(meetingFormat(doc, meetingId).id).toBe(FIRST_CIRCLE_FORMAT_ID)
  })
})

describe('two members editing one format while apart', () => {
  it('keeps both members’ edits when they merge', () => {
    const { ctx, doc, formatId } = podWithTroika()
    const base = A.from(doc as unknown as Record<string, unknown>) as unknown as A.Doc<PodDoc>
    const steps = orderedSteps(doc.formats[formatId] as never)
    const checkIn = steps[2]?.id as string
    const left = A.change(A.clone(base), (d) => {
      updateFormatStep(d, formatId, checkIn, { minutes: 12 }, ctx)
      addFormatStep(d, formatId, checkIn, 'Breathing', ctx)
    })
    const right = A.change(A.clone(base), (d) => {
      updateFormatStep(d, formatId, checkIn, { title: 'Arrivals' }, ctx)
      moveFormatStep(d, formatId, checkIn, -1, ctx)
      addFormatStep(d, formatId, checkIn, 'Stretch', { now: T0, newId: () => 'other-1' })
    })
    const merged = A.merge(A.clone(left), right)
    const parsed = parsePodDoc(merged)
    expect(parsed.ok && parsed.problems).toEqual([])
    const view = parsed.ok ? parsed.view : doc
    const after = titles(view, formatId)
    expect(view.formats[formatId]?.steps[checkIn]).toMatchObject({ title: 'Arrivals', minutes: 12 })
    expect(after.indexOf('Arrivals')).toBe(1)
    expect(after).toContain('Breathing')
    expect(after).toContain('Stretch')
    expect(after.filter((t) => t === 'Arrivals')).toHaveLength(1)
    expect(after).toHaveLength(steps.length + 2)
  })
})
