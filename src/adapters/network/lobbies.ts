/**
 * Room keys. A pod's room on its current secret is keyed by the pod key; the rooms of its
 * former secrets (kept open as lobbies for member devices that were away during a re-key) are
 * keyed `podKey~epoch`. Admission, share rules and the status read the pod key from either.
 */

/** The room key of a former secret's lobby. */
export function lobbyKey(podKey: string, epoch: number): string {
  return `${podKey}~${epoch}`
}

/** The pod a room key belongs to, and the lobby's epoch (null for the pod's current room). */
export function parseRoomKey(roomKey: string): { podKey: string; lobbyEpoch: number | null } {
  const at = roomKey.indexOf('~')
  if (at < 0) return { podKey: roomKey, lobbyEpoch: null }
  const epoch = Number(roomKey.slice(at + 1))
  return {
    podKey: roomKey.slice(0, at),
    lobbyEpoch: Number.isInteger(epoch) && epoch >= 0 ? epoch : null,
  }
}
