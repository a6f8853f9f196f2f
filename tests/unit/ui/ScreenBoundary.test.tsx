// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, useState } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { ScreenBoundary } from '../../../src/ui/common/ScreenBoundary.tsx'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

let root: Root | null = null

afterEach(() => {
  if (root !== null) act(() => root?.unmount())
  root = null
  document.body.innerHTML = ''
  vi.restoreAllMocks()
})

let broken = true

function Chart(): never | string {
  if (broken) throw new RangeError('Invalid time zone specified: Mars/Olympus_Mons')
  return 'chart drawn'
}

/** A page with navigation outside the boundary, as App lays it out, and one screen inside. */
function Page() {
  const [visits, setVisits] = useState(0)
  return (
    <>
      <nav>
        <button type="button" onClick={() => setVisits((n) => n + 1)}>
          Pods ({visits})
        </button>
      </nav>
      <ScreenBoundary screen="Rhythm">
        <Chart />
      </ScreenBoundary>
    </>
  )
}

function render(): HTMLElement {
  const host = document.createElement('div')
  document.body.append(host)
  root = createRoot(host)
  act(() => root?.render(<Page />))
  return host
}

function button(host: HTMLElement, text: RegExp): HTMLButtonElement {
  const found = [...host.querySelectorAll('button')].find((b) => text.test(b.textContent ?? ''))
  if (found === undefined) throw new Error(`no button ${String(text)}`)
  return found
}

describe('ScreenBoundary', () => {
  it('says in plain words which screen failed and why, and the rest of the page still works', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    broken = true
    const host = render()
    const alert = host.querySelector('[role=alert]')
    expect(alert?.querySelector('h1')?.textContent).toBe('Rhythm could not be shown')
    expect(alert?.textContent).toContain(
      'What failed: Invalid time zone specified: Mars/Olympus_Mons',
    )
    act(() => button(host, /Pods/).click())
    expect(button(host, /Pods/).textContent).toBe('Pods (1)')
    expect(host.querySelector('[role=alert]')).not.toBeNull()
  })

  it('shows the screen again when trying again works', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {})
    broken = true
    const host = render()
    broken = false
    act(() => button(host, /Try again/).click())
    expect(host.querySelector('[role=alert]')).toBeNull()
    expect(host.textContent).toContain('chart drawn')
  })
})
