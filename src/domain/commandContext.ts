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

/** Trims a piece of text a person typed and checks it is not empty or overlong. */
export function requireText(value: string, what: string, maxLength = 200): string {
  const text = value.trim()
  if (text === '') throw new DomainError(`${what} cannot be empty.`)
  if (text.length > maxLength)
    throw new DomainError(`${what} is longer than ${maxLength} characters.`)
  return text
}
