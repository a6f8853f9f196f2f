/**
 * Asks the browser to keep Tend's storage (so it is not evicted under storage pressure) and
 * reports whether it does. Browsers decide on their own heuristics; a "no" is shown, not fought.
 */
export type PersistenceState = 'persistent' | 'best-effort' | 'unsupported'

export async function readPersistence(): Promise<PersistenceState> {
  if (navigator.storage?.persisted === undefined) return 'unsupported'
  return (await navigator.storage.persisted()) ? 'persistent' : 'best-effort'
}

export async function requestPersistence(): Promise<PersistenceState> {
  if (navigator.storage?.persist === undefined) return 'unsupported'
  return (await navigator.storage.persist()) ? 'persistent' : 'best-effort'
}
