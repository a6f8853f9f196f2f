import { readFileSync, appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, waitForServiceWorker, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import {
  addMember,
  createPod,
  expectNoViolations,
  memberNames,
  seriousA11yViolations,
  startAs,
} from './support/tend.ts'

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

describe('Tend on one device', () => {
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

  it('creates a pod with members, keeps them across reloads and offline, and is installable', async () => {
    const { page, context } = device
    await startAs(page, `${host.url}/`, 'Amara')
    expectNoViolations('pod list', await seriousA11yViolations(page, axeSource))

    await createPod(page, {
      name: 'Wednesday organisers',
      purpose: 'Campaign craft',
      kind: /^Learning pod/,
    })
    await addMember(page, 'Bo', 'Newer')
    await addMember(page, 'Cy', 'Practising')
    expect((await memberNames(page)).sort()).toEqual(['Amara', 'Bo', 'Cy'])
    // Three active members: below a learning pod's 4–6.
    await expect
      .poll(() => page.getByTestId('size-guidance').textContent())
      .toContain('usually holds 4–6')
    await addMember(page, 'Dee', 'Experienced')
    await expect
      .poll(() => page.getByTestId('size-guidance').textContent())
      .toContain('within the 4–6')

    // Edit a member: stage and status.
    await page.getByRole('button', { name: 'Edit Cy' }).click()
    const form = page.getByRole('form', { name: 'Edit Cy' })
    await form.getByLabel('Experienced').check()
    await form.getByLabel('Paused').check()
    await form.getByRole('button', { name: 'Save' }).click()
    await expect
      .poll(() => page.getByTestId('member').filter({ hasText: 'Cy' }).textContent())
      .toMatch(/Experienced.*Paused/)
    expectNoViolations('pod overview', await seriousA11yViolations(page, axeSource))

    // Reload: everything is read back from IndexedDB.
    await page.reload()
    await page.getByRole('heading', { name: 'Wednesday organisers' }).waitFor()
    expect((await memberNames(page)).sort()).toEqual(['Amara', 'Bo', 'Cy', 'Dee'])

    // Offline: the service worker starts the app, Automerge's wasm included.
    await waitForServiceWorker(page)
    const podUrl = page.url()
    await context.setOffline(true)
    await page.goto(`${host.url}/`)
    await page.getByRole('link', { name: /Wednesday organisers/ }).waitFor()
    await page.goto(podUrl)
    await page.reload()
    await page.getByRole('heading', { name: 'Wednesday organisers' }).waitFor()
    expect((await memberNames(page)).sort()).toEqual(['Amara', 'Bo', 'Cy', 'Dee'])
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toContain("You're offline")
    // Still editable offline.
    await addMember(page, 'Eli', 'Newer')
    await context.setOffline(false)

    // Installable: Chromium reports no installability errors.
    const cdp = await context.newCDPSession(page)
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as {
      installabilityErrors: { errorId: string }[]
    }
    expect(installabilityErrors).toEqual([])
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string }
    expect(manifest.errors).toEqual([])

    // Storage: asked to persist once the first pod existed; the device screen says the answer.
    await page.getByRole('link', { name: 'This device' }).click()
    await expect
      .poll(() => page.getByTestId('persistence').textContent())
      .toMatch(/^(Kept|Not guaranteed)/)
    expectNoViolations('device settings', await seriousA11yViolations(page, axeSource))
  })

  it('marks a member away until a date, and back again', async () => {
    const away = await launchDevice()
    try {
      const { page } = away
      // A fixed day, so the dates read the same whenever the test runs.
      await page.clock.setFixedTime(new Date(2026, 2, 2, 10, 0))
      await startAs(page, `${host.url}/`, 'Amara')
      await createPod(page, { name: 'Away pod', kind: /^Learning pod/ })
      await addMember(page, 'Bo', 'Newer')
      await page.getByRole('button', { name: 'Edit Bo' }).click()
      const form = page.getByRole('form', { name: 'Edit Bo' })
      await form.getByLabel(/Away until/).fill('2026-03-23')
      await form.getByRole('button', { name: 'Save' }).click()
      const row = page.getByTestId('member').filter({ hasText: 'Bo' })
      await expect.poll(() => row.textContent()).toMatch(/away until (23 Mar|Mar 23),? 2026/)
      // Kept across a reload, and the form shows it.
      await page.reload()
      await expect.poll(() => row.textContent()).toMatch(/away until/)
      await page.getByRole('button', { name: 'Edit Bo' }).click()
      expect(await form.getByLabel(/Away until/).inputValue()).toBe('2026-03-23')
      await form.getByRole('button', { name: 'Back now' }).click()
      await form.getByRole('button', { name: 'Save' }).click()
      await expect.poll(() => row.textContent()).not.toMatch(/away until/)
      expectNoViolations('pod overview', await seriousA11yViolations(page, axeSource))
    } finally {
      await away.destroy()
    }
  })

  it('shows a pod created in one tab in a second tab of the same browser, and edits flow between them', async () => {
    const first = device.page
    const second = await device.context.newPage()
    await first.goto(`${host.url}/#/`)
    await second.goto(`${host.url}/#/`)
    await second.getByRole('heading', { name: 'Your pods' }).waitFor()

    await createPod(first, { name: 'Tuesday cohort', kind: /^Cohort/ })
    await second.getByRole('link', { name: /Tuesday cohort/ }).waitFor()
    await second.getByRole('link', { name: /Tuesday cohort/ }).click()
    await second.getByRole('heading', { name: 'Tuesday cohort' }).waitFor()
    await expect.poll(() => second.getByTestId('size-guidance').textContent()).toContain('8–12')

    await addMember(first, 'Fay', 'Practising')
    await second.getByTestId('member').filter({ hasText: 'Fay' }).waitFor()
    await addMember(second, 'Gus', 'Newer')
    await first.getByTestId('member').filter({ hasText: 'Gus' }).waitFor()
    expect((await memberNames(first)).sort()).toEqual(['Amara', 'Fay', 'Gus'])
    await second.close()
  })

  it('offers "reload to update" for a new version and keeps what was just saved', async () => {
    const { page } = device
    await page.goto(`${host.url}/#/`)
    await waitForServiceWorker(page)
    await page.getByRole('link', { name: /Wednesday organisers/ }).click()
    await page.getByRole('heading', { name: 'Wednesday organisers' }).waitFor()

    // Ship a new version: any byte change in sw.js is a new service worker.
    appendFileSync(join(host.dir, 'sw.js'), '\n// next version\n')
    await page.evaluate(() => navigator.serviceWorker.getRegistration().then((r) => r?.update()))
    await page.getByRole('button', { name: 'Reload to update' }).waitFor({ timeout: 30_000 })

    // Save a member and update at once: the flush before the reload keeps it.
    await addMember(page, 'Hal', 'Newer')
    await page.getByRole('button', { name: 'Reload to update' }).click()
    await page.waitForEvent('load')
    await page.getByRole('heading', { name: 'Wednesday organisers' }).waitFor()
    expect(await memberNames(page)).toContain('Hal')
    await expect.poll(() => page.getByRole('button', { name: 'Reload to update' }).count()).toBe(0)
  })
})

describe('a pod saved to a file', () => {
  it('opens on another device with its members, and a file that is not a pod is refused clearly', async () => {
    const host = await startTestHost()
    const [one, two] = await Promise.all([launchDevice(), launchDevice()])
    try {
      await startAs(one.page, `${host.url}/`, 'Amara')
      await createPod(one.page, { name: 'Kept pod', kind: /^Cohort/ })
      await addMember(one.page, 'Bo', 'Newer')
      const downloading = one.page.waitForEvent('download')
      await one.page.getByRole('button', { name: 'Save the whole pod' }).click()
      const file = await (await downloading).path()

      await startAs(two.page, `${host.url}/`, 'Cy')
      await two.page.getByLabel('Pod file (.tendpod)').setInputFiles({
        name: 'not-a-pod.automerge',
        mimeType: 'application/octet-stream',
        buffer: Buffer.from('hello, this is not a pod'),
      })
      await expect
        .poll(() => two.page.getByRole('alert').textContent())
        .toContain('This file is not a Tend pod')
      await two.page.getByLabel('Pod file (.tendpod)').setInputFiles(file)
      await two.page.getByRole('heading', { name: 'Kept pod', level: 1 }).waitFor()
      expect((await memberNames(two.page)).sort()).toEqual(['Amara', 'Bo'])
    } finally {
      await Promise.all([one.destroy(), two.destroy()])
      await host.close()
    }
  })
})

describe('first run', () => {
  it('welcomes a new person accessibly and asks for a name before anything else', async () => {
    const host = await startTestHost()
    const device = await launchDevice()
    try {
      await device.page.goto(`${host.url}/`)
      await device.page.getByRole('heading', { name: 'Welcome to Tend' }).waitFor()
      expectNoViolations('welcome', await seriousA11yViolations(device.page, axeSource))
      await device.page.getByRole('button', { name: 'Start' }).click()
      await expect
        .poll(() => device.page.getByRole('alert').textContent())
        .toBe('Please give a name your pod will know you by.')
    } finally {
      await device.destroy()
      await host.close()
    }
  })
})
