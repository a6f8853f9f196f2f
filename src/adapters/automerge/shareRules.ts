/**
 * Who may receive which document. automerge-repo by default offers every loaded document to
 * every connected peer; Tend narrows that to:
 * - this device's own tabs (their peer ids start with this device's id), which may see all;
 * - a peer admitted to pod P (by the mesh's handshake), which may see P's documents only.
 *
 * Documents are registered to their pod when the pod is opened: the pod document and each
 * meeting's notes document, whose id is derived from the pod and the meeting (notesIdentity.ts),
 * never taken from a link a peer wrote. The answer is computed from two in-memory maps, cheap enough for
 * automerge-repo to ask on every message.
 */
import type { DocumentId, PeerId } from '@automerge/automerge-repo'

export class ShareRules {
  readonly #deviceId: string
  readonly #podOfDocument = new Map<string, string>()
  readonly #podsOfPeer = new Map<string, Set<string>>()
  readonly #listeners = new Set<() => void>()

  constructor(deviceId: string) {
    this.#deviceId = deviceId
  }

  /**
   * Records that `documentId` belongs to pod `podKey` (the pod document's id). A document keeps
   * the pod it was first recorded under: a later claim by another pod is refused (false), so
   * nothing a peer writes into one pod can make this device serve another pod's document to
   * it. A pod document always belongs to itself, whatever was claimed before.
   */
  registerDocument(documentId: string, podKey: string): boolean {
    const known = this.#podOfDocument.get(documentId)
    if (known === podKey) return true
    if (known !== undefined && documentId !== podKey) return false
    this.#podOfDocument.set(documentId, podKey)
    this.#changed()
    return true
  }

  /** The pod `documentId` was recorded under, if any. */
  podOf(documentId: string): string | undefined {
    return this.#podOfDocument.get(documentId)
  }

  admitPeer(peerId: string, podKey: string): void {
    const pods = this.#podsOfPeer.get(peerId) ?? new Set<string>()
    if (pods.has(podKey)) return
    pods.add(podKey)
    this.#podsOfPeer.set(peerId, pods)
    this.#changed()
  }

  dismissPeer(peerId: string, podKey?: string): void {
    const pods = this.#podsOfPeer.get(peerId)
    if (pods === undefined) return
    if (podKey === undefined) pods.clear()
    else pods.delete(podKey)
    if (pods.size === 0) this.#podsOfPeer.delete(peerId)
    this.#changed()
  }

  isOwnTab(peerId: string): boolean {
    return peerId.startsWith(`${this.#deviceId}~`)
  }

  /** The pods `peerId` was admitted to. */
  podsOf(peerId: string): ReadonlySet<string> {
    return this.#podsOfPeer.get(peerId) ?? new Set()
  }

  mayShare(peerId: PeerId, documentId?: DocumentId): boolean {
    if (this.isOwnTab(peerId)) return true
    if (documentId === undefined) return false
    const pod = this.#podOfDocument.get(documentId)
    return pod !== undefined && (this.#podsOfPeer.get(peerId)?.has(pod) ?? false)
  }

  /** Called when the rules change, so the repo can re-evaluate (`shareConfigChanged`). */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  #changed(): void {
    this.#listeners.forEach((l) => l())
  }
}
