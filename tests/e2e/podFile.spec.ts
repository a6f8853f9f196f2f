/**
 * The whole pod in one file: Amara saves her pod (three circles' notes included) sealed with a
 * passphrase, her phone is wiped, and the file brings everything back on the new profile —
 * which then syncs with Bo, who kept editing meanwhile, as Amara (the file's device link).
 * Bo opens the same file where he has the pod: it merges, nothing is duplicated.
 */
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, memberNames, memberRow, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith } from './support/sync.ts'
import { addNotesLine, notesLines } from './support/notes.ts'
import { decodeArchive } from '../../src/adapters/files/podArchive.ts'

const POD = 'Kept pod'
const PASSPHRASE = 'river stones at dusk'

async function openFile(page: Page, file: string, passphrase: string | null): Promise<void> {
  await page.getByLabel('Pod file (.tendpod)').setInputFiles(file)
  if (passphrase === null) return
  const form = page.getByRole('form', { name: 'Open a sealed pod file' })
  await form.getByLabel('This file is sealed. Its passphrase').fill(passphrase)
  await form.getByRole('button', { name: 'Open the file' }).click()
}

async function openNotes(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.getByRole('textbox', { name: 'Circle notes' }).waitFor({ timeout: 60_000 })
}

describe('the whole pod, saved to a file', () => {
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

  it('brings every circle’s notes back on a wiped device, which syncs again, and merges where the pod is', async () => {
    await startAs(amara.page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(amara.page, { name: POD, kind: /^Cohort/ })
    await joinByInvite(bo.page, await makeInvite(amara.page), 'Bo', POD)
    await waitConnectedWith(amara.page, ['Bo'])

    // Three circles, each with a line of notes.
    const circles: string[] = []
    for (const n of [1, 2, 3]) {
      await amara.page.goto(podUrl)
      const start = n === 1 ? 'Start a circle now' : 'An extra circle, outside the rhythm'
      await amara.page.getByRole('button', { name: start }).click()
      await amara.page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
      await addNotesLine(amara.page, `Circle ${n}: what we learned`)
      circles.push(amara.page.url())
    }

    await amara.page.goto(podUrl)
    const save = amara.page.getByRole('form', { name: 'Save the whole pod' })
    await save.getByLabel('Passphrase (optional)').fill(PASSPHRASE)
    const downloading = amara.page.waitForEvent('download')
    await save.getByRole('button', { name: 'Save the whole pod' }).click()
    // Kept outside the browser's profile, which is about to be wiped.
    const file = join(mkdtempSync(join(tmpdir(), 'tend-file-')), 'Kept-pod.tendpod')
    await (await downloading).saveAs(file)
    await expect
      .poll(() => save.getByRole('status').textContent())
      .toBe('Saved Kept-pod.tendpod, sealed with your passphrase.')

    // Amara's phone is wiped. Bo goes on with the first circle's notes meanwhile.
    await amara.destroy()
    await openNotes(bo.page, circles[0]!)
    await expect.poll(() => notesLines(bo.page)).toContain('Circle 1: what we learned')
    await addNotesLine(bo.page, 'Bo: written after the save')

    amara = await launchDevice()
    await startAs(amara.page, `${host.url}/`, 'Amara')
    // A wrong passphrase is refused plainly, and nothing is opened.
    await openFile(amara.page, file, 'river stones at dawn')
    await expect
      .poll(() => amara.page.getByRole('alert').textContent())
      .toBe(
        'This passphrase does not open the file (or the file was changed). Nothing was changed.',
      )
    const form = amara.page.getByRole('form', { name: 'Open a sealed pod file' })
    await form.getByLabel('This file is sealed. Its passphrase').fill(PASSPHRASE)
    await form.getByRole('button', { name: 'Open the file' }).click()
    await amara.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    // The same pod: its members, and this device listed under Amara as one more of hers.
    expect((await memberNames(amara.page)).sort()).toEqual(['Amara', 'Bo'])
    await expect.poll(() => memberRow(amara.page, 'Amara').textContent()).toContain('2 devices')

    // Every circle's notes are back, before any other device is reached.
    for (const [i, url] of circles.entries()) {
      await openNotes(amara.page, url)
      await expect.poll(() => notesLines(amara.page)).toContain(`Circle ${i + 1}: what we learned`)
    }
    // And the restored device syncs with Bo both ways, with no new invite.
    await openNotes(amara.page, circles[0]!)
    await expect
      .poll(() => notesLines(amara.page), { timeout: 90_000 })
      .toContain('Bo: written after the save')
    await addNotesLine(amara.page, 'Amara: back on a new phone')
    await expect
      .poll(() => notesLines(bo.page), { timeout: 60_000 })
      .toContain('Amara: back on a new phone')

    // Bo opens the same file where he has the pod: it merges; nothing is there twice.
    await bo.page.goto(`${host.url}/`)
    await bo.page.getByRole('heading', { name: 'Your pods' }).waitFor()
    await openFile(bo.page, file, PASSPHRASE)
    await bo.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    expect((await memberNames(bo.page)).sort()).toEqual(['Amara', 'Bo'])
    await bo.page.goto(`${host.url}/`)
    await expect.poll(() => bo.page.getByRole('link', { name: POD }).count()).toBe(1)
    await openNotes(bo.page, circles[0]!)
    const lines = await notesLines(bo.page)
    expect(lines.filter((l) => l === 'Circle 1: what we learned')).toHaveLength(1)
    expect(lines.filter((l) => l === 'Bo: written after the save')).toHaveLength(1)
  })
})

/**
 * How many entries automerge-repo's IndexedDB holds for `documentId` (for every document when
 * null; its own id record is not a document's).
 */
function storedKeysOf(page: Page, documentId: string | null): Promise<number> {
  return page.evaluate(
    (id) =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('tend-documents')
        open.onerror = () => reject(new Error('no document store'))
        open.onsuccess = () => {
          const request = open.result.transaction('documents').objectStore('documents').getAllKeys()
          request.onsuccess = () =>
            resolve(
              request.result.filter(
                (k) =>
                  Array.isArray(k) && k[0] !== 'storage-adapter-id' && (id === null || k[0] === id),
              ).length,
            )
        }
      }),
    documentId,
  )
}

describe('a pod removed from this device', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let device: Device

  beforeAll(async () => {
    host = await startTestHost()
    device = await launchDevice()
  })
  afterAll(async () => {
    await device?.destroy()
    await host?.close()
  })

  it('is gone from the list and from storage, across a reload, after the device shows what it took', async () => {
    const { page } = device
    await startAs(page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(page, { name: 'Passing pod', kind: /^Cohort/ })
    await page.getByRole('button', { name: 'Start a circle now' }).click()
    await page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
    await addNotesLine(page, 'A line that takes a little room')
    const documentId = decodeURIComponent(podUrl.split('/pod/')[1] ?? '').replace(/^automerge:/, '')
    await expect.poll(() => storedKeysOf(page, documentId)).toBeGreaterThan(0)

    await page.goto(`${host.url}/#/settings`)
    const storage = page.getByTestId('pod-storage')
    await expect
      .poll(() => storage.getByRole('listitem').textContent())
      .toMatch(/^Passing pod: \d+ (KB|bytes) \(the pod, and one circle’s notes\)$/)

    await page.goto(podUrl)
    const section = page.getByRole('region', { name: 'Remove from this device' })
    await section.getByRole('button', { name: 'Remove from this device…' }).click()
    // Changing one's mind keeps it.
    await section.getByRole('button', { name: 'Keep it' }).click()
    await section.getByRole('button', { name: 'Remove from this device…' }).click()
    // The last step offers a copy first: the whole pod, notes included, in one file.
    const downloading = page.waitForEvent('download')
    await section.getByRole('button', { name: 'Save a copy first' }).click()
    const copy = await (await downloading).path()
    const opened = await decodeArchive(new Uint8Array(readFileSync(copy)), null)
    expect([opened.podName, opened.notes.length]).toEqual(['Passing pod', 1])
    await expect
      .poll(() => section.getByRole('status').textContent())
      .toMatch(/^Saved .+\.tendpod\. Keep it somewhere safe/)
    await section.getByRole('button', { name: 'Remove it' }).click()
    await page.getByRole('heading', { name: 'Your pods' }).waitFor()
    expect(await page.getByRole('link', { name: 'Passing pod' }).count()).toBe(0)
    // Nothing of the pod is left, its notes included (it was the only pod here).
    expect(await storedKeysOf(page, null)).toBe(0)
    await page.reload()
    await page.getByRole('heading', { name: 'Your pods' }).waitFor()
    expect(await page.getByRole('link', { name: 'Passing pod' }).count()).toBe(0)
    expect(await storedKeysOf(page, documentId)).toBe(0)
  })
})
