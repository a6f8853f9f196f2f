/**
 * The mesh's figures for issue 14 ("Speed in the circle"), measured in one process over the
 * in-memory twin of the pod rooms with the real mesh adapter and real automerge-repo repos:
 * frames per edit as the pod grows, and the bytes a catch-up after time apart costs. Each
 * returns figures for `targets.ts`; `TEND_BENCH_ONLY=mesh` runs only these from bench.ts.
 */
import * as A from '@automerge/automerge'
import { Repo, cbor, type DocHandle, type PeerId } from '@automerge/automerge-repo'
import type { PodDoc } from '../../src/schema/podDocument.ts'
import type { CommandContext } from '../../src/domain/commandContext.ts'
import { initPod } from '../../src/domain/pods.ts'
import { addCheckIn, scheduleMeeting } from '../../src/domain/meetings.ts'
import { TendMeshAdapter, type Admission } from '../../src/adapters/network/meshAdapter.ts'
import { MemoryRoomHub } from '../unit/support/memoryRooms.ts'
import { pathToFileURL } from 'node:url'
import { boundFigure, ratioFigure, saveFigures, targetTable, type Figure } from './targets.ts'

const admitAll: Admission = {
  credentials: async () => null,
  sign: async (_p, nonce) => nonce,
  verify: async (_p, claim) => claim.signature === claim.nonce,
}

/** Polls `check` every 10 ms, at most `limitMs`; the bench reports what it got either way. */
async function until(check: () => boolean, limitMs = 60_000): Promise<boolean> {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > limitMs) return false
    await new Promise((r) => setTimeout(r, 10))
  }
  return true
}

/**
 * Frames the mesh sends per edit, divided by the other members, in a pod of `members` where
 * each member in turn adds a line (after a first round, as a session has had by then).
 */
export async function framesPerEdit(members: number, rounds = 3): Promise<number> {
  const hub = new MemoryRoomHub()
  let frames = 0
  hub.filter = () => {
    frames++
    return true
  }
  const adapters: TendMeshAdapter[] = []
  const repos: Repo[] = []
  for (let i = 0; i < members; i++) {
    const adapter = new TendMeshAdapter({ openRoom: hub.open, admission: admitAll })
    adapters.push(adapter)
    repos.push(new Repo({ network: [adapter], peerId: `member-${i}` as PeerId }))
  }
  const first = (repos[0] as Repo).create<{ lines: string[] }>({ lines: [] })
  for (const a of adapters) a.addPod(first.documentId)
  await until(() => adapters.every((a) => a.connectedPeers().length === members - 1))
  const handles: DocHandle<{ lines: string[] }>[] = [first]
  for (const repo of repos.slice(1)) handles.push(await repo.find(first.url))
  const edit = async (who: number, line: string) => {
    handles[who]?.change((d) => void d.lines.push(line))
    await until(
      () =>
        handles.every((h) => h.doc().lines.includes(line)) &&
        adapters.every((a) => a.awaitingReplies() === 0),
    )
  }
  for (let who = 0; who < members; who++) await edit(who, `warm-up ${who}`)
  frames = 0
  for (let round = 0; round < rounds; round++)
    for (let who = 0; who < members; who++) await edit(who, `line ${round}.${who}`)
  adapters.forEach((a) => a.disconnect())
  return frames / (rounds * members) / (members - 1)
}

export interface CatchUp {
  sent: number
  missing: number
  frames: number
  roundTrips: number
}

/** Two members each make `apart` changes while apart, then meet: what crosses until both agree. */
export async function catchUp(apart: number): Promise<CatchUp> {
  const hub = new MemoryRoomHub()
  const frames: { from: string; bytes: number; kind: string }[] = []
  hub.filter = (from, _to, data) => {
    const kind = (cbor.decode(data) as { k: string }).k
    frames.push({ from, bytes: data.byteLength, kind })
    if (process.env['TEND_BENCH_TRACE'] !== undefined) {
      const m = (cbor.decode(data) as { m?: { x?: Uint8Array } }).m
      const x = m?.x !== undefined ? A.decodeSyncMessage(m.x) : null
      const env = cbor.decode(data) as { s?: number; a?: number }
      console.log(
        from,
        kind,
        env.s,
        env.a,
        data.byteLength,
        x && {
          c: x.changes.map((c) => c.byteLength),
          h: x.heads.length,
          n: x.need.length,
          have: x.have.map((h) => [h.lastSync.length, h.bloom.byteLength]),
          sync: m?.x?.byteLength,
        },
      )
    }
    return true
  }
  let n = 0
  const ctx: CommandContext = { now: Date.UTC(2026, 0, 5), newId: () => `c${++n}` }
  let base = A.from({} as Record<string, unknown>) as unknown as A.Doc<PodDoc>
  base = A.change(
    base,
    (d) =>
      void initPod(
        d,
        {
          name: 'Apart',
          purpose: '',
          kind: 'cohort',
          founder: { name: 'F', stage: 'experienced' },
          device: null,
        },
        ctx,
      ),
  )
  const founder = Object.keys(base.members)[0] ?? ''
  let meetingId = ''
  base = A.change(base, (d) => {
    meetingId = scheduleMeeting(
      d,
      { containerId: null, scheduledFor: ctx.now, notesUrl: null },
      ctx,
    )
  })
  const away = (doc: A.Doc<PodDoc>, who: string) => {
    for (let i = 0; i < apart; i++) {
      doc = A.change(
        doc,
        (d) =>
          void addCheckIn(
            d,
            meetingId,
            { memberId: founder, text: `${who} note ${i}: what I practised and where I am stuck.` },
            ctx,
          ),
      )
    }
    return doc
  }
  const left = away(A.clone(base), 'left')
  const right = away(A.clone(base), 'right')
  /** Bytes of the changes `other` has that `have` lacks. */
  const missing = (have: A.Doc<PodDoc>, other: A.Doc<PodDoc>) => {
    const held = new Set(A.getAllChanges(have).map((c) => A.decodeChange(c).hash))
    return A.getAllChanges(other)
      .filter((c) => !held.has(A.decodeChange(c).hash))
      .reduce((sum, c) => sum + c.byteLength, 0)
  }
  const make = () => {
    const adapter = new TendMeshAdapter({ openRoom: hub.open, admission: admitAll })
    return adapter
  }
  const a = make()
  const b = make()
  const repoA = new Repo({ network: [a], peerId: 'left' as PeerId })
  const repoB = new Repo({ network: [b], peerId: 'right' as PeerId })
  const handleA = repoA.import<PodDoc>(A.save(left))
  const handleB = repoB.import<PodDoc>(A.save(right), { docId: handleA.documentId })
  await Promise.all([handleA.whenReady(), handleB.whenReady()])
  a.addPod(handleA.documentId)
  b.addPod(handleA.documentId)
  const heads = (h: DocHandle<PodDoc>) => A.getHeads(h.doc()).sort().join()
  await until(
    () =>
      heads(handleA) === heads(handleB) &&
      Object.keys(handleA.doc().meetings[meetingId]?.checkIns ?? {}).length === 2 * apart &&
      a.awaitingReplies() === 0 &&
      b.awaitingReplies() === 0,
  )
  // The last acknowledgement may still be on its way: wait until nothing moved for a while.
  let seen = -1
  await until(() => {
    const same = seen === frames.length
    seen = frames.length
    return same
  })
  a.disconnect()
  b.disconnect()
  // Round trips count the messages' changes of direction (neighbour lists and tallies aside).
  let turns = 0
  let last = ''
  for (const f of frames) {
    if (f.kind !== 'm') continue
    if (f.from !== last) turns++
    last = f.from
  }
  return {
    sent: frames.reduce((s, f) => s + f.bytes, 0),
    missing: missing(left, right) + missing(right, left),
    frames: frames.length,
    roundTrips: Math.ceil(turns / 2),
  }
}

/** The mesh's figures: frames per edit at 6 and 12 members, catch-up bytes at three sizes. */
export async function meshFigures(): Promise<Figure[]> {
  const figures: Figure[] = []
  for (const members of [6, 12]) {
    const value = await framesPerEdit(members)
    figures.push(
      boundFigure(`frames per edit ÷ (members − 1), ${members} members`, value, 'frames', 2),
    )
  }
  for (const apart of [1, 5, 300]) {
    const c = await catchUp(apart)
    figures.push(
      ratioFigure(
        `catch-up bytes sent, ${apart} + ${apart} changes apart`,
        c.sent,
        'bytes',
        { what: 'bytes of the missing changes', value: c.missing },
        1.3,
      ),
    )
    figures.push(
      boundFigure(`catch-up round trips, ${apart} + ${apart}`, c.roundTrips, 'round trips', 3),
    )
  }
  return figures
}

// `npx tsx tests/bench/meshSpeed.ts` runs only these sections (no browser, no build needed).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const figures = await meshFigures()
  targetTable(figures).forEach((line) => console.log(line))
  saveFigures('build/bench/mesh-figures.json', figures)
}
