/**
 * What the component tests share: React's act environment, rendering a screen inside Tend's
 * services, waiting for what the screen shows, typing as a person does, and unmounting after
 * each test (call `afterEach(unmountScreens)`). An in-memory pod store stands in for storage;
 * nothing else is doubled.
 */
import { act, type ReactNode } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { Repo } from '@automerge/automerge-repo'
import { createPodStore } from '../../../src/adapters/automerge/podStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { ServicesContext, type TendServices } from '../../../src/hooks/services.ts'
import { initPod } from '../../../src/domain/pods.ts'
import type { CommandContext } from '../../../src/domain/commandContext.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { testContext, trustMembersAsLegacy } from './testContext.ts'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

const roots: Root[] = []

/** Renders `element` with `services` into a fresh element on the page; returns that element. */
export function renderScreen(services: TendServices, element: ReactNode): HTMLElement {
  const host = document.createElement('div')
  document.body.append(host)
  const root = createRoot(host)
  roots.push(root)
  act(() =>
    root.render(<ServicesContext.Provider value={services}>{element}</ServicesContext.Provider>),
  )
  return host
}

export function unmountScreens(): void {
  for (const root of roots.splice(0)) act(() => root.unmount())
  document.body.innerHTML = ''
}

/** Polls `read` (letting React work in between) until it gives something; bounded in time. */
export async function eventually<T>(
  read: () => T | null | undefined | false,
  timeoutMs = 5000,
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (value !== null && value !== undefined && value !== false) return value
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await act(() => new Promise((r) => setTimeout(r, 20)))
  }
}

/** Types into a React-controlled input the way a person does. */
export function typeInto(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set
  act(() => {
    setter?.call(input, value)
    input.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

/** The services a pod screen reads, over an in-memory pod store. */
export function podServices(pods: ReturnType<typeof createPodStore>): TendServices {
  return {
    pods,
    device: {
      getPod: async () => null,
      updatePod: async () => undefined,
      subscribe: () => () => undefined,
    },
    // No other device: the circle screen says this device is on its own.
    mesh: { status: () => null, subscribe: () => () => undefined, tryAgain: () => undefined },
    context: () => ({ now: Date.now(), newId: () => `id-${Math.random()}` }),
  } as unknown as TendServices
}

/** A pod founded by Amara in an in-memory store, filled further by `more`. */
export async function podInMemory<T>(more: (doc: PodDoc, ctx: CommandContext) => T) {
  const repo = new Repo({ network: [] })
  const pods = createPodStore(repo, new ShareRules('dev'))
  const ctx = testContext(Date.now())
  const { url, result } = await pods.create((doc) => {
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
    const made = more(doc, ctx)
    trustMembersAsLegacy(doc)
    return made
  })
  return { repo, pods, url, result, ctx, services: podServices(pods) }
}
