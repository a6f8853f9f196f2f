import { readFileSync } from 'node:fs'
import { describe, expect, it, vi } from 'vitest'
import { Repo, type PeerId } from '@automerge/automerge-repo'
import {
  createPodStore,
  podKeyOf,
  type PodState,
} from '../../../src/adapters/automerge/podStore.ts'
import { founderPodKey } from '../../../src/adapters/crypto/podKeyring.ts'
import { ShareRules } from '../../../src/adapters/automerge/shareRules.ts'
import { initPod } from '../../../src/domain/pods.ts'
import { addMember } from '../../../src/domain/members.ts'
import { testContext, trustMembersAsLegacy } from '../support/testContext.ts'
import { copyFormat } from '../../../src/domain/podFormats.ts'
import { CURRENT_SCHEMA_VERSION } from '../../../src/schema/version.ts'

function store() {
  const repo = new Repo({ network: [] })
  return { repo, pods: createPodStore(repo, new ShareRules('dev')) }
}

const input = {
  name: 'Pod',
  purpose: '',
  kind: 'cohort' as const,
  founder: { name: 'Amara', stage: 'experienced' as const },
  device: null,
}

function nextState(pods: ReturnType<typeof store>['pods'], url: string, want: PodState['status']) {
  return new Promise<PodState>((done) => {
    const stop = pods.watch(url, (state) => {
      if (state.status === want) {
        queueMicrotask(() => stop())
        done(state)
      }
    })
  })
}

describe('pod store', () => {
  it('creates a pod and follows it as a parsed view', async () => {
    const { pods } = store()
    const ctx = testContext()
    const { url, result: founderId } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    })
    const state = await nextState(pods, url, 'ready')
    expect(state.status === 'ready' && state.view.members[founderId]?.name).toBe('Amara')
  })

  it('creates a pod under a given key (a founder key) that opens ready, as a new one does', async () => {
    const { pods } = store()
    const ctx = testContext()
    const key = founderPodKey('device-key-text', 'nonce')
    const { url, result: founderId } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    }, key)
    expect(podKeyOf(url)).toBe(key)
    const state = await nextState(pods, url, 'ready')
    expect(state.status === 'ready' && state.view.members[founderId]?.name).toBe('Amara')
    expect(pods.peek(url)?.members[founderId]?.name).toBe('Amara')
  })

  it('applies a command and reports the new view', async () => {
    const { pods } = store()
    const ctx = testContext()
    const { url } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    })
    const seen: string[][] = []
    const stop = pods.watch(url, (s) => {
      if (s.status === 'ready') seen.push(Object.values(s.view.members).map((m) => m.name))
    })
    await pods.change(url, (doc) => {
      addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)
      trustMembersAsLegacy(doc)
    })
    // Views are passed on once their signatures are checked (asynchronously).
    await vi.waitFor(() => expect(seen.at(-1)?.sort()).toEqual(['Amara', 'Bo']))
    stop()
  })

  it('counts the changes a device holding older heads is missing', async () => {
    const { pods } = store()
    const ctx = testContext()
    const { url } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    })
    const before = pods.heads(url) ?? []
    await pods.change(url, (doc) => addMember(doc, { name: 'Bo', stage: 'newer' }, ctx))
    await pods.change(url, (doc) => addMember(doc, { name: 'Cy', stage: 'newer' }, ctx))
    expect(pods.changesMissingFrom(url, before)).toBe(2)
    expect(pods.changesMissingFrom(url, pods.heads(url) ?? [])).toBe(0)
    // Heads it cannot read or does not have: everything is missing as far as it knows.
    const all = pods.changesMissingFrom(url, ['not-a-head', 'Tz'])
    expect(all).toBeGreaterThanOrEqual(3)
    expect(pods.changesMissingFrom('automerge:nope', before)).toBeNull()
  })

  it('leaves the pod untouched when a command fails', async () => {
    const { pods, repo } = store()
    const ctx = testContext()
    const { url } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    })
    await expect(
      pods.change(url, (doc) => {
        addMember(doc, { name: 'Half', stage: 'newer' }, ctx)
        addMember(doc, { name: '', stage: 'newer' }, ctx)
      }),
    ).rejects.toThrow('The member name cannot be empty.')
    const handle = await repo.find<{ members: Record<string, { name: string }> }>(url as never)
    expect(Object.values(handle.doc().members).map((m) => m.name)).toEqual(['Amara'])
  })

  it('says a bad link is not a pod', async () => {
    const { pods } = store()
    const state = await nextState(pods, 'not-a-url', 'invalid')
    expect(state).toEqual({ status: 'invalid', problems: ['This link does not point to a pod.'] })
  })

  it('refuses edits to a document from a newer Tend', async () => {
    const { pods, repo } = store()
    const ctx = testContext()
    const { url } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    })
    const handle = await repo.find<{ schemaVersion: number }>(url as never)
    handle.change((d) => {
      d.schemaVersion = 99
    })
    const state = await nextState(pods, url, 'ready')
    expect(state.status === 'ready' && state.readOnly).toBe(true)
    await expect(
      pods.change(url, (doc) => addMember(doc, { name: 'Bo', stage: 'newer' }, ctx)),
    ).rejects.toThrow('newer version of Tend')
  })

  // Regression: commands ran on the stored document, so a field a peer broke made them throw.
  it('repairs what a peer broke in the same change, before the command runs, and names it', async () => {
    const { pods, repo } = store()
    const ctx = testContext()
    const { url, result: founderId } = await pods.create((doc) => {
      const id = initPod(doc, input, ctx)
      trustMembersAsLegacy(doc)
      return id
    })
    const handle = await repo.find<Record<string, Record<string, unknown>>>(url as never)
    handle.change((d) => {
      const pod = d['pod'] as Record<string, unknown>
      const members = d['members'] as Record<string, unknown>
      pod['kind'] = { toString: 1 }
      members['broken'] = 'not a member'
    })
    await pods.change(url, (doc) => addMember(doc, { name: 'Bo', stage: 'newer' }, ctx))
    const stored = handle.doc() as unknown as {
      pod: { kind: unknown }
      members: Record<string, { name: string }>
    }
    // The parser's fallback for a kind it cannot read, written back in place of the object.
    expect(stored.pod.kind).toBe('learning-pod')
    expect(Object.keys(stored.members)).not.toContain('broken')
    expect(
      Object.values(stored.members)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['Amara', 'Bo'])
    expect(Object.keys(stored.members)).toContain(founderId)
    const state = await nextState(pods, url, 'ready')
    expect(state.status === 'ready' && state.problems).toEqual(
      expect.arrayContaining([
        'pod: kind (an object) is not one of learning-pod, cohort, circle',
        'document.members.broken: left out: not an object',
      ]),
    )
  })

  it('brings a schema-1 pod to the current schema when it opens, and edits it', async () => {
    const { pods } = store()
    const ctx = testContext()
    const bytes = new Uint8Array(
      readFileSync(new URL('../../fixtures/pod-v1.automerge', import.meta.url)),
    )
    const { url } = await pods.importBytes(bytes)
    const seen = new Promise<PodState>((done) => {
      const stop = pods.watch(url, (state) => {
        if (state.status === 'ready' && state.view.schemaVersion === CURRENT_SCHEMA_VERSION) {
          queueMicrotask(() => stop())
          done(state)
        }
      })
    })
    const state = await seen
    expect(state.status === 'ready' && state.problems).toEqual([])
    const formatId = await pods.change(url, (doc) => copyFormat(doc, 'wise-crowds', ctx))
    expect(pods.peek(url)?.formats[formatId]?.name).toBe('Wise Crowds (ours)')
  })
})

describe('share rules', () => {
  it('shares everything with own tabs and only a pod’s documents with its admitted peers', () => {
    const rules = new ShareRules('devA')
    rules.registerDocument('docP', 'docP')
    rules.registerDocument('notesP', 'docP')
    rules.registerDocument('docQ', 'docQ')
    const own = 'devA~tab2' as PeerId
    const peer = 'devB~tab1' as PeerId
    expect(rules.mayShare(own, 'docQ' as never)).toBe(true)
    expect(rules.mayShare(peer, 'docP' as never)).toBe(false)
    rules.admitPeer(peer, 'docP')
    expect(rules.mayShare(peer, 'docP' as never)).toBe(true)
    expect(rules.mayShare(peer, 'notesP' as never)).toBe(true)
    expect(rules.mayShare(peer, 'docQ' as never)).toBe(false)
    expect(rules.mayShare(peer, 'unknown' as never)).toBe(false)
    rules.dismissPeer(peer, 'docP')
    expect(rules.mayShare(peer, 'docP' as never)).toBe(false)
  })

  it('never moves a document to another pod once it belongs to one', () => {
    const rules = new ShareRules('devA')
    const peerOfQ = 'devB~tab1' as PeerId
    rules.registerDocument('docP', 'docP')
    rules.registerDocument('notesP', 'docP')
    rules.registerDocument('docQ', 'docQ')
    rules.admitPeer(peerOfQ, 'docQ')
    // Pod Q claims P's documents (a hostile link): refused.
    expect(rules.registerDocument('notesP', 'docQ')).toBe(false)
    expect(rules.registerDocument('docP', 'docQ')).toBe(false)
    expect(rules.mayShare(peerOfQ, 'notesP' as never)).toBe(false)
    expect(rules.mayShare(peerOfQ, 'docP' as never)).toBe(false)
    // A pod document claimed first by another pod still becomes its own pod's.
    rules.registerDocument('docR', 'docQ')
    expect(rules.registerDocument('docR', 'docR')).toBe(true)
    expect(rules.mayShare(peerOfQ, 'docR' as never)).toBe(false)
  })
})
