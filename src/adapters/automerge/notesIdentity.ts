/**
 * Which notes document belongs to which meeting, by proof rather than by what a peer wrote.
 *
 * A meeting's notes document has an id derived from its pod and its meeting: the first 16 bytes
 * of SHA-256(`tend-notes:<pod key>:<meeting id>`). Every device computes the same id, so two
 * members who start the same circle offline write into one document, and no member can point a
 * meeting's notes at a document of another pod: the `notesUrl` a meeting carries is only a sign
 * that notes were started; where they live is always the derived id. A link that says otherwise
 * is ignored and reported (`proveNotesLinks`), and only derived ids are ever registered as a
 * pod's documents in the share rules.
 *
 * Synchronous (fast-sha256, the hash automerge-repo already ships) so the share rules can be
 * filled in the same turn as a pod document changes, before any peer asks.
 */
import { interpretAsDocumentId, stringifyAutomergeUrl } from '@automerge/automerge-repo'
import { hash as sha256 } from 'fast-sha256'
import type { PodDoc } from '../../schema/podDocument.ts'

/** The document id part of an Automerge URL (a pod's URL gives the pod's key). */
export function documentIdOf(url: string): string {
  return url.replace(/^automerge:/, '').split('#')[0] ?? url
}

const seeds = new Map<string, Uint8Array>()
/** Past this many remembered seeds the cache starts again (a bound, not a working size). */
const SEED_CACHE_LIMIT = 50_000

/** The 32 bytes every notes document of this meeting is made from (id and first change). */
export function meetingNotesSeed(podUrl: string, meetingId: string): Uint8Array {
  const key = `${documentIdOf(podUrl)}:${meetingId}`
  let seed = seeds.get(key)
  if (seed === undefined) {
    seed = sha256(new TextEncoder().encode(`tend-notes:${key}`))
    if (seeds.size >= SEED_CACHE_LIMIT) seeds.clear()
    seeds.set(key, seed)
  }
  return seed
}

/** The id of the meeting's notes document. */
export function notesDocumentIdOf(podUrl: string, meetingId: string): string {
  return interpretAsDocumentId(meetingNotesSeed(podUrl, meetingId).slice(0, 16) as never)
}

/** The URL of the meeting's notes document. */
export function notesUrlOf(podUrl: string, meetingId: string): string {
  return stringifyAutomergeUrl({ documentId: notesDocumentIdOf(podUrl, meetingId) as never })
}

/**
 * The view with every meeting's notes link replaced by the proven one, and a plain-words
 * problem when some link pointed elsewhere (a peer's mistake or an attempt to reach another
 * pod's documents). Meetings without notes keep `null`. Returns the same view when nothing
 * needed changing.
 */
export function proveNotesLinks(
  podUrl: string,
  view: PodDoc,
): { view: PodDoc; problems: string[] } {
  let ignored = 0
  const entries = Object.entries(view.meetings).map(([id, meeting]) => {
    if (meeting.notesUrl === null) return [id, meeting] as const
    const proven = notesUrlOf(podUrl, id)
    if (meeting.notesUrl === proven) return [id, meeting] as const
    ignored += 1
    return [id, { ...meeting, notesUrl: proven }] as const
  })
  if (ignored === 0) return { view, problems: [] }
  // fromEntries defines keys as data properties, so an id such as `__proto__` stays an id.
  const meetings: PodDoc['meetings'] = Object.fromEntries(entries)
  const which = ignored === 1 ? 'One meeting’s notes link' : `${ignored} meetings’ notes links`
  return {
    view: { ...view, meetings },
    problems: [
      `${which} pointed to a document that is not this pod’s; Tend ignored ${ignored === 1 ? 'it' : 'them'} and uses the meeting’s own notes.`,
    ],
  }
}
