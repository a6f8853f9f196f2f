/**
 * A member of pod A tries to read pod B through a member they share: they write B's document id
 * (from an invite link or a `#/pod/<id>` address) as a meeting's notes link in A. The shared
 * member's device must go on serving A to them, report the link, and never serve B.
 *
 * Real repos, real share rules, pod and notes stores and the real mesh adapter with its
 * per-pod admission, over in-memory rooms; the hostile link arrives by sync, as from a peer.
 */
import { describe, expect, it, vi } from 'vitest'
import { Repo, type DocHandle, type PeerId } from '@automerge/automerge-repo'
import {
  createPodStore,
  podKeyOf,
  type PodState,
} from '../../../src/adapters/automerge/podStore.ts'
import { createNotesStore, recentNotesUrls } from '../../../src/adapters/automerge/notesStore.ts'
import { notesUrlOf } from '../../../src/adapters/automerge/notesIdentity.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { TendMeshAdapter, type Admission } from '../../../src/adapters/network/meshAdapter.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { scheduleMeeting } from '../../../src/domain/meetings.ts'
import type { PodDoc } from '../../../src/schema/podDocument.ts'
import { MemoryRoomHub } from '../support/memoryRooms.ts'
import { testContext } from '../support/testContext.ts'

/**
 * A device; `join` puts it in the rooms of the pods it belongs to (admission is by pod). A
 * hostile device runs a modified app that accepts and asks for any document.
 */
function device(hub: MemoryRoomHub, name: string, hostile = false) {
  const pods: string[] = []
  const rules = new ShareRules(name)
  const repo = new Repo({
    peerId: `${name}~tab` as PeerId,
    network: [],
    shareConfig: {
      announce: async (peerId, documentId) => hostile || rules.mayShare(peerId, documentId),
      access: async (peerId, documentId) => hostile || rules.mayShare(peerId, documentId),
    },
  })
  rules.onChange(() => repo.shareConfigChanged())
  const admission: Admission = {
    credentials: async () => null,
    sign: async (_pod, nonce) => `signed:${nonce}`,
    verify: async (podKey, claim) =>
      pods.includes(podKey) && claim.signature === `signed:${claim.nonce}`,
  }
  const mesh = new TendMeshAdapter({
    openRoom: hub.open,
    admission,
    readyGraceMs: 50,
    tallyMs: 20,
    onAdmit: (peerId, podKey) => rules.admitPeer(peerId, podKey),
    onDismiss: (peerId, podKey) => rules.dismissPeer(peerId, podKey),
  })
  return {
    repo,
    rules,
    mesh,
    pods: createPodStore(repo, rules),
    notes: createNotesStore(repo, rules),
    join(podKeys: string[]): void {
      pods.push(...podKeys)
      for (const pod of podKeys) {
        rules.registerDocument(pod, pod)
        mesh.addPod(pod)
      }
      repo.networkSubsystem.addNetworkAdapter(mesh)
    },
  }
}

/** Waits, bounded, until `read` gives a value. */
function eventually<T>(read: () => T | null | undefined, what: string): Promise<T> {
  return vi.waitFor(
    () => {
      const value = read()
      if (value === null || value === undefined) throw new Error(`still waiting for ${what}`)
      return value
    },
    { timeout: 10_000, interval: 20 },
  )
}

function newPod(doc: PodDoc, name: string, ctx = testContext()) {
  initPod(
    doc,
    {
      name,
      purpose: '',
      kind: 'learning-pod',
      founder: { name: 'Dana', stage: 'experienced' },
      device: null,
    },
    ctx,
  )
  return scheduleMeeting(doc, { containerId: null, scheduledFor: ctx.now, notesUrl: null }, ctx)
}

describe('one pod read through another', () => {
  it('never serves pod B, nor its notes, to a member of A who links them from A', async () => {
    const hub = new MemoryRoomHub()
    // Dana's device holds pods A and B; B has a meeting with notes.
    const dana = device(hub, 'dana')
    const podA = await dana.pods.create((doc) => newPod(doc, 'Pod A'))
    const podB = await dana.pods.create((doc) => newPod(doc, 'Pod B — private'))
    const bNotes = await dana.notes.create(podB.url, { meetingId: podB.result, podId: 'b' })
    // Dana's device is in both pods' rooms; Xavi's only in A's.
    dana.join([podKeyOf(podA.url), podKeyOf(podB.url)])
    const xavi = device(hub, 'xavi', true)
    xavi.join([podKeyOf(podA.url)])

    // Xavi gets A, as a member does, once the two devices have met.
    await eventually(
      () => (dana.rules.podsOf('xavi~tab').has(podKeyOf(podA.url)) ? true : null),
      'Dana’s device to admit Xavi’s to A',
    )
    const xaviA = await xavi.repo.find<PodDoc>(podA.url as never, {
      allowableStates: ['ready', 'unavailable'],
    })
    await xaviA.whenReady(['ready'])
    expect(xaviA.doc().pod.name).toBe('Pod A')

    // Dana follows A, as the pod screen and the leader tab do.
    const states: PodState[] = []
    dana.pods.watch(podA.url, (s) => states.push(s))

    // Xavi points two of A's meetings at B's documents and syncs that to Dana.
    const ctx = testContext()
    xaviA.change((doc) => {
      scheduleMeeting(doc, { containerId: null, scheduledFor: ctx.now, notesUrl: podB.url }, ctx)
      scheduleMeeting(doc, { containerId: null, scheduledFor: ctx.now, notesUrl: bNotes }, ctx)
    })
    const danaA = (await dana.repo.find<PodDoc>(podA.url as never)) as DocHandle<PodDoc>
    await eventually(
      () => (Object.keys(danaA.doc().meetings).length === 3 ? true : null),
      'the hostile links to reach Dana',
    )
    // The leader tab keeps the pod's recent notes open so they sync: the hostile links too?
    const view = await eventually(() => dana.pods.peek(podA.url), 'Dana’s view of A')
    for (const url of recentNotesUrls(view)) await dana.notes.keepOpen(url, podA.url)

    // Dana's app says what it ignored, and the view points only at A's own notes.
    const last = states.at(-1)
    expect(last?.status).toBe('ready')
    expect(last?.status === 'ready' && last.problems.join(' ')).toMatch(
      /2 meetings’ notes links pointed to a document that is not this pod’s/,
    )
    for (const [id, meeting] of Object.entries(view.meetings)) {
      if (meeting.notesUrl !== null) expect(meeting.notesUrl).toBe(notesUrlOf(podA.url, id))
    }
    expect(await dana.notes.open(podB.url, podA.url)).toBeNull()
    expect(await dana.notes.open(bNotes, podA.url)).toBeNull()
    // B and its notes stay B's on Dana's device.
    expect(dana.rules.podOf(podKeyOf(podB.url))).toBe(podKeyOf(podB.url))
    expect(dana.rules.podOf(podKeyOf(bNotes))).toBe(podKeyOf(podB.url))

    // Sync goes on: a later edit of A by Dana reaches Xavi…
    danaA.change((doc) => {
      doc.pod.purpose = 'after the attempt'
    })
    await eventually(
      () => (xaviA.doc().pod.purpose === 'after the attempt' ? true : null),
      'Dana’s later edit to reach Xavi',
    )
    // …but B and B's notes never do, even when Xavi asks for them by id.
    for (const url of [podB.url, bNotes]) {
      const asked = await xavi.repo
        .find(url as never, {
          allowableStates: ['ready', 'unavailable'],
          signal: AbortSignal.timeout(2_000),
        })
        .catch(() => null)
      expect(asked?.isReady() ?? false).toBe(false)
    }
  })
})
