/**
 * Id-keyed maps read safely. Ids in a pod are chosen by its members' devices, so any text may be
 * an id; a plain object would answer `valueOf` or `constructor` with what it inherits, and
 * treat `__proto__` as its prototype. These two make every id an ordinary key.
 */

/** The entry stored under `id`, or undefined; never a value a plain object inherits. */
export function ownEntry<T>(map: Readonly<Record<string, T>>, id: string): T | undefined {
  return Object.hasOwn(map, id) ? map[id] : undefined
}

/** An empty map with no prototype, to fill with entries keyed by id. */
export function emptyIdMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>
}
