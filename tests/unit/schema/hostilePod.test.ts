import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { next as Automerge } from '@automerge/automerge'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { parsePodDoc } from '../../../src/schema/parsePodDoc.ts'
import { repairPodDoc } from '../../../src/schema/repairPodDoc.ts'
import type { CommandContext } from '../../../src/domain/commandContext.ts'
import { addContainer } from '../../../src/domain/containers.ts'
import { addOutsideRelationship } from '../../../src/domain/ecology.ts'
import { addAction, addCheckIn, addInsight, scheduleMeeting } from '../../../src/domain/meetings.ts'
import { addMember, addMemberDevice } from '../../../src/domain/members.ts'
import { proposeNorm, respondToNorm } from '../../../src/domain/norms.ts'
import { proposePairings, startRotation } from '../../../src/domain/pairings.ts'
import { copyFormat } from '../../../src/domain/podFormats.ts'
import { initPod } from '../../../src/domain/pods.ts'
import {
  publishSealingKey,
  recordConfirmation,
  recordKeyEpoch,
  recordKeyGrant,
  recordRemoval,
} from '../../../src/domain/keyEpochs.ts'
import { skipMeeting, occurrences } from '../../../src/domain/rhythm.ts'
import { assignRoleHolders, holdMeeting } from '../../../src/domain/meetings.ts'
import { PROTOTYPE_IDS, everyCommand, refusalOf, runEveryQuery } from '../support/domainBattery.ts'

/**
 * No member can make the pod unusable for everyone (issue 11, "Trust under attack"): whatever a
 * peer writes into the shared pod document, reading it never throws, every domain query answers
 * on the view it gives, and every domain command either works or refuses in plain words.
 */

const NOW = Date.UTC(2026, 2, 4, 12)
const DAY = 86_400_000

// Fuzz tests write values no type allows.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any

function counter(now: number): CommandContext {
  let n = 0
  return { now, newId: () => `id${String(++n).padStart(3, '0')}` }
}

/** A small pod with something in every part of the document, as commands write it. */
function honestPod(): PodDoc {
  const ctx = counter(NOW - 60 * DAY)
  const doc = {} as PodDoc
  const amara = initPod(
    doc,
    {
      name: 'Riverside',
      purpose: 'Learning together',
      kind: 'learning-pod',
      founder: { name: 'Amara', stage: 'experienced' },
      device: { id: 'd1', publicKey: 'key-amara', label: 'phone' },
    },
    ctx,
  )
  const bo = addMember(doc, { name: 'Bo', stage: 'practising' }, ctx)
  const cy = addMember(doc, { name: 'Cy', stage: 'newer' }, ctx)
  addMemberDevice(doc, bo, { id: 'd2', publicKey: 'key-bo', label: 'laptop' }, ctx)
  const circle = addContainer(
    doc,
    { kind: 'circle', weekday: 3, time: '18:00', timeZone: 'Europe/Berlin' },
    ctx,
  )
  addContainer(
    doc,
    { kind: 'office-hours', weekday: 1, time: '12:00', timeZone: 'America/New_York' },
    ctx,
  )
  const container = doc.containers[circle]
  if (container === undefined) throw new Error('no circle')
  const slots = occurrences(container, ctx.now, 4)
  for (const slot of slots.slice(0, 2)) {
    ctx.now = slot
    const meetingId = scheduleMeeting(
      doc,
      { containerId: circle, scheduledFor: slot, notesUrl: null },
      ctx,
    )
    assignRoleHolders(doc, meetingId)
    for (const m of [amara, bo, cy]) {
      const meeting = doc.meetings[meetingId]
      if (meeting !== undefined) meeting.attendance[m] = 'present'
    }
    addCheckIn(doc, meetingId, { memberId: bo, text: 'I noticed how I listen' }, ctx)
    addInsight(doc, meetingId, { authorId: cy, kind: 'tension', text: 'Time', tags: ['time'] }, ctx)
    addInsight(doc, meetingId, { authorId: bo, kind: 'question', text: 'Why?', tags: [] }, ctx)
    addAction(doc, meetingId, { text: 'Book the hall', ownerId: amara }, ctx)
    holdMeeting(doc, meetingId, ctx)
  }
  ctx.now = (slots[2] ?? NOW) - DAY
  skipMeeting(doc, { containerId: circle, scheduledFor: slots[2] ?? 0, reason: 'Holiday' }, ctx)
  const norm = proposeNorm(doc, { text: 'We start on time', proposedBy: amara }, ctx)
  respondToNorm(doc, { normId: norm, memberId: bo, response: 'consent' }, ctx)
  startRotation(doc, proposePairings(doc, ctx.now), ctx)
  copyFormat(doc, 'round-check-in', ctx)
  addOutsideRelationship(doc, { mentorName: 'Amara', menteeName: 'Dee' }, ctx)
  // Signed membership (schema 6): a sealing key, Cy's removal confirmed, a key epoch, a grant.
  publishSealingKey(doc, { deviceKey: 'key-bo', sealingKey: 'seal-bo', signature: 'sig' })
  recordRemoval(doc, {
    id: 'rm1',
    memberId: cy,
    deviceKey: null,
    requestedBy: 'key-amara',
    requestedAt: ctx.now,
    epochSeen: 0,
    signature: 'sig',
    confirmations: {},
  })
  recordConfirmation(doc, 'rm1', 'd2', { by: 'key-bo', at: ctx.now, epochSeen: 0, signature: 's' })
  recordKeyEpoch(doc, {
    id: 'ep1',
    epoch: 1,
    removals: ['rm1'],
    boxes: { 'key-amara': 'box', 'key-bo': 'box' },
    secretCheck: 'check',
    madeBy: 'key-bo',
    madeAt: ctx.now,
    signature: 'sig',
  })
  recordKeyGrant(doc, {
    id: 'g1',
    epochId: 'ep1',
    epoch: 1,
    to: 'key-amara',
    box: 'box',
    madeBy: 'key-bo',
    madeAt: ctx.now,
    signature: 'sig',
  })
  return JSON.parse(JSON.stringify(doc)) as PodDoc
}

const BASE = honestPod()

/** Every path in a plain value at which an object sits, with that object's keys. */
function objectPaths(value: unknown, path: string[] = [], out: string[][] = []): string[][] {
  if (typeof value !== 'object' || value === null) return out
  out.push(path)
  for (const [key, child] of Object.entries(value)) objectPaths(child, [...path, key], out)
  return out
}

const PATHS = objectPaths(BASE)
const FIELD_NAMES = [
  ...new Set(PATHS.flatMap((p) => Object.keys(at(BASE, p) as object))),
  ...PROTOTYPE_IDS,
]

function at(value: unknown, path: readonly string[]): unknown {
  let here: Loose = value
  for (const key of path) {
    if (typeof here !== 'object' || here === null || !Object.hasOwn(here, key)) return undefined
    here = here[key]
  }
  return here
}

function deep(depth: number): unknown {
  let value: unknown = { leaf: true }
  for (let i = 0; i < depth; i++) value = i % 2 === 0 ? { nested: value } : [value]
  return value
}

const TIMES = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  8.64e15 + 1,
  -8.64e15 - 1,
  1e300,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  Date.UTC(2200, 0, 2),
  Date.UTC(1800, 0, 1),
  2.5,
]
const STRINGS = [
  '',
  'Mars/Olympus_Mons',
  'Europe/Berlin',
  'UTC',
  'planned',
  'held',
  'present',
  'weekly',
  'facilitator',
  '25:99',
  ...PROTOTYPE_IDS,
]

/** Values no honest Tend writes: wrong types, bad numbers, huge text, deep nesting. */
const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...TIMES),
  fc.constantFrom(...STRINGS),
  fc.constant({ toString: 1 }),
  fc.constant({ valueOf: 'x', toString: 'y', constructor: 1 }),
  fc.constant(JSON.parse('{"__proto__": {"name": "evil"}, "polluted": 1}') as unknown),
  fc.constant(0).map(() => 'x'.repeat(200_000)),
  fc.integer({ min: 1, max: 200 }).map(deep),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBoxedValues: true }),
  fc.jsonValue({ maxDepth: 3 }),
)

const mutation = fc.record({
  path: fc.integer({ min: 0, max: PATHS.length - 1 }),
  key: fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.string({ maxLength: 6 })),
  value: hostileJson,
  remove: fc.boolean(),
})

function mutateJson(base: PodDoc, mutations: readonly Loose[]): unknown {
  const doc = structuredClone(base) as Loose
  for (const m of mutations) {
    const target = at(doc, PATHS[m.path] ?? []) as Loose
    if (typeof target !== 'object' || target === null) continue
    if (m.remove) delete target[m.key]
    else
      Object.defineProperty(target, m.key, {
        value: m.value,
        enumerable: true,
        writable: true,
        configurable: true,
      })
  }
  return doc
}

/**
 * Runs commands as `podStore.change` does: parse, refuse if the document is not a pod or is
 * read-only, repair the stored document to its view, run the command. Returns the refusals.
 */
function runCommandsOnPlain(raw: unknown, picks: readonly number[]): void {
  const parsed = parsePodDoc(raw)
  if (!parsed.ok || parsed.readOnly) return
  const commands = everyCommand(parsed.view, NOW)
  for (const index of picks) {
    const entry = commands[index % commands.length]
    if (entry === undefined) continue
    const [name, command] = entry
    const doc = structuredClone(raw) as PodDoc
    const before = parsePodDoc(doc)
    if (!before.ok) throw new Error('parsing a copy gave another answer')
    try {
      refusalOf(() => {
        repairPodDoc(doc, before.view, before.problems)
        command(doc, counter(NOW))
      })
    } catch (error) {
      throw new Error(`${name} threw: ${String(error)}`, { cause: error })
    }
    expect(parsePodDoc(doc).ok, name).toBe(true)
  }
}

describe('a pod any peer may have written', () => {
  it(
    'parses, answers every query and takes every command after any JSON edit',
    { timeout: 120_000 },
    () => {
      fc.assert(
        fc.property(
          fc.array(mutation, { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat(), { minLength: 4, maxLength: 4 }),
          (mutations, picks) => {
            const raw = mutateJson(BASE, mutations)
            const parsed = parsePodDoc(raw)
            expect(parsed.ok).toBe(true)
            if (!parsed.ok) return
            runEveryQuery(parsed.view, NOW)
            runCommandsOnPlain(raw, picks)
          },
        ),
        { seed: 11_2, numRuns: 3_000 },
      )
    },
  )

  it('never throws on arbitrary values, even ones that are not pods', { timeout: 120_000 }, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything({ withNullPrototype: true, withBoxedValues: true }),
          fc.record({ pod: fc.anything(), members: fc.anything(), meetings: fc.anything() }),
          fc.record({
            pod: fc.constant({ id: 'p' }),
            members: fc.anything(),
            containers: fc.anything(),
          }),
        ),
        (raw) => {
          const parsed = parsePodDoc(raw)
          if (parsed.ok) runEveryQuery(parsed.view, NOW)
        },
      ),
      { seed: 11_3, numRuns: 1_000 },
    )
  })
})

// ---------------------------------------------------------------------------------------------
// Automerge: a hostile peer's changes, merged into an honest copy

type Backend = ReturnType<typeof Automerge.getBackend>

const amValue = fc.oneof(
  fc.constantFrom(...TIMES).map((v) => ({ kind: 'number' as const, v })),
  fc.constantFrom(...STRINGS).map((v) => ({ kind: 'str' as const, v })),
  fc.string({ maxLength: 8 }).map((v) => ({ kind: 'str' as const, v })),
  fc.constant({ kind: 'huge' as const }),
  fc.integer().map((v) => ({ kind: 'number' as const, v })),
  fc.boolean().map((v) => ({ kind: 'bool' as const, v })),
  fc.constant({ kind: 'null' as const }),
  fc.integer({ min: -1e12, max: 1e12 }).map((v) => ({ kind: 'timestamp' as const, v })),
  fc.integer({ min: -5, max: 5 }).map((v) => ({ kind: 'counter' as const, v })),
  fc.constant({ kind: 'bytes' as const }),
  fc.integer({ min: 1, max: 60 }).map((v) => ({ kind: 'deep' as const, v })),
  fc.jsonValue({ maxDepth: 2 }).map((v) => ({ kind: 'json' as const, v })),
)

const amOp = fc.record({
  path: fc.integer({ min: 0, max: PATHS.length - 1 }),
  key: fc.oneof(fc.constantFrom(...FIELD_NAMES), fc.constant('__proto__')),
  value: amValue,
  remove: fc.boolean(),
})

/** The object id at `path` in the backend, or null when a hostile edit replaced it. */
function objectAt(
  backend: Backend,
  path: readonly string[],
): { id: string; type: 'map' | 'list' } | null {
  let found: { id: string; type: 'map' | 'list' } = { id: '_root', type: 'map' }
  for (const key of path) {
    const value = backend.getWithType(found.id, found.type === 'list' ? Number(key) : key)
    if (value === null || (value[0] !== 'map' && value[0] !== 'list')) return null
    found = { id: value[1] as string, type: value[0] }
  }
  return found
}

function jsonForAutomerge(value: unknown): unknown {
  // Automerge stores no undefined, and a list index is not a map key.
  return JSON.parse(JSON.stringify(value ?? null)) as unknown
}

function isNullValue(value: { kind: string; v?: unknown }): boolean {
  return value.kind === 'null' || (value.kind === 'json' && value.v === null)
}

function hostileChange(base: Automerge.Doc<PodDoc>, ops: readonly Loose[]) {
  const fork = Automerge.clone(base, { actor: 'bad0bad0bad0bad0' })
  const backend = Automerge.getBackend(fork)
  for (const op of ops) {
    const found = objectAt(backend, PATHS[op.path] ?? [])
    if (found === null) continue
    const { id: obj, type } = found
    // @automerge/automerge 3.5 itself breaks on a map holding `__proto__: null`: every later
    // local change to that map fails ("patch was not an object", or a wasm panic) before any
    // Tend code runs. That is Automerge's to fix; other `__proto__` values are tried below.
    if (op.key === '__proto__' && isNullValue(op.value)) continue
    const key: string | number = type === 'list' ? 0 : op.key
    if (type === 'list' && backend.length(obj) === 0) {
      if (op.value.kind === 'str') backend.insert(obj, 0, op.value.v)
      continue
    }
    if (op.remove) {
      backend.delete(obj, key)
      continue
    }
    const v = op.value
    if (v.kind === 'number') backend.put(obj, key, v.v, Number.isInteger(v.v) ? 'int' : 'f64')
    else if (v.kind === 'str') backend.put(obj, key, v.v)
    else if (v.kind === 'huge') backend.put(obj, key, 'y'.repeat(100_000))
    else if (v.kind === 'bool') backend.put(obj, key, v.v)
    else if (v.kind === 'null') backend.put(obj, key, null)
    else if (v.kind === 'timestamp') backend.put(obj, key, new Date(v.v), 'timestamp')
    else if (v.kind === 'counter') backend.put(obj, key, v.v, 'counter')
    else if (v.kind === 'bytes') backend.put(obj, key, new Uint8Array([1, 2, 3]), 'bytes')
    else if (v.kind === 'deep') backend.putObject(obj, key, jsonForAutomerge(deep(v.v)) as never)
    else {
      const json = jsonForAutomerge(v.v)
      if (typeof json === 'object' && json !== null) backend.putObject(obj, key, json as never)
      else backend.put(obj, key, json as never)
    }
  }
  backend.commit('hostile')
  return Automerge.merge(Automerge.clone(base), Automerge.load<PodDoc>(backend.save()))
}

const HONEST = Automerge.from(BASE as unknown as Record<string, unknown>) as Automerge.Doc<PodDoc>

/** Runs a command the way `podStore.change` does, on an Automerge document. */
function changeLikePodStore(
  doc: Automerge.Doc<PodDoc>,
  name: string,
  command: (doc: PodDoc, ctx: CommandContext) => unknown,
): Automerge.Doc<PodDoc> {
  const parsed = parsePodDoc(doc)
  if (!parsed.ok || parsed.readOnly) return doc
  try {
    return Automerge.change(doc, (d) => {
      repairPodDoc(d, parsed.view, parsed.problems)
      command(d, counter(NOW))
    })
  } catch (error) {
    if (
      refusalOf(() => {
        throw error
      }) !== null
    )
      return doc
    throw new Error(`${name} threw: ${String(error)}`, { cause: error })
  }
}

describe('a pod after a hostile peer’s Automerge changes', () => {
  it(
    'stays readable and changeable, and a repair leaves nothing to repair',
    { timeout: 120_000 },
    () => {
      fc.assert(
        fc.property(
          fc.array(amOp, { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
          (ops, picks) => {
            const merged = hostileChange(HONEST, ops)
            const parsed = parsePodDoc(merged)
            expect(parsed.ok).toBe(true)
            if (!parsed.ok) return
            runEveryQuery(parsed.view, NOW)
            const commands = everyCommand(parsed.view, NOW)
            let doc = Automerge.clone(merged)
            for (const index of picks) {
              const entry = commands[index % commands.length]
              if (entry === undefined) continue
              doc = changeLikePodStore(doc, entry[0], entry[1])
              expect(parsePodDoc(doc).ok).toBe(true)
            }
            if (parsed.readOnly) return
            const repaired = Automerge.change(merged, (d) =>
              repairPodDoc(d, parsed.view, parsed.problems),
            )
            const again = parsePodDoc(repaired)
            expect(again.ok && again.problems).toEqual([])
          },
        ),
        { seed: 11_4, numRuns: 1_000 },
      )
    },
  )
})
