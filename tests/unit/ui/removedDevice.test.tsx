// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { RolesScreen } from '../../../src/ui/roles/RolesScreen.tsx'
import { NormsScreen } from '../../../src/ui/norms/NormsScreen.tsx'
import { changePod, REMOVED_REFUSAL } from '../../../src/hooks/podAccess.ts'
import { changeMembers } from '../../../src/hooks/signedMembers.ts'
import { addMember } from '../../../src/domain/members.ts'
import type { TendServices } from '../../../src/hooks/services.ts'
import { eventually, podInMemory, renderScreen, unmountScreens } from '../support/screens.tsx'

afterEach(unmountScreens)

/** The services of a device whose record of the pod says it was removed from it. */
function removedDevice(services: TendServices): TendServices {
  const removed = { at: Date.now(), byName: 'Amara', wholeMember: false }
  return {
    ...services,
    deviceKeys: { deviceId: 'laptop', publicKeyText: 'laptop-key' },
    device: {
      ...services.device,
      getPod: async (url: string) => ({ url, name: 'Pod', memberId: null, removed }),
    },
  } as unknown as TendServices
}

describe('a device removed from a pod', () => {
  it('shows every practice screen read-only, saying why', async () => {
    const { url, services } = await podInMemory(() => undefined)
    const member = renderScreen(services, <RolesScreen url={url} />)
    await eventually(() => member.querySelector('form[aria-label="Add a role"]'))

    const gone = removedDevice(services)
    const roles = renderScreen(gone, <RolesScreen url={url} />)
    await eventually(() => roles.querySelector('h1'))
    expect(roles.querySelector('[data-testid=removed-notice]')?.textContent).toMatch(
      /^This device was removed from this pod by Amara on /,
    )
    expect(roles.querySelector('form[aria-label="Add a role"]')).toBeNull()
    const norms = renderScreen(gone, <NormsScreen url={url} />)
    await eventually(() => norms.querySelector('[data-testid=removed-notice]'))
    expect(norms.textContent).not.toContain('Propose a norm')
  })

  it('refuses every command with a plain message, leaving the pod unchanged', async () => {
    const { url, pods, services } = await podInMemory(() => undefined)
    const before = JSON.stringify(pods.peek(url))
    const gone = removedDevice(services)
    await expect(
      changePod(gone, url, (doc) => {
        doc.pod.name = 'Renamed on a removed device'
      }),
    ).rejects.toThrow(REMOVED_REFUSAL)
    await expect(
      changeMembers(gone, url, (doc, ctx) => addMember(doc, { name: 'Zed', stage: 'newer' }, ctx)),
    ).rejects.toThrow(REMOVED_REFUSAL)
    expect(JSON.stringify(pods.peek(url))).toBe(before)
  })
})
