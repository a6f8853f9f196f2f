/**
 * Who may receive which document. automerge-repo by default offers every loaded document to
 * every connected peer; Tend narrows that to:
 * - this device's own tabs (their peer ids start with this device's id), which may see all;
 * - a peer admitted to pod P (by the mesh's handshake), which may see P's documents only.
 *
 * Documents are registered to their pod when the pod is opened (the pod document and each
 * meeting's notes document). The answer is computed from two in-memory maps, cheap enough for
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

  /** Records that `documentId` belongs to pod `podKey` (the pod document's id). */
  registerDocument(documentId: string, podKey: string): void {
    if (this.#podOfDocument.get(documentId) === podKey) return
    this.#podOfDocument.set(documentId, podKey)
    this.#changed()
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
