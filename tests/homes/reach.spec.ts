import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { waitForServiceWorker, type Device } from '../e2e/support/browser.ts'
import { addMember, createPod, startAs } from '../e2e/support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith, waitForMembers } from '../e2e/support/sync.ts'
import {
  Coturn,
  INTERNET,
  iceUrlsUsed,
  launchInHome,
  startCommunityHost,
  watchPeerConnections,
  type CommunityHost,
} from './support.ts'

// Three members in three homes on the simulated internet of .ci/net-homes.sh: A and B
// behind "cone" NATs (hole punching works with STUN), C behind a symmetric NAT (common on
// mobile networks: only a TURN relay gets through). Everything comes from the community host
// at 192.0.2.10: the app, the broker, relay credentials, and coturn.
describe('members in different homes', () => {
  let host: CommunityHost
  const coturn = new Coturn()
  let a: Device
  let b: Device
  let c: Device
  const POD = 'Across town'
  const contacted = new Set<string>()

  async function inHome(k: number, profileDir?: string): Promise<Device> {
    const device = await launchInHome(k, host.url, profileDir)
    await watchPeerConnections(device.page)
    device.context.on('request', (r) => contacted.add(new URL(r.url()).origin))
    device.page.on('websocket', (ws) => contacted.add(new URL(ws.url()).origin))
    return device
  }

  beforeAll(async () => {
    host = await startCommunityHost()
    await coturn.start()
    a = await inHome(1)
    b = await inHome(2)
    c = await inHome(3)
  })
  afterAll(async () => {
    await Promise.allSettled([a, b, c].map((d) => d?.destroy()))
    await coturn.stop()
    await host?.close()
  })

  it('connects all three: directly between the cone homes, through the relay for the symmetric one', async () => {
    await startAs(a.page, `${host.url}/`, 'Amara')
    await createPod(a.page, { name: POD, kind: /^Learning pod/ })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD)
    await joinByInvite(c.page, await makeInvite(a.page), 'Cy', POD)
    await waitConnectedWith(a.page, ['Bo', 'Cy'], 90_000)
    await waitConnectedWith(b.page, ['Amara', 'Cy'], 90_000)
    await waitConnectedWith(c.page, ['Amara', 'Bo'], 90_000)

    for (const d of [a, b, c]) await d.page.getByText('Connection details').click()
    const paths = async (d: Device) =>
      (await d.page.getByTestId('peer-path').allTextContents()).sort()
    await expect
      .poll(() => paths(a), { timeout: 20_000 })
      .toEqual(['Bo: directly across the internet', 'Cy: through your community’s relay'])
    await expect
      .poll(() => paths(c), { timeout: 20_000 })
      .toEqual(['Amara: through your community’s relay', 'Bo: through your community’s relay'])
    expect(await c.page.getByTestId('relay-setting').textContent()).toContain(
      'your community’s host',
    )

    await Promise.all([
      addMember(a.page, 'Dee', 'Newer'),
      addMember(b.page, 'Eli', 'Newer'),
      addMember(c.page, 'Fay', 'Newer'),
    ])
    for (const d of [a, b, c])
      await waitForMembers(d.page, ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay'])
  })

  it('merges what the symmetric-NAT member did while away', async () => {
    await waitForServiceWorker(c.page)
    const url = c.page.url()
    await c.close()
    await addMember(a.page, 'Gus', 'Newer')
    c = await inHome(3, c.profileDir)
    await c.context.setOffline(true)
    await c.page.goto(url)
    await c.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await addMember(c.page, 'Hal', 'Newer')
    await c.context.setOffline(false)
    const all = ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal']
    for (const d of [a, b, c]) await waitForMembers(d.page, all, 90_000)
  })

  it('tells the symmetric member plainly when the relay is down, keeps its edits, and delivers them when it is back', async () => {
    await coturn.stop()
    await c.page.reload()
    await c.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    // Found through the broker, unreachable by any path: said plainly, once the attempt failed.
    await expect
      .poll(
        () =>
          c.page
            .getByTestId('offline-banner')
            .textContent()
            .catch(() => ''),
        {
          timeout: 150_000,
          interval: 2_000,
        },
      )
      .toContain('may need a relay')
    expect(await c.page.getByTestId('offline-banner').textContent()).toContain(
      'Your changes are safe on this device',
    )
    await addMember(c.page, 'Ivy', 'Newer')
    await c.page.reload()
    await waitForMembers(c.page, ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy'])

    await coturn.start()
    await waitConnectedWith(c.page, ['Amara', 'Bo'], 150_000)
    for (const d of [a, b])
      await waitForMembers(d.page, ['Amara', 'Bo', 'Cy', 'Dee', 'Eli', 'Fay', 'Gus', 'Hal', 'Ivy'])
  })

  /** Forgets the relay credentials this device kept, as a first visit or an expiry does. */
  const forgetStoredCredentials = (page: Device['page']) =>
    page.evaluate(() => {
      for (const key of Object.keys(localStorage))
        if (key.startsWith('tend-ice-grant:')) localStorage.removeItem(key)
    })

  it.each(['forged', 'expired'] as const)(
    'gets new credentials after coturn refuses %s ones, and reconnects',
    async (how) => {
      if (!coturn.running) await coturn.start()
      host.spoilNext(1, how)
      await forgetStoredCredentials(c.page)
      const before = host.credentialRequests()
      await c.page.reload()
      await c.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
      await waitConnectedWith(c.page, ['Amara', 'Bo'], 150_000)
      expect(host.credentialRequests() - before).toBeGreaterThanOrEqual(2)
    },
  )

  it('replaces kept credentials that coturn refuses, and reconnects', async () => {
    // The device kept credentials it believes good (its clock, or the host's secret, changed).
    await c.page.evaluate(() => {
      for (const key of Object.keys(localStorage)) {
        if (!key.startsWith('tend-ice-grant:')) continue
        const grant = JSON.parse(localStorage.getItem(key) ?? '{}') as {
          iceServers: { credential?: string }[]
        }
        for (const server of grant.iceServers)
          if (server.credential !== undefined) server.credential = 'Zm9yZ2VkIHBhc3N3b3Jk'
        localStorage.setItem(key, JSON.stringify(grant))
      }
    })
    const before = host.credentialRequests()
    await c.page.reload()
    await c.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await waitConnectedWith(c.page, ['Amara', 'Bo'], 150_000)
    expect(host.credentialRequests() - before).toBeGreaterThanOrEqual(1)
  })

  it('sends nothing to any host but the pod’s own', async () => {
    expect([...contacted].sort()).toEqual([host.url].concat(host.url.replace('http', 'ws')).sort())
    for (const d of [a, b, c]) {
      for (const url of await iceUrlsUsed(d.page))
        expect(url).toMatch(new RegExp(`^(stun|turn):${INTERNET.replaceAll('.', '\\.')}:3478`))
    }
  })
})
