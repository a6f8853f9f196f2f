/**
 * The seam between Tend's mesh adapter and whatever carries bytes between devices: Trystero
 * over WebRTC in the app, an in-memory hub in unit tests. A room belongs to one pod; its peers
 * are transport peers (Trystero's per-page ids), not automerge-repo peers.
 *
 * What the adapter assumes of a room:
 * - `onPeerJoin` fires only after both sides' `handshake` resolved; a handshake that throws
 *   keeps that peer out (Trystero's `onPeerHandshake` contract);
 * - bytes sent to one peer arrive in order or not at all (a WebRTC data channel is ordered and
 *   reliable until it breaks);
 * - `send` may resolve without delivering (Trystero stops silently after a 10 s stall), so the
 *   adapter numbers its messages and resets a peer on a gap.
 */

/** JSON that travels in a handshake. */
export type HandshakeValue =
  null | string | number | boolean | HandshakeValue[] | { [key: string]: HandshakeValue }

export type Handshake = (
  peer: string,
  send: (data: HandshakeValue) => Promise<void>,
  receive: () => Promise<HandshakeValue>,
  isInitiator: boolean,
) => Promise<void>

/** How this device reaches a peer (from the selected ICE candidate pair), when known. */
export type PathKind = 'same-network' | 'direct' | 'relay' | 'unknown'

export interface MeshRoom {
  send(peer: string, data: Uint8Array): Promise<void>
  onMessage: ((data: Uint8Array, peer: string) => void) | null
  onPeerJoin: ((peer: string) => void) | null
  /**
   * `departed`: the peer left the room itself (it closed the pod, or reopened its room) over a
   * link that still worked, rather than its link dying.
   */
  onPeerLeave: ((peer: string, departed: boolean) => void) | null
  /** A device was found through signaling but no network path to it worked (no relay?). */
  onUnreachable: ((peer: string) => void) | null
  /** How the link to `peer` runs; rooms that cannot tell answer 'unknown'. */
  pathTo(peer: string): Promise<PathKind>
  leave(): Promise<void>
}

/** Opens the room of one pod. `podKey` is the pod document's id. */
export type RoomOpener = (podKey: string, handshake: Handshake) => Promise<MeshRoom>
