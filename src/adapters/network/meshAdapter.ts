/**
 * Tend's automerge-repo NetworkAdapter over one room per pod (see meshRoom.ts).
 *
 * The contract it keeps (automerge-repo 2.5, reference/sync-and-security.md §1):
 * - `whenReady()` resolves after the first peer or a short grace period and never rejects, so
 *   `find` is never stuck because nobody is online;
 * - a peer is announced (`peer-candidate`, with its metadata) once it passed the handshake in
 *   at least one room, and `peer-disconnected` is emitted when it left its last room — and
 *   always before the same peer is announced again;
 * - Automerge's sync needs a reliable in-order stream: messages to a peer are sent one at a time
 *   and numbered per room; a gap, a stalled send or a failed send resets the peer (disconnect,
 *   then announce again) on both sides, which makes automerge-repo restart sync cleanly;
 * - a message whose `senderId` is not the peer it came from, or whose target is not us, is
 *   dropped and counted (sender and target travel implied by the link, so a frame carries
 *   neither unless a peer forged one).
 *
 * Topology (README, "One edit, once per member"): every member links directly to every other it
 * can reach, and each change crosses each link at most once. A sync message that would only
 * pass on changes this device received from a member S to a member P that is itself linked to
 * S is held back: S sends them to P over its own reliable link. Members tell their neighbours
 * whom they are linked to (a small frame when a link comes or goes, never per edit). A member
 * that cannot reach S still gets every change through whoever can (store-and-forward), and if S
 * goes away soon after, anyone who held back for it restarts sync with P, so nothing waits on
 * a member who left. Loss is noticed from acknowledgements carried on the ordinary replies; a
 * count of messages follows a burst only when a reply it should have had did not come.
 *
 * Who may join is decided by `Admission` inside the rooms' handshake, before automerge-repo
 * sees the peer; what each admitted peer may read is decided by the repo's share rules, told
 * through `onAdmit` / `onDismiss`.
 */
import {
  NetworkAdapter,
  cbor,
  type Message,
  type PeerId,
  type PeerMetadata,
} from '@automerge/automerge-repo'
import { next as Automerge } from '@automerge/automerge/slim'
import type { Handshake, HandshakeValue, MeshRoom, PathKind, RoomOpener } from './meshRoom.ts'

/** Decides, per pod, who is let in. */
export interface Admission {
  /** What this device presents for `podKey` (its public key, an invite proof when joining). */
  credentials(podKey: string): Promise<HandshakeValue>
  /** Signs the peer's challenge for `podKey`. */
  sign(podKey: string, nonce: string): Promise<string>
  /** Whether the peer proved it belongs to `podKey`. */
  verify(
    podKey: string,
    claim: { peerId: string; credentials: HandshakeValue; nonce: string; signature: string },
  ): Promise<boolean>
  /**
   * What to tell a peer that `verify` refused, or null for nothing: a device removed from the
   * pod is sent its signed removal, so it can say why nobody lets it in.
   */
  refusal?(
    podKey: string,
    claim: { peerId: string; credentials: HandshakeValue; nonce: string; signature: string },
  ): Promise<HandshakeValue | null>
  /** A peer that this device admitted refused it, and said why (untrusted: check it). */
  onRefused?(podKey: string, notice: HandshakeValue): void
}

export interface MeshAdapterOptions {
  openRoom: RoomOpener
  admission: Admission
  onAdmit?: (peerId: PeerId, podKey: string) => void
  onDismiss?: (peerId: PeerId, podKey: string) => void
  /** A device of `podKey` was found but could not be reached over any network path. */
  onUnreachable?: (podKey: string) => void
  /** Called when a peer's membership of rooms changes (for the sync panel). */
  onPeersChanged?: () => void
  /** A live link to a member's device in `podKey`'s room went away (not by leaving the pod). */
  onLinkLost?: (podKey: string) => void
  readyGraceMs?: number
  /**
   * How long after the last message of a burst that wants a reply the tally follows, when no
   * acknowledgement of it came back in that time.
   */
  tallyMs?: number
  /** A send that has not been handed to the channel after this long resets the peer. */
  stallMs?: number
  randomNonce?: () => string
}

interface VerifiedPeer {
  peerId: PeerId
  metadata: PeerMetadata
  /** What the peer presented in the handshake (its public key, for the sync panel). */
  credentials: HandshakeValue
}

interface RemotePeer {
  peerId: PeerId
  metadata: PeerMetadata
  credentials: HandshakeValue
  /** podKey → transport peer id in that pod's room. */
  links: Map<string, string>
}

interface LinkState {
  epoch: number
  sendSeq: number
  recvSeq: number
  /** How many of our messages the peer said it received (carried on its own messages). */
  acked: number
  /** How many of our messages must be acknowledged before no tally is due. */
  awaited: number
  /** Documents numbered on this link in this epoch, as sent and as received. */
  docsOut: Map<string, number>
  docsIn: string[]
  queue: Promise<void>
  tallyTimer: ReturnType<typeof setTimeout> | null
  /** Members this device relied on to send the peer changes (member → when), see `#heldBack`. */
  reliedOn: Map<PeerId, number>
}

/**
 * A message as it travels. Sender and target are implied by the link, so they are left out;
 * the type is one letter, and a document's id is sent in full once per link and epoch, then
 * by its number (the stream is ordered, and a gap resets both sides' numbering).
 */
interface WireMessage {
  /** The message type, shortened (`WIRE_TYPES`). */
  t: string
  /** The document id the first time on this link in this epoch, then its number. */
  d?: string | number
  /** The payload (`data`). */
  x?: Uint8Array
  [field: string]: unknown
}

const WIRE_TYPES: Record<string, string> = {
  sync: 's',
  request: 'r',
  ephemeral: 'e',
  'doc-unavailable': 'u',
}
const TYPES_FROM_WIRE = Object.fromEntries(Object.entries(WIRE_TYPES).map(([k, v]) => [v, k]))

type Envelope =
  /** Message number `s` of epoch `e`; `a`: how many of the peer's messages arrived here. */
  | { k: 'm'; e: number; s: number; a: number; m: WireMessage }
  /** "I have sent you `s` messages in epoch `e`": lets the receiver notice a lost tail. */
  | { k: 'tally'; e: number; s: number }
  | { k: 'reset'; e: number }
  /** The repo peers this device is linked to in this pod's room now. */
  | { k: 'n'; e: number; p: string[] }

/**
 * What the mesh needs to know of an Automerge sync message. Its changes may travel as one
 * document chunk, so they are judged by the heads: whoever has a head has all before it.
 */
interface SyncSummary {
  heads: string[]
  need: string[]
  changes: number
}

function summarise(data: Uint8Array): SyncSummary | null {
  try {
    const decoded = Automerge.decodeSyncMessage(data)
    return { heads: decoded.heads, need: decoded.need, changes: decoded.changes.length }
  } catch {
    return null
  }
}

/** How many heads' first senders (and heads this device announced) are kept per document. */
const HEADS_KEPT = 4096

/** Adds to a bounded set or map, forgetting the oldest entries first. */
function remember<K>(kept: Set<K> | Map<K, unknown>, key: K, add: () => void): void {
  if (kept.has(key)) return
  add()
  while (kept.size > HEADS_KEPT) {
    const oldest = kept.keys().next()
    if (oldest.done === true) break
    kept.delete(oldest.value)
  }
}

const DEFAULT_GRACE_MS = 1000
const DEFAULT_STALL_MS = 15_000
const DEFAULT_TALLY_MS = 1000

function defaultNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export class TendMeshAdapter extends NetworkAdapter {
  readonly #options: MeshAdapterOptions
  readonly #pods = new Set<string>()
  readonly #rooms = new Map<string, Promise<MeshRoom | null>>()
  /** podKey → transport peer → repo peer (after the handshake). */
  readonly #verified = new Map<string, Map<string, VerifiedPeer>>()
  readonly #peers = new Map<PeerId, RemotePeer>()
  readonly #links = new Map<string, LinkState>()
  /** podKey → peer → the repo peers it said it is linked to in that pod's room. */
  readonly #neighbours = new Map<string, Map<PeerId, Set<string>>>()
  /**
   * documentId → head → the peer that first told this device of it, before this device had
   * announced it itself (so that peer had it first).
   */
  readonly #sources = new Map<string, Map<string, PeerId>>()
  /** documentId → peers this device has sent its (non-empty) heads of it. */
  readonly #told = new Map<string, Set<PeerId>>()
  /** documentId → heads this device has put in its own sync messages. */
  readonly #announced = new Map<string, Set<string>>()
  /** documentId → peer → the heads of its latest sync message here. */
  readonly #theirHeads = new Map<string, Map<PeerId, Set<string>>>()
  #connected = false
  #ready = false
  #readyWaiters: (() => void)[] = []
  #graceTimer: ReturnType<typeof setTimeout> | null = null
  #leaving: Promise<void> = Promise.resolve()
  /** Messages dropped because they failed a check; visible for tests and diagnostics. */
  readonly dropped = { wrongSender: 0, malformed: 0, stale: 0 }
  /** Sync messages not sent because another member sends the peer the same changes. */
  heldBack = 0

  constructor(options: MeshAdapterOptions) {
    super()
    this.#options = options
  }

  isReady(): boolean {
    return this.#ready
  }

  whenReady(): Promise<void> {
    if (this.#ready) return Promise.resolve()
    return new Promise((resolve) => this.#readyWaiters.push(resolve))
  }

  #markReady(): void {
    if (this.#ready) return
    this.#ready = true
    this.#readyWaiters.splice(0).forEach((resolve) => resolve())
  }

  connect(peerId: PeerId, peerMetadata?: PeerMetadata): void {
    this.peerId = peerId
    // A reconnect may come without metadata: keep what we had.
    if (peerMetadata !== undefined) this.peerMetadata = peerMetadata
    this.#connected = true
    this.#graceTimer = setTimeout(
      () => this.#markReady(),
      this.#options.readyGraceMs ?? DEFAULT_GRACE_MS,
    )
    const leaving = this.#leaving
    void leaving.then(() => {
      if (!this.#connected) return
      for (const podKey of this.#pods) this.#openRoom(podKey)
    })
  }

  disconnect(): void {
    this.#connected = false
    if (this.#graceTimer !== null) clearTimeout(this.#graceTimer)
    for (const peer of [...this.#peers.values()]) this.#forget(peer.peerId)
    const rooms = [...this.#rooms.values()]
    this.#rooms.clear()
    this.#verified.clear()
    this.#links.clear()
    this.#neighbours.clear()
    this.#sources.clear()
    this.#announced.clear()
    this.#told.clear()
    this.#theirHeads.clear()
    // Trystero keeps a left room cached until leave() finishes: a quick reconnect waits for it.
    this.#leaving = Promise.all(rooms.map((r) => r.then((room) => room?.leave()))).then(
      () => undefined,
      () => undefined,
    )
  }

  /** Joins the pod's room (now if connected, else on connect). */
  addPod(podKey: string): void {
    if (this.#pods.has(podKey)) return
    this.#pods.add(podKey)
    if (this.#connected) this.#openRoom(podKey)
  }

  /** Leaves the pod's room; its peers are dismissed from that pod. */
  async removePod(podKey: string): Promise<void> {
    this.#pods.delete(podKey)
    const room = this.#rooms.get(podKey)
    this.#rooms.delete(podKey)
    for (const peer of [...this.#peers.values()]) {
      if (peer.links.has(podKey)) this.#unlink(peer.peerId, podKey)
    }
    this.#verified.delete(podKey)
    await (await room)?.leave()
  }

  /** Links on which a message that wants a reply has not been acknowledged yet. */
  awaitingReplies(): number {
    let n = 0
    for (const link of this.#links.values()) if (link.tallyTimer !== null) n++
    return n
  }

  /** Whether any peer is connected in `podKey`'s room. */
  hasPeersIn(podKey: string): boolean {
    return [...this.#peers.values()].some((p) => p.links.has(podKey))
  }

  /** The repo peers connected now, with the pods each was admitted to. */
  connectedPeers(): {
    peerId: PeerId
    pods: string[]
    storageId: string | null
    credentials: HandshakeValue
  }[] {
    return [...this.#peers.values()].map((p) => ({
      peerId: p.peerId,
      pods: [...p.links.keys()],
      storageId: p.metadata.storageId ?? null,
      credentials: p.credentials,
    }))
  }

  /** How this device reaches `peerId` in `podKey`'s room. */
  async pathTo(peerId: PeerId, podKey: string): Promise<PathKind> {
    const transport = this.#peers.get(peerId)?.links.get(podKey)
    const room = await this.#rooms.get(podKey)
    if (transport === undefined || room === undefined || room === null) return 'unknown'
    return room.pathTo(transport)
  }

  send(message: Message): void {
    const peer = this.#peers.get(message.targetId)
    if (peer === undefined) return
    // automerge-repo passes each ephemeral message on to its other peers under the first
    // sender's id; a receiver accepts a message only from the peer that sent it, so those
    // copies would be dropped on arrival: they are not sent at all.
    if (
      message.type === 'ephemeral' &&
      this.peerId !== undefined &&
      message.senderId !== this.peerId
    )
      return
    const podKey = this.#podFor(peer, message)
    if (podKey === null) return
    const summary =
      (message.type === 'sync' || message.type === 'request') && message.data instanceof Uint8Array
        ? summarise(message.data)
        : null
    if (summary !== null && message.documentId !== undefined) {
      let announced = this.#announced.get(message.documentId)
      if (announced === undefined) {
        announced = new Set()
        this.#announced.set(message.documentId, announced)
      }
      for (const head of summary.heads) remember(announced, head, () => announced.add(head))
      if (
        message.type === 'sync' &&
        this.#heldBack(peer.peerId, podKey, message.documentId, summary)
      ) {
        this.heldBack++
        return
      }
    }
    if (summary !== null && summary.heads.length > 0 && message.documentId !== undefined) {
      const told = this.#told.get(message.documentId) ?? new Set<PeerId>()
      told.add(peer.peerId)
      this.#told.set(message.documentId, told)
    }
    this.#enqueue(peer.peerId, podKey, (link) => ({
      k: 'm',
      e: link.epoch,
      s: link.sendSeq++,
      a: link.recvSeq,
      m: this.#toWire(message, link),
    }))
    // A message that brings changes, asks for some or asks for a document is always answered;
    // if no answer acknowledges it, a tally lets the peer notice what was lost.
    const wantsReply =
      message.type === 'request' ||
      (summary !== null && (summary.changes > 0 || summary.need.length > 0))
    if (wantsReply) this.#scheduleTally(peer.peerId, podKey)
  }

  #toWire(message: Message, link: LinkState): WireMessage {
    const rest: Record<string, unknown> = { ...message }
    const { type, documentId, data } = message as Message & {
      documentId?: string
      data?: Uint8Array
    }
    for (const field of ['type', 'senderId', 'targetId', 'documentId', 'data']) delete rest[field]
    const wire: WireMessage = { ...rest, t: WIRE_TYPES[type] ?? type }
    if (documentId !== undefined) {
      const number = link.docsOut.get(documentId)
      if (number === undefined) {
        link.docsOut.set(documentId, link.docsOut.size)
        wire.d = documentId
      } else {
        wire.d = number
      }
    }
    if (data !== undefined) wire.x = data
    return wire
  }

  /** The message a wire message stands for, or null when it names an unknown document. */
  #fromWire(wire: Record<string, unknown>, link: LinkState): Record<string, unknown> | null {
    const { t, d, x, ...rest } = wire
    if (typeof t !== 'string') return null
    const message: Record<string, unknown> = { ...rest, type: TYPES_FROM_WIRE[t] ?? t }
    if (typeof d === 'string') {
      link.docsIn.push(d)
      message['documentId'] = d
    } else if (typeof d === 'number') {
      const documentId = link.docsIn[d]
      if (documentId === undefined) return null
      message['documentId'] = documentId
    }
    if (x !== undefined) message['data'] = x
    return message
  }

  /**
   * Whether a sync message to `target` only passes on what members linked to `target` (and to
   * this device) sent here first — they send it to `target` over their own links. Changes this
   * device made, or got from anyone `target` is not linked to, always go. Only members who had
   * the changes before this device are relied on, so reliance ends at the author: never a
   * cycle in which each waits for the other.
   */
  #heldBack(target: PeerId, podKey: string, documentId: string, summary: SyncSummary): boolean {
    if (summary.need.length > 0) return false
    const sources = this.#sources.get(documentId)
    if (sources === undefined) return false
    const theirs = this.#neighbours.get(podKey)?.get(target)
    if (theirs === undefined) return false
    // Until each side has told the other where it stands on this document, sync directly:
    // both then know what the other has, and later edits need no extra round trip.
    const known = this.#theirHeads.get(documentId)?.get(target)
    if (known === undefined || known.size === 0) return false
    if (this.#told.get(documentId)?.has(target) !== true) return false
    const relied = new Set<PeerId>()
    const covered = (hash: string): boolean => {
      const source = sources.get(hash)
      if (
        source === undefined ||
        source === target ||
        !theirs.has(source) ||
        this.#peers.get(source)?.links.has(podKey) !== true
      )
        return false
      relied.add(source)
      return true
    }
    if (!summary.heads.every((h) => known.has(h) || covered(h))) return false
    if (relied.size === 0) return false
    const link = this.#link(target, podKey)
    const now = Date.now()
    for (const source of relied) link.reliedOn.set(source, now)
    return true
  }

  /**
   * A member this device relied on to reach `lost`'s neighbours went away (or lost its link to
   * one of them): whoever it may not have reached in time is synced with afresh.
   */
  #relianceBroken(podKey: string, source: PeerId, onlyFor?: PeerId): void {
    const recent =
      (this.#options.stallMs ?? DEFAULT_STALL_MS) + 2 * (this.#options.tallyMs ?? DEFAULT_TALLY_MS)
    const now = Date.now()
    for (const peer of [...this.#peers.values()]) {
      if (onlyFor !== undefined && peer.peerId !== onlyFor) continue
      if (!peer.links.has(podKey)) continue
      const link = this.#links.get(this.#linkKey(peer.peerId, podKey))
      const at = link?.reliedOn.get(source)
      if (link === undefined || at === undefined) continue
      link.reliedOn.delete(source)
      if (now - at <= recent) this.#reset(peer.peerId, podKey, true)
    }
  }

  /** Remembers who first sent each change, and what the peer has, from a sync message. */
  #heard(from: PeerId, documentId: string, summary: SyncSummary): void {
    let sources = this.#sources.get(documentId)
    if (sources === undefined) {
      sources = new Map()
      this.#sources.set(documentId, sources)
    }
    const announced = this.#announced.get(documentId)
    for (const head of summary.heads) {
      if (announced?.has(head) === true) continue
      remember(sources, head, () => sources.set(head, from))
    }
    let heads = this.#theirHeads.get(documentId)
    if (heads === undefined) {
      heads = new Map()
      this.#theirHeads.set(documentId, heads)
    }
    heads.set(from, new Set(summary.heads))
  }

  /**
   * automerge-repo starts sync with a peer afresh after `peer-disconnected`: until the two have
   * spoken directly again, nothing is held back from it.
   */
  #forgetSyncWith(peerId: PeerId): void {
    for (const told of this.#told.values()) told.delete(peerId)
    for (const heads of this.#theirHeads.values()) heads.delete(peerId)
  }

  /** Tells every peer in `podKey`'s room whom this device is linked to there now. */
  #announceNeighbours(podKey: string): void {
    const linked = [...this.#peers.values()].filter((p) => p.links.has(podKey))
    const ids = linked.map((p) => p.peerId as string)
    for (const peer of linked)
      this.#enqueue(peer.peerId, podKey, (l) => ({ k: 'n', e: l.epoch, p: ids }))
  }

  /**
   * A lost last message leaves no gap for the receiver to see, and Automerge then waits
   * forever; so when a burst's reply has not acknowledged it, the count of messages follows.
   */
  #scheduleTally(peerId: PeerId, podKey: string): void {
    const link = this.#link(peerId, podKey)
    link.awaited = link.sendSeq
    if (link.tallyTimer !== null) clearTimeout(link.tallyTimer)
    link.tallyTimer = setTimeout(() => {
      link.tallyTimer = null
      if (this.#peers.get(peerId)?.links.has(podKey) !== true) return
      if (link.acked >= link.awaited) return
      this.#enqueue(peerId, podKey, (l) => ({ k: 'tally', e: l.epoch, s: l.sendSeq }))
    }, this.#options.tallyMs ?? DEFAULT_TALLY_MS)
  }

  #podFor(peer: RemotePeer, message: Message): string | null {
    const documentId = 'documentId' in message ? message.documentId : undefined
    if (documentId !== undefined && peer.links.has(documentId)) return documentId
    // Other documents of a pod (notes) and messages without a document take the first link.
    const first = peer.links.keys().next()
    return first.done === true ? null : first.value
  }

  #linkKey(peerId: PeerId, podKey: string): string {
    return `${podKey}\u0000${peerId}`
  }

  #link(peerId: PeerId, podKey: string): LinkState {
    const key = this.#linkKey(peerId, podKey)
    let link = this.#links.get(key)
    if (link === undefined) {
      link = {
        epoch: 0,
        sendSeq: 0,
        recvSeq: 0,
        acked: 0,
        awaited: 0,
        docsOut: new Map(),
        docsIn: [],
        queue: Promise.resolve(),
        tallyTimer: null,
        reliedOn: new Map(),
      }
      this.#links.set(key, link)
    }
    return link
  }

  /** Sends one envelope after the previous one to the same peer in the same room. */
  #enqueue(peerId: PeerId, podKey: string, build: (link: LinkState) => Envelope): void {
    const link = this.#link(peerId, podKey)
    const envelope = build(link)
    link.queue = link.queue.then(async () => {
      const transport = this.#peers.get(peerId)?.links.get(podKey)
      const room = await this.#rooms.get(podKey)
      if (transport === undefined || room === undefined || room === null) return
      const bytes = cbor.encode(envelope)
      let timer: ReturnType<typeof setTimeout> | null = null
      const stalled = new Promise<'stalled'>((resolve) => {
        timer = setTimeout(() => resolve('stalled'), this.#options.stallMs ?? DEFAULT_STALL_MS)
      })
      try {
        const outcome = await Promise.race([
          room.send(transport, bytes).then(() => 'sent' as const),
          stalled,
        ])
        if (outcome === 'stalled' && envelope.k === 'm') this.#reset(peerId, podKey, true)
      } catch {
        if (envelope.k === 'm') this.#reset(peerId, podKey, true)
      } finally {
        if (timer !== null) clearTimeout(timer)
      }
    })
  }

  /**
   * Restarts sync with a peer: automerge-repo drops its sync states on `peer-disconnected` and
   * starts afresh on `peer-candidate`. With `tell`, the other side is asked to do the same.
   */
  #reset(peerId: PeerId, podKey: string, tell: boolean, epoch?: number): void {
    const peer = this.#peers.get(peerId)
    if (peer === undefined) return
    const link = this.#link(peerId, podKey)
    link.epoch = epoch ?? link.epoch + 1
    if (link.tallyTimer !== null) clearTimeout(link.tallyTimer)
    link.tallyTimer = null
    link.sendSeq = 0
    link.recvSeq = 0
    link.acked = 0
    link.awaited = 0
    link.docsOut.clear()
    link.docsIn = []
    link.reliedOn.clear()
    this.#forgetSyncWith(peerId)
    this.emit('peer-disconnected', { peerId })
    this.emit('peer-candidate', { peerId, peerMetadata: peer.metadata })
    if (tell) this.#enqueue(peerId, podKey, (l) => ({ k: 'reset', e: l.epoch }))
  }

  #receive(podKey: string, transport: string, bytes: Uint8Array): void {
    const who = this.#verified.get(podKey)?.get(transport)
    if (who === undefined) return
    let envelope: unknown
    try {
      envelope = cbor.decode(bytes)
    } catch {
      this.dropped.malformed++
      return
    }
    if (!isObject(envelope) || typeof envelope['e'] !== 'number') {
      this.dropped.malformed++
      return
    }
    const link = this.#link(who.peerId, podKey)
    if (envelope['k'] === 'reset') {
      if (envelope['e'] > link.epoch) this.#reset(who.peerId, podKey, false, envelope['e'])
      return
    }
    if (envelope['k'] === 'n') {
      const listed = envelope['p']
      if (!Array.isArray(listed)) {
        this.dropped.malformed++
        return
      }
      const now = new Set(listed.filter((p): p is string => typeof p === 'string'))
      let inPod = this.#neighbours.get(podKey)
      if (inPod === undefined) {
        inPod = new Map()
        this.#neighbours.set(podKey, inPod)
      }
      const before = inPod.get(who.peerId)
      inPod.set(who.peerId, now)
      for (const gone of before ?? []) {
        if (!now.has(gone)) this.#relianceBroken(podKey, gone as PeerId, who.peerId)
      }
      return
    }
    if (envelope['k'] === 'tally') {
      const sent = envelope['s']
      if (envelope['e'] === link.epoch && typeof sent === 'number' && sent > link.recvSeq) {
        this.#reset(who.peerId, podKey, true)
      }
      return
    }
    if (envelope['k'] !== 'm' || typeof envelope['s'] !== 'number' || !isObject(envelope['m'])) {
      this.dropped.malformed++
      return
    }
    if (envelope['e'] < link.epoch) {
      this.dropped.stale++
      return
    }
    if (envelope['e'] > link.epoch) {
      // The other side reset first; follow it.
      this.#reset(who.peerId, podKey, false, envelope['e'])
    }
    if (envelope['s'] !== link.recvSeq) {
      // A message went missing: Automerge would stall, so restart sync on both sides.
      this.#reset(who.peerId, podKey, true)
      return
    }
    link.recvSeq++
    if (typeof envelope['a'] === 'number' && envelope['a'] > link.acked) {
      link.acked = envelope['a']
      if (link.acked >= link.awaited && link.tallyTimer !== null) {
        clearTimeout(link.tallyTimer)
        link.tallyTimer = null
      }
    }
    const wire = this.#fromWire(envelope['m'], link)
    if (wire === null) {
      this.dropped.malformed++
      return
    }
    if (
      (wire['senderId'] !== undefined && wire['senderId'] !== who.peerId) ||
      (wire['targetId'] !== undefined && wire['targetId'] !== this.peerId)
    ) {
      this.dropped.wrongSender++
      return
    }
    const message = { ...wire, senderId: who.peerId, targetId: this.peerId } as unknown as Message
    if ('data' in message && message.data !== undefined) {
      if (!(message.data instanceof Uint8Array)) {
        this.dropped.malformed++
        return
      }
      // CBOR decoders may hand back a Uint8Array subclass; Automerge wants the plain kind.
      const data = message.data
      message.data = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
      if (
        (message.type === 'sync' || message.type === 'request') &&
        message.documentId !== undefined
      ) {
        const summary = summarise(message.data)
        if (summary !== null) this.#heard(who.peerId, message.documentId, summary)
      }
    }
    this.emit('message', message)
  }

  #openRoom(podKey: string): void {
    if (this.#rooms.has(podKey)) return
    const verified = new Map<string, VerifiedPeer>()
    this.#verified.set(podKey, verified)
    const opening = this.#options
      .openRoom(podKey, this.#handshake(podKey, verified))
      .then((room) => {
        room.onMessage = (data, transport) => this.#receive(podKey, transport, data)
        room.onPeerJoin = (transport) => this.#joined(podKey, transport)
        room.onPeerLeave = (transport, departed) => this.#left(podKey, transport, departed)
        room.onUnreachable = () => this.#options.onUnreachable?.(podKey)
        return room
      })
      .catch((error: unknown) => {
        console.error(`Tend could not open a pod's room: ${String(error)}`)
        return null
      })
    this.#rooms.set(podKey, opening)
  }

  #handshake(podKey: string, verified: Map<string, VerifiedPeer>): Handshake {
    return async (transport, send, receive) => {
      const nonce = (this.#options.randomNonce ?? defaultNonce)()
      await send({
        t: 'hello',
        peerId: this.peerId ?? '',
        meta: {
          storageId: this.peerMetadata?.storageId ?? null,
          isEphemeral: this.peerMetadata?.isEphemeral ?? false,
        },
        cred: await this.#options.admission.credentials(podKey),
        nonce,
      })
      const hello = await receive()
      if (
        !isObject(hello) ||
        hello['t'] !== 'hello' ||
        typeof hello['peerId'] !== 'string' ||
        hello['peerId'] === ''
      ) {
        throw new Error('not a Tend peer')
      }
      if (typeof hello['nonce'] !== 'string' || hello['peerId'] === this.peerId)
        throw new Error('bad hello')
      await send({
        t: 'proof',
        signature: await this.#options.admission.sign(podKey, hello['nonce']),
      })
      const proof = await receive()
      if (!isObject(proof) || proof['t'] !== 'proof' || typeof proof['signature'] !== 'string') {
        throw new Error('no proof')
      }
      const admission = this.#options.admission
      const claim = {
        peerId: hello['peerId'],
        credentials: hello['cred'] ?? null,
        nonce,
        signature: proof['signature'],
      }
      const admitted = await admission.verify(podKey, claim)
      if (!admitted) {
        const notice = (await admission.refusal?.(podKey, claim)) ?? null
        if (notice !== null) await send({ t: 'refused', notice }).catch(() => undefined)
        throw new Error('not a member of this pod')
      }
      // The peer may still refuse this device; when it says why (a removal), hear it. Nothing
      // else follows a proof, and an admitted peer's readiness ends the handshake instead.
      if (admission.onRefused !== undefined)
        void receive().then(
          (said) => {
            if (isObject(said) && said['t'] === 'refused' && said['notice'] !== undefined)
              admission.onRefused?.(podKey, said['notice'] as HandshakeValue)
          },
          () => undefined,
        )
      const meta = isObject(hello['meta']) ? hello['meta'] : {}
      const metadata: PeerMetadata = {}
      if (typeof meta['storageId'] === 'string')
        metadata.storageId = meta['storageId'] as PeerMetadata['storageId'] & string
      if (typeof meta['isEphemeral'] === 'boolean') metadata.isEphemeral = meta['isEphemeral']
      verified.set(transport, {
        peerId: hello['peerId'] as PeerId,
        metadata,
        credentials: hello['cred'] ?? null,
      })
    }
  }

  #joined(podKey: string, transport: string): void {
    const who = this.#verified.get(podKey)?.get(transport)
    if (who === undefined) return
    let peer = this.#peers.get(who.peerId)
    const previous = peer?.links.get(podKey)
    if (peer !== undefined && previous !== undefined && previous !== transport) {
      // The same repo peer came back over a new link before the old one was noticed gone:
      // end the old sync before announcing it again.
      this.#forget(who.peerId)
      peer = undefined
    }
    this.#links.delete(this.#linkKey(who.peerId, podKey))
    if (peer === undefined) {
      peer = {
        peerId: who.peerId,
        metadata: who.metadata,
        credentials: who.credentials,
        links: new Map([[podKey, transport]]),
      }
      this.#peers.set(who.peerId, peer)
      this.#options.onAdmit?.(who.peerId, podKey)
      this.emit('peer-candidate', { peerId: who.peerId, peerMetadata: who.metadata })
    } else {
      peer.links.set(podKey, transport)
      this.#options.onAdmit?.(who.peerId, podKey)
    }
    this.#announceNeighbours(podKey)
    this.#markReady()
    this.#options.onPeersChanged?.()
  }

  #left(podKey: string, transport: string, departed: boolean): void {
    const who = this.#verified.get(podKey)?.get(transport)
    this.#verified.get(podKey)?.delete(transport)
    if (who === undefined) return
    const peer = this.#peers.get(who.peerId)
    if (peer?.links.get(podKey) !== transport) return
    this.#unlink(who.peerId, podKey)
    // A peer that left on purpose (it reopened its room, say) says nothing about the network:
    // replacing the signaling connection then would only lose the messages on their way.
    if (!departed) this.#options.onLinkLost?.(podKey)
  }

  #unlink(peerId: PeerId, podKey: string): void {
    const peer = this.#peers.get(peerId)
    if (peer === undefined) return
    peer.links.delete(podKey)
    this.#links.delete(this.#linkKey(peerId, podKey))
    this.#neighbours.get(podKey)?.delete(peerId)
    this.#options.onDismiss?.(peerId, podKey)
    if (this.#connected && this.#pods.has(podKey)) {
      this.#relianceBroken(podKey, peerId)
      this.#announceNeighbours(podKey)
    }
    if (peer.links.size === 0) {
      this.#forgetSyncWith(peerId)
      this.#peers.delete(peerId)
      this.emit('peer-disconnected', { peerId })
    }
    this.#options.onPeersChanged?.()
  }

  #forget(peerId: PeerId): void {
    const peer = this.#peers.get(peerId)
    if (peer === undefined) return
    for (const podKey of [...peer.links.keys()]) this.#unlink(peerId, podKey)
  }
}
