import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, expectNoViolations, seriousA11yViolations, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith } from './support/sync.ts'

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

/** Every device's clock reads this moment, so the dates the screens show are known. */
const NOW = new Date('2026-03-03T18:00:00Z')

function section(page: Page, name: string) {
  return page.getByRole('region', { name })
}

function insightItem(page: Page, text: string) {
  return section(page, 'Insights').getByRole('listitem').filter({ hasText: text })
}

// Two members on devices of their own, a pod made only through the screens: a mistake in the
// record is corrected, the correction shows who made it and what it replaced, and it reaches
// the other member.
describe('correcting the record', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let a: Device
  let b: Device
  let podUrl = ''
  let circleUrl = ''
  const POD = 'Tuesday circle'

  beforeAll(async () => {
    host = await startTestHost()
    ;[a, b] = await Promise.all([launchDevice(), launchDevice()])
    await Promise.all([a, b].map((d) => d.page.clock.setFixedTime(NOW)))
    await startAs(a.page, `${host.url}/`, 'Amara')
    podUrl = await createPod(a.page, { name: POD, purpose: 'Learn to orgnise' })
    await joinByInvite(b.page, await makeInvite(a.page), 'Bo', POD, 'Practising')
  })
  afterAll(async () => {
    await Promise.all([a, b].map((d) => d?.destroy()))
    await host?.close()
  })

  it('edits an insight, keeping what it said, and withdraws one from the knowledge base', async () => {
    const { page } = a
    await waitConnectedWith(page, ['Bo'])
    await page.goto(podUrl)
    await page.getByRole('button', { name: 'Start a circle now' }).click()
    await page.getByRole('heading', { name: /^Circle of / }).waitFor()
    circleUrl = page.url()

    const insights = section(page, 'Insights')
    const record = async (kind: string, text: string, tags: string) => {
      await insights.getByLabel(kind, { exact: true }).check()
      await insights.getByLabel('Insight', { exact: true }).fill(text)
      await insights.getByLabel('Tags, separated by commas').fill(tags)
      await insights.getByRole('button', { name: 'Record insight' }).click()
      await insightItem(page, text).waitFor()
    }
    await record('Learning', 'Time', 'listening')
    await record('Tension', 'Agendas set by one person', 'power')

    // Edit: the new text shows, with who corrected it; the old text is one tap away.
    await page.getByRole('button', { name: 'Edit insight “Time”' }).click()
    const form = page.getByRole('form', { name: 'Correct insight “Time”' })
    await form.getByLabel('Corrected insight').fill('Time to listen together')
    await form.getByRole('button', { name: 'Save correction' }).click()
    const edited = insightItem(page, 'Time to listen together')
    await edited.getByTestId('correction-note').waitFor()
    expect(await edited.getByTestId('correction-note').textContent()).toMatch(
      /corrected by Amara, (Mar 3, 2026|3 Mar 2026)/,
    )
    await edited.getByText('What it was before').click()
    await expect
      .poll(() => edited.locator('.correction-history').textContent())
      .toMatch(/^Time \(changed by Amara, /)

    // Withdraw: still on the circle screen, marked, with what it said reachable.
    await page.getByRole('button', { name: 'Withdraw insight “Agendas set by one person”' }).click()
    const withdrawn = insights.getByTestId('withdrawn-item')
    await withdrawn.waitFor()
    expect(await withdrawn.locator('span').first().textContent()).toMatch(
      /^Insight withdrawn by Amara on (Mar 3, 2026|3 Mar 2026)$/,
    )
    expect(await withdrawn.getByText('Agendas set by one person').isVisible()).toBe(false)
    await withdrawn.getByText('What it said').click()
    await withdrawn.getByText('Agendas set by one person').waitFor()
    expect(
      await page.getByRole('button', { name: 'Edit insight “Agendas set by one person”' }).count(),
    ).toBe(0)
    expectNoViolations('corrected circle', await seriousA11yViolations(page, axeSource))

    // The knowledge base no longer finds the withdrawn insight; the corrected one it finds.
    await page.goto(podUrl)
    await page.getByRole('link', { name: 'What we have learned' }).click()
    await page.getByRole('heading', { name: 'What we have learned', level: 1 }).waitFor()
    await expect
      .poll(() => page.getByTestId('insight').allTextContents())
      .toEqual([expect.stringContaining('Time to listen together')])
    const search = page.getByLabel('Search insights and notes')
    await search.fill('agendas')
    await page.getByRole('status').getByText('Nothing found for “agendas”.').waitFor()
    await search.fill('listen')
    await expect.poll(() => page.getByTestId('search-result').count()).toBe(1)

    // Bo's device shows the same corrections.
    await b.page.goto(circleUrl)
    const onB = insightItem(b.page, 'Time to listen together')
    await onB.getByTestId('correction-note').waitFor({ timeout: 60_000 })
    expect(await onB.getByTestId('correction-note').textContent()).toContain('corrected by Amara')
    await section(b.page, 'Insights')
      .getByTestId('withdrawn-item')
      .getByText(/^Insight withdrawn by Amara/)
      .waitFor({ timeout: 60_000 })
  })

  it('corrects an attendance mark of a held circle, and the pod’s purpose', async () => {
    const { page } = a
    await page.goto(circleUrl)
    const attendance = section(page, 'Who is here')
    await attendance.getByRole('group', { name: 'Amara' }).getByLabel('Present').check()
    await attendance.getByRole('group', { name: 'Bo' }).getByLabel('Absent').check()
    await expect
      .poll(() =>
        section(page, 'Closing')
          .getByText(/^Absent: /)
          .textContent(),
      )
      .toBe('Absent: Bo.')
    await page.getByRole('button', { name: 'Confirm and close the circle' }).click()
    await page.getByTestId('circle-held').waitFor()

    // Bo was there after all: the mark is corrected, and the correction shows.
    const held = section(page, 'Who was here')
    await held.getByRole('button', { name: 'Edit Bo’s attendance' }).click()
    const form = held.getByRole('form', { name: 'Correct Bo’s attendance' })
    await form.getByLabel('Present').check()
    await form.getByRole('button', { name: 'Save correction' }).click()
    const bo = held.getByTestId('held-attendance').filter({ hasText: /^Bo:/ })
    await bo.getByTestId('correction-note').waitFor()
    expect(await bo.locator('.item-body').textContent()).toMatch(
      /^Bo: Present · corrected by Amara, (Mar 3, 2026|3 Mar 2026)/,
    )
    await bo.getByText('What it was before').click()
    await bo.locator('.correction-history').getByText('Absent').waitFor()
    await expect
      .poll(() =>
        section(page, 'Closing')
          .getByText(/^Present: /)
          .textContent(),
      )
      .toBe('Present: Amara, Bo.')

    // The pod's purpose, corrected on its home.
    await page.goto(podUrl)
    await page.getByRole('button', { name: 'Edit the pod’s name and purpose' }).click()
    const details = page.getByRole('form', { name: 'Correct the pod’s name and purpose' })
    await details.getByLabel('Pod purpose').fill('Learn to organise')
    await details.getByRole('button', { name: 'Save correction' }).click()
    const note = page.getByTestId('pod-corrections')
    await note.waitFor()
    expect(await note.textContent()).toContain('Purpose corrected by Amara')
    expect(await page.locator('.purpose').textContent()).toBe('Learn to organise')

    // Bo sees the corrected mark on the held circle.
    await b.page.goto(circleUrl)
    const boOnB = section(b.page, 'Who was here')
      .getByTestId('held-attendance')
      .filter({ hasText: /^Bo:/ })
    await expect
      .poll(() => boOnB.locator('.item-body').textContent(), { timeout: 60_000 })
      .toMatch(/^Bo: Present · corrected by Amara/)
  })
})
