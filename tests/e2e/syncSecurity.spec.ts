import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith } from './support/sync.ts'
import { decodeInvite, encodeInvite } from '../../src/adapters/network/invite.ts'
import { randomBytes, toBase64Url } from '../../src/adapters/crypto/encoding.ts'

/** The document ids this device holds in IndexedDB (what it has received or made). */
async function storedDocumentIds(page: Page): Promise<string[]> {
  return page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('tend-documents')
        open.onerror = () => reject(new Error('cannot open tend-documents'))
        open.onsuccess = () => {
          const db = open.result
          if (!db.objectStoreNames.contains('documents')) return resolve([])
          const keys = db.transaction('documents').objectStore('documents').getAllKeys()
          keys.onsuccess = () =>
            resolve(
              [
                ...new Set(
                  (keys.result as unknown[][])
                    // Sync state is what a device noted about a peer, not document content.
                    .filter((k) => k[1] !== 'sync-state')
                    .map((k) => String(k[0])),
                ),
              ].filter((k) => k !== 'storage-adapter-id'),
            )
        }
      }),
  )
}

const podKeyOf = (pageUrl: string) => pageUrl.split('#/pod/')[1] ?? ''

/**
 * "Nothing happened" is checked by counting what did happen: the announcements each device
 * (its mesh id) made through the broker, and the handshakes a member's device refused: the
 * intruder did try, and got nothing.
 */
const announcements = new Map<string, number>()
function countAnnouncements(chunk: Buffer): void {
  const text = chunk.toString('latin1')
  const peer = /"peerId":"([^"]+)"/.exec(text)?.[1]
  if (peer === undefined || /"(offer|answer|candidate)"/.test(text)) return
  announcements.set(peer, (announcements.get(peer) ?? 0) + 1)
}
/** Waits until a device not among `known` has announced itself at least `times` times. */
async function newcomerAnnounced(known: ReadonlySet<string>, times: number): Promise<void> {
  await expect
    .poll(
      () => Math.max(0, ...[...announcements].filter(([p]) => !known.has(p)).map(([, n]) => n)),
      { timeout: 60_000 },
    )
    .toBeGreaterThanOrEqual(times)
}

describe('who gets in, and what they get', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let intruder: Device
  let holder: Device
  let podUrl = ''
  let inviteLink = ''

  beforeAll(async () => {
    host = await startTestHost({ onClientBytes: countAnnouncements })
    ;[a, b, intruder, holder] = await Promise.all([
      launchDevice(),
      launchDevice(),
      launchDevice(),
      launchDevice(),
    ])
  })
  afterAll(async () => {
    await Promise.all([a, b, intruder, holder].map((d) => d?.destroy()))
    await host?.close()
  })

  it('admits a member who joined by invite', async () => {
    await startAs(a.page, `${host.url}/`, 'Amara')
    await createPod(a.page, { name: 'Private pod', kind: /^Circle/ })
    podUrl = a.page.url()
    inviteLink = await makeInvite(a.page)
    await joinByInvite(b.page, inviteLink, 'Bo', 'Private pod')
    await waitConnectedWith(a.page, ['Bo'])
    await waitConnectedWith(b.page, ['Amara'])
  })

  it('never admits a device holding the right pod id with a wrong secret', async () => {
    const real = await decodeInvite(inviteLink, Date.now())
    const wrong = await encodeInvite(
      { ...real, secret: toBase64Url(randomBytes(32)) },
      `${host.url}/`,
    )
    const known = new Set(announcements.keys())
    await intruder.page.goto(wrong)
    await intruder.page.getByLabel('Your name, as your pod will see it').fill('Mallory')
    await intruder.page.getByRole('button', { name: 'Join the pod' }).click()
    await intruder.page.getByRole('heading', { name: 'Waiting for the pod' }).waitFor()
    // The intruder has looked for the pod several times, in the room its secret names.
    await newcomerAnnounced(known, 3)
    expect(await intruder.page.getByRole('heading', { name: 'Waiting for the pod' }).count()).toBe(
      1,
    )
    expect(await storedDocumentIds(intruder.page)).not.toContain(podKeyOf(podUrl))
    await waitConnectedWith(a.page, ['Bo'], 1000)
  })

  it('never admits a device with the right secret but an expired invite', async () => {
    const real = await decodeInvite(inviteLink, Date.now())
    // Write the device's pod entry by hand, as if it had joined long ago and never finished.
    await intruder.page.goto(`${host.url}/#/`)
    await intruder.page.evaluate(
      ({ url, secret, connection }) =>
        new Promise<void>((resolve, reject) => {
          const open = indexedDB.open('tend-device')
          open.onsuccess = () => {
            const tx = open.result.transaction('pods', 'readwrite')
            tx.objectStore('pods').put({
              url,
              name: 'Private pod',
              addedAt: 1,
              lastOpenedAt: null,
              memberId: null,
              secret,
              connection,
              pendingJoin: {
                inviteId: 'old',
                expiresAt: Date.now() - 60_000,
                invitedBy: 'Amara',
                name: 'Mallory',
                stage: 'newer',
              },
              lastSyncByKey: {},
              syncedHeads: null,
            })
            tx.oncomplete = () => resolve()
            tx.onerror = () => reject(new Error('write failed'))
          }
        }),
      { url: `automerge:${real.documentId}`, secret: real.secret, connection: real.connection },
    )
    // Amara's device logs each handshake it refuses (the connection log).
    let refused = 0
    await a.page.evaluate(() => localStorage.setItem('tend-debug', '1'))
    a.page.on('console', (m) => {
      if (/handshake with \S+ failed/.test(m.text())) refused++
    })
    await intruder.page.goto(`${host.url}/#/pod/${real.documentId}`)
    await intruder.page.reload()
    await intruder.page.getByRole('heading', { name: 'Waiting for the pod' }).waitFor()
    // The intruder reached Amara's device, in the pod's own room, and was refused.
    await expect.poll(() => refused, { timeout: 60_000 }).toBeGreaterThanOrEqual(1)
    expect(await intruder.page.getByRole('heading', { name: 'Waiting for the pod' }).count()).toBe(
      1,
    )
    expect(await storedDocumentIds(intruder.page)).not.toContain(real.documentId)
    await waitConnectedWith(a.page, ['Bo'], 1000)
  })

  it('never admits a link re-signed with a later expiry: the pod’s record decides', async () => {
    // Whoever holds a link holds the pod secret the link is MAC'd with, so can re-sign it with
    // any expiry. The inviter's device signed the real expiry into the pod document.
    const real = await decodeInvite(inviteLink, Date.now())
    const stretched = await encodeInvite(
      { ...real, expiresAt: real.expiresAt + 365 * 24 * 3600_000 },
      `${host.url}/`,
    )
    expect((await decodeInvite(stretched, Date.now())).expiresAt).toBeGreaterThan(real.expiresAt)
    // The intruder's device leaves, so a refusal from now on is the holder's.
    await intruder.page.goto('about:blank')
    const refusals: string[] = []
    a.page.on('console', (m) => {
      if (/could not join: not a member of this pod/.test(m.text())) refusals.push(m.text())
    })
    await holder.page.goto(stretched)
    await holder.page.getByLabel('Your name, as your pod will see it').fill('Mallory')
    await holder.page.getByRole('button', { name: 'Join the pod' }).click()
    await holder.page.getByRole('heading', { name: 'Waiting for the pod' }).waitFor()
    // Amara's device met the holder's and refused it in the handshake.
    await expect.poll(() => refusals.length, { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await holder.page.getByRole('heading', { name: 'Waiting for the pod' }).count()).toBe(1)
    expect(await storedDocumentIds(holder.page)).not.toContain(real.documentId)
    await waitConnectedWith(a.page, ['Bo'], 1000)
  })

  it('shares no document of another pod with a member of only one', async () => {
    // A starts a second pod that B is not part of.
    await a.page.goto(`${host.url}/#/`)
    await createPod(a.page, { name: 'Other pod', kind: /^Circle/ })
    const otherKey = podKeyOf(a.page.url())
    await a.page.goto(podUrl)
    await waitConnectedWith(a.page, ['Bo'])
    // B asks for it by id, as a curious member could.
    await b.page.goto(`${host.url}/#/pod/${otherKey}`)
    await b.page.getByRole('heading', { name: 'Waiting for the pod' }).waitFor()
    // Bo's device went on looking (announcing itself again) while it asked Amara's for it.
    const before = Object.fromEntries(announcements)
    await expect
      .poll(() => [...announcements].filter(([p, n]) => n >= (before[p] ?? 0) + 2).length, {
        timeout: 60_000,
      })
      .toBeGreaterThan(0)
    expect(await b.page.getByRole('heading', { name: 'Waiting for the pod' }).count()).toBe(1)
    const onB = await storedDocumentIds(b.page)
    expect(onB).toContain(podKeyOf(podUrl))
    expect(onB).not.toContain(otherKey)
    expect(await storedDocumentIds(a.page)).toEqual(
      expect.arrayContaining([otherKey, podKeyOf(podUrl)]),
    )
  })
})
