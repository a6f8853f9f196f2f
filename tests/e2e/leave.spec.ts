/**
 * Leaving a pod: Bo leaves from his device. Amara's screen shows that he left; Bo's device says
 * that he left, stops syncing the pod, and keeps its copy readable.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, memberNames, memberRow, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith } from './support/sync.ts'

const POD = 'Parting pod'

describe('leaving a pod', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let amara: Device
  let bo: Device

  beforeAll(async () => {
    host = await startTestHost()
    ;[amara, bo] = await Promise.all([launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([amara, bo].map((d) => d?.destroy()))
    await host?.close()
  })

  it('is seen by the others, and this device stops syncing the pod', async () => {
    await startAs(amara.page, `${host.url}/`, 'Amara')
    await createPod(amara.page, { name: POD, kind: /^Cohort/ })
    await joinByInvite(bo.page, await makeInvite(amara.page), 'Bo', POD)
    await waitConnectedWith(bo.page, ['Amara'])

    const section = bo.page.getByRole('region', { name: 'Leave this pod' })
    await section.getByRole('button', { name: 'Leave this pod…' }).click()
    await section.getByRole('button', { name: 'Leave', exact: true }).click()

    await expect
      .poll(() => bo.page.getByTestId('removed-notice').textContent(), { timeout: 30_000 })
      .toMatch(/^You left this pod on /)
    await expect
      .poll(() => bo.page.getByTestId('connected-with').textContent(), { timeout: 30_000 })
      .toBe('Removed from this pod: this device no longer syncs with its members.')
    // Bo's copy stays readable.
    expect((await memberNames(bo.page)).sort()).toEqual(['Amara', 'Bo'])

    // Amara sees that he left, and her device no longer syncs with his.
    await expect
      .poll(() => memberRow(amara.page, 'Bo').textContent(), { timeout: 30_000 })
      .toMatch(/Left/)
    // His leaving is a signed removal her device accepts (never one it ignores), so the pod
    // moves to a key his devices do not hold.
    await expect
      .poll(() => memberRow(amara.page, 'Bo').textContent(), { timeout: 30_000 })
      .toMatch(/Removed from the pod: none of their devices can reach it now\./)
    expect(await amara.page.getByTestId('ignored-membership').count()).toBe(0)
    await waitConnectedWith(amara.page, [])
  })
})
