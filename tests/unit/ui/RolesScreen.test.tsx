// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { act } from 'react'
import { RolesScreen } from '../../../src/ui/roles/RolesScreen.tsx'
import { addMember } from '../../../src/domain/members.ts'
import { scheduleMeeting } from '../../../src/domain/meetings.ts'
import {
  eventually,
  podInMemory,
  renderScreen,
  typeInto,
  unmountScreens,
} from '../support/screens.tsx'

function choose(select: HTMLSelectElement, label: string): void {
  const option = [...select.options].find((o) => o.textContent === label)
  if (option === undefined) throw new Error(`no option ${label}`)
  act(() => {
    select.value = option.value
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
}

afterEach(unmountScreens)

describe('RolesScreen', () => {
  it('records a manual swap for a planned circle, and the next holders show it', async () => {
    const { pods, url, services } = await podInMemory((doc, ctx) => {
      addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
      addMember(doc, { name: 'Cy', stage: 'newer' }, ctx)
      scheduleMeeting(
        doc,
        { containerId: null, scheduledFor: ctx.now + 86_400_000, notesUrl: null },
        ctx,
      )
    })
    const host = renderScreen(services, <RolesScreen url={url} />)
    const upcoming = await eventually(() => host.querySelector('[data-testid=upcoming-holders]'))
    expect(upcoming.querySelectorAll(':scope > li')).toHaveLength(3)
    const firstFacilitator = () => upcoming.querySelector('li dl div dd')?.textContent ?? ''
    const before = firstFacilitator()
    expect(['Amara', 'Bo', 'Cy']).toContain(before)

    const swap = [...host.querySelectorAll('section')].find(
      (s) => s.querySelector('h2')?.textContent === 'Swap a role',
    )
    if (swap === undefined) throw new Error('no swap form')
    const [, roleSelect, toSelect] = [...swap.querySelectorAll('select')] as HTMLSelectElement[]
    choose(roleSelect as HTMLSelectElement, 'Facilitator')
    const other = ['Amara', 'Bo', 'Cy'].find((n) => n !== before) as string
    choose(toSelect as HTMLSelectElement, other)
    const button = swap.querySelector<HTMLButtonElement>('button[type=submit]')
    await act(async () => button?.click())

    await eventually(() => firstFacilitator() === other)
    const view = pods.peek(url)
    expect(Object.values(view?.roleSwaps ?? {})).toHaveLength(1)
    expect(swap.querySelector('[role=status]')?.textContent).toBe(`${other} takes it this time.`)
  })

  it('renames a role, and the form closes once the new name is saved', async () => {
    const { pods, url, services } = await podInMemory(() => undefined)
    const host = renderScreen(services, <RolesScreen url={url} />)
    const rename = await eventually(() =>
      host.querySelector<HTMLButtonElement>('button[aria-label="Rename Timekeeper"]'),
    )
    act(() => rename.click())
    const form = host.querySelector('form[aria-label="Rename Timekeeper"]')
    typeInto(form?.querySelector('input') as HTMLInputElement, 'Time guardian')
    await act(async () => form?.querySelector<HTMLButtonElement>('button[type=submit]')?.click())
    await eventually(() => host.querySelector('button[aria-label="Rename Time guardian"]'))
    expect(host.querySelector('form[aria-label^="Rename"]')).toBeNull()
    expect(Object.values(pods.peek(url)?.roles ?? {}).map((r) => r.name)).toContain('Time guardian')
  })
})
