/**
 * An invite admits one person. Cy joins with Amara's link while Bo's device is closed; Bo's
 * device later learns of it from Amara's, and when Dee tries the same link with only Bo's
 * device around, Bo's device refuses her: the use is recorded in the pod, not trusted from
 * the link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, startAs } from './support/tend.ts'
import {
  joinByInvite,
  makeInvite,
  relaunch,
  waitConnectedWith,
  waitForMembers,
} from './support/sync.ts'

/** Whether this device holds any content of the document (not only notes about a peer). */
async function holdsDocument(page: Page, documentId: string): Promise<boolean> {
  return page.evaluate(
    (id) =>
      new Promise<boolean>((resolve) => {
        const open = indexedDB.open('tend-documents')
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('documents')) return resolve(false)
          const keys = db.transaction('documents').objectStore('documents').getAllKeys()
          keys.onsuccess = () =>
            resolve((keys.result as unknown[][]).some((k) => k[0] === id && k[1] !== 'sync-state'))
        }
        open.onerror = () => resolve(false)
      }),
    documentId,
  )
}

describe('an invite that is used up', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let c: Device
  let d: Device
  const POD = 'One-place pod'

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b, c, d] = await Promise.all([
      launchDevice(),
      launchDevice(),
      launchDevice(),
      launchDevice(),
    ])
  })
  afterAll(async () => {
    await Promise.all([a, b, c, d].map((x) => x?.destroy()))
    await host?.close()
  })

  it('is refused by a member who was away when it was used', async () => {
    await startAs(a.page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(a.page, { name: POD, kind: /^Circle/ })
    const podKey = podUrl.split('#/pod/')[1] ?? ''
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD)
    await waitConnectedWith(a.page, ['Bo'])

    // Bo's device is closed while Cy joins with a link for one person.
    await b.close()
    const link = await makeInvite(a.page)
    await joinByInvite(c.page, link, 'Cy', POD)
    await waitForMembers(a.page, ['Amara', 'Bo', 'Cy'])
    // Its one place is taken: Amara's device no longer lists it as open.
    await expect.poll(() => a.page.getByTestId('open-invites').count()).toBe(0)
    await c.close()

    // Bo's device comes back and hears of Cy (and of the invite's use) from Amara's.
    b = await relaunch(b)
    await b.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    await waitForMembers(b.page, ['Amara', 'Bo', 'Cy'])
    await a.close()

    // Dee tries the same link with only Bo's device around.
    const refusals: string[] = []
    b.page.on('console', (m) => {
      if (/could not join: not a member of this pod/.test(m.text())) refusals.push(m.text())
    })
    await d.page.goto(link)
    await d.page.getByLabel('Your name, as your pod will see it').fill('Dee')
    await d.page.getByRole('button', { name: 'Join the pod' }).click()
    await d.page.getByRole('heading', { name: 'Waiting for the pod' }).waitFor()
    await expect.poll(() => refusals.length, { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await d.page.getByRole('heading', { name: 'Waiting for the pod' }).count()).toBe(1)
    expect(await holdsDocument(d.page, podKey)).toBe(false)
  })
})
