/**
 * Nothing lost in a crash: notes typed into a circle survive the browser being killed (not
 * closed) mid-typing — everything the screen called saved, and a prefix of the rest.
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
})
