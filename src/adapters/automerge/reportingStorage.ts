/**
 * Storage that says when it fails. automerge-repo writes in the background and drops a failed
 * write's error where nobody sees it; a person whose device is full would go on typing into a
 * pod that is no longer being kept. This wraps the real storage adapter: every failed write is
 * reported (a full device in its own words), and the report clears on the next write that works.
 * The error is still thrown, so the repo knows the write did not happen.
 */
import type { StorageAdapterInterface } from '@automerge/automerge-repo'

type StorageKey = Parameters<StorageAdapterInterface['load']>[0]

export type StorageProblem = { kind: 'full' | 'failed'; message: string }

export interface StorageReports {
  /** The problem the last write met, or null when the last write worked. */
  current(): StorageProblem | null
  subscribe(listener: (problem: StorageProblem | null) => void): () => void
}

const FULL =
  'This device’s storage is full: what you do now is not being kept. Free some space (removing a pod from This device helps), and keep Tend open until this message goes.'

function problemOf(error: unknown): StorageProblem {
  const name = error instanceof Error || error instanceof DOMException ? error.name : ''
  if (name === 'QuotaExceededError') return { kind: 'full', message: FULL }
  const detail = error instanceof Error ? error.message : String(error)
  return {
    kind: 'failed',
    message: `This device could not keep your latest changes (${detail}). Keep Tend open and try again; nothing is lost while it stays open.`,
  }
}

export function reportingStorage(inner: StorageAdapterInterface): {
  storage: StorageAdapterInterface
  reports: StorageReports
} {
  let problem: StorageProblem | null = null
  const listeners = new Set<(problem: StorageProblem | null) => void>()
  const set = (next: StorageProblem | null) => {
    if (next === null && problem === null) return
    problem = next
    listeners.forEach((l) => l(problem))
  }
  const write = async (run: () => Promise<void>) => {
    try {
      await run()
      set(null)
    } catch (error) {
      set(problemOf(error))
      throw error
    }
  }
  const storage: StorageAdapterInterface = {
    load: (key: StorageKey) => inner.load(key),
    loadRange: (prefix: StorageKey) => inner.loadRange(prefix),
    save: (key, data) => write(() => inner.save(key, data)),
    remove: (key) => write(() => inner.remove(key)),
    removeRange: (prefix) => write(() => inner.removeRange(prefix)),
  }
  return {
    storage,
    reports: {
      current: () => problem,
      subscribe(listener) {
        listeners.add(listener)
        return () => listeners.delete(listener)
      },
    },
  }
}
