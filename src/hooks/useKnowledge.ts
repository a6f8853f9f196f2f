import { useCallback, useEffect, useMemo, useState } from 'react'
import type { PodDoc } from '../schema/podDocument.ts'
import { allInsights } from '../domain/knowledge.ts'
import { meetingTime } from '../domain/rhythm.ts'
import {
  buildKnowledgeIndex,
  type KnowledgeEntry,
  type KnowledgeIndex,
} from '../adapters/search/knowledgeSearch.ts'
import { useServices } from './services.ts'

/**
 * The notes text of every meeting of a pod that has notes, keyed by meeting id. Notes live in
 * their own documents: this reads them (read-only) when the pod changes and when `reload` is
 * called — e.g. before a search, since notes change without the pod document changing.
 */
export function useNotesTexts(view: PodDoc): {
  notes: Record<string, string>
  loading: boolean
  reload: () => void
} {
  const { readNotesText } = useServices()
  const [notes, setNotes] = useState<Record<string, string>>({})
  const [loadedFor, setLoadedFor] = useState<string | null>(null)
  const [round, setRound] = useState(0)
  const sources = Object.values(view.meetings)
    .filter((m) => m.notesUrl !== null)
    .map((m) => `${m.id} ${m.notesUrl ?? ''}`)
    .sort()
    .join('\n')
  useEffect(() => {
    let live = true
    const pairs = sources === '' ? [] : sources.split('\n').map((line) => line.split(' '))
    void Promise.all(
      pairs.map(
        async ([meetingId = '', url = '']) => [meetingId, await readNotesText(url)] as const,
      ),
    ).then((read) => {
      if (!live) return
      const next: Record<string, string> = {}
      for (const [meetingId, text] of read)
        if (text !== null && text.trim() !== '') next[meetingId] = text
      setNotes((current) => (sameRecord(current, next) ? current : next))
      setLoadedFor(sources)
    })
    return () => {
      live = false
    }
  }, [readNotesText, sources, round])
  const reload = useCallback(() => setRound((r) => r + 1), [])
  return { notes, loading: loadedFor !== sources, reload }
}

function sameRecord(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a)
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k])
}

/** The search index over a pod's insights and notes, rebuilt when either changes. */
export function useKnowledgeIndex(view: PodDoc, notes: Record<string, string>): KnowledgeIndex {
  return useMemo(() => {
    const entries: KnowledgeEntry[] = allInsights(view).map((e) => ({
      type: 'insight',
      id: e.insight.id,
      meetingId: e.meetingId,
      at: e.meetingAt,
      text: e.insight.text,
      kind: e.insight.kind,
      tags: e.insight.tags,
      authorName: e.authorName,
    }))
    for (const [meetingId, text] of Object.entries(notes)) {
      const meeting = view.meetings[meetingId]
      if (meeting === undefined) continue
      const container =
        meeting.containerId === null ? undefined : view.containers[meeting.containerId]
      entries.push({
        type: 'notes',
        id: meetingId,
        meetingId,
        at: meetingTime(meeting),
        text,
        meetingName: container?.name ?? 'Meeting',
      })
    }
    return buildKnowledgeIndex(entries)
  }, [view, notes])
}
