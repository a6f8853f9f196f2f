import type { PodDoc } from './podDocument.ts'
import { isPlainRecord } from './plainRecord.ts'

type Obj = Record<string, unknown>

const LATER_MAPS = [
  'formats',
  'outsideRelationships',
  'invites',
  'corrections',
  'inviteUses',
  'removals',
  'keyEpochs',
  'keyGrants',
  'memberCerts',
]

function isObj(v: unknown): v is Obj {
  return isPlainRecord(v)
}

/** The parser builds every id-keyed map with no prototype; entities are ordinary objects. */
function isIdMap(v: Obj): boolean {
  return Object.getPrototypeOf(v) === null
}

/** A plain copy of a part of the view, as Automerge stores it (ordinary objects, lists). */
function toPlain(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(toPlain)
  if (!isObj(v)) return v
  const out: Obj = {}
  for (const [key, value] of Object.entries(v)) out[key] = toPlain(value)
  return out
}

function sameList(stored: unknown, list: readonly unknown[]): boolean {
  if (!Array.isArray(stored) || stored.length !== list.length) return false
  return list.every((item, i) => Object.is(stored[i], item))
}

function reconcile(stored: Obj, view: Obj, topLevel: boolean): void {
  for (const [key, want] of Object.entries(view)) {
    const have = Object.hasOwn(stored, key) ? stored[key] : undefined
    // Maps older pods lack and their own step adds, once: `formats`, `invites` and
    // `corrections` (their migrations, which every device writes byte for byte alike) and
    // `outsideRelationships` (the ecology commands).
    if (topLevel && have === undefined && LATER_MAPS.includes(key)) continue
    if (isObj(want)) {
      if (!isObj(have)) {
        stored[key] = toPlain(want)
        continue
      }
      reconcile(have, want, false)
      if (isIdMap(want)) {
        for (const id of Object.keys(have)) {
          if (!Object.hasOwn(want, id)) delete have[id]
        }
      }
    } else if (Array.isArray(want)) {
      if (!sameList(have, want)) stored[key] = toPlain(want)
    } else if (!Object.is(have, want)) {
      stored[key] = want
    }
  }
}

/**
 * Deletes map entries keyed `__proto__`. Automerge keeps such an entry, and a command that
 * lists the map meets it, but reading the document into JavaScript hides it (as a prototype, or
 * not at all), so the parser cannot report it: every map the view holds is checked here.
 */
function dropProtoEntries(stored: Obj, view: Obj): void {
  for (const [key, want] of Object.entries(view)) {
    if (!isObj(want) || !containsMaps(want)) continue
    const have = Object.hasOwn(stored, key) ? stored[key] : undefined
    if (!isObj(have)) continue
    if (isIdMap(want) && Object.hasOwn(have, '__proto__')) delete have['__proto__']
    dropProtoEntries(have, want)
  }
}

/** Whether a part of the view is, or holds, an id map (entities of plain fields do not). */
function containsMaps(v: Obj): boolean {
  if (isIdMap(v)) return true
  return Object.values(v).some((field) => isObj(field) && isIdMap(field))
}

/**
 * Makes a stored pod document agree with its parsed view before a command writes to it, so a
 * command never reads what a peer broke. When the parser reported `problems`, each field the parser repaired is written back as
 * repaired, entries it left out are deleted, and nothing else is touched (fields this version
 * does not know stay). Works in place, field by field, on an Automerge change's document or a
 * plain object. `view` and `problems` must be `parsePodDoc(doc)`'s for the same document.
 *
 * Two members repairing the same field at once write the same value, so the repairs merge.
 */
export function repairPodDoc(doc: PodDoc, view: PodDoc, problems: readonly string[]): void {
  if (problems.length > 0) reconcile(doc as unknown as Obj, view as unknown as Obj, true)
  dropProtoEntries(doc as unknown as Obj, view as unknown as Obj)
}
