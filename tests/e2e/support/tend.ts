/** What a person does in Tend, as steps for the browser tests. */
import { expect } from 'vitest'
import type { Page } from 'playwright-core'

export async function startAs(page: Page, url: string, name: string): Promise<void> {
  await page.goto(url)
  await page.getByLabel('Your name, as your pod will see it').fill(name)
  await page.getByRole('button', { name: 'Start' }).click()
  await page.getByRole('heading', { name: 'Your pods' }).waitFor()
}

export async function createPod(
  page: Page,
  pod: { name: string; purpose?: string; kind?: RegExp },
): Promise<string> {
  await page.getByLabel('Name', { exact: true }).fill(pod.name)
  await page.getByLabel('Purpose').fill(pod.purpose ?? '')
  if (pod.kind !== undefined) await page.getByLabel(pod.kind).check()
  await page.getByRole('button', { name: 'Create pod' }).click()
  await page.getByRole('heading', { name: pod.name, level: 1 }).waitFor()
  return page.url()
}

export async function addMember(
  page: Page,
  name: string,
  stage: 'Newer' | 'Practising' | 'Experienced',
) {
  const form = page.getByRole('region', { name: 'Add a member' })
  await form.getByLabel('Name').fill(name)
  await form.getByLabel(stage).check()
  await form.getByRole('button', { name: 'Add member' }).click()
  await memberRow(page, name).waitFor()
}

/** A member's row, by exact name. */
export function memberRow(page: Page, name: string) {
  return page
    .getByTestId('member')
    .filter({ has: page.locator('.member-name', { hasText: new RegExp(`^${name}$`) }) })
}

export async function memberNames(page: Page): Promise<string[]> {
  return page.locator('[data-testid=member] .member-name').allTextContents()
}

/** Runs axe-core in the page and returns serious or critical violations. */
export async function seriousA11yViolations(page: Page, axeSource: string): Promise<string[]> {
  await page.addScriptTag({ content: axeSource })
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (ctx: Document) => Promise<{
            violations: { id: string; impact: string | null; help: string; nodes: unknown[] }[]
          }>
        }
      }
    ).axe
    const result = await axe.run(document)
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} ×${v.nodes.length}`)
  })
  return violations
}

export function expectNoViolations(where: string, violations: string[]): void {
  expect(violations, where).toEqual([])
}
