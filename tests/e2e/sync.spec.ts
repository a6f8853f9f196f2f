import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, waitForServiceWorker, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, memberNames, startAs } from './support/tend.ts'
import {
  joinByInvite,
  makeInvite,
  relaunch,
  waitConnectedWith,
  waitForMembers,
} from './support/sync.ts'

// Three members, each on a device of their own (a persistent Chromium profile), syncing over
// WebRTC with signaling through the host's broker. Run inside a private network namespace by
// the test command, so no packet leaves the machine.
describe('three members syncing peer to peer', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let c: Device
  const POD = 'Thursday circle'

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b, c] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([a, b, c].map((d) => d?.destroy()))
    await host?.close()
  })

  it('invites by link; everyone sees everyone; concurrent edits converge', async () => {
    await startAs(a.page, `${host.url}/`, 'Amara')
    await createPod(a.page, { name: POD, kind: /^Learning pod/ })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD)
    await joinByInvite(c.page, await makeInvite(a.page), 'Cy', POD, 'Practising')

    await waitConnectedWith(a.page, ['Bo', 'Cy'])
    await waitConnectedWith(b.page, ['Amara', 'Cy'])
    await waitConnectedWith(c.page, ['Amara', 'Bo'])
    for (const d of [a, b, c]) await waitForMembers(d.page, ['Amara', 'Bo', 'Cy'])
    // The panel says how each is reached: all on one machine's network here.
    await a.page.getByText('Connection details').click()
    await expect
      .poll(() => a.page.getByTestId('peer-path').allTextContents())
      .toEqual(expect.arrayContaining([expect.stringContaining('Bo: on the same network')]))

    // Everyone adds someone at the same moment.
    await Promise.all([
      addMember(a.page, 'Dee', 'Newer'),
      addMember(b.page, 'Eli', 'Newer'),
      addMember(c.page, 'Fay', 'Newer'),
    ])
    const all = ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay']
    for (const d of [a, b, c]) await waitForMembers(d.page, all)
  })

  it('merges everything when a member who edited while away comes back', async () => {
    await waitForServiceWorker(c.page)
    const podUrl = c.page.url()
    await c.close()
    await waitConnectedWith(a.page, ['Bo'])

    // While C is away, A and B edit.
    await addMember(a.page, 'Gus', 'Newer')
    await addMember(b.page, 'Hal', 'Practising')

    // C opens Tend with no network at all, edits, then comes back online.
    c = await relaunch(c)
    await c.context.setOffline(true)
    await c.page.goto(podUrl)
    await c.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await expect
      .poll(() => c.page.getByTestId('connected-with').textContent())
      .toBe('Only on this device right now.')
    await addMember(c.page, 'Ivy', 'Experienced')
    // The leader tab publishes the sync status every two seconds.
    await expect.poll(() => c.page.getByTestId('waiting').count(), { timeout: 15_000 }).toBe(1)
    // Per member: at least Ivy has reached neither Amara's device nor Bo's (as far as this
    // device last saw what theirs hold).
    await expect
      .poll(() => c.page.getByTestId('waiting-for').locator('li').allTextContents())
      .toEqual([
        expect.stringMatching(/^[1-9]\d* changes? waiting for Amara$/),
        expect.stringMatching(/^[1-9]\d* changes? waiting for Bo$/),
      ])
    await c.context.setOffline(false)

    const all = ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy']
    for (const d of [a, b, c]) await waitForMembers(d.page, all)
    await waitConnectedWith(c.page, ['Amara', 'Bo'])
    await expect.poll(() => c.page.getByTestId('waiting').count(), { timeout: 30_000 }).toBe(0)
  })

  it('forwards A’s edits to C through B when A and C are never online together', async () => {
    const podUrl = c.page.url()
    await c.close()
    await waitConnectedWith(a.page, ['Bo'])
    await addMember(a.page, 'Jo', 'Newer')
    const everyone = ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy', 'Jo']
    await waitForMembers(b.page, everyone)
    const aUrl = a.page.url()
    await a.close()
    await waitConnectedWith(b.page, [])

    c = await relaunch(c)
    await c.page.goto(podUrl)
    await waitConnectedWith(c.page, ['Bo'])
    await waitForMembers(c.page, everyone)

    a = await relaunch(a)
    await a.page.goto(aUrl)
    await waitConnectedWith(a.page, ['Bo', 'Cy'])
    expect((await memberNames(a.page)).length).toBe(10)
  })
})
