import { describe, expect, it } from 'vitest'
import type { StorageAdapterInterface } from '@automerge/automerge-repo'
import {
  reportingStorage,
  type StorageProblem,
} from '../../../src/adapters/automerge/reportingStorage.ts'

/** A storage that keeps everything in a map, and fails every write while `full` is set. */
function device() {
  const kept = new Map<string, Uint8Array>()
  const state = { full: false }
  const check = () => {
    if (state.full) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
  }
  const inner: StorageAdapterInterface = {
    load: async (key) => kept.get(key.join('/')),
    save: async (key, data) => {
      check()
      kept.set(key.join('/'), data)
    },
    remove: async (key) => {
      check()
      kept.delete(key.join('/'))
    },
    loadRange: async () => [],
    removeRange: async () => check(),
  }
  return { inner, state, kept }
}

describe('storage that says when it fails', () => {
  it('reports a full device in plain words, still fails the write, and clears when writes work again', async () => {
    const { inner, state, kept } = device()
    const { storage, reports } = reportingStorage(inner)
    const seen: (StorageProblem | null)[] = []
    reports.subscribe((p) => seen.push(p))
    await storage.save(['doc', 'incremental', 'a'], new Uint8Array([1]))
    expect(seen).toEqual([])
    state.full = true
    await expect(storage.save(['doc', 'incremental', 'b'], new Uint8Array([2]))).rejects.toThrow(
      'quota',
    )
    expect(kept.has('doc/incremental/b')).toBe(false)
    expect(reports.current()?.kind).toBe('full')
    expect(reports.current()?.message).toMatch(/^This device’s storage is full/)
    state.full = false
    await storage.save(['doc', 'incremental', 'b'], new Uint8Array([2]))
    expect(reports.current()).toBeNull()
    expect(seen.map((p) => p?.kind ?? null)).toEqual(['full', null])
  })

  it('reports any other failed write with what went wrong', async () => {
    const { inner } = device()
    const failing = { ...inner, removeRange: async () => Promise.reject(new Error('disk gone')) }
    const { storage, reports } = reportingStorage(failing)
    await expect(storage.removeRange(['doc'])).rejects.toThrow('disk gone')
    expect(reports.current()).toEqual({
      kind: 'failed',
      message: expect.stringContaining('(disk gone)'),
    })
  })
})
