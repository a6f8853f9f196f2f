/**
 * A pod's history in plain words, and restoring it to an earlier point.
 *
 * Automerge keeps every change. The history groups them into events — the changes one device
 * made in a run, minutes apart at most — and says what each did ("adopted the norm 'We start on
 * time'", "marked Dee as left") by comparing the pod just before and just after the event. Who
 * made it comes from the change's message (`{"by": memberId}`, written by the pod store from
 * now on); older changes say only when.
 *
 * Restoring never rewrites history: it is one new change that makes the pod's content what it
 * was at that point, so everyone sees that it happened and it can itself be undone.
 */
import { next as Automerge } from '@automerge/automerge/slim'
import type { PodDoc } from '../../schema/podDocument.ts'
import { parsePodDoc } from '../../schema/parsePodDoc.ts'

export interface HistoryEvent {
  /** The hash of the event's last change: its stable id. */
  id: string
  at: number
  /** The member who made it, when recorded. */
  by: string | null
  /** What it did, in plain words (at most a few; `more` counts the rest). */
  said: string[]
  more: number
  /** The pod's heads just before the event: "restore to before this" goes there. */
  before: string[]
  /** True for an event that restored the pod to an earlier point. */
  restore: boolean
}

/** The change message the pod store writes: who made the change, and whether it restored. */
export function changeMessage(by: string | null, restore = false): string {
  return JSON.stringify(restore ? { by, restore: true } : { by })
}

/** Reads a change message written by `changeMessage`; anything else names no one. */
export function readMessage(message: string | null): { by: string | null; restore: boolean } {
  if (message === null) return { by: null, restore: false }
  try {
    const parsed: unknown = JSON.parse(message)
    if (typeof parsed !== 'object' || parsed === null) return { by: null, restore: false }
    const { by, restore } = parsed as { by?: unknown; restore?: unknown }
    return { by: typeof by === 'string' ? by : null, restore: restore === true }
  } catch {
    return { by: null, restore: false }
  }
}

/** Changes more than this far apart are separate events, even from one device. */
const EVENT_GAP_S = 2 * 60

/** The heads of the changes `upTo` (a prefix of a causally ordered list is a causal cut). */
export function headsOf(changes: readonly Automerge.DecodedChange[], upTo: number): string[] {
  const prefix = changes.slice(0, upTo)
  const depended = new Set(prefix.flatMap((c) => c.deps))
  return prefix.filter((c) => !depended.has(c.hash)).map((c) => c.hash)
}

type View = ReturnType<typeof parsePodDoc>

const quote = (text: string) => `‘${text.length > 60 ? `${text.slice(0, 57)}…` : text}’`

/** What one patch did, in words, read against the pod before and after; null if not worth saying. */
function sentence(
  path: Automerge.Prop[],
  action: string,
  before: View,
  after: View,
): string | null {
  const [area, id, field, key] = path.map(String)
  const b = before.ok ? before.view : null
  const a = after.ok ? after.view : null
  const removed = action === 'del' && path.length === 2
  // What a change created is said once, by its creation, not field by field.
  const entity = (view: PodDoc | null) =>
    view === null || id === undefined
      ? undefined
      : (view as unknown as Record<string, Record<string, unknown> | undefined>)[area ?? '']?.[id]
  const created = !removed && entity(b) === undefined && entity(a) !== undefined
  if (created && path.length > 2) return sentence(path.slice(0, 2), 'put', before, after)
  switch (area) {
    case 'norms': {
      const norm = (a?.norms[id ?? ''] ?? b?.norms[id ?? '']) as { text?: string } | undefined
      const text = quote(norm?.text ?? 'a norm')
      if (removed) return `deleted the norm ${text}`
      if (path.length === 2) return `proposed the norm ${text}`
      // A norm whose status changed is told by that, whatever else the change touched in it.
      const status = a?.norms[id ?? '']?.status
      if (field === 'status' || status !== b?.norms[id ?? '']?.status) {
        if (status === 'adopted') return `adopted the norm ${text}`
        if (status === 'retired') return `retired the norm ${text}`
        if (status === 'withdrawn') return `withdrew the norm ${text}`
        return `changed the norm ${text}`
      }
      if (field === 'rounds' || field === 'responses') return `answered on the norm ${text}`
      return `changed the norm ${text}`
    }
    case 'members': {
      const member = a?.members[id ?? ''] ?? b?.members[id ?? '']
      const name = member?.name ?? 'a member'
      if (removed) return `removed ${name} from the pod`
      if (path.length === 2) return `added ${name}`
      if (field === 'status') {
        const status = a?.members[id ?? '']?.status
        return status === 'left'
          ? `marked ${name} as left`
          : `marked ${name} as ${status ?? 'changed'}`
      }
      if (field === 'devices') return `changed ${name}’s devices`
      return `edited ${name}`
    }
    case 'meetings': {
      const meeting = a?.meetings[id ?? ''] ?? b?.meetings[id ?? '']
      const day =
        meeting === undefined ? 'a circle' : `the circle of ${dayOf(meeting.scheduledFor)}`
      if (removed) return `deleted ${day}`
      if (path.length === 2)
        return a?.meetings[id ?? '']?.notesUrl != null || a?.meetings[id ?? '']?.startedAt != null
          ? `started ${day}`
          : `planned ${day}`
      if (field === 'attendance') {
        const name = a?.members[key ?? '']?.name ?? b?.members[key ?? '']?.name ?? 'someone'
        const mark = a?.meetings[id ?? '']?.attendance[key ?? '']
        return mark === undefined
          ? `removed ${name}’s mark in ${day}`
          : `marked ${name} ${mark} in ${day}`
      }
      if (field === 'insights') return `recorded an insight in ${day}`
      if (field === 'checkIns') return `recorded a check-in in ${day}`
      if (field === 'actions') return `recorded an action in ${day}`
      if (field === 'status' && a?.meetings[id ?? '']?.status === 'held') return `closed ${day}`
      if (field === 'status' && a?.meetings[id ?? '']?.status === 'skipped') return `skipped ${day}`
      if (field === 'notesUrl' || field === 'startedAt' || field === 'startedBy')
        return `started ${day}`
      return `changed ${day}`
    }
    case 'pod':
      return field === 'name' || field === 'purpose' ? `edited the pod’s ${field}` : null
    case 'roles':
      return 'changed the roles'
    case 'containers':
      return 'changed the rhythm'
    case 'pairings':
      return 'changed the peer mentoring'
    case 'invites':
      return path.length === 2 && action !== 'del' ? 'made an invite' : null
    case 'formats':
      return 'changed a circle format'
    case 'corrections':
      return null
    default:
      return null
  }
}

function dayOf(ms: number): string {
  return new Date(ms).toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
}

/** The pod's history, newest first, at most `limit` events. */
export function podHistory(doc: Automerge.Doc<PodDoc>, limit = 40): HistoryEvent[] {
  const changes = Automerge.getAllChanges(doc).map((c) => Automerge.decodeChange(c))
  const groups: { start: number; end: number }[] = []
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i] as Automerge.DecodedChange
    const last = groups.at(-1)
    const prev = last === undefined ? undefined : changes[last.end - 1]
    if (
      prev !== undefined &&
      last !== undefined &&
      prev.actor === c.actor &&
      prev.message === c.message &&
      c.time - prev.time <= EVENT_GAP_S &&
      !readMessage(c.message).restore
    )
      last.end = i + 1
    else groups.push({ start: i, end: i + 1 })
  }
  const events: HistoryEvent[] = []
  for (const group of groups.slice(-limit).reverse()) {
    const before = headsOf(changes, group.start)
    const after = headsOf(changes, group.end)
    const last = changes[group.end - 1] as Automerge.DecodedChange
    const { by, restore } = readMessage(last.message)
    const beforeView = parsePodDoc(Automerge.toJS(Automerge.view(doc, before)))
    const afterView = parsePodDoc(Automerge.toJS(Automerge.view(doc, after)))
    const said = new Set<string>()
    if (restore) said.add('restored the pod to an earlier point')
    else {
      for (const patch of Automerge.diff(doc, before, after)) {
        const words = sentence(patch.path, patch.action, beforeView, afterView)
        if (words !== null) said.add(words)
      }
      if (group.start === 0) {
        said.clear()
        said.add('made the pod')
      }
    }
    // The pod's first change names no one: its maker is its only member then.
    const founders = group.start === 0 && afterView.ok ? Object.keys(afterView.view.members) : []
    const maker = by ?? (founders.length === 1 ? (founders[0] ?? null) : null)
    const all = [...said]
    events.push({
      id: last.hash,
      at: last.time * 1000,
      by: maker,
      said: all.slice(0, 3),
      more: Math.max(0, all.length - 3),
      before,
      restore,
    })
  }
  return events
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array)
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

/**
 * What a restore never takes back: who may be in the pod and with which keys. Signed
 * membership, key epochs and grants, invites and their uses, and the record of corrections
 * stay as they are now; so do members (a restore never removes a member or a device: removing
 * is a signed act of its own, and undoing a removal by restoring would let a removed device
 * back in).
 */
const KEPT_WHOLE = new Set([
  'removals',
  'keyEpochs',
  'keyGrants',
  'invites',
  'inviteUses',
  'corrections',
])

function kept(path: readonly string[]): boolean {
  const [area, , field] = path
  if (path.length >= 1 && KEPT_WHOLE.has(area ?? '')) return true
  return area === 'members' && field === 'devices'
}

/**
 * Makes `target` (a document being changed) hold what `source` (the pod at an earlier point,
 * as plain data) held: keys added since are deleted, changed values put back, and objects
 * walked into so that what did not change is not rewritten. The document's own top level is
 * kept whole (its schema version, and maps a later migration made, which every device made
 * alike and must not be made twice); what is inside them is restored, except what `kept` names.
 */
export function restoreInto(
  target: Record<string, unknown>,
  source: Record<string, unknown>,
  path: readonly string[] = [],
): void {
  if (kept(path)) return
  // The top level is never deleted from; nor is the member list (see KEPT_WHOLE).
  if (path.length > 0 && !(path.length === 1 && path[0] === 'members')) {
    for (const key of Object.keys(target)) {
      if (!Object.prototype.hasOwnProperty.call(source, key) && !kept([...path, key]))
        delete target[key]
    }
  }
  for (const [key, value] of Object.entries(source)) {
    const at = [...path, key]
    if ((path.length === 0 && key === 'schemaVersion') || kept(at)) continue
    const current = target[key]
    if (isPlainObject(value) && isPlainObject(current)) restoreInto(current, value, at)
    else if (!same(current, value)) target[key] = structuredClone(value)
  }
}
