import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { startHost, type RunningHost } from '../../src/signal/server.ts'
import { addMember, createPod, memberNames, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith, waitForMembers } from './support/sync.ts'

// A pod may name several signaling services; losing one must not stop members finding each
// other, and losing all must not stop anyone using the pod on their own device.
describe('signaling services', () => {
  let app: Awaited<ReturnType<typeof startTestHost>>
  let broker1: RunningHost
  let broker2: RunningHost
  let a: Device
  let b: Device
  let c: Device
  const POD = 'Two brokers'

  beforeAll(async () => {
    app = await startTestHost()
    broker1 = await startHost({ port: 0, host: '127.0.0.1', staticDir: null })
    broker2 = await startHost({ port: 0, host: '127.0.0.1', staticDir: null })
    ;[a, b, c] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([a, b, c].map((d) => d?.destroy()))
    await Promise.allSettled([app?.close(), broker1?.close(), broker2?.close()])
  })

  it('keeps finding members through the second broker when the first stops', async () => {
    await startAs(a.page, `${app.url}/`, 'Amara')
    await createPod(a.page, { name: POD, kind: /^Circle/ })
    // Point the pod at the two brokers (not the app's own).
    await a.page.getByText('Connection details').click()
    const urls = [broker1, broker2].map((h) => `${h.url.replace('http', 'ws')}/mqtt`)
    // A relay address that is not one is refused in plain words, and nothing is saved.
    await a.page.getByLabel(/STUN\/TURN servers/).fill('https://relay.example.org')
    await a.page.getByRole('button', { name: 'Save connection settings' }).click()
    await a.page.getByText('Each relay line must be a stun: or turn: address').waitFor()
    await a.page.getByLabel(/STUN\/TURN servers/).fill('')
    await a.page.getByLabel('Signaling services (one per line)').fill(urls.join('\n'))
    await a.page.getByRole('button', { name: 'Save connection settings' }).click()
    await a.page.getByText('Saved.').waitFor()
    await a.page.reload()
    await a.page.getByRole('heading', { name: POD, level: 1 }).waitFor()

    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD)
    await waitConnectedWith(a.page, ['Bo'])
    const link = await makeInvite(a.page)

    await broker1.close()
    // C finds A and B through broker 2 alone; edits flow to all three.
    await joinByInvite(c.page, link, 'Cy', POD)
    await waitConnectedWith(c.page, ['Amara', 'Bo'])
    await addMember(c.page, 'Dee', 'Newer')
    for (const d of [a, b, c]) await waitForMembers(d.page, ['Amara', 'Bo', 'Cy', 'Dee'])
  })

  it('opens, edits and says it is offline when no broker answers', async () => {
    await broker2.close()
    // Reopen Tend: the old WebRTC links are gone and no broker can introduce anyone.
    await a.page.reload()
    await a.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await a.page.getByTestId('offline-banner').waitFor({ timeout: 30_000 })
    expect(await a.page.getByTestId('offline-banner').textContent()).toContain(
      'Your changes are safe on this device',
    )
    await addMember(a.page, 'Eli', 'Newer')
    expect((await memberNames(a.page)).sort()).toEqual(['Amara', 'Bo', 'Cy', 'Dee', 'Eli'])
    await a.page.reload()
    await a.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    expect((await memberNames(a.page)).sort()).toEqual(['Amara', 'Bo', 'Cy', 'Dee', 'Eli'])
  })
})
