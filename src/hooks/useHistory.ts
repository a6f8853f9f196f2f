import { useCallback, useEffect, useState } from 'react'
import type { HistoryEvent } from '../adapters/automerge/podHistory.ts'
import type { NotesVersion } from '../adapters/automerge/notesStore.ts'
import type { PodDoc } from '../schema/podDocument.ts'
import { useServices } from './services.ts'

/**
 * The pod's history while `open` (it reads every change, so only when asked), read again
 * whenever the pod changes; and a way to restore the pod to before an event.
 */
export function usePodHistory(
  url: string,
  view: PodDoc,
  open: boolean,
): { events: HistoryEvent[] | null; restore: (heads: readonly string[]) => Promise<void> } {
  const { pods } = useServices()
  const [events, setEvents] = useState<HistoryEvent[] | null>(null)
  useEffect(() => {
    if (!open) return
    // Read on the next task: the screen paints "Reading…" first.
    const timer = setTimeout(() => setEvents(pods.history(url)), 0)
    return () => clearTimeout(timer)
  }, [pods, url, view, open])
  const restore = useCallback((heads: readonly string[]) => pods.restore(url, heads), [pods, url])
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
  const { notes } = useServices()
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
      await notes.restoreVersion(notesUrl, podUrl, heads)
      setRound((n) => n + 1)
    },
    [notes, notesUrl, podUrl],
  )
  return { versions: open ? versions : null, bringBack, refresh: () => setRound((n) => n + 1) }
}
