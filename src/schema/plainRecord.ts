/** Marks Automerge puts on its counters and immutable strings (global symbols, no import). */
const VALUE_MARKS = [Symbol.for('_am_counter'), Symbol.for('_am_immutableString')]

/**
 * True for a map as a pod document stores it: an object of named fields, not a list and not a
 * value that happens to be an object (a date, bytes, an Automerge counter or immutable string).
 * The prototype is not checked: Automerge gives a map a peer wrote a `__proto__` key into an odd
 * one, and that map is still the pod's.
 */
export function isPlainRecord(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false
  // By internal slot, not prototype (see above): a real date or byte array, not a map.
  if (Object.prototype.toString.call(v) === '[object Date]' || ArrayBuffer.isView(v)) return false
  // Own marks only: a map whose prototype a `__proto__` key made an immutable string is a map.
  const own = Object.getOwnPropertySymbols(v)
  return !VALUE_MARKS.some((mark) => own.includes(mark))
}
