/**
 * A pod's room on Trystero's WebRTC mesh, with MQTT-over-WebSocket signaling.
 *
 * Assumes the pod's connection settings name its broker(s) and ICE servers: Trystero falls back
 * to public MQTT brokers and public STUN servers unless `relayConfig.urls` and
 * `rtcConfig.iceServers` are set, so both are always set here — an empty ICE list means "same
 * network only", never "Google's STUN". App id, room id and password come from the pod secret
 * (roomKeys.ts), so the broker sees only hashed topics and encrypted offers.
 */
import { joinRoom, getRelaySockets, selfId } from '@trystero-p2p/mqtt'
import type { ConnectionSettings } from '../device/deviceStore.ts'
import { deriveRoomKeys } from '../crypto/roomKeys.ts'
import { hasReflexiveServers, pathFromStats, type StatsEntry } from './connectionPath.ts'
import { meshDebug, meshDebugOn } from './debugLog.ts'
import { usableIceServers } from './connectionSettings.ts'
import {
  dropsSignalingOnLoss,
  reopensOnReturn,
  replacesSignaling,
  type ComeBackReason,
} from './comeBack.ts'
import type { Handshake, HandshakeValue, MeshRoom, PathKind, RoomOpener } from './meshRoom.ts'

export interface PodLink {
  secret: string
  connection: ConnectionSettings
}

/**
 * The ICE servers each open pod's room asked for, and every RTCPeerConnection Trystero made.
 *
 * Trystero keeps one pool of ready offers for all rooms, made with the config of whichever room
 * was joined first, and keeps connections between two devices as "shared peers" across room
 * joins. Both outlive the credentials and relay state they were made with: a device that opened
 * a pod offline (no relay), or while the relay was down, kept offering connections that could
 * never work. So every connection is made here, with the ICE servers the open rooms use now,
 * and a room that reaches nobody closes its stalled connections before it reopens.
 */
const serversByRoom = new Map<string, RTCIceServer[]>()
/** Set while a connection is made with no ICE servers (the browser refused the rooms'). */
let withoutServers = false
const madeConnections = new Set<RTCPeerConnection>()

function currentIceServers(): RTCIceServer[] {
  const seen = new Set<string>()
  return [...serversByRoom.values()].flat().filter((server) => {
    const key = JSON.stringify(server)
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

/**
 * An RTCPeerConnection class (of `Base`, this document's or a fresh frame's) that uses the open
 * rooms' ICE servers, is remembered, and never rolls back an offer nobody answered.
 *
 * Trystero keeps a pool of ready offers and, before sending one older than 57 s, restarts its
 * ICE: it rolls the offer back, then makes a new one. In Chromium, a data-channel connection
 * whose first offer was rolled back gathers no candidates ever again (measured: gathering state
 * `new`, no candidate, every time), so every offer sent later than a minute after the mesh
 * started carried no way to reach this device. A member who lost the network and came back
 * reconnected only to those who offered to them, and often to nobody, until a reload made a
 * fresh pool. An unanswered offer needs no rollback: a new offer may replace it directly (in
 * `have-local-offer`), so that rollback is skipped and the restart gathers as it should.
 */
function trackedClassOf(Base: typeof RTCPeerConnection): typeof RTCPeerConnection {
  return class TendPeerConnection extends Base {
    constructor(config?: RTCConfiguration) {
      super({ ...config, iceServers: withoutServers ? [] : currentIceServers() })
      madeConnections.add(this)
      const n = ++connectionCount
      connectionNumbers.set(this, n)
      const trace = () =>
        meshDebug(
          `pc#${n} ${this.connectionState}/${this.iceConnectionState}/${this.iceGatheringState}/${this.signalingState}`,
        )
      for (const event of [
        'connectionstatechange',
        'iceconnectionstatechange',
        'icegatheringstatechange',
        'signalingstatechange',
      ])
        this.addEventListener(event, trace)
      this.addEventListener('datachannel', (e) => {
        const ch = (e as RTCDataChannelEvent).channel
        ch.addEventListener('close', () => meshDebug(`pc#${n} channel closed`))
      })
      this.addEventListener('connectionstatechange', () => {
        if (this.connectionState === 'closed') madeConnections.delete(this)
      })
    }

    // Both overloads (a description, or the legacy callbacks) pass through unchanged.
    override setLocalDescription(...args: unknown[]): Promise<void> {
      const description = args[0] as RTCLocalSessionDescriptionInit | undefined
      if (
        description?.type === 'rollback' &&
        this.signalingState === 'have-local-offer' &&
        this.remoteDescription === null
      )
        return Promise.resolve()
      return Reflect.apply(super.setLocalDescription, this, args) as Promise<void>
    }
  } as unknown as typeof RTCPeerConnection
}

let connectionCount = 0
let socketCount = 0
const watchedSockets = new WeakSet<WebSocket>()
const connectionNumbers = new WeakMap<RTCPeerConnection, number>()

/** The class new connections are made with now (see `renewNetworkView`). */
let realmClass: typeof RTCPeerConnection | null = null
let realmBase: typeof RTCPeerConnection | null = null
let connectionClass: typeof RTCPeerConnection | null = null

/** What Trystero is given: each connection is made by the class of the moment. */
function trackedConnectionClass(): typeof RTCPeerConnection {
  connectionClass ??= class TendConnectionMaker {
    constructor(config?: RTCConfiguration) {
      realmClass ??= trackedClassOf(RTCPeerConnection)
      try {
        return new realmClass(config)
      } catch (error) {
        // A browser stricter than the checks in connectionSettings.ts: connect without ICE
        // servers (same network) rather than not at all, and say so.
        console.warn(`Tend: ICE servers refused by this browser, connecting without: ${error}`)
        withoutServers = true
        try {
          return new realmClass(config)
        } finally {
          withoutServers = false
        }
      }
    }
  } as unknown as typeof RTCPeerConnection
  return connectionClass
}

/** Whether a connection made with `Base` gathers any candidate within `withinMs`. */
async function gathersCandidates(Base: typeof RTCPeerConnection, withinMs: number) {
  const probe = new Base({ iceServers: [] })
  try {
    probe.createDataChannel('probe')
    const found = new Promise<boolean>((resolve) => {
      probe.addEventListener('icecandidate', (e) => resolve(e.candidate !== null))
      setTimeout(() => resolve(false), withinMs)
    })
    await probe.setLocalDescription()
    return await found
  } finally {
    probe.close()
  }
}

/**
 * Makes sure new connections see the network as it is now; returns whether the view was kept,
 * renewed, or no network is seen at all.
 *
 * Chromium gives each document its view of the network interfaces when it first uses WebRTC.
 * A page that started with no network keeps seeing none after the network returns (measured:
 * no candidate 0.5, 3 and 10 s after the link came back; a reload, a new tab, or a new frame
 * of the same page see it at once). So when this document gathers nothing, or it started with
 * no network, connections are made from then on by a fresh, hidden, same-origin frame, whose
 * view is current. Its connections are ordinary objects to this page; the frame stays for
 * their lifetime.
 */
export async function renewNetworkView(
  options: { startedOffline: boolean } = { startedOffline: false },
): Promise<'kept' | 'renewed' | 'none'> {
  if (typeof document === 'undefined') return 'kept'
  if (!options.startedOffline && (await gathersCandidates(realmBase ?? RTCPeerConnection, 2000)))
    return 'kept'
  const frame = document.createElement('iframe')
  frame.hidden = true
  frame.setAttribute('aria-hidden', 'true')
  frame.tabIndex = -1
  frame.title = 'Tend network view'
  document.body.append(frame)
  const Base = (frame.contentWindow as (Window & typeof globalThis) | null)?.RTCPeerConnection
  if (Base !== undefined && (await gathersCandidates(Base, 3000))) {
    realmBase = Base
    realmClass = trackedClassOf(Base)
    return 'renewed'
  }
  frame.remove()
  return 'none'
}

/**
 * Closes connections that are not connected, so Trystero drops them instead of reusing them;
 * returns how many. `stalled`: those that exchanged descriptions but never connected (or lost
 * their link). `unanswered`: ready offers nobody answered; after the network changed they hold
 * candidates gathered on a network that is gone, and Trystero makes a fresh one in place of a
 * closed one when it next offers.
 */
export function closeStalledConnections(
  which: { stalled: boolean; unanswered: boolean } = { stalled: true, unanswered: false },
): number {
  let closed = 0
  for (const connection of [...madeConnections]) {
    if (connection.connectionState === 'closed') {
      madeConnections.delete(connection)
      continue
    }
    if (connection.connectionState === 'connected') continue
    if (!(connection.remoteDescription === null ? which.unanswered : which.stalled)) continue
    connection.close()
    madeConnections.delete(connection)
    closed++
  }
  return closed
}

/** Reads how a peer connection runs from its selected candidate pair. */
export async function pathOf(connection: RTCPeerConnection): Promise<PathKind> {
  const stats = await connection.getStats()
  const entries: StatsEntry[] = []
  stats.forEach((report: StatsEntry) => entries.push(report))
  return pathFromStats(entries, hasReflexiveServers(connection.getConfiguration().iceServers ?? []))
}

/** When a room last started joining (epoch ms): its subscription must not meet a reconnect. */
let lastRoomOpenedAt = 0
/** A room's subscription is made within this time of its opening (generous for a busy phone). */
const SUBSCRIBE_WINDOW_MS = 10_000

/** Sockets already given up on: their own close event comes when TCP gives up, much later. */
const abandoned = new WeakSet<WebSocket>()

/**
 * The signaling sockets there were when the browser last said the network was gone, or null
 * when it has not said so since the last come-back (see `replacesSignaling`).
 */
let socketsAtLoss: WeakSet<WebSocket> | null = null

function relaySockets(): WebSocket[] {
  return Object.values(getRelaySockets() as Record<string, WebSocket | undefined>).filter(
    (socket): socket is WebSocket => socket !== undefined,
  )
}

const SOCKET_STATES = ['connecting', 'open', 'closing', 'closed'] as const

const stateOf = (socket: WebSocket) => SOCKET_STATES[socket.readyState] ?? 'closed'

/**
 * Gives a signaling socket up: closes it and tells the MQTT client at once, with the close event
 * it listens for (an open or closing socket's own close event comes only after its closing
 * handshake, which waits on TCP). The client then connects anew every second until it can.
 */
function abandon(socket: WebSocket): void {
  const state = stateOf(socket)
  abandoned.add(socket)
  socket.close()
  // A connection attempt closes at once; an open or closing one only after its handshake.
  if (state !== 'connecting') socket.dispatchEvent(new CloseEvent('close', { code: 1006 }))
}

/**
 * Whether a room was subscribing when the network was last lost, or opened while it was gone:
 * its subscription may be lost, so the rooms are reopened on return (see `reopensOnReturn`).
 */
let subscribingAtLoss = false

/**
 * The browser says the network is gone: the signaling connections are given up at once, so
 * nothing more is queued into them to be delivered, stale, when the link returns (see
 * `dropsSignalingOnLoss`); a room still subscribing is noted, to be reopened on return.
 */
export function noteNetworkLost(now = Date.now()): void {
  const sockets = relaySockets()
  socketsAtLoss = new WeakSet(sockets)
  subscribingAtLoss = now - lastRoomOpenedAt < SUBSCRIBE_WINDOW_MS
  let dropped = 0
  for (const socket of sockets) {
    if (abandoned.has(socket) || !dropsSignalingOnLoss(stateOf(socket))) continue
    abandon(socket)
    dropped++
  }
  if (dropped > 0) meshDebug(`network gone: ${dropped} signaling connection(s) given up`)
}

/**
 * Whether the rooms must be reopened now that the network is back, because a room's
 * subscription may have been lost with the loss (see `reopensOnReturn`). Answers once per loss.
 */
export function takeLostSubscriptions(): boolean {
  const lostAt = lossAt
  const reopen = reopensOnReturn(subscribingAtLoss, lostAt !== null && lastRoomOpenedAt >= lostAt)
  subscribingAtLoss = false
  lossAt = null
  return reopen
}

/** When the network was last lost (epoch ms), until the come-back takes it. */
let lossAt: number | null = null
globalThis.addEventListener?.('offline', () => {
  lossAt = Date.now()
})
globalThis.addEventListener?.('offline', () => noteNetworkLost())

/**
 * Replaces the signaling connections that may be dead (see `replacesSignaling`); returns how
 * many were given up. After a network cut, a connection that still looks open may wait out
 * TCP's retransmission back-off before it carries anything, and closing it does not help: its
 * closing handshake waits the same way (measured: a close asked for during a cut finished 19 s
 * after the link was back, 65 s in all, and only then did the MQTT client connect again). So
 * the socket is closed and the MQTT client is told at once, with the close event it listens
 * for; it connects anew within a second (and every second until the network is back), then
 * subscribes and announces the rooms again. A connection attempt still pending from the cut is
 * abandoned too; one opened since the network came back is kept.
 *
 * Not while a room is still subscribing: Trystero's subscription for a room fails with the
 * connection it was sent on, and that room would never announce itself again.
 */
export function refreshSignaling(reason: ComeBackReason, now = Date.now()): number {
  if (now - lastRoomOpenedAt < SUBSCRIBE_WINDOW_MS) return 0
  const lossSeen = socketsAtLoss !== null
  let replaced = 0
  for (const socket of relaySockets()) {
    if (abandoned.has(socket)) continue
    const view = { state: stateOf(socket), outlivedLoss: socketsAtLoss?.has(socket) ?? false }
    if (!replacesSignaling(view, reason, lossSeen)) {
      if (view.state === 'open') meshDebug('signaling kept: opened since the network came back')
      continue
    }
    abandon(socket)
    replaced++
  }
  if (reason === 'online') socketsAtLoss = null
  return replaced
}

/** Whether any of `urls` has an open signaling connection right now. */
export function signalingReachable(urls: string[]): boolean {
  const sockets = getRelaySockets() as Record<string, WebSocket | undefined>
  return urls.some((url) => sockets[url]?.readyState === 1)
}

/**
 * Opens pods' rooms. `linkOf` gives a pod's secret and connection settings; `iceServersOf`
 * gives the ICE servers to use now (with fresh TURN credentials when the pod has an endpoint).
 */
export function trysteroRoomOpener(
  linkOf: (podKey: string) => Promise<PodLink | null>,
  iceServersOf: (link: PodLink) => Promise<RTCIceServer[]> = async (link) =>
    link.connection.iceServers,
): RoomOpener {
  return async (podKey: string, handshake: Handshake): Promise<MeshRoom> => {
    const link = await linkOf(podKey)
    if (link === null) throw new Error('this pod has no secret on this device')
    const keys = await deriveRoomKeys(link.secret)
    // Declared first: Trystero may report a failed connection while the room is being set up.
    // eslint-disable-next-line prefer-const
    let mesh: MeshRoom
    const iceServers = await iceServersOf(link)
    meshDebug(
      `room ${podKey.slice(0, 6)} opens with ${iceServers.flatMap((s) => s.urls).join(' ') || 'no ICE servers'}`,
    )
    // Only entries a browser accepts: one pod's unusable entry must not stop every pod.
    serversByRoom.set(podKey, usableIceServers(iceServers))
    lastRoomOpenedAt = Date.now()
    const room = joinRoom(
      {
        appId: keys.appId,
        password: keys.password,
        relayConfig: {
          urls: link.connection.signalingUrls,
          redundancy: link.connection.signalingUrls.length,
        },
        rtcConfig: { iceServers: usableIceServers(iceServers) },
        rtcPolyfill: trackedConnectionClass(),
      },
      keys.roomId,
      {
        onPeerHandshake: async (peer, send, receive, isInitiator) => {
          meshDebug(`room ${podKey.slice(0, 6)}: handshake with ${peer} starts`)
          try {
            await handshake(
              peer,
              (data) => send(data as never),
              async () => (await receive()).data as HandshakeValue,
              isInitiator,
            )
            meshDebug(`room ${podKey.slice(0, 6)}: handshake with ${peer} done`)
          } catch (error) {
            meshDebug(`room ${podKey.slice(0, 6)}: handshake with ${peer} failed: ${error}`)
            throw error
          }
        },
        handshakeTimeoutMs: 15_000,
        onJoinError: (details) => {
          meshDebug(`room ${podKey.slice(0, 6)}: ${details.error}`)
          if (/could not connect/i.test(details.error)) mesh.onUnreachable?.(details.peerId)
          else console.warn(`Tend: a device could not join: ${details.error}`)
        },
      },
    )
    meshDebug(`room ${podKey.slice(0, 6)}: self ${selfId}`)
    // With the connection log on: which connection each peer is on, and its state, as it changes.
    let lastMap = ''
    const mapTimer = setInterval(() => {
      if (!meshDebugOn()) return
      for (const socket of relaySockets()) {
        if (watchedSockets.has(socket)) continue
        const k = ++socketCount
        watchedSockets.add(socket)
        meshDebug(`socket#${k} seen (${SOCKET_STATES[socket.readyState]})`)
        socket.addEventListener('open', () => meshDebug(`socket#${k} open`))
        socket.addEventListener('close', (e) =>
          meshDebug(`socket#${k} close ${e.isTrusted ? 'real' : 'synthetic'}`),
        )
        socket.addEventListener('message', (e) => {
          const size = (e.data as ArrayBuffer).byteLength ?? 0
          if (size > 60) meshDebug(`socket#${k} message ${size} bytes`)
        })
      }
      const map = Object.entries(room.getPeers())
        .map(
          ([id, pc]) =>
            `${id}=pc#${connectionNumbers.get(pc) ?? '?'}:${pc.connectionState}/${pc.iceConnectionState}`,
        )
        .join(' ')
      if (map !== lastMap) meshDebug(`room ${podKey.slice(0, 6)} peers: ${map}`)
      lastMap = map
    }, 500)
    const action = room.makeAction<Uint8Array>('tend-sync')
    mesh = {
      onMessage: null,
      onPeerJoin: null,
      onPeerLeave: null,
      onUnreachable: null,
      send: (peer, data) => action.send(data, { target: peer }),
      pathTo: async (peer) => {
        const connection = room.getPeers()[peer]
        return connection === undefined ? 'unknown' : pathOf(connection)
      },
      leave: async () => {
        const stalled = closeStalledConnections()
        if (stalled > 0)
          meshDebug(`room ${podKey.slice(0, 6)}: closed ${stalled} stalled connections`)
        serversByRoom.delete(podKey)
        clearInterval(mapTimer)
        await room.leave()
      },
    }
    action.onMessage = (data, { peerId }) => mesh.onMessage?.(data, peerId)
    // The connection each joined peer came over. When Trystero lets a peer go (its link was
    // `disconnected` for 5 s, its channel closed, it left), it forgets the connection but does
    // not close it: measured after a 12 s cut, both ends recovered by themselves to
    // `connected` with their data channels open, unused by either side, for the life of the
    // page. Worse, had one end kept it, it would hold the link for live and ignore the other's
    // fresh offers. So it is closed here: both ends see the link end and make fresh offers.
    const joinedOver = new Map<string, RTCPeerConnection>()
    room.onPeerJoin = (peer) => {
      meshDebug(`room ${podKey.slice(0, 6)}: ${peer} joined`)
      const connection = room.getPeers()[peer]
      if (connection !== undefined) joinedOver.set(peer, connection)
      mesh.onPeerJoin?.(peer)
    }
    room.onPeerLeave = (peer) => {
      meshDebug(`room ${podKey.slice(0, 6)}: ${peer} left`)
      const connection = joinedOver.get(peer)
      joinedOver.delete(peer)
      // Still connected as it goes: the peer sent "leave" over a working link.
      const departed = connection?.connectionState === 'connected'
      if (connection !== undefined && connection.connectionState !== 'closed') {
        connection.close()
        madeConnections.delete(connection)
      }
      mesh.onPeerLeave?.(peer, departed)
    }
    return mesh
  }
}
