import { describe, expect, it } from 'vitest'
import { LIMITS, TEXT_LIMITS } from '../../../src/schema/limits.ts'
import { DomainError } from '../../../src/domain/commandContext.ts'
import { addMember } from '../../../src/domain/members.ts'
import { addContainer } from '../../../src/domain/containers.ts'
import { addCheckIn, addInsight, scheduleMeeting } from '../../../src/domain/meetings.ts'
import { addRole } from '../../../src/domain/roleRotation.ts'
import { newPod, testContext } from '../support/testContext.ts'

function refusal(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof DomainError) return error.message
    throw error
  }
  throw new Error('the command was not refused')
}

describe('limits on what a pod holds', () => {
  it('refuses a member past the limit, in words, and adds none', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    while (Object.keys(doc.members).length < LIMITS.members) {
      addMember(doc, { name: 'Someone', stage: 'newer' }, ctx)
    }
    expect(refusal(() => addMember(doc, { name: 'One more', stage: 'newer' }, ctx))).toBe(
      `This pod already has ${LIMITS.members} members, the most Tend keeps in one pod.`,
    )
    expect(Object.keys(doc.members)).toHaveLength(LIMITS.members)
  })

  it('refuses a member name longer than the limit', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const name = 'x'.repeat(TEXT_LIMITS.personName + 1)
    expect(refusal(() => addMember(doc, { name, stage: 'newer' }, ctx))).toBe(
      `The member name is longer than ${TEXT_LIMITS.personName} characters.`,
    )
  })

  it('refuses containers, roles and notes past their limits', () => {
    const ctx = testContext()
    const { doc, founderId } = newPod(ctx)
    const container = { kind: 'circle', weekday: 1, time: '18:00', timeZone: 'UTC' } as const
    while (Object.keys(doc.containers).length < LIMITS.containers) addContainer(doc, container, ctx)
    expect(refusal(() => addContainer(doc, container, ctx))).toContain(
      `${LIMITS.containers} containers`,
    )
    while (Object.keys(doc.roles).length < LIMITS.roles) addRole(doc, { name: 'Helper' }, ctx)
    expect(refusal(() => addRole(doc, { name: 'Helper' }, ctx))).toContain(`${LIMITS.roles} roles`)

    const meetingId = scheduleMeeting(
      doc,
      { containerId: null, scheduledFor: ctx.now, notesUrl: null },
      ctx,
    )
    for (let i = 0; i < LIMITS.notesPerMeeting; i++) {
      addCheckIn(doc, meetingId, { memberId: founderId, text: 'Here' }, ctx)
    }
    expect(
      refusal(() => addCheckIn(doc, meetingId, { memberId: founderId, text: 'Here' }, ctx)),
    ).toContain(`${LIMITS.notesPerMeeting} check-ins in this meeting`)
    const tags = Array.from({ length: LIMITS.tagsPerInsight + 1 }, (_, i) => `tag${i}`)
    expect(
      refusal(() =>
        addInsight(
          doc,
          meetingId,
          { authorId: founderId, kind: 'learning', text: 'Hm', tags },
          ctx,
        ),
      ),
    ).toBe(`An insight can have at most ${LIMITS.tagsPerInsight} tags.`)
  })
})
