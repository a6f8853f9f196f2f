/**
 * What a domain command needs from the outside world. The domain never reads a clock or a
 * random source itself, so the same command gives the same result in a test, on a replay, and
 * on every peer.
 */
export interface CommandContext {
  /** Epoch milliseconds of "now". */
  now: number
  /** A fresh, unique id (the app passes a random one; tests pass a counter). */
  newId: () => string
}

/** A rule of the pod was broken by the input; `message` is written for the person using Tend. */
export class DomainError extends Error {
  override readonly name = 'DomainError'
}

/**
 * Refuses to add one more of something the pod already holds `limit` of (see `LIMITS`): a pod
 * that large is beyond what the pattern asks and what a phone reads quickly.
 */
export function requireRoom(count: number, limit: number, what: string): void {
  if (count >= limit) {
    throw new DomainError(`This pod already has ${limit} ${what}, the most Tend keeps in one pod.`)
  }
}

/** Trims a piece of text a person typed and checks it is not empty or overlong. */
export function requireText(value: string, what: string, maxLength = 200): string {
  const text = value.trim()
  if (text === '') throw new DomainError(`${what} cannot be empty.`)
  if (text.length > maxLength)
    throw new DomainError(`${what} is longer than ${maxLength} characters.`)
  return text
}
