// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest'
import { act } from 'react'
import { createRoot, type Root } from 'react-dom/client'
import { Highlighted } from '../../../src/ui/knowledge/Highlighted.tsx'

;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true

let root: Root | null = null
afterEach(() => {
  act(() => root?.unmount())
  root = null
  document.body.innerHTML = ''
})

function render(text: string, terms: string[]): HTMLElement {
  const host = document.createElement('p')
  document.body.append(host)
  root = createRoot(host)
  act(() => root?.render(<Highlighted text={text} terms={terms} />))
  return host
}

describe('Highlighted', () => {
  it('marks the matched words', () => {
    const host = render('Who holds the power in the room?', ['power'])
    expect([...host.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['power'])
    expect(host.textContent).toBe('Who holds the power in the room?')
  })

  it('renders what a peer typed as text, never as HTML', () => {
    const host = render('<img src=x onerror="alert(1)"> power <b>bold</b>', ['power'])
    expect(host.querySelector('img')).toBeNull()
    expect(host.querySelector('b')).toBeNull()
    expect(host.textContent).toBe('<img src=x onerror="alert(1)"> power <b>bold</b>')
  })
})
