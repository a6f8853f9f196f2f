import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import {
  DEFAULT_PAIRING_PERIOD_MS,
  currentPairings,
  declinePairing,
  pairingHistory,
  proposePairings,
  rotationDue,
  startRotation,
  type PairingProposal,
} from '../../../src/domain/pairings.ts'
import type { JourneyStage, MemberStatus, PodDoc } from '../../../src/schema/podDocument.ts'
import { newPod, testContext } from '../support/testContext.ts'

const DAY = 24 * 60 * 60 * 1000

/** A pod of members named in journey order: the first is furthest along. */
function podInJourneyOrder(n: number) {
  const ctx = testContext()
  const { doc, founderId } = newPod(ctx, { founder: { name: 'P0', stage: 'experienced' } })
  const ids = [founderId]
  for (let i = 1; i < n; i++) {
    const stage: JourneyStage = i < 2 ? 'experienced' : i < 4 ? 'practising' : 'newer'
    ids.push(addMember(doc, { name: `P${i}`, stage, joinedAt: ctx.now + i * DAY }, ctx))
  }
  return { ctx, doc, ids }
}

function asIndexes(ids: readonly string[], proposals: readonly PairingProposal[]): string[] {
  return proposals.map((p) => `${ids.indexOf(p.mentorId)}→${ids.indexOf(p.menteeId)}`)
}

describe('proposePairings', () => {
  it('pairs a fresh pod as a chain: each mentors the next one newer in the journey', () => {
    const { ctx, doc, ids } = podInJourneyOrder(5)
    expect(asIndexes(ids, proposePairings(doc, ctx.now))).toEqual(['0→1', '1→2', '2→3', '3→4'])
  })

  it('orders by stage before joined date: an experienced newcomer is further along', () => {
    const ctx = testContext()
    const { doc, founderId } = newPod(ctx, { founder: { name: 'Old hand', stage: 'newer' } })
    const expert = addMember(
      doc,
      { name: 'Expert', stage: 'experienced', joinedAt: ctx.now + DAY },
      ctx,
    )
    expect(proposePairings(doc, ctx.now)).toEqual([{ mentorId: expert, menteeId: founderId }])
  })

  it('rotates away from last year’s pairs, doubling a load only to avoid a repeat', () => {
    const { ctx, doc, ids } = podInJourneyOrder(4)
    startRotation(doc, proposePairings(doc, ctx.now), ctx)
    ctx.advance(DEFAULT_PAIRING_PERIOD_MS)
    // P1 can only be mentored by P0, so that pair repeats; P2 and P3 get someone new.
    expect(asIndexes(ids, proposePairings(doc, ctx.now))).toEqual(['0→1', '0→2', '1→3'])
  })

  it('counts a declined pairing as used', () => {
    const { ctx, doc, ids } = podInJourneyOrder(3)
    const [, second] = startRotation(doc, proposePairings(doc, ctx.now), ctx)
    declinePairing(doc, second as string, ids[2] as string, ctx)
    expect(asIndexes(ids, proposePairings(doc, ctx.now))).toEqual(['0→1', '0→2'])
  })

  it('leaves out paused and departed members', () => {
    const { ctx, doc, ids } = podInJourneyOrder(4)
    setMemberStatus(doc, ids[1] as string, 'paused', ctx)
    setMemberStatus(doc, ids[3] as string, 'left', ctx)
    expect(asIndexes(ids, proposePairings(doc, ctx.now))).toEqual(['0→2'])
  })

  it('proposes nothing for a pod of one', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    expect(proposePairings(doc, ctx.now)).toEqual([])
  })
})

describe('startRotation, declinePairing and the queries', () => {
  it('ends the pairings in force and records the new ones, keeping the history', () => {
    const { ctx, doc } = podInJourneyOrder(3)
    const first = startRotation(doc, proposePairings(doc, ctx.now), ctx)
    const startedAt = ctx.now
    ctx.advance(DEFAULT_PAIRING_PERIOD_MS)
    const second = startRotation(doc, proposePairings(doc, ctx.now), ctx)
    // Ids break ties between pairings that started together (compared as text).
    expect(currentPairings(doc).map((p) => p.id)).toEqual([...second].sort())
    expect(pairingHistory(doc).map((p) => p.id)).toEqual([...first.sort(), ...second.sort()])
    for (const id of first) {
      expect(doc.pairings[id]).toMatchObject({ startedAt, endedAt: ctx.now })
    }
  })

  it('lets only a member of the pairing decline it, and then it is no longer current', () => {
    const { ctx, doc, ids } = podInJourneyOrder(3)
    const [pairing] = startRotation(doc, proposePairings(doc, ctx.now), ctx)
    expect(() => declinePairing(doc, pairing as string, ids[2] as string, ctx)).toThrow(DomainError)
    declinePairing(doc, pairing as string, ids[1] as string, ctx)
    expect(doc.pairings[pairing as string]).toMatchObject({
      declinedAt: ctx.now,
      declinedBy: ids[1],
      endedAt: null,
    })
    expect(currentPairings(doc).map((p) => p.id)).not.toContain(pairing)
  })

  it('refuses to pair someone with themselves or with a member who left', () => {
    const { ctx, doc, ids } = podInJourneyOrder(3)
    const [a, b] = ids as [string, string]
    expect(() => startRotation(doc, [{ mentorId: a, menteeId: a }], ctx)).toThrow(DomainError)
    setMemberStatus(doc, b, 'left', ctx)
    expect(() => startRotation(doc, [{ mentorId: a, menteeId: b }], ctx)).toThrow(DomainError)
    expect(doc.pairings).toEqual({})
  })

  it('is due when nothing is in force, and again a period after the last rotation', () => {
    const { ctx, doc } = podInJourneyOrder(3)
    expect(rotationDue(doc, ctx.now)).toBe(true)
    startRotation(doc, proposePairings(doc, ctx.now), ctx)
    expect(rotationDue(doc, ctx.now + DEFAULT_PAIRING_PERIOD_MS - 1)).toBe(false)
    expect(rotationDue(doc, ctx.now + DEFAULT_PAIRING_PERIOD_MS)).toBe(true)
    expect(rotationDue(doc, ctx.now + 30 * DAY, 30 * DAY)).toBe(true)
  })

  it('is never due for a pod of one', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    expect(rotationDue(doc, ctx.now)).toBe(false)
  })
})

// ---------------------------------------------------------------------------------------------
// Property: random pods of 3–15 members, with a random history of rotations and declines.
// ---------------------------------------------------------------------------------------------

const STAGE_RANK: Record<JourneyStage, number> = { experienced: 0, practising: 1, newer: 2 }

/** The journey order, written out again from the rule: stage, then joined date, then id. */
function furtherAlong(doc: PodDoc, a: string, b: string): boolean {
  const x = doc.members[a]
  const y = doc.members[b]
  if (x === undefined || y === undefined) return false
  if (STAGE_RANK[x.stage] !== STAGE_RANK[y.stage]) return STAGE_RANK[x.stage] < STAGE_RANK[y.stage]
  if (x.joinedAt !== y.joinedAt) return x.joinedAt < y.joinedAt
  return x.id < y.id
}

function timesPairedIn(doc: PodDoc, a: string, b: string): number {
  return Object.values(doc.pairings).filter(
    (p) => (p.mentorId === a && p.menteeId === b) || (p.mentorId === b && p.menteeId === a),
  ).length
}

/** The fewest mentees − distinct mentors any assignment within the freshest pairs allows. */
function fewestDoubles(options: readonly string[][]): number {
  let best = Number.POSITIVE_INFINITY
  const pick = (i: number, used: Set<string>, doubles: number): void => {
    if (doubles >= best) return
    if (i === options.length) {
      best = doubles
      return
    }
    for (const mentor of options[i] ?? []) {
      const fresh = !used.has(mentor)
      if (fresh) used.add(mentor)
      pick(i + 1, used, doubles + (fresh ? 0 : 1))
      if (fresh) used.delete(mentor)
    }
  }
  pick(0, new Set(), 0)
  return best
}

const memberArb = fc.record({
  stage: fc.constantFrom<JourneyStage>('newer', 'practising', 'experienced'),
  joinedDay: fc.integer({ min: 0, max: 20 }),
  status: fc.constantFrom<MemberStatus>('active', 'active', 'active', 'active', 'paused', 'left'),
})

describe('pairing rules (property)', () => {
  it('mentors every member who has someone further along, fresh pairs first, loads at one where possible', () => {
    fc.assert(
      fc.property(
        fc.array(memberArb, { minLength: 2, maxLength: 14 }),
        fc.integer({ min: 0, max: 4 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        (others, rotations, declines) => {
          const ctx = testContext()
          const { doc } = newPod(ctx)
          const members = others.map((m, i) => {
            const id = addMember(
              doc,
              { name: `M${i}`, stage: m.stage, joinedAt: ctx.now + m.joinedDay * DAY },
              ctx,
            )
            return { id, status: m.status }
          })
          for (let r = 0; r < rotations; r++) {
            const ids = startRotation(doc, proposePairings(doc, ctx.now), ctx)
            for (const d of declines.slice(r * 2, r * 2 + 2)) {
              const id = ids[d % Math.max(1, ids.length)]
              const pairing = id === undefined ? undefined : doc.pairings[id]
              if (pairing !== undefined) declinePairing(doc, pairing.id, pairing.menteeId, ctx)
            }
            ctx.advance(DEFAULT_PAIRING_PERIOD_MS)
          }
          for (const m of members) setMemberStatus(doc, m.id, m.status, ctx)

          const proposals = proposePairings(doc, ctx.now)
          const active = Object.values(doc.members).filter((m) => m.status === 'active')
          const mentorOf = new Map<string, string>()
          for (const p of proposals) {
            expect(mentorOf.has(p.menteeId)).toBe(false)
            mentorOf.set(p.menteeId, p.mentorId)
            expect(doc.members[p.mentorId]?.status).toBe('active')
            expect(furtherAlong(doc, p.mentorId, p.menteeId)).toBe(true)
          }
          const options: string[][] = []
          for (const mentee of active) {
            const further = active.filter((m) => furtherAlong(doc, m.id, mentee.id))
            // Every member who has someone further along gets a mentor; nobody else does.
            expect(mentorOf.has(mentee.id)).toBe(further.length > 0)
            if (further.length === 0) continue
            // No pair repeats while an unused (or less used) pair exists for this mentee.
            const fewest = Math.min(...further.map((m) => timesPairedIn(doc, m.id, mentee.id)))
            const mentor = mentorOf.get(mentee.id) as string
            expect(timesPairedIn(doc, mentor, mentee.id)).toBe(fewest)
            options.push(
              further
                .filter((m) => timesPairedIn(doc, m.id, mentee.id) === fewest)
                .map((m) => m.id),
            )
          }
          const loads = new Map<string, number>()
          for (const p of proposals) loads.set(p.mentorId, (loads.get(p.mentorId) ?? 0) + 1)
          const doubles = proposals.length - loads.size
          if (Object.keys(doc.pairings).length === 0) {
            // A fresh pod: every load is one.
            expect(doubles).toBe(0)
          }
          if (options.length <= 7) {
            expect(doubles).toBe(fewestDoubles(options))
          } else {
            // No mentee of a doubled mentor had a fresh option with nobody to mentor.
            for (const p of proposals) {
              if ((loads.get(p.mentorId) ?? 0) < 2) continue
              const fewest = Math.min(
                ...active
                  .filter((m) => furtherAlong(doc, m.id, p.menteeId))
                  .map((m) => timesPairedIn(doc, m.id, p.menteeId)),
              )
              const idle = active.filter(
                (m) =>
                  furtherAlong(doc, m.id, p.menteeId) &&
                  timesPairedIn(doc, m.id, p.menteeId) === fewest &&
                  !loads.has(m.id),
              )
              expect(idle).toEqual([])
            }
          }
        },
      ),
      { numRuns: 150 },
    )
  })

  it('gives the same proposal whatever order the members and pairings were inserted in', () => {
    fc.assert(
      fc.property(
        fc.array(memberArb, { minLength: 2, maxLength: 10 }),
        fc.integer({ min: 0, max: 3 }),
        (others, rotations) => {
          const ctx = testContext()
          const { doc } = newPod(ctx)
          others.forEach((m, i) =>
            addMember(
              doc,
              { name: `M${i}`, stage: m.stage, joinedAt: ctx.now + m.joinedDay * DAY },
              ctx,
            ),
          )
          for (let r = 0; r < rotations; r++) {
            startRotation(doc, proposePairings(doc, ctx.now), ctx)
            ctx.advance(DEFAULT_PAIRING_PERIOD_MS)
          }
          const reversed: PodDoc = {
            ...doc,
            members: Object.fromEntries(Object.entries(doc.members).reverse()),
            pairings: Object.fromEntries(Object.entries(doc.pairings).reverse()),
          }
          expect(proposePairings(reversed, ctx.now)).toEqual(proposePairings(doc, ctx.now))
        },
      ),
      { numRuns: 100 },
    )
  })
})
