import { useCallback, useEffect, useState } from 'react'
import type { NotesBinding } from '../adapters/automerge/notesStore.ts'
import type { PodDoc } from '../schema/podDocument.ts'
import { memberForDevice } from '../domain/podQueries.ts'
import { markStarted, setNotesUrl, startAdHocCircle } from '../domain/meetings.ts'
import { startSlotMeeting } from '../domain/rhythm.ts'
import { usePodEntry } from './useDeviceData.ts'
import { useServices } from './services.ts'
import { refuseIfReadOnly } from './podAccess.ts'

/** The member this device acts as in a pod: its recorded member id, else the member listing its key. */
export function useMyMemberId(url: string, view: PodDoc | null): string | null {
  const entry = usePodEntry(url)
  const { deviceKeys } = useServices()
  return memberIdIn(view, entry?.memberId ?? null, deviceKeys.publicKeyText)
}

function memberIdIn(
  view: PodDoc | null,
  recorded: string | null,
  publicKey: string,
): string | null {
  if (recorded !== null && view?.members[recorded] !== undefined) return recorded
  if (view === null) return recorded
  return memberForDevice(view, publicKey)?.id ?? recorded
}

/**
 * What to start: a slot of one of the pod's containers (a circle, office hours, an all-hands —
 * the meeting every device gives that slot), a meeting that has a record already, or an extra
 * circle now, outside the rhythm.
 */
export type StartTarget =
  | { kind: 'slot'; containerId: string; scheduledFor: number }
  | { kind: 'meeting'; meetingId: string }
  | { kind: 'extra' }

/**
 * Starts (or joins) a meeting and gives it its own notes document if it has none yet; the
 * first start records who started it and when. Resolves to the meeting's id.
 */
export function useStartCircle(url: string): (target: StartTarget) => Promise<string> {
  const services = useServices()
  const { pods, notes, context, deviceKeys, device } = services
  return useCallback(
    async (target) => {
      await refuseIfReadOnly(services, url)
      const ctx = context()
      let id: string
      if (target.kind === 'meeting') id = target.meetingId
      else if (target.kind === 'extra')
        id = await pods.change(url, (doc) => startAdHocCircle(doc, { notesUrl: null }, ctx))
      else {
        await pods.ensureSlotMeeting(url, target.containerId, target.scheduledFor)
        id = await pods.change(url, (doc) =>
          startSlotMeeting(
            doc,
            { containerId: target.containerId, scheduledFor: target.scheduledFor },
            ctx,
          ),
        )
      }
      const view = pods.peek(url)
      const meeting = view?.meetings[id]
      if (view !== null && meeting !== undefined) {
        // Every device derives the same notes document for a meeting, so this is the same
        // document another member may have started meanwhile, and two offline starts write one
        // link. A link a peer wrote that points elsewhere is replaced by the meeting's own.
        const notesUrl = await notes.create(url, { meetingId: id, podId: view.pod.id })
        const recorded = (await device.getPod(url))?.memberId ?? null
        const me = memberIdIn(view, recorded, deviceKeys.publicKeyText)
        await pods.change(url, (doc) => {
          const linked = doc.meetings[id]?.notesUrl
          if (linked !== undefined && linked !== notesUrl) setNotesUrl(doc, id, notesUrl)
          markStarted(doc, id, me, ctx)
        })
      }
      return id
    },
    [services, pods, notes, context, url, device, deviceKeys],
  )
}

export type NotesState =
  | { status: 'none' }
  | { status: 'loading' }
  | { status: 'unavailable' }
  | { status: 'ready'; binding: NotesBinding }

/** How soon notes not found on this device nor at a reachable member are looked for again. */
const NOTES_RETRY_MS = [2_000, 4_000, 8_000, 15_000]

/**
 * Opens a meeting's notes for the editor; `null` URL means the meeting has no notes yet. Notes
 * not found yet (the member who started them not reached yet) are looked for again, sooner at
 * first, then every 15 s while the screen is open: they appear as soon as they arrive.
 */
export function useNotes(podUrl: string, notesUrl: string | null): NotesState {
  const { notes } = useServices()
  const [state, setState] = useState<{ url: string | null; value: NotesState }>({
    url: null,
    value: { status: 'none' },
  })
  const [attempt, setAttempt] = useState(0)
  useEffect(() => {
    if (notesUrl === null) return
    let live = true
    let retry: ReturnType<typeof setTimeout> | null = null
    void notes.open(notesUrl, podUrl).then((binding) => {
      if (!live) return
      setState({
        url: notesUrl,
        value: binding === null ? { status: 'unavailable' } : { status: 'ready', binding },
      })
      if (binding === null) {
        const wait = NOTES_RETRY_MS[Math.min(attempt, NOTES_RETRY_MS.length - 1)]
        retry = setTimeout(() => setAttempt((n) => n + 1), wait)
      }
    })
    return () => {
      live = false
      if (retry !== null) clearTimeout(retry)
    }
  }, [notes, notesUrl, podUrl, attempt])
  if (notesUrl === null) return { status: 'none' }
  return state.url === notesUrl ? state.value : { status: 'loading' }
}

/** How often someone in the notes says so, and how long a silence means they left. */
const PRESENCE_EVERY_MS = 3_000
const PRESENCE_EXPIRES_MS = 10_000

/**
 * Who else has these notes open right now (presence: sent as ephemeral messages, never
 * stored). Announces this person while the notes are open and says goodbye on leaving.
 */
export function useNotesPresence(
  binding: NotesBinding | null,
  me: { memberId: string; name: string } | null,
): { memberId: string; name: string }[] {
  const [others, setOthers] = useState<Map<string, { name: string; seen: number }>>(new Map())
  const memberId = me?.memberId ?? null
  const name = me?.name ?? null
  useEffect(() => {
    if (binding === null) return
    const stop = binding.onPresence((message) => {
      setOthers((current) => {
        const next = new Map(current)
        if (message.type === 'tend-notes-left') next.delete(message.memberId)
        else next.set(message.memberId, { name: message.name, seen: Date.now() })
        return next
      })
    })
    const announce = () => {
      if (memberId !== null && name !== null) binding.announce({ memberId, name })
      setOthers((current) => {
        const now = Date.now()
        const fresh = [...current].filter(([, v]) => now - v.seen < PRESENCE_EXPIRES_MS)
        return fresh.length === current.size ? current : new Map(fresh)
      })
    }
    announce()
    const timer = setInterval(announce, PRESENCE_EVERY_MS)
    return () => {
      clearInterval(timer)
      stop()
      if (memberId !== null) binding.leave(memberId)
    }
  }, [binding, memberId, name])
  return [...others]
    .filter(([id]) => id !== memberId)
    .map(([id, v]) => ({ memberId: id, name: v.name }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Whether the person asked for reduced motion (followed live). */
export function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)'
  const [reduced, setReduced] = useState(
    () => typeof matchMedia === 'function' && matchMedia(query).matches,
  )
  useEffect(() => {
    if (typeof matchMedia !== 'function') return
    const list = matchMedia(query)
    const onChange = () => setReduced(list.matches)
    list.addEventListener('change', onChange)
    return () => list.removeEventListener('change', onChange)
  }, [])
  return reduced
}

/**
 * The time left until `endsAt` (epoch ms), for a step or speaker timer. The ticks live in this
 * component only, never in the document. With reduced motion the display changes once every
 * ten seconds instead of every second. Key the component by the timer's start so a new timer
 * starts from a fresh clock.
 */
export function useCountdown(endsAt: number | null): number | null {
  const reduced = usePrefersReducedMotion()
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (endsAt === null) return
    const timer = setInterval(() => setNow(Date.now()), reduced ? 10_000 : 1_000)
    return () => clearInterval(timer)
  }, [endsAt, reduced])
  return endsAt === null ? null : Math.max(0, endsAt - now)
}

/** Whether everything typed in the notes is in this device's storage (null before they open). */
export function useNotesSaved(binding: NotesBinding | null): boolean | null {
  const [saved, setSaved] = useState<{ binding: NotesBinding; saved: boolean } | null>(null)
  useEffect(() => {
    if (binding === null) return
    return binding.onSaved((value) => setSaved({ binding, saved: value }))
  }, [binding])
  return binding !== null && saved?.binding === binding ? saved.saved : null
}
