/** Circle notes, as a member types and reads them. */
import type { Page } from 'playwright-core'

/** The notes as the editor shows them, one entry per line. */
export async function notesLines(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.notes-editor .cm-line')].map((l) => l.textContent ?? ''),
  )
}

/**
 * Types `line` as a new line at the end of the notes. The line break comes first, so that lines
 * members type at the same moment on different devices stay lines of their own after the merge.
 */
export async function addNotesLine(page: Page, line: string): Promise<void> {
  const editor = page.getByRole('textbox', { name: 'Circle notes' })
  await editor.click()
  await page.keyboard.press('Control+End')
  await page.keyboard.press('Enter')
  await page.keyboard.type(line)
}
