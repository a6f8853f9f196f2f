import { describe, expect, it } from 'vitest'
import { Repo, decodeHeads, type UrlHeads } from '@automerge/automerge-repo'
import { createPodStore } from '../../../src/adapters/automerge/podStore.ts'
import { restoreInto } from '../../../src/adapters/automerge/podHistory.ts'
import { createNotesStore } from '../../../src/adapters/automerge/notesStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { next as A } from '@automerge/automerge'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember, setMemberStatus } from '../../../src/domain/members.ts'
import { proposeNorm } from '../../../src/domain/norms.ts'
import { startAdHocCircle } from '../../../src/domain/meetings.ts'
import type { NotesDoc } from '../../../src/schema/podDocument.ts'
import { testContext } from '../support/testContext.ts'

const KEY = 'amara-device-key'

function device() {
  const repo = new Repo({ network: [] })
  const rules = new ShareRules('dev')
  return { repo, pods: createPodStore(repo, rules, KEY), notes: createNotesStore(repo, rules) }
}

async function newPod(d: ReturnType<typeof device>) {
  const ctx = testContext()
  const { url } = await d.pods.create((doc) =>
    initPod(
      doc,
      {
        name: 'History pod',
        purpose: '',
        kind: 'cohort',
        founder: { name: 'Amara', stage: 'experienced' },
        device: { id: 'amara-phone', publicKey: KEY, label: 'Phone' },
      },
      ctx,
    ),
  )
  return { url, ctx }
}

describe('a pod’s history', () => {
  it('says what happened, by whom, newest first', async () => {
    const d = device()
    const { url, ctx } = await newPod(d)
    const bo = await d.pods.change(url, (doc) =>
      addMember(doc, { name: 'Bo', stage: 'newer' }, ctx),
    )
    await d.pods.change(url, (doc) =>
      proposeNorm(doc, { text: 'We start on time', proposedBy: bo }, ctx),
    )
    await d.pods.change(url, (doc) => setMemberStatus(doc, bo, 'left', ctx))
    const events = d.pods.history(url)!
    const amara = Object.values(d.pods.peek(url)!.members).find((m) => m.name === 'Amara')!.id
    // One device's changes minutes apart at most are one event, told by what it did in all:
    // Bo came and left within it.
    expect(events.map((e) => [e.by, e.said])).toEqual([
      [amara, ['added Bo', 'proposed the norm ‘We start on time’']],
      [amara, ['made the pod']],
    ])
    expect(d.pods.peek(url)!.members[bo]?.status).toBe('left')
  })

  it('restores the pod to before an event as a new change, which names itself and can be undone', async () => {
    const d = device()
    const { url, ctx } = await newPod(d)
    const bo = await d.pods.change(url, (doc) =>
      addMember(doc, { name: 'Bo', stage: 'newer' }, ctx),
    )
    const beforeLeaving = d.pods.heads(url)!
    await d.pods.change(url, (doc) => setMemberStatus(doc, bo, 'left', ctx))
    expect(d.pods.peek(url)!.members[bo]?.status).toBe('left')

    // The store's heads are the repo's encoding; history events carry Automerge's.
    const hexHeads = decodeHeads(beforeLeaving as UrlHeads)
    await d.pods.restore(url, hexHeads)
    expect(d.pods.peek(url)!.members[bo]?.status).toBe('active')
    const [latest] = d.pods.history(url)!
    expect(latest?.restore).toBe(true)
    expect(latest?.said).toEqual(['restored the pod to an earlier point'])
    // Undone the same way: back to before the restore.
    await d.pods.restore(url, latest!.before)
    expect(d.pods.peek(url)!.members[bo]?.status).toBe('left')
  })

  it('refuses a point that is not in the pod’s history', async () => {
    const d = device()
    const { url } = await newPod(d)
    await expect(d.pods.restore(url, ['00'.repeat(32)])).rejects.toThrow(
      'That point is not in this pod’s history on this device.',
    )
  })
})

describe('a meeting’s notes versions', () => {
  it('bring back the text another device cleared', async () => {
    const d = device()
    const { url, ctx } = await newPod(d)
    const meetingId = await d.pods.change(url, (doc) =>
      startAdHocCircle(doc, { notesUrl: null }, ctx),
    )
    const podId = d.pods.peek(url)!.pod.id
    const notesUrl = await d.notes.create(url, { meetingId, podId })
    const handle = await d.repo.find<NotesDoc>(notesUrl as never)
    handle.change((doc) => A.splice(doc, ['text'], 0, 0, 'What we learned today.'))
    // Another device (another actor) clears them.
    const other = A.clone(handle.doc())
    const cleared = A.change(other, (doc) => A.updateText(doc, ['text'], ''))
    handle.update((doc) => A.merge(doc, cleared))
    expect(handle.doc().text).toBe('')
    const versions = (await d.notes.versions(notesUrl, url))!
    expect(versions.map((v) => v.text)).toEqual(['', 'What we learned today.'])
    await d.notes.restoreVersion(notesUrl, url, versions[1]!.heads)
    expect(handle.doc().text).toBe('What we learned today.')
  })
})

describe('what a restore never takes back', () => {
  it('keeps signed membership, keys, invites, members and their devices as they are now', () => {
    const earlier = {
      schemaVersion: 5,
      pod: { name: 'Old name' },
      members: { a: { name: 'Amara', status: 'active', devices: { p: { publicKey: 'P' } } } },
      norms: { n1: { text: 'We start on time', status: 'adopted' } },
      removals: {},
      keyEpochs: {},
      invites: {},
    }
    const now = {
      schemaVersion: 6,
      pod: { name: 'New name' },
      members: {
        a: {
          name: 'Amara',
          status: 'left',
          devices: { p: { publicKey: 'P' }, l: { publicKey: 'L' } },
        },
        b: { name: 'Bo', status: 'active', devices: { q: { publicKey: 'Q' } } },
      },
      norms: { n1: { text: 'We start on time', status: 'retired' }, n2: { text: 'Later' } },
      removals: { r1: { device: 'X', signature: 'S' } },
      keyEpochs: { e1: { epoch: 1 } },
      invites: { i1: { uses: 1 } },
    }
    restoreInto(now, earlier)
    expect(now).toEqual({
      schemaVersion: 6,
      pod: { name: 'Old name' },
      members: {
        a: {
          name: 'Amara',
          status: 'active',
          devices: { p: { publicKey: 'P' }, l: { publicKey: 'L' } },
        },
        b: { name: 'Bo', status: 'active', devices: { q: { publicKey: 'Q' } } },
      },
      norms: { n1: { text: 'We start on time', status: 'adopted' } },
      removals: { r1: { device: 'X', signature: 'S' } },
      keyEpochs: { e1: { epoch: 1 } },
      invites: { i1: { uses: 1 } },
    })
  })
})

describe('notes edits in the pod’s history', () => {
  it('are told as spells of typing, each with the member whose device typed it', async () => {
    const repo = new Repo({ network: [] })
    const rules = new ShareRules('dev')
    const pods = createPodStore(repo, rules, KEY)
    // This device is listed under Amara; the store asks who that is when notes are changed.
    let author: string | null = null
    const notes = createNotesStore(repo, rules, () => author)
    const d = { repo, pods, notes }
    const { url, ctx } = await newPod(d)
    author = Object.values(pods.peek(url)!.members)[0]!.id
    const meetingId = await pods.change(url, (doc) =>
      startAdHocCircle(doc, { notesUrl: null }, ctx),
    )
    const notesUrl = await notes.create(url, { meetingId, podId: pods.peek(url)!.pod.id })
    const handle = await repo.find<NotesDoc>(notesUrl as never)
    // Amara types (two keystrokes, one spell; the editor's binding names her: NotesPanel.test).
    handle.change((doc) => A.splice(doc, ['text'], 0, 0, 'Our'), {
      message: JSON.stringify({ by: author }),
    })
    handle.change((doc) => A.splice(doc, ['text'], 3, 0, ' plan'), {
      message: JSON.stringify({ by: author }),
    })
    const beforeBo = A.getHeads(handle.doc())
    // Bo, on his device, clears them (another actor, his name in the message).
    const cleared = A.change(
      A.clone(handle.doc()),
      { message: JSON.stringify({ by: 'bo' }) },
      (doc) => A.updateText(doc, ['text'], ''),
    )
    handle.update((doc) => A.merge(doc, cleared))
    // A change that says nothing of who made it (an older version of Tend, or a peer).
    const unnamed = A.change(A.clone(handle.doc()), (doc) => A.splice(doc, ['text'], 0, 0, '?'))
    handle.update((doc) => A.merge(doc, unnamed))

    const edits = await notes.edits(url, [{ meetingId, notesUrl }])
    expect(edits.map((e) => [e.by, e.meetingId, e.restore])).toEqual([
      [null, meetingId, false],
      ['bo', meetingId, false],
      [author, meetingId, false],
    ])
    // "Restore to before this" on Bo's spell brings back what he cleared, named as a restore
    // by this device's member.
    expect(edits[1]!.before).toEqual(beforeBo)
    await notes.restoreVersion(notesUrl, url, edits[1]!.before)
    expect(handle.doc().text).toBe('Our plan')
    const after = await notes.edits(url, [{ meetingId, notesUrl }])
    expect(after[0]).toMatchObject({ by: author, restore: true })
    // Notes of another pod, or a link that is not this pod's notes, are never read.
    expect(await notes.edits(url, [{ meetingId: 'x', notesUrl: 'automerge:nope' }])).toEqual([])
  })
})
