import { describe, expect, it } from 'vitest'
import { buildSamplePod, mulberry32 } from '../../../src/domain/samplePod.ts'
import { questionBank, recurringTensions } from '../../../src/domain/knowledge.ts'
import { officeHoursUsage, rhythmHistory } from '../../../src/domain/rhythm.ts'
import { readVitality } from '../../../src/domain/vitality.ts'
import { readEcology } from '../../../src/domain/ecology.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'

const START = Date.UTC(2023, 0, 9, 12)

function build(seed = 7) {
  let n = 0
  const doc = {} as PodDoc
  const sample = buildSamplePod(doc, {
    start: START,
    rng: mulberry32(seed),
    newId: () => `id${String(++n).padStart(5, '0')}`,
  })
  return { doc, sample }
}

describe('mulberry32', () => {
  it('is deterministic per seed and stays in [0, 1)', () => {
    const a = mulberry32(42)
    const b = mulberry32(42)
    const xs = Array.from({ length: 1000 }, () => a())
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs)
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true)
    expect(mulberry32(43)()).not.toBe(xs[0])
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length
    expect(mean).toBeGreaterThan(0.45)
    expect(mean).toBeLessThan(0.55)
  })
})

describe('buildSamplePod', () => {
  const { doc, sample } = build()

  it('is the same pod for the same seed, and a valid pod document', () => {
    expect(JSON.stringify(build().doc)).toBe(JSON.stringify(doc))
    const parsed = parsePodDoc(JSON.parse(JSON.stringify(doc)))
    expect(parsed.ok && parsed.problems).toEqual([])
  })

  it('has two years of weekly history and members joining and leaving', () => {
    const members = Object.values(doc.members)
    expect(members.length).toBeGreaterThanOrEqual(10)
    expect(members.length).toBeLessThanOrEqual(12)
    expect(members.filter((m) => m.status === 'left').length).toBeGreaterThanOrEqual(2)
    expect(
      members.filter((m) => m.joinedAt > START + 30 * 86_400_000).length,
    ).toBeGreaterThanOrEqual(4)
    const circle = doc.containers[sample.circleId]!
    const history = rhythmHistory(doc, circle, sample.end)
    expect(history).toHaveLength(104)
    expect(history.every((h) => h.meeting !== null)).toBe(true)
    expect(sample.end - sample.firstCircle).toBeGreaterThan(103 * 7 * 86_400_000)
    expect(Object.keys(doc.meetings).length).toBeLessThan(300)
    const kinds = new Set(
      Object.values(doc.meetings).flatMap((m) => Object.values(m.insights).map((i) => i.kind)),
    )
    expect([...kinds].sort()).toEqual(['breakthrough', 'learning', 'question', 'tension'])
    expect(Object.values(doc.norms).filter((n) => n.status === 'adopted')).toHaveLength(3)
  })

  it('reads alive at the end of year one', () => {
    const v = readVitality(doc, sample.yearOneEnd)
    expect(v.overall).toBe('alive')
    expect(v.attendance.recentRate).toBeGreaterThanOrEqual(0.8)
    expect(v.rhythm.decaying).toBe(false)
    expect(v.risks).toEqual([])
  })

  it('reads drifting or worse at the end, naming rhythm decay', () => {
    const v = readVitality(doc, sample.end)
    expect(['drifting', 'decaying']).toContain(v.overall)
    expect(v.attendance.recentRate).toBeLessThan(0.7)
    expect(v.attendance.recentRate).toBeGreaterThan(0.4)
    expect(v.attendance.trend).toBe('falling')
    expect(v.risks.map((r) => r.risk)).toContain('rhythm-decay')
    expect(v.rhythm.skipped).toBeGreaterThanOrEqual(3)
    expect(v.reflectiveness.reflectiveShare).toBeLessThan(
      readVitality(doc, sample.yearOneEnd).reflectiveness.reflectiveShare ?? 0,
    )
  })

  it('holds institutional memory: recurring tensions, banked questions, a topic one person held', () => {
    expect(recurringTensions(doc).length).toBeGreaterThanOrEqual(3)
    expect(questionBank(doc).length).toBeGreaterThanOrEqual(5)
    const coalitions = readEcology([doc]).singlePoints.find((p) => p.tag === 'coalitions')
    expect(coalitions).toMatchObject({ holder: 'Farah Haddad', holderLeft: true })
  })

  it('has office hours used this month at its end', () => {
    const usage = officeHoursUsage(doc, sample.end)
    expect(usage?.members.some((m) => m.usedMinutes > 0)).toBe(true)
    expect(usage?.members.find((m) => m.memberId === sample.founderId)?.usedMinutes).toBe(0)
  })
})

describe('buildSamplePod with other seeds, starts and zones', () => {
  it.each([1, 2, 3, 4])(
    'seed %i reads alive after year one and drifting or worse at the end',
    (seed) => {
      let n = 0
      const doc = {} as PodDoc
      const sample = buildSamplePod(doc, {
        start: Date.UTC(2022 + (seed % 3), seed * 2, seed + 3, 9),
        rng: mulberry32(seed),
        newId: () => `id${++n}`,
        timeZone: seed % 2 === 1 ? 'America/New_York' : 'Asia/Kolkata',
      })
      expect(readVitality(doc, sample.yearOneEnd).overall).toBe('alive')
      expect(['drifting', 'decaying']).toContain(readVitality(doc, sample.end).overall)
    },
  )
})
