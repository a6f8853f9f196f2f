/**
 * An in-memory twin of Trystero rooms for the mesh adapter's unit tests: rooms keyed by pod,
 * peers that run each other's handshakes over async queues, ordered delivery, and hooks to drop
 * or tamper with messages. Not a double of the unit under test — the adapter is real.
 */
import type {
  Handshake,
  HandshakeValue,
  MeshRoom,
  PathKind,
} from '../../../src/adapters/network/meshRoom.ts'

class Queue<T> {
  #items: T[] = []
  #waiters: ((v: T) => void)[] = []
  push(item: T): void {
    const waiter = this.#waiters.shift()
    if (waiter !== undefined) waiter(item)
    else this.#items.push(item)
  }
  next(): Promise<T> {
    const item = this.#items.shift()
    if (item !== undefined) return Promise.resolve(item)
    return new Promise((resolve) => this.#waiters.push(resolve))
  }
}

interface Member {
  id: string
  podKey: string
  handshake: Handshake
  room: MemoryRoom
  inbox: Map<string, Queue<HandshakeValue>>
}

export class MemoryRoomHub {
  #counter = 0
  readonly #rooms = new Map<string, Set<Member>>()
  /** Return false to drop a message; the test can count or tamper through it. */
  filter: (from: string, to: string, data: Uint8Array) => boolean = () => true
  /** Pairs of transport ids ("t1|t3") that never reach each other, as across a hostile NAT. */
  readonly apart = new Set<string>()

  open = async (podKey: string, handshake: Handshake): Promise<MeshRoom> => {
    const id = `t${++this.#counter}`
    const room = new MemoryRoom(this, id, podKey)
    const me: Member = { id, podKey, handshake, room, inbox: new Map() }
    const members = this.#rooms.get(podKey) ?? new Set<Member>()
    this.#rooms.set(podKey, members)
    const others = [...members]
    members.add(me)
    for (const other of others) void this.#meet(me, other)
    return room
  }

  async #meet(a: Member, b: Member): Promise<void> {
    if (this.apart.has(`${a.id}|${b.id}`) || this.apart.has(`${b.id}|${a.id}`)) return
    const ab = new Queue<HandshakeValue>()
    const ba = new Queue<HandshakeValue>()
    a.inbox.set(b.id, ba)
    b.inbox.set(a.id, ab)
    const results = await Promise.allSettled([
      a.handshake(
        b.id,
        async (d) => ab.push(structuredClone(d)),
        () => ba.next(),
        a.id < b.id,
      ),
      b.handshake(
        a.id,
        async (d) => ba.push(structuredClone(d)),
        () => ab.next(),
        b.id < a.id,
      ),
    ])
    if (results.some((r) => r.status === 'rejected')) return
    if (!this.#rooms.get(a.podKey)?.has(a) || !this.#rooms.get(b.podKey)?.has(b)) return
    a.room.peers.add(b.id)
    b.room.peers.add(a.id)
    a.room.onPeerJoin?.(b.id)
    b.room.onPeerJoin?.(a.id)
  }

  deliver(podKey: string, from: string, to: string, data: Uint8Array): void {
    const target = [...(this.#rooms.get(podKey) ?? [])].find((m) => m.id === to)
    if (target === undefined || !target.room.peers.has(from)) return
    if (!this.filter(from, to, data)) return
    const copy = data.slice()
    queueMicrotask(() => target.room.onMessage?.(copy, from))
  }

  /** `id` leaves `podKey`'s room; `departed` false when its link died instead. */
  leave(podKey: string, id: string, departed = true): void {
    const members = this.#rooms.get(podKey)
    const me = [...(members ?? [])].find((m) => m.id === id)
    if (members === undefined || me === undefined) return
    members.delete(me)
    for (const other of members) {
      if (other.room.peers.delete(id)) other.room.onPeerLeave?.(id, departed)
      me.room.peers.delete(other.id)
    }
  }

  /** `id`'s device drops off the network: its room goes away under the others. */
  drop(podKey: string, id: string): void {
    this.leave(podKey, id, false)
  }
}

export class MemoryRoom implements MeshRoom {
  onMessage: ((data: Uint8Array, peer: string) => void) | null = null
  onPeerJoin: ((peer: string) => void) | null = null
  onPeerLeave: ((peer: string, departed: boolean) => void) | null = null
  onUnreachable: ((peer: string) => void) | null = null
  readonly peers = new Set<string>()
  constructor(
    private readonly hub: MemoryRoomHub,
    readonly id: string,
    readonly podKey: string,
  ) {}
  async send(peer: string, data: Uint8Array): Promise<void> {
    this.hub.deliver(this.podKey, this.id, peer, data)
  }
  async pathTo(): Promise<PathKind> {
    return 'same-network'
  }
  async leave(): Promise<void> {
    this.hub.leave(this.podKey, this.id)
  }
}
