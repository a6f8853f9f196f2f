/**
 * History and restore: Bo withdraws the pod's proposed norm and clears a circle's notes; Amara,
 * on her own device, reads what happened in the pod's history (both, named as Bo's) and puts
 * both back from it. Her restores reach Bo, and the history says that they happened.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { createPod, startAs } from './support/tend.ts'
import { joinByInvite, makeInvite, waitConnectedWith } from './support/sync.ts'
import { addNotesLine, notesLines } from './support/notes.ts'

const POD = 'Remembering pod'
const NORM = 'Phones face down while we meet'
const LINE = 'We agreed to rotate the facilitator monthly'

describe('a pod’s history, and restoring it', () => {
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

  it('undoes a member’s deletions from another member’s device', async () => {
    await startAs(amara.page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(amara.page, { name: POD, kind: /^Cohort/ })
    await joinByInvite(bo.page, await makeInvite(amara.page), 'Bo', POD)
    await waitConnectedWith(amara.page, ['Bo'])

    await amara.page.goto(`${podUrl}/norms`)
    const form = amara.page.getByRole('region', { name: 'Propose a norm' })
    await form.getByLabel('The norm').fill(NORM)
    await form.getByRole('button', { name: 'Propose' }).click()
    await amara.page.goto(podUrl)
    await amara.page.getByRole('button', { name: 'Start a circle now' }).click()
    await amara.page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
    await addNotesLine(amara.page, LINE)
    const circle = amara.page.url()

    // Bo withdraws the proposal and clears the notes.
    const proposal = (d: Device) => d.page.getByTestId('proposal').filter({ hasText: NORM })
    await bo.page.goto(`${podUrl.replace(/^.*#/, `${host.url}/#`)}/norms`)
    await proposal(bo).getByRole('button', { name: 'Withdraw' }).click({ timeout: 60_000 })
    await expect.poll(() => proposal(bo).count()).toBe(0)
    await bo.page.goto(circle)
    const editor = bo.page.getByRole('textbox', { name: 'Circle notes' })
    await expect.poll(() => notesLines(bo.page), { timeout: 60_000 }).toContain(LINE)
    await editor.click()
    await bo.page.keyboard.press('Control+A')
    await bo.page.keyboard.press('Delete')
    await expect.poll(() => notesLines(amara.page), { timeout: 60_000 }).not.toContain(LINE)

    // Amara reads the history on her device and restores the pod to before Bo's withdrawal.
    await amara.page.goto(podUrl)
    await amara.page.getByText('History', { exact: true }).click()
    const event = amara.page
      .getByTestId('history-event')
      .filter({ hasText: new RegExp(`^Bo withdrew the norm ‘${NORM}’\\.`) })
    await event.waitFor({ timeout: 60_000 })
    await event.getByRole('button', { name: 'Restore to before this' }).click()
    await event.getByRole('button', { name: 'Restore', exact: true }).click()
    await expect
      .poll(() => amara.page.getByTestId('history-event').first().textContent())
      .toMatch(/^Amara restored the pod to an earlier point\./)

    // The history names Bo's clearing of the notes too; Amara restores those notes from it.
    const cleared = amara.page
      .getByTestId('history-event')
      .filter({ hasText: /^Bo edited the notes of / })
    await cleared.waitFor({ timeout: 60_000 })
    await cleared.getByRole('button', { name: 'Restore to before this' }).click()
    await cleared.getByRole('button', { name: 'Restore', exact: true }).click()
    // (Listed by time, to the second: it may share its second with the pod's restore.)
    await expect
      .poll(() =>
        amara.page
          .getByTestId('history-event')
          .filter({ hasText: /^Amara brought back an earlier version of the notes of / })
          .count(),
      )
      .toBe(1)
    await amara.page.goto(circle)
    await expect.poll(() => notesLines(amara.page)).toContain(LINE)
    // The notes' own earlier versions list the text Bo cleared, too.
    await amara.page.getByText('Earlier versions', { exact: true }).click()
    await expect
      .poll(() => amara.page.getByTestId('notes-version').filter({ hasText: LINE }).count())
      .toBeGreaterThan(0)

    // Both restores reach Bo.
    await expect.poll(() => notesLines(bo.page), { timeout: 60_000 }).toContain(LINE)
    await bo.page.goto(`${podUrl.replace(/^.*#/, `${host.url}/#`)}/norms`)
    await expect.poll(() => proposal(bo).count(), { timeout: 60_000 }).toBe(1)
  })
})
