/** Steps for sync tests: invites, joining, waiting for members to see each other. */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'
import { launchDevice, type Device } from './browser.ts'
import { memberNames, memberRow } from './tend.ts'

/** Makes a fresh invite link (for one person) and returns it. */
export async function makeInvite(page: Page): Promise<string> {
  const panel = page.getByRole('region', { name: 'Invite someone' })
  const input = panel.getByLabel('Invite link', { exact: true })
  // A link made before is still shown until the new one replaces it. (A plain bounded wait,
  // not expect.poll: set-up steps call this outside a test.)
  const shown = async () => ((await input.count()) > 0 ? input.inputValue() : null)
  const before = await shown()
  await panel.getByRole('button', { name: /invite link|new link/ }).click()
  const deadline = Date.now() + 15_000
  for (;;) {
    const now = await shown()
    if (now !== null && now !== before) return now
    if (Date.now() > deadline) throw new Error('no new invite link appeared within 15 s')
    await page.waitForTimeout(100)
  }
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
