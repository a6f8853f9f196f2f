/**
 * One pod's connection settings cannot stop another pod. A hostile link (made with the right
 * secret, so its MAC holds) names a TURN relay without credentials and a relay address that is
 * not one: Chromium refuses every RTCPeerConnection given such an ICE server, and rooms share
 * their ready offers, so before this was checked one such pod on a device stopped all of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { generateAutomergeUrl, parseAutomergeUrl } from '@automerge/automerge-repo'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith, waitForMembers } from './support/sync.ts'
import { randomBytes, toBase64Url } from '../../src/adapters/crypto/encoding.ts'
import { podMac } from '../../src/adapters/crypto/roomKeys.ts'

const BAD_CONNECTION = {
  signalingUrls: [] as string[],
  iceServers: [{ urls: 'turn:192.0.2.1:3478' }],
  iceEndpoint: 'not a url',
  passphrase: null,
}

/** An invite link to a made-up pod, with bad settings, MAC'd with its own secret. */
async function hostileLink(base: string, signalingUrl: string): Promise<string> {
  const secret = toBase64Url(randomBytes(32))
  const wire = {
    v: 1,
    id: 'hostile',
    doc: parseAutomergeUrl(generateAutomergeUrl()).documentId,
    sec: secret,
    pod: 'Free snacks',
    by: 'Someone',
    exp: Date.now() + 86_400_000,
    sig: [signalingUrl],
    ice: BAD_CONNECTION.iceServers,
    iceEp: BAD_CONNECTION.iceEndpoint,
  }
  const mac = await podMac(secret, JSON.stringify(Object.values(wire)))
  const payload = toBase64Url(new TextEncoder().encode(JSON.stringify({ ...wire, mac })))
  return `${base}#/join/${payload}`
}

/** Writes a pod entry into the device's store, as a Tend that did not check settings left it. */
async function storeBadPodEntry(page: Page, signalingUrl: string): Promise<void> {
  const url = generateAutomergeUrl()
  const entry = {
    url,
    name: 'Free snacks',
    addedAt: 1,
    lastOpenedAt: null,
    memberId: null,
    secret: toBase64Url(randomBytes(32)),
    connection: { ...BAD_CONNECTION, signalingUrls: [signalingUrl] },
    pendingJoin: {
      inviteId: 'hostile',
      expiresAt: Date.now() + 86_400_000,
      invitedBy: 'Someone',
      name: 'Amara',
      stage: 'newer',
    },
    lastSyncByKey: {},
    syncedHeads: null,
  }
  await page.evaluate(
    (value) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('tend-device')
        open.onsuccess = () => {
          const tx = open.result.transaction('pods', 'readwrite')
          tx.objectStore('pods').put(value)
          tx.oncomplete = () => resolve()
          tx.onerror = () => reject(new Error('write failed'))
        }
      }),
    entry,
  )
}

describe('one pod’s bad connection settings', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  const POD = 'Sunday pod'

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b] = await Promise.all([launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([a, b].map((d) => d?.destroy()))
    await host?.close()
  })

  it('are refused when the link is opened, in plain words', async () => {
    await startAs(a.page, `${host.url}/`, 'Amara')
    await createPod(a.page, { name: POD, kind: /^Circle/ })
    const podPage = a.page.url()
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD)
    await waitConnectedWith(a.page, ['Bo'])

    await a.page.goto(await hostileLink(`${host.url}/`, `${host.url.replace('http', 'ws')}/mqtt`))
    await a.page.getByText(/connection settings cannot be used/).waitFor()
    expect(await a.page.getByRole('alert').textContent()).toMatch(
      /TURN relay is named without its credentials.*other pods are untouched/,
    )
    await a.page.goto(podPage)
    await waitConnectedWith(a.page, ['Bo'])
  })

  it('never reach another pod’s connections, even when stored on the device', async () => {
    const podPage = a.page.url()
    await storeBadPodEntry(a.page, `${host.url.replace('http', 'ws')}/mqtt`)
    // The pod's own relay address is damaged too: its screen still shows.
    await a.page.evaluate(
      (podUrl) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('tend-device')
          open.onsuccess = () => {
            const store = open.result.transaction('pods', 'readwrite').objectStore('pods')
            const get = store.get(podUrl)
            get.onsuccess = () => {
              const entry = get.result as { connection: { iceEndpoint: string | null } }
              entry.connection.iceEndpoint = 'not a url'
              const put = store.put(entry)
              put.onsuccess = () => resolve()
              put.onerror = () => reject(new Error('write failed'))
            }
          }
        }),
      `automerge:${podPage.split('#/pod/')[1] ?? ''}`,
    )
    // A fresh start: every connection is made anew, with both pods' rooms open.
    await a.page.reload()
    await a.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    await waitConnectedWith(a.page, ['Bo'])
    await addMember(b.page, 'Cy', 'Newer')
    await waitForMembers(a.page, ['Amara', 'Bo', 'Cy'])
    await a.page.getByText('Connection details').click()
    await expect
      .poll(() => a.page.getByTestId('relay-setting').textContent())
      .toContain('an address Tend cannot read')
  })
})
