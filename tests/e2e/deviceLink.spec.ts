/**
 * One person, two devices: Amara links her laptop from her phone. The laptop joins as Amara —
 * one member with two devices, not a second Amara — and what either device records reaches
 * the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchDevice, type Device } from './support/browser.ts'
import { startTestHost } from './support/host.ts'
import { addMember, createPod, memberNames, memberRow, startAs } from './support/tend.ts'
import { waitConnectedWith, waitForMembers } from './support/sync.ts'

describe('a member’s other device', () => {
  let host: Awaited<ReturnType<typeof startTestHost>>
  let phone: Device
  let laptop: Device
  const POD = 'Two-screen pod'

  beforeAll(async () => {
    host = await startTestHost()
    ;[phone, laptop] = await Promise.all([launchDevice(), launchDevice()])
  })
  afterAll(async () => {
    await Promise.all([phone, laptop].map((d) => d?.destroy()))
    await host?.close()
  })

  it('joins as the same member, and edits flow both ways', async () => {
    await startAs(phone.page, `${host.url}/`, 'Amara')
    await createPod(phone.page, { name: POD, kind: /^Circle/ })
    const panel = phone.page.getByRole('region', { name: 'Invite someone' })
    await panel.getByRole('button', { name: 'Link another device of mine' }).click()
    const field = panel.getByLabel('Device link', { exact: true })
    await field.waitFor()
    const link = await field.inputValue()

    await laptop.page.goto(link)
    await laptop.page
      .getByRole('heading', { name: `Link this device to Amara in ${POD}` })
      .waitFor()
    await laptop.page.getByRole('button', { name: 'Link this device' }).click()
    await laptop.page.getByRole('heading', { name: POD, level: 1 }).waitFor({ timeout: 60_000 })

    // One member, two devices, on both screens.
    for (const d of [phone, laptop]) {
      await expect.poll(() => memberRow(d.page, 'Amara').textContent()).toContain('2 devices')
      expect(await memberNames(d.page)).toEqual(['Amara'])
    }
    await waitConnectedWith(phone.page, ['Amara'])
    await addMember(laptop.page, 'Bo', 'Newer')
    await waitForMembers(phone.page, ['Amara', 'Bo'])
    await addMember(phone.page, 'Cy', 'Newer')
    await waitForMembers(laptop.page, ['Amara', 'Bo', 'Cy'])
    // The link was for one device: it is no longer open.
    await expect.poll(() => phone.page.getByTestId('open-invites').count()).toBe(0)
  })
})
