/**
 * A lost device is removed and the pod's keys rotate. Amara links her laptop, then loses it:
 * from her phone she removes it while Bo's device is closed. The pod moves to a new secret,
 * sealed to the devices that remain. Bo's device comes back on the old secret, finds Amara's
 * phone in the old room (kept open for members only), learns the new secret there and keeps
 * syncing — no new invite. The laptop, reopened, says it was removed, keeps its own copy and
 * reaches no one; an invite link it made before the removal admits no one, and it cannot make
 * one after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, memberRow, startAs } from './support/tend.ts'
import { addNotesLine, notesLines } from './support/notes.ts'
import {
  joinByInvite,
  makeInvite,
  relaunch,
  waitConnectedWith,
  waitForMembers,
} from './support/sync.ts'

/** The pod's key epoch and secret as this device stores them (never shown on screen). */
async function podKeysOn(
  page: Page,
  url: string,
): Promise<{ epoch: number | null; secret: string | null }> {
  return page.evaluate(
    (podUrl) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('tend-device')
        open.onsuccess = () => {
          const get = open.result.transaction('pods').objectStore('pods').get(podUrl)
          get.onsuccess = () => {
            const entry = get.result as { epoch?: number; secret: string | null } | undefined
            open.result.close()
            resolve({ epoch: entry?.epoch ?? null, secret: entry?.secret ?? null })
          }
          get.onerror = () => reject(get.error)
        }
        open.onerror = () => reject(open.error)
      }),
    url,
  )
}

describe('removing a lost device rotates the pod’s keys', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let phone: Device
  let laptop: Device
  let bo: Device
  let stranger: Device | null = null
  const POD = 'Key pod'

  beforeAll(async () => {
    host = await startTestHost()
    ;[phone, laptop, bo] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([phone, laptop, bo, stranger].map((d) => d?.destroy()))
    await host?.close()
  })

  it('keeps the others syncing on a new secret, and the removed device out', async () => {
    await startAs(phone.page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(phone.page, { name: POD, kind: /^Circle/ })
    const docUrl = `automerge:${podUrl.split('#/pod/')[1] ?? ''}`
    const debug = process.env['TEND_DEBUG_TEST'] === '1'
    const logs: string[] = []
    if (debug) {
      phone.page.on('console', (m) => logs.push(`${Date.now() % 1e6} phone: ${m.text()}`))
      await phone.page.evaluate(() => localStorage.setItem('tend-debug', '1'))
    }
    await joinByInvite(bo.page, await makeInvite(phone.page), 'Bo', POD)
    await waitConnectedWith(phone.page, ['Bo'])

    // Amara links her laptop.
    const panel = phone.page.getByRole('region', { name: 'Invite someone' })
    await panel.getByRole('button', { name: 'Link another device of mine' }).click()
    const field = panel.getByLabel('Device link', { exact: true })
    await field.waitFor()
    await laptop.page.goto(await field.inputValue())
    await laptop.page.getByRole('button', { name: 'Link this device' }).click()
    await laptop.page.getByRole('heading', { name: POD, level: 1 }).waitFor({ timeout: 60_000 })
    await expect.poll(() => memberRow(phone.page, 'Amara').textContent()).toContain('2 devices')
    // Every device has shared its sealing key before anyone is removed, so the new secret is
    // sealed to it.
    await expect.poll(() => phone.page.getByTestId('member-device').count()).toBe(3)
    await expect
      .poll(() => phone.page.getByText('not yet ready for a new key').count(), { timeout: 30_000 })
      .toBe(0)

    // A circle's notes reach the laptop before it is lost.
    const NOTE = 'Ask Bo about the venue'
    await phone.page.getByRole('button', { name: 'Start a circle now' }).click()
    await phone.page.getByRole('textbox', { name: 'Circle notes' }).waitFor()
    await addNotesLine(phone.page, NOTE)
    const circleUrl = phone.page.url()
    await laptop.page.goto(circleUrl)
    await expect.poll(() => notesLines(laptop.page), { timeout: 60_000 }).toContain(NOTE)
    await phone.page.goto(podUrl)
    await laptop.page.goto(podUrl)

    // The laptop makes an invite before it is lost.
    const laptopLink = await makeInvite(laptop.page)
    const before = await podKeysOn(phone.page, docUrl)
    expect(before.epoch).toBe(0)

    // Bo's device is closed; Amara removes the lost laptop from her phone.
    await bo.close()
    const laptopRow = memberRow(phone.page, 'Amara')
      .getByTestId('member-device')
      .filter({ hasNotText: '· this device' })
    await laptopRow.getByRole('button', { name: /^Remove this device: Amara's/ }).click()
    await phone.page
      .getByText('Removed. The pod moves to a new key; that device can no longer reach it.')
      .waitFor()
    await expect
      .poll(async () => (await podKeysOn(phone.page, docUrl)).epoch, { timeout: 30_000 })
      .toBe(1)
    const after = await podKeysOn(phone.page, docUrl)
    expect(after.secret).not.toBe(before.secret)
    await expect.poll(() => laptopRow.textContent()).toContain('removed')

    // The laptop, still open, learns that it was removed.
    const notice = laptop.page.getByTestId('removed-notice')
    await notice.waitFor({ timeout: 30_000 })
    expect(await notice.textContent()).toMatch(
      /^This device was removed from this pod on .+\. It can no longer reach the pod’s members or receive their changes\. Your copy of what was here stays readable on this device\.$/,
    )
    // Its copy stays readable, and it can no longer invite anyone.
    await laptop.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    expect(await laptop.page.getByRole('region', { name: 'Invite someone' }).count()).toBe(0)
    await laptop.close()

    // Amara's phone records more; Bo's device comes back and catches up without a new invite.
    await addMember(phone.page, 'Dee', 'Newer')
    bo = await relaunch(bo)
    if (debug) {
      bo.page.on('console', (m) => logs.push(`${Date.now() % 1e6} bo: ${m.text()}`))
      await bo.context.addInitScript(() => localStorage.setItem('tend-debug', '1'))
    }
    await bo.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    await waitForMembers(bo.page, ['Amara', 'Bo', 'Dee']).catch((e: unknown) => {
      console.log(logs.join('\n'))
      throw e
    })
    await expect.poll(async () => podKeysOn(bo.page, docUrl), { timeout: 60_000 }).toEqual(after)
    // On the new secret both ways: what Bo records reaches Amara's phone.
    await waitConnectedWith(bo.page, ['Amara'])
    await addMember(bo.page, 'Eli', 'Newer')
    await waitForMembers(phone.page, ['Amara', 'Bo', 'Dee', 'Eli'])

    // The laptop, reopened, says why it reaches no one, and has none of what came after.
    laptop = await relaunch(laptop)
    await laptop.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    await laptop.page.getByTestId('removed-notice').waitFor()
    await laptop.page.getByRole('heading', { name: POD, level: 1 }).waitFor()
    expect(
      (await laptop.page.locator('[data-testid=member] .member-name').allTextContents()).sort(),
    ).toEqual(['Amara', 'Bo'])
    expect(await laptop.page.getByTestId('connected-with').textContent()).toBe(
      'Removed from this pod: this device no longer syncs with its members.',
    )

    // Every screen of the pod on the laptop is read-only and says why, not just the pod's own:
    // no way to propose a norm, and the circle's notes are kept as they were, whatever is typed.
    await laptop.page.goto(`${podUrl}/norms`)
    await laptop.page.getByRole('heading', { name: 'Norms', level: 1 }).waitFor()
    await laptop.page.getByTestId('removed-notice').waitFor()
    expect(await laptop.page.getByRole('region', { name: 'Propose a norm' }).count()).toBe(0)
    expect(
      await laptop.page
        .getByRole('button', { name: 'Start the first norm-setting circle' })
        .count(),
    ).toBe(0)
    expect(
      await laptop.page.getByRole('button', { name: 'Start a proposal from this' }).count(),
    ).toBe(0)
    await laptop.page.goto(circleUrl)
    await laptop.page.getByTestId('removed-notice').waitFor()
    await expect.poll(() => notesLines(laptop.page)).toContain(NOTE)
    const kept = await notesLines(laptop.page)
    const notes = laptop.page.getByRole('textbox', { name: 'Circle notes' })
    expect(await notes.getAttribute('contenteditable')).toBe('false')
    await notes.click()
    await laptop.page.keyboard.press('Control+End')
    await laptop.page.keyboard.type(' — typed on the removed laptop')
    await laptop.page.keyboard.press('Control+A')
    await laptop.page.keyboard.press('Delete')
    expect(await notesLines(laptop.page)).toEqual(kept)
    // Nothing was kept either: the notes read the same once the laptop opens them again.
    await laptop.page.reload()
    await laptop.page.getByTestId('removed-notice').waitFor()
    await expect.poll(() => notesLines(laptop.page)).toEqual(kept)

    // The invite the laptop made before the removal admits no one: the members' devices in the
    // old secret's room refuse it.
    const refusals: string[] = []
    for (const d of [phone, bo])
      d.page.on('console', (m) => {
        if (/could not join: not a member of this pod/.test(m.text())) refusals.push(m.text())
      })
    stranger = await launchDevice()
    await stranger.page.goto(laptopLink)
    await stranger.page.getByLabel('Your name, as your pod will see it').fill('Finn')
    await stranger.page.getByRole('button', { name: 'Join the pod' }).click()
    await stranger.page.getByRole('heading', { name: 'Waiting for the pod' }).waitFor()
    await expect.poll(() => refusals.length, { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await stranger.page.getByRole('heading', { name: 'Waiting for the pod' }).count()).toBe(
      1,
    )
    await waitForMembers(phone.page, ['Amara', 'Bo', 'Dee', 'Eli'])
  })
})

/**
 * No single member is the gatekeeper: Amara asks to remove Cy; the removal waits until Bo, a
 * second member, confirms it on his own screen. Then the pod re-keys and Amara and Bo keep
 * syncing; Cy's device, closed at the time, comes back to be refused — and told who removed her.
 */
describe('removing another member takes a second member', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let amara: Device
  let bo: Device
  let cy: Device
  const POD = 'Two-key pod'

  beforeAll(async () => {
    host = await startTestHost()
    ;[amara, bo, cy] = await Promise.all([launchDevice(), launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([amara, bo, cy].map((d) => d?.destroy()))
    await host?.close()
  })

  it('stays pending until Bo confirms, then re-keys without Cy', async () => {
    await startAs(amara.page, `${host.url}/`, 'Amara')
    const podUrl = await createPod(amara.page, { name: POD, kind: /^Circle/ })
    const docUrl = `automerge:${podUrl.split('#/pod/')[1] ?? ''}`
    await joinByInvite(bo.page, await makeInvite(amara.page), 'Bo', POD)
    await joinByInvite(cy.page, await makeInvite(amara.page), 'Cy', POD)
    await waitConnectedWith(amara.page, ['Bo', 'Cy'])
    await expect
      .poll(() => amara.page.getByText('not yet ready for a new key').count(), { timeout: 30_000 })
      .toBe(0)
    await expect.poll(() => amara.page.getByTestId('member-device').count()).toBe(3)

    await memberRow(amara.page, 'Cy').getByRole('button', { name: 'Remove member' }).click()
    await amara.page.getByText('Asked to remove Cy. A second member has to confirm.').waitFor()
    // Pending on every screen; the one who asked cannot confirm it, Cy is not removed yet.
    const pendingOn = (page: Page) => memberRow(page, 'Cy').getByTestId('pending-removal')
    await pendingOn(amara.page).waitFor()
    expect(
      await pendingOn(amara.page).getByRole('button', { name: 'Confirm removal' }).count(),
    ).toBe(0)
    await pendingOn(bo.page).waitFor({ timeout: 30_000 })
    expect(await pendingOn(bo.page).textContent()).toContain(
      'Amara asked to remove Cy — waiting for a second member to confirm.',
    )
    expect((await podKeysOn(amara.page, docUrl)).epoch).toBe(0)
    await amara.page.screenshot({ path: '/tmp/tend-pending-removal.png', fullPage: true })

    // Cy's device is closed when the removal takes effect: it hears of it when it returns.
    await cy.close()
    await pendingOn(bo.page).getByRole('button', { name: 'Confirm removal' }).click()
    await bo.page.getByText('Confirmed. The pod moves to a new key.').waitFor()
    for (const d of [amara, bo])
      await expect
        .poll(async () => (await podKeysOn(d.page, docUrl)).epoch, { timeout: 30_000 })
        .toBe(1)
    expect((await podKeysOn(amara.page, docUrl)).secret).toBe(
      (await podKeysOn(bo.page, docUrl)).secret,
    )
    await expect
      .poll(() => memberRow(amara.page, 'Cy').textContent())
      .toContain('Removed from the pod')

    // Amara and Bo go on, on the new secret.
    await waitConnectedWith(bo.page, ['Amara'])
    await addMember(amara.page, 'Dee', 'Newer')
    await waitForMembers(bo.page, ['Amara', 'Bo', 'Cy', 'Dee'])

    // Cy's device comes back on the old secret: the members' devices there refuse it and send
    // the signed removal, which it checks and shows; it learns nothing else.
    cy = await relaunch(cy)
    await cy.page.goto(podUrl.replace(/^.*#/, `${host.url}/#`))
    const notice = cy.page.getByTestId('removed-notice')
    await notice.waitFor({ timeout: 60_000 })
    expect(await notice.textContent()).toMatch(/^You were removed from this pod by Bo on /)
    expect(await cy.page.getByTestId('connected-with').textContent()).toBe(
      'Removed from this pod: this device no longer syncs with its members.',
    )
    expect(
      (await cy.page.locator('[data-testid=member] .member-name').allTextContents()).sort(),
    ).toEqual(['Amara', 'Bo', 'Cy'])
    await amara.page.screenshot({ path: '/tmp/tend-after-removal.png', fullPage: true })
  })
})
