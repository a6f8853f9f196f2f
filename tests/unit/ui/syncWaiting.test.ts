import { describe, expect, it } from 'vitest'
import { waitingLines } from '../../../src/ui/pods/SyncPanel.tsx'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import { newPod, testContext } from '../support/testContext.ts'

describe('what is still waiting for each member', () => {
  const ctx = testContext()
  const { doc } = newPod(ctx)
  const device = (id: string) => ({ id, publicKey: `key-${id}`, label: id })
  const bo = addMember(doc, { name: 'Bo', stage: 'newer', device: device('bo') }, ctx)
  doc.members[bo]!.devices['bo-laptop'] = {
    ...device('bo-laptop'),
    addedAt: ctx.now,
    sealingKey: null,
    sealingKeySignature: null,
    addedBy: null,
    signature: null,
  }
  addMember(doc, { name: 'Cy', stage: 'newer', device: device('cy') }, ctx)
  const dee = addMember(doc, { name: 'Dee', stage: 'newer', device: device('dee') }, ctx)
  addMember(doc, { name: 'Eli', stage: 'newer' }, ctx)
  doc.members[Object.keys(doc.members)[0]!]!.devices['me'] = {
    ...device('me'),
    addedAt: 0,
    sealingKey: null,
    sealingKeySignature: null,
    addedBy: null,
    signature: null,
  }

  it('counts per member, the fewest missing on any of their devices', () => {
    expect(waitingLines(doc, { 'key-bo': 3, 'key-bo-laptop': 1, 'key-cy': 0 }, 'key-me')).toEqual([
      '1 change waiting for Bo',
      'Dee: not synced with this device yet',
    ])
    expect(waitingLines(doc, { 'key-bo': 2, 'key-cy': 5, 'key-dee': 0 }, 'key-me')).toEqual([
      '2 changes waiting for Bo',
      '5 changes waiting for Cy',
    ])
  })

  it('leaves out this device, members without devices and members who left', () => {
    setMemberStatus(doc, dee, 'left', ctx)
    expect(waitingLines(doc, { 'key-bo': 0, 'key-bo-laptop': 0, 'key-cy': 0 }, 'key-me')).toEqual(
      [],
    )
  })
})
