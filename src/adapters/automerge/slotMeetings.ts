/**
 * One meeting per slot, whichever devices start it. Two members who start Monday's circle on
 * two devices while offline each create the slot's meeting under the same id
 * (`slotMeetingId`); if each wrote its own object there, the merge would keep one and hide
 * everything the other recorded in it (attendance, check-ins, insights). So the meeting is
 * created by a change every device writes byte for byte alike: the same actor (derived from
 * the pod and the slot), the same time (zero), the same dependencies (the change that created
 * the pod's `meetings` map, and its history) and the same record (`slotMeetingRecord`). Two
 * devices that make it make one change with one hash, and what each records merges.
 */
import { next as Automerge } from '@automerge/automerge/slim'
import { hash as sha256 } from 'fast-sha256'
import type { Meeting, PodDoc } from '../../schema/podDocument.ts'

const hex = (bytes: Uint8Array) =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

/** The actor that writes a slot meeting's creation: the same on every device. */
export function slotActor(podKey: string, meetingId: string): string {
  return hex(sha256(new TextEncoder().encode(`tend-slot:${podKey}:${meetingId}`)).slice(0, 16))
}

/** The hashes of `hash` and every change it depends on, directly or not. */
function ancestry(byHash: Map<string, Automerge.DecodedChange>, hash: string): Set<string> {
  const seen = new Set<string>()
  const stack = [hash]
  while (stack.length > 0) {
    const next = stack.pop() as string
    if (seen.has(next)) continue
    seen.add(next)
    for (const dep of byHash.get(next)?.deps ?? []) stack.push(dep)
  }
  return seen
}

/**
 * The change that creates `record` at `meetings[record.id]`, as every device makes it; null
 * when this document's `meetings` map cannot be traced to the change that made it (the caller
 * then lets the command create the meeting as an ordinary edit).
 */
export function slotMeetingChange(
  doc: Automerge.Doc<PodDoc>,
  podKey: string,
  record: Meeting,
): Uint8Array | null {
  const meetings = (doc as unknown as { meetings?: unknown }).meetings
  if (typeof meetings !== 'object' || meetings === null) return null
  const objectId = Automerge.getObjectId(meetings as object)
  const at = objectId?.indexOf('@') ?? -1
  if (objectId == null || at < 0) return null
  const counter = Number(objectId.slice(0, at))
  const actor = objectId.slice(at + 1)
  const all = Automerge.getAllChanges(doc)
  const changes = all.map((c) => Automerge.decodeChange(c))
  const byHash = new Map(changes.map((c) => [c.hash, c] as const))
  const maker = changes.find(
    (c) => c.actor === actor && c.startOp <= counter && counter < c.startOp + c.ops.length,
  )
  if (maker === undefined) return null
  const history = ancestry(byHash, maker.hash)
  const base = Automerge.applyChanges(
    Automerge.init<PodDoc>({ actor: slotActor(podKey, record.id) }),
    all.filter((_, i) => history.has(changes[i]?.hash ?? '')),
  )[0]
  const made = Automerge.change(base, { time: 0 }, (d) => {
    d.meetings[record.id] = structuredClone(record)
  })
  return Automerge.getLastLocalChange(made) ?? null
}
