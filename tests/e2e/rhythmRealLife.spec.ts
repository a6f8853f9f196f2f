/**
 * A pod that meets on Mondays, run only through the screens, with the page's clock set: three
 * circles started from the pod's start button read as a streak of three and a kept rhythm; a
 * Monday skipped with a reason is named by the calendar guardian's nudge. March 2026 in
 * Berlin (UTC+1 until the 29th), whatever day the test runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, relaunch, waitConnectedWith } from './support/sync.ts'

/** Epoch ms of a day of March 2026 at hh:mm in Berlin (UTC+1 that month). */
const berlin = (day: number, hh: number, mm = 0) => Date.UTC(2026, 2, day, hh - 1, mm)

/** Declares the pod's circle on the Rhythm screen: Mondays at 18:00, Berlin time. */
async function declareMondayCircle(page: Page, podUrl: string): Promise<void> {
  await page.goto(`${podUrl}/rhythm`)
  await page.getByRole('heading', { name: 'Rhythm', level: 1 }).waitFor()
  const form = page.getByRole('region', { name: 'Declare a container' })
  await form.getByLabel(/^Circle/).check()
  await form.getByLabel('How often').selectOption('weekly')
  await form.getByLabel('Weekday').selectOption({ label: 'Monday' })
  await form.getByLabel('Time', { exact: true }).fill('18:00')
  expect(await form.getByLabel('Time zone').inputValue()).toBe('Europe/Berlin')
  await form.getByRole('button', { name: 'Add circle' }).click()
  await page.getByTestId('container').first().waitFor()
}

async function at(page: Page, ms: number, url: string): Promise<void> {
  await page.clock.setFixedTime(ms)
  await page.goto(url)
  await page.reload()
}

describe('a pod’s rhythm, as the screens keep it', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let device: Device
  let podUrl = ''

  beforeAll(async () => {
    host = await startTestHost()
    device = await launchDevice({ timezoneId: 'Europe/Berlin' })
  })
  afterAll(async () => {
    await device?.destroy()
    await host?.close()
  })

  it('reads three circles started from the app as a streak of three, and the rhythm kept', async () => {
    const { page } = device
    await page.clock.setFixedTime(berlin(2, 9))
    await startAs(page, `${host.url}/`, 'Amara')
    podUrl = await createPod(page, { name: 'Monday pod', kind: /^Learning pod/ })
    await addMember(page, 'Bo', 'Practising')

    await declareMondayCircle(page, podUrl)

    for (const day of [2, 9, 16]) {
      await at(page, berlin(day, 18, 5), podUrl)
      // The start button offers the rhythm's circle; an extra circle is a choice of its own.
      await page.getByRole('button', { name: 'An extra circle, outside the rhythm' }).waitFor()
      await page
        .getByRole('button', { name: /^Start today’s circle \((18:00|0?6:00 PM)\)$/ })
        .click()
      await page.getByRole('heading', { name: /^Circle of / }).waitFor()
      for (const name of ['Amara', 'Bo'])
        await page.getByRole('group', { name }).getByLabel('Present').check()
      await expect
        .poll(() => page.getByText(/^Present: /).textContent())
        .toBe('Present: Amara, Bo.')
      await page.clock.setFixedTime(berlin(day, 19, 30))
      await page.getByRole('button', { name: 'Confirm and close the circle' }).click()
      await page.getByRole('heading', { name: 'Next circle’s roles' }).waitFor()
    }

    await at(page, berlin(18, 9), `${podUrl}/rhythm`)
    await expect
      .poll(() => page.getByTestId('streak').first().textContent())
      .toMatch(/^3 meetings in a row on rhythm since Mon 2 Mar/)
    expect(await page.getByTestId('nudge').count()).toBe(0)
    await at(page, berlin(18, 9), `${podUrl}/vitality`)
    await expect
      .poll(() => page.getByTestId('signal-rhythm').textContent())
      .toContain('3 of 3 meetings due in the last 13 weeks were held on rhythm (100%)')
    expect(await page.getByTestId('signal-rhythm').textContent()).not.toMatch(/decay/i)
  })

  it('names a Monday skipped with a reason', async () => {
    const { page } = device
    await at(page, berlin(20, 10), `${podUrl}/rhythm`)
    await page.getByRole('button', { name: /^Skip Circle on Mon 23 Mar/ }).click()
    const skip = page.getByRole('form', { name: /^Skip Circle on Mon 23 Mar/ })
    await skip.getByLabel('Reason').fill('Spring break')
    await skip.getByRole('button', { name: 'Skip' }).click()
    await page.getByText('Skipped: Spring break').waitFor()

    await at(page, berlin(25, 10), `${podUrl}/rhythm`)
    await expect
      .poll(() => page.getByTestId('nudge').textContent())
      .toContain('The Circle on Mon 23 Mar did not happen (Spring break).')
    expect(await page.getByTestId('streak').first().textContent()).toMatch(
      /^No meetings in a row|The rhythm broke on Mon 23 Mar.*Spring break/,
    )
  })
})

interface Mark {
  name: string
  mark: 'Present' | 'Absent'
}

describe('one Monday started on two devices apart', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  const inBerlin = (profileDir?: string) =>
    launchDevice({
      timezoneId: 'Europe/Berlin',
      ...(profileDir === undefined ? {} : { profileDir }),
    })

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b] = await Promise.all([inBerlin(), inBerlin()])
  })
  afterAll(async () => {
    await Promise.all([a, b].map((d) => d?.destroy()))
    await host?.close()
  })

  it('ends as one meeting holding what each device recorded', async () => {
    for (const d of [a, b]) await d.page.clock.setFixedTime(berlin(2, 9))
    await startAs(a.page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(a.page, { name: 'Monday pod', kind: /^Learning pod/ })
    await declareMondayCircle(a.page, podUrl)
    await a.page.goto(podUrl)
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', 'Monday pod')
    await waitConnectedWith(a.page, ['Bo'])

    const start = /^Start today’s circle \((18:00|0?6:00 PM)\)$/
    const startAndMark = async (device: Device, name: string, other: Mark) => {
      await device.page.clock.setFixedTime(berlin(2, 18, 5))
      await device.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
      await device.page.reload()
      await device.page.getByRole('button', { name: start }).click()
      await device.page.getByRole('heading', { name: /^Circle of / }).waitFor()
      await device.page.getByRole('group', { name, exact: true }).getByLabel('Present').check()
      await device.page
        .getByRole('group', { name: other.name, exact: true })
        .getByLabel(other.mark)
        .check()
      await expect
        .poll(() => device.page.getByText(/^Present: /).textContent())
        .toBe(other.mark === 'Present' ? `Present: Amara, Bo.` : `Present: ${name}.`)
      return device.page.url()
    }
    // Bo's device is closed while Amara starts the circle; then Amara's while Bo starts it.
    // Apart, they disagree about Bo: Amara marks him absent (he had not come yet).
    await b.close()
    const onA = await startAndMark(a, 'Amara', { name: 'Bo', mark: 'Absent' })
    await a.close()
    b = await relaunch(b, inBerlin)
    const onB = await startAndMark(b, 'Bo', { name: 'Amara', mark: 'Present' })
    // The same meeting, by the same address, though neither device knew of the other's start.
    expect(onB.split('#')[1]).toBe(onA.split('#')[1])
    a = await relaunch(a, inBerlin)
    await a.page.clock.setFixedTime(berlin(2, 18, 10))
    await a.page.goto(onA)
    await expect
      .poll(() => a.page.getByTestId('circle-reach').textContent(), { timeout: 60_000 })
      .toMatch(/In sync with Bo/)
    // Both devices say that they disagreed about Bo, and about nobody else.
    for (const d of [a, b])
      await expect
        .poll(() => d.page.getByTestId('attendance-disagreement').allTextContents(), {
          timeout: 60_000,
        })
        .toEqual([
          'Marked differently while devices were apart: Present on one device, Absent on another. Which was it?',
        ])
    // Amara's pod home names the circle to settle, and leads to it.
    await a.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    const notice = a.page.getByRole('region', { name: 'Attendance to settle' })
    await expect
      .poll(() => notice.getByRole('listitem').textContent())
      .toMatch(/^Circle of (2 Mar 2026|Mar 2, 2026): Bo$/)
    // Both started the same circle apart: one start is kept, the same one on both devices.
    const labelOn = (d: Device) =>
      d.page
        .getByRole('button', { name: /^(Back to your|Join \w+’s) circle, started / })
        .textContent()
    await b.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    const labels = [await labelOn(a), await labelOn(b)]
    expect([
      ['Back to your circle, started 18:05', 'Join Amara’s circle, started 18:05'],
      ['Join Bo’s circle, started 18:05', 'Back to your circle, started 18:05'],
    ]).toContainEqual(labels.map((l) => l?.replace(/0?6:05 PM/, '18:05')))
    await notice.getByRole('link', { name: /^Circle of / }).click()
    await a.page.getByRole('button', { name: 'Bo was present' }).click()
    await b.page.goto(onB)
    for (const d of [a, b]) {
      await expect
        .poll(() => d.page.getByText(/^Present: /).textContent(), { timeout: 60_000 })
        .toBe('Present: Amara, Bo.')
      await expect.poll(() => d.page.getByTestId('attendance-disagreement').count()).toBe(0)
    }
  })
})
