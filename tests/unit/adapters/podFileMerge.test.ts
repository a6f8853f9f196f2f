import { describe, expect, it } from 'vitest'
import { Repo } from '@automerge/automerge-repo'
import { next as A } from '@automerge/automerge'
import { createPodStore } from '../../../src/adapters/automerge/podStore.ts'
import { createNotesStore } from '../../../src/adapters/automerge/notesStore.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'
import { startAdHocCircle } from '../../../src/domain/meetings.ts'
import type { NotesDoc } from '../../../src/schema/podDocument.ts'
import { testContext } from '../support/testContext.ts'

/** One device: its repo (memory only), pod store and notes store. */
function device() {
  const repo = new Repo({ network: [] })
  const rules = new ShareRules('dev')
  return { repo, pods: createPodStore(repo, rules), notes: createNotesStore(repo, rules) }
}

const input = {
  name: 'Kept pod',
  purpose: '',
  kind: 'cohort' as const,
  founder: { name: 'Amara', stage: 'experienced' as const },
  device: null,
}

/** Types `text` at the end of a meeting's notes on `d`. */
async function type(d: ReturnType<typeof device>, podUrl: string, notesUrl: string, text: string) {
  const handle = await d.repo.find<NotesDoc>(notesUrl as never)
  handle.change((doc) => A.splice(doc, ['text'], doc.text.length, 0, text))
}

const textOf = async (d: ReturnType<typeof device>, notesUrl: string) =>
  (await d.repo.find<NotesDoc>(notesUrl as never)).doc().text

describe('a whole-pod file opened on a device', () => {
  it('restores the pod and its notes under their own addresses, then merges without duplicating', async () => {
    const ctx = testContext()
    const one = device()
    const { url } = await one.pods.create((doc) => initPod(doc, input, ctx))
    const meetingId = await one.pods.change(url, (doc) =>
      startAdHocCircle(doc, { notesUrl: null }, ctx),
    )
    const podId = one.pods.peek(url)!.pod.id
    const notesUrl = await one.notes.create(url, { meetingId, podId })
    await type(one, url, notesUrl, 'We agreed to meet fortnightly.')

    const podBytes = (await one.pods.exportBytes(url))!
    const notesBytes = (await one.notes.exportNotes(url, meetingId))!

    // A wiped device: the pod comes back under its address, with its notes.
    const two = device()
    const first = await two.pods.mergeBytes(url, podBytes)
    expect(first.restored).toBe(true)
    expect(Object.values(first.view.members).map((m) => m.name)).toEqual(['Amara'])
    expect(await two.notes.mergeNotes(url, { meetingId, podId, bytes: notesBytes })).toBe(true)
    expect(await textOf(two, notesUrl)).toBe('We agreed to meet fortnightly.')

    // Meanwhile the first device goes on; its newer file merges into the restored copy.
    await one.pods.change(url, (doc) => addMember(doc, { name: 'Bo', stage: 'newer' }, ctx))
    await type(one, url, notesUrl, ' Bo joins.')
    const again = await two.pods.mergeBytes(url, (await one.pods.exportBytes(url))!)
    expect(again.restored).toBe(false)
    expect(
      Object.values(again.view.members)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['Amara', 'Bo'])
    const newer = (await one.notes.exportNotes(url, meetingId))!
    expect(await two.notes.mergeNotes(url, { meetingId, podId, bytes: newer })).toBe(true)
    // The same file twice changes nothing: no member, meeting or sentence twice.
    await two.pods.mergeBytes(url, (await one.pods.exportBytes(url))!)
    await two.notes.mergeNotes(url, { meetingId, podId, bytes: newer })
    expect(await textOf(two, notesUrl)).toBe('We agreed to meet fortnightly. Bo joins.')
    const view = two.pods.peek(url)!
    expect(Object.keys(view.members)).toHaveLength(2)
    expect(Object.keys(view.meetings)).toEqual([meetingId])
  })

  it('refuses a different pod under the address of one the device has, changing nothing', async () => {
    const ctx = testContext()
    const one = device()
    const { url } = await one.pods.create((doc) => initPod(doc, input, ctx))
    const other = device()
    const { url: otherUrl } = await other.pods.create((doc) =>
      initPod(doc, { ...input, name: 'Someone else’s pod' }, ctx),
    )
    const foreign = (await other.pods.exportBytes(otherUrl))!
    await expect(one.pods.mergeBytes(url, foreign)).rejects.toThrow(
      'This file holds a different pod under the address of one you have. Nothing was changed.',
    )
    expect(one.pods.peek(url)!.pod.name).toBe('Kept pod')
    await expect(one.pods.mergeBytes(url, new Uint8Array([1, 2, 3]))).rejects.toThrow(
      'The pod in this file could not be read. Nothing was changed.',
    )
  })

  it('refuses notes that are not that meeting’s notes', async () => {
    const ctx = testContext()
    const one = device()
    const { url } = await one.pods.create((doc) => initPod(doc, input, ctx))
    const [m1, m2] = await one.pods.change(url, (doc) => [
      startAdHocCircle(doc, { notesUrl: null }, ctx),
      startAdHocCircle(doc, { notesUrl: null }, ctx),
    ])
    const podId = one.pods.peek(url)!.pod.id
    const n1 = await one.notes.create(url, { meetingId: m1!, podId })
    await type(one, url, n1, 'Private to the first circle.')
    const bytes = (await one.notes.exportNotes(url, m1!))!
    // The first circle's notes, offered as the second's: left out.
    const two = device()
    await two.pods.mergeBytes(url, (await one.pods.exportBytes(url))!)
    expect(await two.notes.mergeNotes(url, { meetingId: m2!, podId, bytes })).toBe(false)
    expect(await two.notes.mergeNotes(url, { meetingId: m1!, podId, bytes })).toBe(true)
  })
})
