import { describe, expect, it } from 'vitest'
import { next as A } from '@automerge/automerge'
import {
  Repo,
  type Chunk,
  type DocumentId,
  type StorageAdapterInterface,
  type StorageKey,
} from '@automerge/automerge-repo'
import { loadStoredDocumentsFast } from '../../../src/adapters/automerge/fastStorageLoad.ts'

/** Storage in memory, keyed as automerge-repo keys it. */
class MemoryStorage implements StorageAdapterInterface {
  readonly data = new Map<string, Uint8Array>()
  async load(key: StorageKey) {
    return this.data.get(key.join('.'))
  }
  async save(key: StorageKey, bytes: Uint8Array) {
    this.data.set(key.join('.'), bytes)
  }
  async remove(key: StorageKey) {
    this.data.delete(key.join('.'))
  }
  async loadRange(prefix: StorageKey): Promise<Chunk[]> {
    const p = prefix.join('.')
    return [...this.data]
      .filter(([k]) => k.startsWith(p))
      .map(([k, data]) => ({ key: k.split('.'), data }))
  }
  async removeRange(prefix: StorageKey) {
    for (const chunk of await this.loadRange(prefix)) this.data.delete(chunk.key.join('.'))
  }
  keys(): string[] {
    return [...this.data.keys()]
  }
}

interface Pod {
  name: string
  notes: string[]
}

/** A repo over `storage` that loads stored documents with Automerge.load. */
function fastRepo(storage: MemoryStorage): Repo {
  const repo = new Repo({ storage })
  loadStoredDocumentsFast(repo)
  return repo
}

/** A pod stored as a snapshot plus several incremental chunks, as a session leaves it. */
async function storedPod(storage: MemoryStorage): Promise<DocumentId> {
  const repo = new Repo({ storage })
  // Above 1 KiB, so the repo keeps increments beside the snapshot instead of compacting each save.
  const handle = repo.create<Pod>({ name: 'Tuesday circle', notes: [] })
  handle.change((d) => void d.notes.push(...Array.from({ length: 300 }, (_, i) => `seed ${i}`)))
  await repo.flush()
  for (let i = 0; i < 5; i++) {
    handle.change((d) => void d.notes.push(`week ${i}`))
    await repo.flush()
  }
  await repo.shutdown()
  return handle.documentId
}

describe('loadStoredDocumentsFast', () => {
  it('opens a stored document whole, at the same heads the repo would load', async () => {
    const storage = new MemoryStorage()
    const id = await storedPod(storage)
    const plain = new Repo({ storage })
    const expected = await plain.find<Pod>(id)
    const handle = await fastRepo(storage).find<Pod>(id)
    expect(handle.doc()).toEqual({
      name: 'Tuesday circle',
      notes: expect.arrayContaining(['seed 299', 'week 0', 'week 4']),
    })
    expect(handle.heads()).toEqual(expected.heads())
  })

  it('answers the handle’s first diff from the empty document without recomputing it', async () => {
    const storage = new MemoryStorage()
    const id = await storedPod(storage)
    const handle = await fastRepo(storage).find<Pod>(id)
    const heads = A.getHeads(handle.doc())
    // The DocHandle asks exactly this when the loaded document replaces its empty one.
    expect(A.diff(handle.doc(), [], heads)).toEqual([])
  })

  it('keeps edits made after the load, and stores the document as one snapshot', async () => {
    const storage = new MemoryStorage()
    const id = await storedPod(storage)
    const repo = fastRepo(storage)
    const handle = await repo.find<Pod>(id)
    handle.change((d) => void d.notes.push('after the load'))
    await repo.flush()
    await repo.shutdown()
    const keys = storage.keys().filter((k) => k.startsWith(id) && !k.includes('sync-state'))
    expect(keys.filter((k) => k.includes('snapshot'))).toHaveLength(1)
    const again = await fastRepo(storage).find<Pod>(id)
    expect(again.doc().notes.at(-1)).toBe('after the load')
    expect(again.doc().notes).toHaveLength(306)
    // And the repo's own load reads the same.
    const plain = await new Repo({ storage }).find<Pod>(id)
    expect(plain.doc()).toEqual(again.doc())
  })

  it('falls back to the repo’s own load for chunks Automerge.load refuses', async () => {
    const storage = new MemoryStorage()
    const id = new Repo().create<Pod>().documentId
    const first = A.from<Pod & Record<string, unknown>>({ name: 'Tuesday circle', notes: [] })
    const second = A.change(first, (d) => void d.notes.push('week 0'))
    // Only a later change is stored: its dependency is missing, so Automerge.load throws.
    await storage.save([id, 'incremental', 'a'], A.saveSince(second, A.getHeads(first)))
    expect(() => A.load(A.saveSince(second, A.getHeads(first)))).toThrow()
    const fast = await fastRepo(storage).find<Pod>(id, {
      allowableStates: ['ready', 'unavailable'],
    })
    const plain = await new Repo({ storage }).find<Pod>(id, {
      allowableStates: ['ready', 'unavailable'],
    })
    expect(fast.state).toBe(plain.state)
    expect(fast.heads()).toEqual(plain.heads())
  })
})
