/**
 * Reading a meeting's notes text, read-only, for search and export. Notes live in documents of
 * their own (one per meeting, `meeting.notesUrl`), loaded only when read, so a pod with years
 * of history opens fast (design.md, "Documents").
 *
 * Assumes the other side is automerge-repo: a notes document may be on this device already, or
 * arrive from a member's device; `readNotesText` waits for it a bounded time and never throws.
 * The text is untrusted (any peer may have written it): anything that is not a string reads as
 * no notes.
 */
import type { AutomergeUrl, Repo } from '@automerge/automerge-repo'
import { isValidAutomergeUrl } from '@automerge/automerge-repo'
import type { NotesDoc } from '../../schema/podDocument.ts'

/** How long a read waits for a notes document that is not on this device yet. */
export const NOTES_READ_WAIT_MS = 5_000

/** Longest notes text handed on (a guard against a peer writing megabytes). */
export const NOTES_MAX_CHARS = 200_000

/**
 * A reader of notes text over `repo`: resolves to the notes' current text, or null when the
 * URL is not a notes document, it did not arrive within `waitMs`, or it holds no text.
 */
export function createNotesTextReader(
  repo: Repo,
  waitMs = NOTES_READ_WAIT_MS,
): (url: string) => Promise<string | null> {
  return async (url) => {
    if (!isValidAutomergeUrl(url)) return null
    try {
      const handle = await repo.find<NotesDoc>(url as AutomergeUrl, {
        allowableStates: ['ready', 'unavailable'],
        signal: AbortSignal.timeout(waitMs),
      })
      if (!handle.isReady()) return null
      const text = (handle.doc() as Partial<NotesDoc> | undefined)?.text
      return typeof text === 'string' ? text.slice(0, NOTES_MAX_CHARS) : null
    } catch {
      return null
    }
  }
}
