// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { Repo } from '@automerge/automerge-repo'
import { createPodStore } from '../../../src/adapters/automerge/podStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { ServicesContext, type TendServices } from '../../../src/hooks/services.ts'
import { FormatsScreen } from '../../../src/ui/formats/FormatsScreen.tsx'
import { initPod } from '../../../src/domain/pods.ts'
import { copyFormat, orderedSteps, updateFormatStep } from '../../../src/domain/podFormats.ts'
import { testContext } from '../support/testContext.ts'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

async function eventually<T>(read: () => T | null | undefined, timeoutMs = 5000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (value !== null && value !== undefined && value !== false) return value
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await act(() => new Promise((r) => setTimeout(r, 20)))
  }
}

/** Types into a React-controlled input the way a person does. */
function type(input: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set
  act(() => {
    setter?.call(input, value)
    input.dispatchEvent(new Event('input', { bubbles: true }))
  })
}

function field(form: Element, label: string): HTMLInputElement {
  const found = [...form.querySelectorAll('label')].find((l) => l.textContent === label)
  const input = found === undefined ? null : form.querySelector(`#${CSS.escape(found.htmlFor)}`)
  if (!(input instanceof HTMLInputElement)) throw new Error(`no field ${label}`)
  return input
}

function button(within: Element, text: string): HTMLButtonElement {
  const found = [...within.querySelectorAll('button')].find((b) => b.textContent === text)
  if (found === undefined) throw new Error(`no button ${text}`)
  return found
}

let root: Root | null = null
afterEach(() => {
  act(() => root?.unmount())
  root = null
  document.body.innerHTML = ''
})

async function render() {
  const repo = new Repo({ network: [] })
  const pods = createPodStore(repo, new ShareRules('dev'))
  const ctx = testContext(Date.now())
  const { url, result: formatId } = await pods.create((doc) => {
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
    return copyFormat(doc, 'troika', ctx)
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
        <FormatsScreen url={url} formatId={formatId} />
      </ServicesContext.Provider>,
    ),
  )
  const stepForm = (n: number) => host.querySelector(`form[aria-label="Step ${n}"]`)
  await eventually(() => stepForm(3))
  return { host, pods, url, formatId, ctx, stepForm }
}

describe('FormatsScreen', () => {
  it('saves a step’s new title and minutes, and says so', async () => {
    const { pods, url, formatId, stepForm } = await render()
    const form = stepForm(3) as HTMLFormElement
    type(field(form, 'Step 3'), 'Check-in: one word each')
    type(field(form, 'Minutes'), '9')
    await act(async () => button(form, 'Save step').click())
    await eventually(() => form.querySelector('[role=status]')?.textContent === 'Step saved.')
    const step = orderedSteps(pods.peek(url)?.formats[formatId] as never)[2]
    expect(step).toMatchObject({ title: 'Check-in: one word each', minutes: 9 })
    expect(field(form, 'Step 3').value).toBe('Check-in: one word each')
  })

  it('refuses zero minutes with a message and changes nothing', async () => {
    const { pods, url, formatId, stepForm } = await render()
    const form = stepForm(4) as HTMLFormElement
    type(field(form, 'Minutes'), '0')
    await act(async () => button(form, 'Save step').click())
    const alert = await eventually(() => form.querySelector('[role=alert]'))
    expect(alert.textContent).toBe('A step must be between 1 and 240 minutes.')
    expect(orderedSteps(pods.peek(url)?.formats[formatId] as never)[3]?.minutes).toBe(3)
  })

  it('shows another member’s edit, but never over what this member is typing', async () => {
    const { pods, url, formatId, ctx, stepForm } = await render()
    const steps = orderedSteps(pods.peek(url)?.formats[formatId] as never)
    const form3 = stepForm(3) as HTMLFormElement
    const form5 = stepForm(5) as HTMLFormElement
    type(field(form5, 'Step 5'), 'My unsaved words')
    await pods.change(url, (doc) => {
      updateFormatStep(doc, formatId, steps[2]?.id as string, { title: 'From Bo' }, ctx)
      updateFormatStep(doc, formatId, steps[4]?.id as string, { title: 'Also from Bo' }, ctx)
    })
    await eventually(() => field(form3, 'Step 3').value === 'From Bo')
    expect(field(form5, 'Step 5').value).toBe('My unsaved words')
  })
})
