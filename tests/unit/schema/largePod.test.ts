import { describe, expect, it } from 'vitest'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { LIMITS } from '../../../src/schema/limits.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { holdMeeting, scheduleMeeting, setAttendance } from '../../../src/domain/meetings.ts'
import { membersForDisplay, readPodSize } from '../../../src/domain/podQueries.ts'
import { activeRoles, rotationFor, upcomingHolders } from '../../../src/domain/roleRotation.ts'
import { readVitality } from '../../../src/domain/vitality.ts'
import { counterContext, WEEK } from '../domain/podFixture.ts'

const START = Date.UTC(2026, 0, 7, 17)
const MEMBERS = 10_000

/**
 * A pod far past the limits commands keep to, as a peer could write it: reading it must still
 * work and give the right answers (and stay linear in members; see the README's figure).
 */
function hugePod(): { doc: PodDoc; ids: string[] } {
  const ctx = counterContext(START)
  const doc = {} as PodDoc
  const founder = initPod(
    doc,
    {
      name: 'Everyone',
      purpose: 'A pod a peer overfilled',
      kind: 'cohort',
      founder: { name: 'Amara', stage: 'experienced' },
      device: null,
    },
    ctx,
  )
  const ids = [founder]
  for (let i = 1; i < MEMBERS; i++) {
    // Written as a peer would, past the member limit addMember keeps to.
    const id = `m${String(i).padStart(5, '0')}`
    doc.members[id] = {
      id,
      name: `Member ${i}`,
      legacy: null,
      stage: i % 3 === 0 ? 'experienced' : 'newer',
      joinedAt: START + i,
      status: 'active',
      awayUntil: null,
      devices: {},
      createdAt: START,
      updatedAt: START,
    }
    ids.push(id)
  }
  for (let week = 0; week < 3; week++) {
    ctx.now = START + week * WEEK
    const meetingId = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now, notesUrl: null },
      ctx,
    )
    for (const id of ids.slice(0, 20)) setAttendance(doc, meetingId, id, 'present')
    holdMeeting(doc, meetingId, ctx)
  }
  return { doc, ids }
}

describe('a pod with 10,000 members', () => {
  const { doc, ids } = hugePod()

  it('is more than commands would write, and still parses with nothing to repair', () => {
    expect(MEMBERS).toBeGreaterThan(LIMITS.members)
    const parsed = parsePodDoc(doc)
    expect(parsed.ok && parsed.problems).toEqual([])
  })

  it('lists every member, names its size, rotates roles and reads vitality', () => {
    const parsed = parsePodDoc(doc)
    if (!parsed.ok) throw new Error('expected a pod')
    const view = parsed.view
    const now = START + 3 * WEEK

    const shown = membersForDisplay(view)
    expect(shown).toHaveLength(MEMBERS)
    expect(new Set(shown.map((m) => m.id))).toEqual(new Set(ids))
    expect(readPodSize(view).fit).toBe('above')

    const holders = rotationFor(view, { scheduledFor: now })
    const roles = activeRoles(view)
    expect(Object.keys(holders).sort()).toEqual(roles.map((r) => r.id).sort())
    const named = Object.values(holders).filter((id): id is string => id !== null)
    expect(named.length).toBe(roles.length)
    for (const id of named) expect(ids).toContain(id)
    expect(new Set(named).size).toBe(named.length)
    expect(upcomingHolders(view, { startingAt: now, count: 3, slots: [now + WEEK] })).toHaveLength(
      1,
    )

    const vitality = readVitality(view, now)
    expect(vitality.attendance.series).toHaveLength(3)
  })
})
