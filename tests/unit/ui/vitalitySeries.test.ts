import { describe, expect, it } from 'vitest'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { buildSamplePod, mulberry32 } from '../../../src/domain/samplePod.ts'
import { readVitality } from '../../../src/domain/vitality.ts'
import {
  attendanceByMonth,
  participationByQuarter,
  rhythmByMonth,
} from '../../../src/ui/vitality/vitalitySeries.ts'

const DAY = 86_400_000

describe('vitality series for charts', () => {
  it('pools attendance by calendar month in the pod’s zone', () => {
    const at = (iso: string) => Date.parse(iso)
    const points = attendanceByMonth(
      [
        {
          meetingId: 'a',
          containerId: null,
          at: at('2026-01-07T17:00Z'),
          present: 4,
          expected: 5,
          rate: 0.8,
        },
        {
          meetingId: 'b',
          containerId: null,
          at: at('2026-01-14T17:00Z'),
          present: 2,
          expected: 5,
          rate: 0.4,
        },
        // 31 Jan 23:30 UTC is already February in Berlin.
        {
          meetingId: 'c',
          containerId: null,
          at: at('2026-01-31T23:30Z'),
          present: 3,
          expected: 3,
          rate: 1,
        },
      ],
      'Europe/Berlin',
    )
    expect(points.map((p) => [p.label, p.value])).toEqual([
      ['Jan 2026', 0.6],
      ['Feb 2026', 1],
    ])
    expect(points[0]?.detail).toBe('6 of 10 places filled in 2 meetings')
  })

  it('counts what became of each month’s slots, leaving out those still to come', () => {
    const bars = rhythmByMonth(
      [
        { containerId: 'c', slot: Date.UTC(2026, 0, 5, 17), outcome: 'kept' },
        { containerId: 'c', slot: Date.UTC(2026, 0, 12, 17), outcome: 'skipped' },
        { containerId: 'c', slot: Date.UTC(2026, 0, 19, 17), outcome: 'kept' },
        { containerId: 'c', slot: Date.UTC(2026, 1, 2, 17), outcome: 'pending' },
      ],
      'UTC',
    )
    expect(bars).toEqual([{ label: 'Jan 2026', values: { kept: 2, skipped: 1 } }])
  })

  it('reads participation at each quarter’s end of the sample pod, the last one as of now', () => {
    let n = 0
    const doc = {} as PodDoc
    const sample = buildSamplePod(doc, {
      start: Date.UTC(2023, 0, 9, 12),
      rng: mulberry32(7),
      newId: () => `id${++n}`,
    })
    const quarters = participationByQuarter(doc, sample.end)
    expect(quarters.length).toBeGreaterThanOrEqual(8)
    expect(quarters.length).toBeLessThanOrEqual(9)
    const last = quarters[quarters.length - 1]
    const now = readVitality(doc, sample.end).participation
    expect(last?.values['silent']).toBe(now.silentMembers.length)
    expect(last?.gini).toBe(now.gini)
    // No names: counts only.
    expect(
      quarters.every((q) => Object.keys(q.values).sort().join() === 'contributing,silent'),
    ).toBe(true)
    expect(sample.end - sample.firstCircle).toBeGreaterThan(700 * DAY)
  })
})
