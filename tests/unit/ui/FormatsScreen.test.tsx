// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { act } from 'react'
import { FormatsScreen } from '../../../src/ui/formats/FormatsScreen.tsx'
import { copyFormat, orderedSteps, updateFormatStep } from '../../../src/domain/podFormats.ts'
import {
  eventually,
  podInMemory,
  renderScreen,
  typeInto as type,
  unmountScreens,
} from '../support/screens.tsx'

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

afterEach(unmountScreens)

async function render() {
  const {
    pods,
    url,
    ctx,
    services,
    result: formatId,
  } = await podInMemory((doc, c) => copyFormat(doc, 'troika', c))
  const host = renderScreen(services, <FormatsScreen url={url} formatId={formatId} />)
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
