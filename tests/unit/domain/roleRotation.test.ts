import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { CommandContext } from '../../../src/domain/commandContext.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember, setMemberStatus, updateMember } from '../../../src/domain/members.ts'
import { holdMeeting, scheduleMeeting, setAttendance } from '../../../src/domain/meetings.ts'
import {
  activeRoles,
  addRole,
  isFacilitatorRole,
  recordRoleSwap,
  renameRole,
  retireRole,
  roleHistory,
  roleHistoryByRole,
  rotationDetail,
  rotationFor,
  setRoleTerm,
  upcomingHolders,
} from '../../../src/domain/roleRotation.ts'
import type { Attendance, Member, MemberStatus, PodDoc } from '../../../src/schema/podDocument.ts'
import { newPod, testContext } from '../support/testContext.ts'

const DAY = 24 * 60 * 60 * 1000
const WEEK = 7 * DAY

/** A pod whose members joined one second apart, in the order named (the founder first). */
function podOf(names: readonly string[]) {
  const ctx = testContext()
  const [first = 'Amara', ...rest] = names
  const { doc, founderId } = newPod(ctx, { founder: { name: first, stage: 'experienced' } })
  const ids: Record<string, string> = { [first]: founderId }
  rest.forEach((name, i) => {
    ids[name] = addMember(
      doc,
      { name, stage: 'practising', joinedAt: ctx.now + (i + 1) * 1000 },
      ctx,
    )
  })
  const roles: Record<string, string> = {}
  for (const role of Object.values(doc.roles)) roles[role.name] = role.id
  return { ctx, doc, ids, roles }
}

function onlyRoles(doc: PodDoc, keep: readonly string[], ctx: CommandContext): void {
  for (const role of Object.values(doc.roles)) {
    if (!keep.includes(role.name)) retireRole(doc, role.id, ctx)
    else setRoleTerm(doc, role.id, 'meeting')
  }
}

/** Role name → member name, so expectations read like the screen. */
function byName(
  doc: PodDoc,
  holders: Record<string, string | null>,
): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const [roleId, memberId] of Object.entries(holders)) {
    const role = doc.roles[roleId]
    if (role === undefined) continue
    out[role.name] = memberId === null ? null : (doc.members[memberId]?.name ?? memberId)
  }
  return out
}

/** Schedules and holds a circle; everyone active is present except those named absent. */
function holdCircle(
  doc: PodDoc,
  ctx: CommandContext,
  at: number,
  absent: readonly string[] = [],
): string {
  const id = scheduleMeeting(doc, { containerId: null, scheduledFor: at, notesUrl: null }, ctx)
  for (const member of Object.values(doc.members)) {
    if (member.status !== 'active') continue
    setAttendance(doc, id, member.id, absent.includes(member.id) ? 'absent' : 'present')
  }
  holdMeeting(doc, id, ctx)
  return id
}

describe('rotationFor', () => {
  it('gives the first circle four different members, in role order and joining order', () => {
    const { ctx, doc } = podOf(['Amara', 'Ben', 'Chen', 'Dita'])
    const t = ctx.now + WEEK
    expect(byName(doc, rotationFor(doc, { scheduledFor: t }))).toEqual({
      Facilitator: 'Amara',
      Timekeeper: 'Ben',
      'Note-taker': 'Chen',
      'Calendar guardian': 'Dita',
    })
  })

  it('over four circles of four members, every member holds every role exactly once', () => {
    const { ctx, doc, roles } = podOf(['Amara', 'Ben', 'Chen', 'Dita'])
    setRoleTerm(doc, roles['Calendar guardian'] as string, 'meeting')
    const meetings = [1, 2, 3, 4].map((w) => holdCircle(doc, ctx, ctx.now + w * WEEK))
    for (const meetingId of meetings) {
      const holders = Object.values(doc.meetings[meetingId]?.roleHolders ?? {})
      expect(new Set(holders).size).toBe(4)
    }
    for (const turns of Object.values(roleHistoryByRole(doc))) {
      expect(new Set(turns.map((t) => t.memberId)).size).toBe(4)
    }
  })

  it('skips an absent member and gives them the role at the next circle they attend', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen'])
    onlyRoles(doc, ['Facilitator'], ctx)
    const f = roles['Facilitator'] as string
    const m1 = holdCircle(doc, ctx, ctx.now + WEEK)
    const m2 = holdCircle(doc, ctx, ctx.now + 2 * WEEK, [ids['Ben'] as string])
    const m3 = holdCircle(doc, ctx, ctx.now + 3 * WEEK)
    expect(
      [m1, m2, m3].map((m) => doc.members[doc.meetings[m]?.roleHolders[f] ?? '']?.name),
    ).toEqual(['Amara', 'Chen', 'Ben'])
  })

  it('skips paused, departed and away members until they are back', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen', 'Dita'])
    onlyRoles(doc, ['Facilitator'], ctx)
    const f = roles['Facilitator'] as string
    holdCircle(doc, ctx, ctx.now + WEEK) // Amara
    setMemberStatus(doc, ids['Ben'] as string, 'paused', ctx)
    setMemberStatus(doc, ids['Dita'] as string, 'left', ctx)
    updateMember(doc, ids['Chen'] as string, { awayUntil: ctx.now + 2 * WEEK + DAY }, ctx)
    // Nobody else can: Amara holds it again rather than leave the circle without a facilitator.
    expect(rotationFor(doc, { scheduledFor: ctx.now + 2 * WEEK })[f]).toBe(ids['Amara'])
    // Chen is back after their time away.
    expect(rotationFor(doc, { scheduledFor: ctx.now + 3 * WEEK })[f]).toBe(ids['Chen'])
    setMemberStatus(doc, ids['Ben'] as string, 'active', ctx)
    expect(rotationFor(doc, { scheduledFor: ctx.now + 3 * WEEK })[f]).toBe(ids['Ben'])
  })

  it('does not ask a newcomer to facilitate at their first circle, and does at their second', () => {
    const { ctx, doc, roles } = podOf(['Amara', 'Ben', 'Chen'])
    onlyRoles(doc, ['Facilitator', 'Timekeeper'], ctx)
    const f = roles['Facilitator'] as string
    const tk = roles['Timekeeper'] as string
    for (const w of [1, 2, 3]) holdCircle(doc, ctx, ctx.now + w * WEEK)
    const dita = addMember(doc, { name: 'Dita', stage: 'newer', joinedAt: ctx.now + 3 * WEEK }, ctx)
    const first = holdCircle(doc, ctx, ctx.now + 4 * WEEK)
    const holders = doc.meetings[first]?.roleHolders ?? {}
    expect(holders[f]).not.toBe(dita)
    expect(holders[tk]).toBe(dita)
    expect(rotationDetail(doc, { scheduledFor: ctx.now + 5 * WEEK }).holders[f]).toBe(dita)
  })

  it('lets everyone facilitate at the very first circle, where all are new', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben'])
    expect(rotationFor(doc, { scheduledFor: ctx.now + WEEK })[roles['Facilitator'] as string]).toBe(
      ids['Amara'],
    )
  })

  it('respects a manual swap and gives the swapped-out member the role next', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen'])
    onlyRoles(doc, ['Facilitator'], ctx)
    const f = roles['Facilitator'] as string
    const m1 = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now + WEEK, notesUrl: null },
      ctx,
    )
    for (const id of Object.values(ids)) setAttendance(doc, m1, id, 'present')
    expect(rotationFor(doc, { meetingId: m1 })[f]).toBe(ids['Amara'])
    recordRoleSwap(
      doc,
      {
        meetingId: m1,
        roleId: f,
        fromMemberId: ids['Amara'] as string,
        toMemberId: ids['Chen'] as string,
      },
      ctx,
    )
    expect(rotationDetail(doc, { meetingId: m1 })).toMatchObject({
      holders: { [f]: ids['Chen'] },
      sources: { [f]: 'swap' },
    })
    holdMeeting(doc, m1, ctx)
    expect(doc.meetings[m1]?.roleHolders[f]).toBe(ids['Chen'])
    expect(rotationFor(doc, { scheduledFor: ctx.now + 2 * WEEK })[f]).toBe(ids['Amara'])
    expect(roleHistory(doc, ids['Chen'] as string)).toEqual([
      {
        meetingId: m1,
        scheduledFor: ctx.now + WEEK,
        roleId: f,
        memberId: ids['Chen'],
        viaSwap: true,
      },
    ])
  })

  it('a recorded swap wins over a concurrent write of the same role holder', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen'])
    const f = roles['Facilitator'] as string
    const m1 = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now + WEEK, notesUrl: null },
      ctx,
    )
    recordRoleSwap(
      doc,
      {
        meetingId: m1,
        roleId: f,
        fromMemberId: ids['Amara'] as string,
        toMemberId: ids['Ben'] as string,
      },
      ctx,
    )
    // Another device wrote the computed holder at the same time and its write won the merge.
    ;(doc.meetings[m1] as { roleHolders: Record<string, string> }).roleHolders[f] = ids[
      'Amara'
    ] as string
    expect(rotationFor(doc, { meetingId: m1 })[f]).toBe(ids['Ben'])
  })

  it('refuses a swap from someone who does not hold the role', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen'])
    const m1 = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now + WEEK, notesUrl: null },
      ctx,
    )
    expect(() =>
      recordRoleSwap(
        doc,
        {
          meetingId: m1,
          roleId: roles['Facilitator'] as string,
          fromMemberId: ids['Ben'] as string,
          toMemberId: ids['Chen'] as string,
        },
        ctx,
      ),
    ).toThrow(DomainError)
    expect(doc.roleSwaps).toEqual({})
  })

  it('gives one member two roles only when nobody else is free', () => {
    const { ctx, doc } = podOf(['Amara', 'Ben'])
    const holders = Object.values(rotationFor(doc, { scheduledFor: ctx.now + WEEK }))
    expect(holders).not.toContain(null)
    expect(holders.filter((h) => h === holders[0]).length).toBe(2)
  })

  it('keeps a monthly holder through the month (UTC), with a stand-in when they are absent', () => {
    const { ctx, doc, roles } = podOf(['Amara', 'Ben', 'Chen', 'Dita'])
    const cg = roles['Calendar guardian'] as string
    const start = Date.UTC(2026, 0, 6, 18)
    const jan = [0, 1, 2].map((w) => start + w * WEEK) // 6, 13, 20 January
    const m1 = holdCircle(doc, ctx, jan[0] as number)
    const guardian = doc.meetings[m1]?.roleHolders[cg] as string
    const m2 = holdCircle(doc, ctx, jan[1] as number, [guardian])
    const m3 = holdCircle(doc, ctx, jan[2] as number)
    expect(doc.meetings[m2]?.roleHolders[cg]).not.toBe(guardian)
    expect(doc.meetings[m3]?.roleHolders[cg]).toBe(guardian)
    const february = rotationDetail(doc, { scheduledFor: Date.UTC(2026, 1, 3, 18) })
    expect(february.sources[cg]).toBe('rotation')
    expect(february.holders[cg]).not.toBe(guardian)
  })

  it('keeps a quarterly holder from January to March and changes it in April', () => {
    const { ctx, doc, roles } = podOf(['Amara', 'Ben', 'Chen'])
    const tk = roles['Timekeeper'] as string
    setRoleTerm(doc, tk, 'quarterly')
    const m1 = holdCircle(doc, ctx, Date.UTC(2026, 0, 13, 18))
    const holder = doc.meetings[m1]?.roleHolders[tk]
    expect(rotationDetail(doc, { scheduledFor: Date.UTC(2026, 2, 31, 18) })).toMatchObject({
      holders: { [tk]: holder },
      sources: { [tk]: 'term' },
    })
    expect(rotationFor(doc, { scheduledFor: Date.UTC(2026, 3, 1, 18) })[tk]).not.toBe(holder)
  })

  it('stops rotating a retired role and keeps it in the history', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen', 'Dita'])
    const nt = roles['Note-taker'] as string
    holdCircle(doc, ctx, ctx.now + WEEK)
    retireRole(doc, nt, ctx)
    expect(Object.keys(rotationFor(doc, { scheduledFor: ctx.now + 2 * WEEK }))).not.toContain(nt)
    expect(roleHistoryByRole(doc)[nt]?.map((t) => t.memberId)).toEqual([ids['Chen']])
  })

  it('adds a role at the end, renames one without losing its history', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen', 'Dita', 'Eli'])
    const added = addRole(doc, { name: 'Welcomer' }, ctx)
    expect(activeRoles(doc).map((r) => r.name)).toEqual([
      'Facilitator',
      'Timekeeper',
      'Note-taker',
      'Calendar guardian',
      'Welcomer',
    ])
    holdCircle(doc, ctx, ctx.now + WEEK)
    renameRole(doc, roles['Facilitator'] as string, 'Host')
    expect(isFacilitatorRole(doc.roles[roles['Facilitator'] as string] as { name: string })).toBe(
      false,
    )
    expect(roleHistory(doc, ids['Amara'] as string).map((t) => t.roleId)).toEqual([
      roles['Facilitator'],
    ])
    expect(roleHistory(doc, ids['Eli'] as string).map((t) => t.roleId)).toEqual([added])
  })
})

describe('upcomingHolders', () => {
  it('projects the next three meetings one after another, using rhythm slots past the calendar', () => {
    const { ctx, doc, ids, roles } = podOf(['Amara', 'Ben', 'Chen', 'Dita'])
    onlyRoles(doc, ['Facilitator'], ctx)
    const f = roles['Facilitator'] as string
    const planned = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now + WEEK, notesUrl: null },
      ctx,
    )
    const upcoming = upcomingHolders(doc, {
      startingAt: ctx.now,
      slots: [ctx.now + WEEK, ctx.now + 2 * WEEK, ctx.now + 3 * WEEK, ctx.now + 4 * WEEK],
    })
    expect(upcoming.map((u) => u.meetingId)).toEqual([planned, null, null])
    expect(upcoming.map((u) => u.scheduledFor)).toEqual([
      ctx.now + WEEK,
      ctx.now + 2 * WEEK,
      ctx.now + 3 * WEEK,
    ])
    expect(upcoming.map((u) => u.holders[f])).toEqual([ids['Amara'], ids['Ben'], ids['Chen']])
  })

  it('shows only planned meetings when there are enough, and none before startingAt', () => {
    const { ctx, doc } = podOf(['Amara', 'Ben', 'Chen'])
    holdCircle(doc, ctx, ctx.now + WEEK)
    const later = [2, 3, 4, 5].map((w) =>
      scheduleMeeting(
        doc,
        { containerId: null, scheduledFor: ctx.now + w * WEEK, notesUrl: null },
        ctx,
      ),
    )
    const upcoming = upcomingHolders(doc, { startingAt: ctx.now + WEEK + 1, slots: [ctx.now] })
    expect(upcoming.map((u) => u.meetingId)).toEqual(later.slice(0, 3))
  })
})

// ---------------------------------------------------------------------------------------------
// Property tests
// ---------------------------------------------------------------------------------------------

type Event =
  | { kind: 'join'; stage: 'newer' | 'practising' | 'experienced' }
  | { kind: 'status'; who: number; status: MemberStatus }
  | { kind: 'away'; who: number; weeks: number }
  | {
      kind: 'meeting'
      attendance: Attendance[]
      swap: { role: number; to: number } | null
      skipped: boolean
    }

const eventArb: fc.Arbitrary<Event> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('join' as const),
      stage: fc.constantFrom('newer', 'practising', 'experienced'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('status' as const),
      who: fc.nat(20),
      status: fc.constantFrom<MemberStatus>('active', 'paused', 'left'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('away' as const),
      who: fc.nat(20),
      weeks: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('meeting' as const),
      attendance: fc.array(
        fc.constantFrom<Attendance>('present', 'present', 'present', 'absent', 'excused'),
        {
          minLength: 20,
          maxLength: 20,
        },
      ),
      swap: fc.option(fc.record({ role: fc.nat(3), to: fc.nat(20) }), { nil: null }),
      skipped: fc.boolean(),
    }),
  },
)

function memberIds(doc: PodDoc): string[] {
  return Object.values(doc.members)
    .sort((a, b) => a.joinedAt - b.joinedAt || (a.id < b.id ? -1 : 1))
    .map((m) => m.id)
}

/** Who may hold `roleId` at the meeting, read straight from the record (the rule as stated). */
function eligibleFor(doc: PodDoc, meetingId: string, roleId: string): string[] {
  const meeting = doc.meetings[meetingId]
  if (meeting === undefined) return []
  const t = meeting.scheduledFor
  const available = Object.values(doc.members).filter(
    (m) =>
      m.status === 'active' &&
      m.joinedAt <= t &&
      (m.awayUntil === null || m.awayUntil <= t) &&
      meeting.attendance[m.id] !== 'absent' &&
      meeting.attendance[m.id] !== 'excused',
  )
  const role = doc.roles[roleId]
  if (role === undefined || !/facilitat/i.test(role.name)) return available.map((m) => m.id)
  const heldBefore = Object.values(doc.meetings).filter(
    (m) => m.status === 'held' && m.scheduledFor < t,
  )
  const seasoned = available.filter((m) =>
    heldBefore.some(
      (h) => h.attendance[m.id] === 'present' || Object.values(h.roleHolders).includes(m.id),
    ),
  )
  return (seasoned.length > 0 ? seasoned : available).map((m) => m.id)
}

function servedBefore(doc: PodDoc, meetingId: string, roleId: string): Set<string> {
  const meeting = doc.meetings[meetingId] as { scheduledFor: number }
  const served = new Set<string>()
  for (const m of Object.values(doc.meetings)) {
    if (m.status !== 'held' || m.scheduledFor >= meeting.scheduledFor) continue
    const holder = m.roleHolders[roleId]
    if (holder !== undefined) served.add(holder)
  }
  return served
}

/** Plays events into a pod; checks every rotation-made assignment as it is made. */
function play(
  doc: PodDoc,
  ctx: CommandContext & { advance(ms: number): void },
  events: readonly Event[],
  onAssignment: (meetingId: string, roleId: string, holder: string) => void,
): void {
  let t = ctx.now
  for (const event of events) {
    const ids = memberIds(doc)
    if (event.kind === 'join') {
      addMember(doc, { name: `M${ids.length}`, stage: event.stage, joinedAt: t }, ctx)
    } else if (event.kind === 'status') {
      const id = ids[event.who % ids.length] as string
      setMemberStatus(doc, id, event.status, ctx)
    } else if (event.kind === 'away') {
      const id = ids[event.who % ids.length] as string
      updateMember(doc, id, { awayUntil: t + event.weeks * WEEK }, ctx)
    } else {
      t += WEEK
      ctx.advance(WEEK)
      const meetingId = scheduleMeeting(
        doc,
        { containerId: null, scheduledFor: t, notesUrl: null },
        ctx,
      )
      ids.forEach((id, i) => {
        if (doc.members[id]?.status === 'active') {
          setAttendance(
            doc,
            meetingId,
            id,
            event.attendance[i % event.attendance.length] ?? 'present',
          )
        }
      })
      if (event.skipped) {
        ;(doc.meetings[meetingId] as { status: string }).status = 'skipped'
        continue
      }
      const detail = rotationDetail(doc, { meetingId })
      for (const [roleId, holder] of Object.entries(detail.holders)) {
        if (holder !== null && detail.sources[roleId] === 'rotation')
          onAssignment(meetingId, roleId, holder)
      }
      holdMeeting(doc, meetingId, ctx)
      const roles = activeRoles(doc)
      const swapRole = event.swap === null ? undefined : roles[event.swap.role % roles.length]
      if (event.swap !== null && swapRole !== undefined) {
        const from = doc.meetings[meetingId]?.roleHolders[swapRole.id]
        const active = ids.filter((id) => doc.members[id]?.status === 'active' && id !== from)
        const to = active[event.swap.to % Math.max(1, active.length)]
        if (from !== undefined && to !== undefined) {
          recordRoleSwap(
            doc,
            { meetingId, roleId: swapRole.id, fromMemberId: from, toMemberId: to },
            ctx,
          )
        }
      }
    }
  }
}

describe('rotation fairness (property)', () => {
  it('never gives a role to someone twice before every eligible member has had a first turn', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.array(eventArb, { minLength: 1, maxLength: 40 }),
        (initial, events) => {
          const ctx = testContext()
          const { doc } = newPod(ctx)
          for (let i = 1; i < initial; i++) {
            addMember(doc, { name: `S${i}`, stage: 'practising', joinedAt: ctx.now + i }, ctx)
          }
          play(doc, ctx, events, (meetingId, roleId, holder) => {
            const eligible = eligibleFor(doc, meetingId, roleId)
            expect(eligible).toContain(holder)
            const served = servedBefore(doc, meetingId, roleId)
            if (served.has(holder)) {
              const waiting = eligible.filter((id) => !served.has(id))
              expect(waiting).toEqual([])
            }
          })
        },
      ),
      { numRuns: 150 },
    )
  })
})

describe('rotation after a merge (property)', () => {
  /** A context whose ids cannot collide with another device's. */
  function deviceContext(prefix: string, start: number) {
    let n = 0
    const ctx = {
      now: start,
      newId: () => `${prefix}${++n}`,
      advance(ms: number) {
        ctx.now += ms
      },
    }
    return ctx
  }

  /** Rebuilds a map with its keys inserted in the given order. */
  function reorder<T>(map: Record<string, T>, weights: readonly number[]): Record<string, T> {
    const keys = Object.keys(map)
    const order = keys
      .map((key, i) => ({ key, w: weights[i % Math.max(1, weights.length)] ?? 0, i }))
      .sort((a, b) => a.w - b.w || a.i - b.i)
    const out: Record<string, T> = {}
    for (const { key } of order) out[key] = map[key] as T
    return out
  }

  /**
   * Both devices changed the same member: like Automerge, every device keeps the same one of
   * the two versions (here the later edit, ties by content), whichever side merges.
   */
  function pickMember(x: Member | undefined, y: Member | undefined): Member {
    if (x === undefined) return y as Member
    if (y === undefined) return x
    if (x.updatedAt !== y.updatedAt) return x.updatedAt > y.updatedAt ? x : y
    return JSON.stringify(x) >= JSON.stringify(y) ? x : y
  }

  function merge(a: PodDoc, b: PodDoc, weights: readonly number[]): PodDoc {
    const doc = structuredClone(a)
    const members: Record<string, Member> = {}
    for (const id of new Set([...Object.keys(a.members), ...Object.keys(b.members)])) {
      members[id] = structuredClone(pickMember(a.members[id], b.members[id]))
    }
    doc.members = reorder(members, weights)
    doc.meetings = reorder({ ...b.meetings, ...a.meetings }, [...weights].reverse())
    doc.roleSwaps = reorder({ ...b.roleSwaps, ...a.roleSwaps }, weights)
    return doc
  }

  it('computes the same rotation from concurrent offline meetings, whatever the merge order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }),
        fc.array(eventArb, { maxLength: 8 }),
        fc.array(eventArb, { maxLength: 12 }),
        fc.array(eventArb, { maxLength: 12 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 30 }),
        fc.array(fc.integer(), { minLength: 1, maxLength: 30 }),
        (initial, shared, onA, onB, weights1, weights2) => {
          const base = testContext()
          const { doc } = newPod(base)
          for (let i = 1; i < initial; i++) {
            addMember(doc, { name: `S${i}`, stage: 'practising', joinedAt: base.now + i }, base)
          }
          play(doc, base, shared, () => {})
          const a = structuredClone(doc)
          const b = structuredClone(doc)
          // The two devices meet offline; B's circles fall half a week later, some on the same day.
          play(a, deviceContext('a-', base.now), onA, () => {})
          play(
            b,
            deviceContext('b-', base.now + (onB.length % 2 === 0 ? 0 : WEEK / 2)),
            onB,
            () => {},
          )
          const one = merge(a, b, weights1)
          const two = merge(b, a, weights2)
          const future = base.now + 60 * WEEK
          expect(rotationFor(two, { scheduledFor: future })).toEqual(
            rotationFor(one, { scheduledFor: future }),
          )
          for (const meetingId of Object.keys(one.meetings)) {
            expect(rotationFor(two, { meetingId })).toEqual(rotationFor(one, { meetingId }))
          }
          const slots = [1, 2, 3].map((w) => future + w * WEEK)
          expect(upcomingHolders(two, { startingAt: future, slots })).toEqual(
            upcomingHolders(one, { startingAt: future, slots }),
          )
          for (const memberId of Object.keys(one.members)) {
            expect(roleHistory(two, memberId)).toEqual(roleHistory(one, memberId))
          }
        },
      ),
      { numRuns: 100 },
    )
  })
})
