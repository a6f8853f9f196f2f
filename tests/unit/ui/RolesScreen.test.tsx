// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { Repo } from '@automerge/automerge-repo'
import { createPodStore } from '../../../src/adapters/automerge/podStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { ServicesContext, type TendServices } from '../../../src/hooks/services.ts'
import { RolesScreen } from '../../../src/ui/roles/RolesScreen.tsx'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'
import { scheduleMeeting } from '../../../src/domain/meetings.ts'
import { testContext } from '../support/testContext.ts'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

async function eventually<T>(read: () => T | null | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (value !== null && value !== undefined) return value
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await act(() => new Promise((r) => setTimeout(r, 20)))
  }
}

function choose(select: HTMLSelectElement, label: string): void {
  const option = [...select.options].find((o) => o.textContent === label)
  if (option === undefined) throw new Error(`no option ${label}`)
  act(() => {
    select.value = option.value
    select.dispatchEvent(new Event('change', { bubbles: true }))
  })
}

let root: Root | null = null
afterEach(() => {
  act(() => root?.unmount())
  root = null
  document.body.innerHTML = ''
})

describe('RolesScreen', () => {
  it('records a manual swap for a planned circle, and the next holders show it', async () => {
    const repo = new Repo({ network: [] })
    const pods = createPodStore(repo, new ShareRules('dev'))
    const ctx = testContext(Date.now())
    const { url } = await pods.create((doc) => {
      initPod(
        doc,
        {
          name: 'Pod',
          purpose: '',
          kind: 'learning-pod',
          founder: { name: 'Amara', stage: 'experienced' },
          device: null,
        },
        ctx,
      )
      addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
      addMember(doc, { name: 'Cy', stage: 'newer' }, ctx)
      scheduleMeeting(
        doc,
        { containerId: null, scheduledFor: ctx.now + 86_400_000, notesUrl: null },
        ctx,
      )
    })
    const services = {
      pods,
      device: {
        getPod: async () => null,
        updatePod: async () => undefined,
        subscribe: () => () => undefined,
      },
      context: () => ({ now: Date.now(), newId: () => `id-${Math.random()}` }),
    } as unknown as TendServices
    const host = document.createElement('div')
    document.body.append(host)
    root = createRoot(host)
    act(() =>
      root?.render(
        <ServicesContext.Provider value={services}>
          <RolesScreen url={url} />
        </ServicesContext.Provider>,
      ),
    )
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

    await eventually(() => (firstFacilitator() === other ? true : null))
    const view = pods.peek(url)
    expect(Object.values(view?.roleSwaps ?? {})).toHaveLength(1)
    expect(swap.querySelector('[role=status]')?.textContent).toBe(`${other} takes it this time.`)
  })
  it('renames a role, and the form closes once the new name is saved', async () => {
    const repo = new Repo({ network: [] })
    const pods = createPodStore(repo, new ShareRules('dev'))
    const ctx = testContext(Date.now())
    const { url } = await pods.create((doc) =>
      initPod(
        doc,
        {
          name: 'Pod',
          purpose: '',
          kind: 'learning-pod',
          founder: { name: 'Amara', stage: 'experienced' },
          device: null,
        },
        ctx,
      ),
    )
    const services = {
      pods,
      device: {
        getPod: async () => null,
        updatePod: async () => undefined,
        subscribe: () => () => undefined,
      },
      context: () => ({ now: Date.now(), newId: () => `id-${Math.random()}` }),
    } as unknown as TendServices
    const host = document.createElement('div')
    document.body.append(host)
    root = createRoot(host)
    act(() =>
      root?.render(
        <ServicesContext.Provider value={services}>
          <RolesScreen url={url} />
        </ServicesContext.Provider>,
      ),
    )
    const rename = await eventually(() =>
      host.querySelector<HTMLButtonElement>('button[aria-label="Rename Timekeeper"]'),
    )
    act(() => rename.click())
    const form = host.querySelector('form[aria-label="Rename Timekeeper"]')
    const input = form?.querySelector('input') as HTMLInputElement
    const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set
    act(() => {
      setter?.call(input, 'Time guardian')
      input.dispatchEvent(new Event('input', { bubbles: true }))
    })
    await act(async () => form?.querySelector<HTMLButtonElement>('button[type=submit]')?.click())
    await eventually(() => host.querySelector('button[aria-label="Rename Time guardian"]'))
    expect(host.querySelector('form[aria-label^="Rename"]')).toBeNull()
    expect(Object.values(pods.peek(url)?.roles ?? {}).map((r) => r.name)).toContain('Time guardian')
  })
})
