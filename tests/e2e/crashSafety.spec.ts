/**
 * Nothing lost in a crash: notes typed into a circle survive the browser being killed (not
 * closed) mid-typing — everything the screen called saved, and a prefix of the rest. And a
 * device whose storage is full says so, never calls notes saved that are not, and keeps them
 * once there is room again.
 */
import { execFileSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, startAs } from './support/tend.ts'
import { addNotesLine, notesLines } from './support/notes.ts'

/** The pid of the browser process (not its renderers) running on `profileDir`. */
function browserPid(profileDir: string): number {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n')
  const main = lines.find(
    (l) => l.includes(`--user-data-dir=${profileDir}`) && !l.includes('--type='),
  )
  const pid = Number(main?.trim().split(/\s+/)[0])
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no browser on ${profileDir}`)
  return pid
}

async function startCircle(page: Page, host: string, name: string): Promise<string> {
  await startAs(page, `${host}/`, 'Amara')
  await createPod(page, { name, kind: /^Cohort/ })
  await page.getByRole('button', { name: 'Start a circle now' }).click()
  await page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
  return page.url()
}

const saved = (page: Page) => page.getByTestId('notes-saved').textContent()

describe('notes and a crash', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let device: Device

  beforeAll(async () => {
    host = await startTestHost()
    device = await launchDevice()
  })
  afterAll(async () => {
    await device?.destroy().catch(() => undefined)
    await host?.close()
  })

  it('keeps what was saved, and a prefix of what was being typed, when the browser is killed', async () => {
    const circle = await startCircle(device.page, host.url, 'Crash pod')
    await addNotesLine(device.page, 'Kept before the crash.')
    await expect.poll(() => saved(device.page)).toBe('Saved on this device.')

    // Typing goes on while the browser is killed.
    const line = 'While typing, the phone died: ' + 'abcdefghij'.repeat(20)
    await addNotesLine(device.page, '')
    const typing = device.page.keyboard.type(line, { delay: 15 }).catch(() => undefined)
    await expect
      .poll(async () => (await notesLines(device.page)).at(-1)?.length ?? 0, { interval: 50 })
      .toBeGreaterThan(60)
    const shown = (await notesLines(device.page)).at(-1)?.length ?? 0
    const closed = new Promise((resolve) => device.context.once('close', resolve))
    process.kill(browserPid(device.profileDir), 'SIGKILL')
    await closed
    await typing

    device = await launchDevice({ profileDir: device.profileDir })
    await device.page.goto(circle)
    await device.page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
    const lines = await notesLines(device.page)
    expect(lines).toContain('Kept before the crash.')
    const survived = lines.at(-1) ?? ''
    // Whatever survived of the line is the line as typed, never a garbled one.
    expect(line.startsWith(survived)).toBe(true)
    console.log(
      `crash: ${survived.length} of the ${shown} characters on screen when the browser was killed survived`,
    )
  })

  it('says when the device is full, and keeps the notes once there is room again', async () => {
    const full = await launchDevice()
    try {
      // The device has little room for the app's origin (Chromium applies a quota set before
      // the origin first uses storage).
      const origin = new URL(host.url).origin
      const cdp = await full.context.newCDPSession(full.page)
      await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: 64 * 1024 * 1024 })
      const circle = await startCircle(full.page, host.url, 'Full pod')
      await addNotesLine(full.page, 'Written while there was room.')
      await expect.poll(() => saved(full.page)).toBe('Saved on this device.')
      const problem = full.page.getByTestId('storage-problem')
      expect(await problem.count()).toBe(0)

      // Something else fills the device: writes of random bytes, smaller and smaller, until
      // even a small one does not fit.
      const filled = await full.page.evaluate(fillStorage)
      expect(filled).toBeGreaterThan(0)
      await addNotesLine(full.page, 'Typed with the device full.')
      await expect(problem.textContent(), 'the full device is named').resolves.toMatch(
        /storage is full: what you do now is not being kept/,
      )
      // The notes never claim to be saved meanwhile.
      expect(await saved(full.page)).toBe('Saving…')

      // Room again: the next write works, the message goes, and everything is kept.
      await full.page.evaluate(
        () =>
          new Promise<void>((resolve, reject) => {
            const request = indexedDB.deleteDatabase('something-else')
            request.onsuccess = () => resolve()
            request.onerror = () => reject(request.error ?? new Error('not deleted'))
          }),
      )
      await addNotesLine(full.page, 'And after space was freed.')
      await expect.poll(() => problem.count()).toBe(0)
      await expect.poll(() => saved(full.page)).toBe('Saved on this device.')
      await full.page.goto('about:blank')
      await full.page.goto(circle)
      await full.page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
      await expect
        .poll(() => notesLines(full.page))
        .toEqual(
          expect.arrayContaining([
            'Written while there was room.',
            'Typed with the device full.',
            'And after space was freed.',
          ]),
        )
    } finally {
      await full.destroy()
    }
  })
})

/**
 * Fills the origin's storage with another database of random (incompressible) bytes, in
 * chunks from 1 MiB down to 64 bytes, each size until it no longer fits. Returns the bytes
 * written. Runs in the page.
 */
async function fillStorage(): Promise<number> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const request = indexedDB.open('something-else', 1)
    request.onupgradeneeded = () => request.result.createObjectStore('bytes')
    request.onsuccess = () => resolve(request.result)
    request.onerror = () => reject(request.error ?? new Error('not opened'))
  })
  const put = (size: number, key: number) =>
    new Promise<boolean>((resolve) => {
      const bytes = new Uint8Array(size)
      for (let at = 0; at < size; at += 65536)
        crypto.getRandomValues(bytes.subarray(at, Math.min(size, at + 65536)))
      const tx = db.transaction('bytes', 'readwrite')
      tx.objectStore('bytes').put(bytes, key)
      tx.oncomplete = () => resolve(true)
      tx.onabort = () => resolve(false)
    })
  let written = 0
  let key = 0
  for (const size of [1 << 20, 1 << 16, 1 << 12, 1 << 6]) {
    // Bounded: 64 MiB of quota holds at most 64 of the largest chunks, and so on down.
    for (let i = 0; i < 80 && (await put(size, key++)); i++) written += size
  }
  db.close()
  return written
}
