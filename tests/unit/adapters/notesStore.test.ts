import { describe, expect, it } from 'vitest'
import { Repo, generateAutomergeUrl, type DocumentId, type PeerId } from '@automerge/automerge-repo'
import { BroadcastChannelNetworkAdapter } from '@automerge/automerge-repo-network-broadcastchannel'
import { next as A } from '@automerge/automerge'
import {
  createNotesStore,
  recentNotesUrls,
  type PresenceMessage,
} from '../../../src/adapters/automerge/notesStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { podKeyOf } from '../../../src/adapters/automerge/podStore.ts'
import {
  notesDocumentIdOf,
  notesUrlOf,
  proveNotesLinks,
} from '../../../src/adapters/automerge/notesIdentity.ts'
import type { NotesDoc, PodDoc } from '../../../src/schema/podDocument.ts'
import { scheduleMeeting } from '../../../src/domain/meetings.ts'
import { newPod, testContext } from '../support/testContext.ts'

const POD_URL = generateAutomergeUrl()

/** Two devices' repos linked directly, each with its own share rules. */
function twoDevices() {
  const channelName = `notes-test-${Math.random()}`
  const rules1 = new ShareRules('dev1')
  const rules2 = new ShareRules('dev2')
  const share = (rules: ShareRules) => ({
    announce: async (peerId: PeerId, documentId?: DocumentId) => rules.mayShare(peerId, documentId),
    access: async (peerId: PeerId, documentId?: DocumentId) => rules.mayShare(peerId, documentId),
  })
  const repo1 = new Repo({
    peerId: 'dev1~a' as PeerId,
    network: [new BroadcastChannelNetworkAdapter({ channelName })],
    shareConfig: share(rules1),
  })
  const repo2 = new Repo({
    peerId: 'dev2~b' as PeerId,
    network: [new BroadcastChannelNetworkAdapter({ channelName })],
    shareConfig: share(rules2),
  })
  rules1.onChange(() => repo1.shareConfigChanged())
  rules2.onChange(() => repo2.shareConfigChanged())
  return { repo1, repo2, rules1, rules2 }
}

/** Polls `read` until it gives a value (bounded). */
async function eventually<T>(
  read: () => Promise<T | null> | T | null,
  timeoutMs = 5000,
): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await read()
    if (value !== null) return value
    if (Date.now() - started > timeoutMs) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('notes store', () => {
  it('creates a meeting’s notes as their own document with empty text', async () => {
    const repo = new Repo({ network: [] })
    const notes = createNotesStore(repo, new ShareRules('dev'))
    const url = await notes.create(POD_URL, { meetingId: 'm1', podId: 'p1' })
    const binding = await notes.open(url, POD_URL)
    expect(binding?.currentText()).toBe('')
    const handle = await repo.find<NotesDoc>(url as never)
    expect(handle.doc()).toEqual({ schemaVersion: 1, meetingId: 'm1', podId: 'p1', text: '' })
  })

  it('shares notes only with peers admitted to their pod, and carries presence', async () => {
    const { repo1, repo2, rules1, rules2 } = twoDevices()
    const notes1 = createNotesStore(repo1, rules1)
    const notes2 = createNotesStore(repo2, rules2)
    const url = await notes1.create(POD_URL, { meetingId: 'm1', podId: 'p1' })
    const h1 = await repo1.find<NotesDoc>(url as never)
    h1.change((d) => A.splice(d, ['text'], 0, 0, 'hello'))

    // Not admitted: the other device cannot open these notes.
    const refused = await Promise.race([
      notes2.open(url, POD_URL),
      new Promise<'pending'>((r) => setTimeout(() => r('pending'), 500)),
    ])
    expect(refused === null || refused === 'pending').toBe(true)

    // Admitted to the pod on both sides (as the mesh's handshake does), the second device
    // knowing the meeting (as its pod store does once the pod is open there).
    const podKey = podKeyOf(POD_URL)
    rules2.registerDocument(notesDocumentIdOf(POD_URL, 'm1'), podKey)
    rules1.admitPeer('dev2~b', podKey)
    rules2.admitPeer('dev1~a', podKey)
    const b2 = await eventually(() => notes2.open(url, POD_URL))
    expect(b2.currentText()).toBe('hello')

    // Presence: what one device announces, the other hears; never written to the document.
    const heard: PresenceMessage[] = []
    const stop = b2.onPresence((m) => heard.push(m))
    const b1 = await notes1.open(url, POD_URL)
    b1?.announce({ memberId: 'amara', name: 'Amara' })
    await eventually(() => (heard.length > 0 ? heard : null))
    expect(heard[0]).toEqual({ type: 'tend-notes-here', memberId: 'amara', name: 'Amara' })
    stop()
    expect(Object.keys(h1.doc()).sort()).toEqual(['meetingId', 'podId', 'schemaVersion', 'text'])
  })
  it('gives two members who start the same circle offline one notes document; both texts survive', async () => {
    const { repo1, repo2, rules1, rules2 } = twoDevices()
    const notes1 = createNotesStore(repo1, rules1)
    const notes2 = createNotesStore(repo2, rules2)
    // Apart: neither device is admitted to the other yet, so each starts the notes alone.
    const url1 = await notes1.create(POD_URL, { meetingId: 'm7', podId: 'p1' })
    const url2 = await notes2.create(POD_URL, { meetingId: 'm7', podId: 'p1' })
    expect(url2).toBe(url1)
    expect(await notes1.create(POD_URL, { meetingId: 'm8', podId: 'p1' })).not.toBe(url1)
    const h1 = await repo1.find<NotesDoc>(url1 as never)
    const h2 = await repo2.find<NotesDoc>(url2 as never)
    h1.change((d) => A.splice(d, ['text'], 0, 0, 'Amara wrote this. '))
    h2.change((d) => A.splice(d, ['text'], 0, 0, 'Bo wrote that.'))

    const podKey = podKeyOf(POD_URL)
    rules1.admitPeer('dev2~b', podKey)
    rules2.admitPeer('dev1~a', podKey)
    const both = (text: string) =>
      text.includes('Amara wrote this. ') && text.includes('Bo wrote that.') ? text : null
    const on1 = await eventually(() => both(h1.doc().text))
    const on2 = await eventually(() => both(h2.doc().text))
    expect(on1).toBe(on2)
    expect(on1).toHaveLength('Amara wrote this. Bo wrote that.'.length)
  })
})

describe('notes belong to their meeting by proof', () => {
  it('derives one notes document per pod and meeting, and opens no other', async () => {
    const repo = new Repo({ network: [] })
    const rules = new ShareRules('dev')
    const notes = createNotesStore(repo, rules)
    const otherPod = generateAutomergeUrl()
    const url = await notes.create(POD_URL, { meetingId: 'm1', podId: 'p1' })
    expect(url).toBe(notesUrlOf(POD_URL, 'm1'))
    expect(notesUrlOf(otherPod, 'm1')).not.toBe(url)
    expect(notesUrlOf(POD_URL, 'm2')).not.toBe(url)
    // A notes document of another pod, or any other document, is not opened as this pod's.
    const foreign = await notes.create(otherPod, { meetingId: 'm1', podId: 'p2' })
    expect(await notes.open(foreign, POD_URL)).toBeNull()
    expect(await notes.open(otherPod, POD_URL)).toBeNull()
    expect(await notes.open(url, POD_URL)).not.toBeNull()
  })

  it('replaces a meeting’s notes link that points elsewhere, and says so', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const pod: PodDoc = doc
    const own = scheduleMeeting(pod, { containerId: null, scheduledFor: 1, notesUrl: null }, ctx)
    pod.meetings[own]!.notesUrl = notesUrlOf(POD_URL, own)
    const hijacked = scheduleMeeting(
      pod,
      { containerId: null, scheduledFor: 2, notesUrl: generateAutomergeUrl() },
      ctx,
    )
    expect(proveNotesLinks(POD_URL, { ...pod, meetings: { [own]: pod.meetings[own]! } })).toEqual({
      view: { ...pod, meetings: { [own]: pod.meetings[own]! } },
      problems: [],
    })
    const proven = proveNotesLinks(POD_URL, pod)
    expect(proven.view.meetings[hijacked]?.notesUrl).toBe(notesUrlOf(POD_URL, hijacked))
    expect(proven.view.meetings[own]?.notesUrl).toBe(notesUrlOf(POD_URL, own))
    expect(proven.problems).toEqual([
      'One meeting’s notes link pointed to a document that is not this pod’s; Tend ignored it and uses the meeting’s own notes.',
    ])
    // A meeting id such as `__proto__` stays an ordinary id.
    const odd = { ...pod.meetings[hijacked]!, id: '__proto__' }
    const withOdd = proveNotesLinks(POD_URL, {
      ...pod,
      meetings: Object.fromEntries([['__proto__', odd]]),
    })
    expect(Object.keys(withOdd.view.meetings)).toEqual(['__proto__'])
    expect(Object.getPrototypeOf(withOdd.view.meetings)).toBe(Object.prototype)
  })
})

describe('recent notes', () => {
  it('lists the notes of the latest meetings first, skipping meetings without notes', () => {
    const ctx = testContext()
    const { doc } = newPod(ctx)
    const pod: PodDoc = doc
    const urls = [
      generateAutomergeUrl(),
      generateAutomergeUrl(),
      generateAutomergeUrl(),
      generateAutomergeUrl(),
    ]
    const url = (n: number) => urls[n] as string
    scheduleMeeting(pod, { containerId: null, scheduledFor: 1000, notesUrl: url(1) }, ctx)
    scheduleMeeting(pod, { containerId: null, scheduledFor: 3000, notesUrl: url(3) }, ctx)
    scheduleMeeting(pod, { containerId: null, scheduledFor: 2000, notesUrl: null }, ctx)
    scheduleMeeting(pod, { containerId: null, scheduledFor: 4000, notesUrl: 'not a url' }, ctx)
    expect(recentNotesUrls(pod)).toEqual([url(3), url(1)])
    expect(recentNotesUrls(pod, 1)).toEqual([url(3)])
  })
})
