/** Steps for sync tests: invites, joining, waiting for members to see each other. */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './browser.ts'
import { memberNames, memberRow } from './tend.ts'

/** Makes a fresh invite link (for one person) and returns it. */
export async function makeInvite(page: Page): Promise<string> {
  const panel = page.getByRole('region', { name: 'Invite someone' })
  const input = panel.getByLabel('Invite link', { exact: true })
  // A link made before is still shown until the new one replaces it: wait for the change.
  const before = (await input.count()) > 0 ? await input.inputValue() : ''
  await panel.getByRole('button', { name: /invite link|new link/ }).click()
  await page.waitForFunction(
    (previous) => {
      const field = document.getElementById('invite-link') as HTMLInputElement | null
      return field !== null && field.value !== '' && field.value !== previous
    },
    before,
    { timeout: 15_000 },
  )
  return input.inputValue()
}

/** Opens an invite on a device and joins as `name`; waits until the pod has arrived. */
export async function joinByInvite(
  page: Page,
  link: string,
  name: string,
  podName: string,
  stage: 'Newer' | 'Practising' | 'Experienced' = 'Newer',
): Promise<void> {
  await page.goto(link)
  await page.getByRole('heading', { name: `Join ${podName}` }).waitFor()
  await page.getByLabel('Your name, as your pod will see it').fill(name)
  await page.getByLabel(stage).check()
  await page.getByRole('button', { name: 'Join the pod' }).click()
  await page
    .getByRole('heading', { name: podName, level: 1, exact: true })
    .waitFor({ timeout: 60_000 })
  await memberRow(page, name).waitFor({ timeout: 60_000 })
}

/** Waits until the sync panel says this device is connected with exactly `names`. */
export async function waitConnectedWith(
  page: Page,
  names: string[],
  timeout = 60_000,
): Promise<void> {
  await expect
    .poll(
      async () => {
        const text = (await page.getByTestId('connected-with').textContent()) ?? ''
        const match = /^Connected with (.*)\.$/.exec(text)
        return match?.[1]?.split(', ').sort() ?? []
      },
      { timeout, interval: 250 },
    )
    .toEqual([...names].sort())
}

export async function waitForMembers(page: Page, names: string[], timeout = 60_000): Promise<void> {
  await expect
    .poll(async () => (await memberNames(page)).sort(), { timeout, interval: 250 })
    .toEqual([...names].sort())
}

/** Relaunches a device that was closed, on the same profile (its IndexedDB kept). */
export async function relaunch(
  device: Device,
  launch: (profileDir: string) => Promise<Device> = (profileDir) => launchDevice({ profileDir }),
): Promise<Device> {
  return launch(device.profileDir)
}
