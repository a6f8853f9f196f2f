import { useCallback, useEffect, useMemo, useState } from 'react'
import type { HistoryEvent } from '../adapters/automerge/podHistory.ts'
import type { NotesEdit, NotesVersion } from '../adapters/automerge/notesStore.ts'
import type { PodDoc } from '../schema/podDocument.ts'
import { useServices } from './services.ts'
import { refuseIfReadOnly } from './podAccess.ts'

/** The meetings whose notes the pod's history reads (the most recent ones with notes). */
const NOTES_IN_HISTORY = 24
/** The pod's history shows at most this many entries. */
const HISTORY_LENGTH = 40

/**
 * One entry of the pod's history: an event in the pod document, or a spell of editing one
 * meeting's notes (`notesOf` names the meeting; "restore to before this" then restores those
 * notes, not the pod).
 */
export type HistoryEntry = HistoryEvent & {
  notesOf: { meetingId: string; notesUrl: string; scheduledFor: number } | null
}

const fromPod = (event: HistoryEvent): HistoryEntry => ({ ...event, notesOf: null })

function fromNotes(edit: NotesEdit, view: PodDoc): HistoryEntry {
  return {
    id: edit.id,
    at: edit.at,
    by: edit.by,
    said: [],
    more: 0,
    before: edit.before,
    restore: edit.restore,
    notesOf: {
      meetingId: edit.meetingId,
      notesUrl: edit.notesUrl,
      scheduledFor: view.meetings[edit.meetingId]?.scheduledFor ?? edit.at,
    },
  }
}

/**
 * The pod's history while `open` (it reads every change, so only when asked), read again
 * whenever the pod changes: the pod's own events at once, the recent meetings' notes edits
 * when their documents are read. And a way to restore the pod, or one meeting's notes, to
 * before an entry.
 */
export function usePodHistory(
  url: string,
  view: PodDoc,
  open: boolean,
): { events: HistoryEntry[] | null; restore: (entry: HistoryEntry) => Promise<void> } {
  const services = useServices()
  const { pods, notes } = services
  const [podEvents, setPodEvents] = useState<HistoryEvent[] | null>(null)
  const [notesEdits, setNotesEdits] = useState<NotesEdit[]>([])
  // Restoring notes changes no pod field: the history is read again after it all the same.
  const [round, setRound] = useState(0)
  useEffect(() => {
    if (!open) return
    let live = true
    // Read on the next task: the screen paints "Reading…" first.
    const timer = setTimeout(() => setPodEvents(pods.history(url)), 0)
    const meetings = Object.values(view.meetings)
      .filter((m) => m.notesUrl !== null)
      .sort((a, b) => b.scheduledFor - a.scheduledFor)
      .slice(0, NOTES_IN_HISTORY)
      .map((m) => ({ meetingId: m.id, notesUrl: m.notesUrl as string }))
    void notes.edits(url, meetings, HISTORY_LENGTH).then((edits) => live && setNotesEdits(edits))
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [pods, notes, url, view, open, round])
  const events = useMemo(
    () =>
      podEvents === null
        ? null
        : [...podEvents.map(fromPod), ...notesEdits.map((edit) => fromNotes(edit, view))]
            .sort((a, b) => b.at - a.at)
            .slice(0, HISTORY_LENGTH),
    [podEvents, notesEdits, view],
  )
  const restore = useCallback(
    async (entry: HistoryEntry) => {
      await refuseIfReadOnly(services, url)
      if (entry.notesOf === null) await pods.restore(url, entry.before)
      else await notes.restoreVersion(entry.notesOf.notesUrl, url, entry.before)
      setRound((n) => n + 1)
    },
    [services, pods, notes, url],
  )
  return { events: open ? events : null, restore }
}

/** A meeting's earlier notes versions while `open`, and a way to bring one back. */
export function useNotesVersions(
  podUrl: string,
  notesUrl: string,
  open: boolean,
): {
  versions: NotesVersion[] | null
  bringBack: (heads: readonly string[]) => Promise<void>
  refresh: () => void
} {
  const services = useServices()
  const { notes } = services
  const [versions, setVersions] = useState<NotesVersion[] | null>(null)
  const [round, setRound] = useState(0)
  useEffect(() => {
    if (!open) return
    let live = true
    void notes.versions(notesUrl, podUrl).then((v) => live && setVersions(v))
    return () => {
      live = false
    }
  }, [notes, notesUrl, podUrl, open, round])
  const bringBack = useCallback(
    async (heads: readonly string[]) => {
      await refuseIfReadOnly(services, podUrl)
      await notes.restoreVersion(notesUrl, podUrl, heads)
      setRound((n) => n + 1)
    },
    [services, notes, notesUrl, podUrl],
  )
  return { versions: open ? versions : null, bringBack, refresh: () => setRound((n) => n + 1) }
}
