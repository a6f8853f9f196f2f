import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith, waitForMembers } from './support/sync.ts'

// One device, two tabs: one tab holds the device's WebRTC mesh (a Web Lock), the other syncs
// through it over BroadcastChannel; when the leader closes, the other takes over.
describe('tabs on one device', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  const POD = 'Tabs pod'

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b] = await Promise.all([launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([a, b].map((d) => d?.destroy()))
    await host?.close()
  })

  it('runs one mesh per device and hands it over when the leading tab closes', async () => {
    await startAs(a.page, `${host.url}/`, 'Amara')
    await createPod(a.page, { name: POD, kind: /^Circle/ })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD)
    await waitConnectedWith(a.page, ['Bo'])

    const second = await a.context.newPage()
    await second.goto(a.page.url())
    await second.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await second.getByText('Connection details').click()
    await expect
      .poll(() => second.getByTestId('mesh-tab').textContent())
      .toBe('Another Tend tab on this device holds the connection; this tab syncs through it.')
    // The follower shows the leader's peers, and its edits reach B through the leader.
    await waitConnectedWith(second, ['Bo'])
    await addMember(second, 'From tab two', 'Newer')
    await waitForMembers(b.page, ['Amara', 'Bo', 'From tab two'])

    await a.page.close()
    await expect
      .poll(() => second.getByTestId('mesh-tab').textContent(), { timeout: 30_000 })
      .toBe('This tab holds this device’s connection to the pod.')
    await waitConnectedWith(second, ['Bo'])
    await addMember(b.page, 'After hand-over', 'Newer')
    await waitForMembers(second, ['Amara', 'Bo', 'From tab two', 'After hand-over'])
  })
})
