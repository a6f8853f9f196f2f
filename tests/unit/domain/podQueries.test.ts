import { describe, expect, it } from 'vitest'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import { memberForDevice, membersForDisplay, readPodSize } from '../../../src/domain/podQueries.ts'
import type { PodKind } from '../../../src/schema/podDocument.ts'
import { newPod, testContext } from '../support/testContext.ts'

function podWith(kind: PodKind, active: number, paused = 0) {
  const ctx = testContext()
  const { doc } = newPod(ctx, { kind })
  for (let i = 1; i < active; i++) addMember(doc, { name: `M${i}`, stage: 'newer' }, ctx)
  for (let i = 0; i < paused; i++) {
    const id = addMember(doc, { name: `P${i}`, stage: 'newer' }, ctx)
    setMemberStatus(doc, id, 'paused', ctx)
  }
  return doc
}

describe('readPodSize', () => {
  it.each([
    ['learning-pod', 3, 'below'],
    ['learning-pod', 4, 'within'],
    ['learning-pod', 6, 'within'],
    ['learning-pod', 7, 'above'],
    ['cohort', 7, 'below'],
    ['cohort', 8, 'within'],
    ['cohort', 12, 'within'],
    ['cohort', 13, 'above'],
    ['circle', 20, 'open'],
  ] as const)('a %s of %i active members is %s', (kind, active, fit) => {
    expect(readPodSize(podWith(kind, active)).fit).toBe(fit)
  })

  it('counts only active members and explains the guidance gently', () => {
    const reading = readPodSize(podWith('learning-pod', 3, 2))
    expect(reading.activeCount).toBe(3)
    expect(reading.message).toContain('usually holds 4–6')
    expect(readPodSize(podWith('cohort', 14)).message).toContain('Consider splitting')
  })
})

describe('membersForDisplay', () => {
  it('lists active members first, by name, then paused, then left', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const zed = addMember(doc, { name: 'Zed', stage: 'newer' }, ctx)
    addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
    const cy = addMember(doc, { name: 'Cy', stage: 'newer' }, ctx)
    setMemberStatus(doc, zed, 'left', ctx)
    setMemberStatus(doc, cy, 'paused', ctx)
    expect(membersForDisplay(doc).map((m) => m.name)).toEqual(['Amara', 'Bo', 'Cy', 'Zed'])
  })
})

describe('memberForDevice', () => {
  it('finds the member a public key belongs to', () => {
    const ctx = testContext()
    const { doc, founderId } = newPod(ctx, { device: { id: 'd1', publicKey: 'key-1', label: 'x' } })
    expect(memberForDevice(doc, 'key-1')?.id).toBe(founderId)
    expect(memberForDevice(doc, 'key-2')).toBeNull()
  })
})
