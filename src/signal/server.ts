/**
 * Tend's host: serves the built app (dist/) and, on the same port at /mqtt, an MQTT-over-
 * WebSocket broker (aedes) that relays Trystero's encrypted signaling between members'
 * browsers. It never sees a pod's documents — those travel peer to peer over WebRTC.
 *
 * What the broker holds, exactly: the subscriptions of the clients connected now, in memory, and
 * each connection's current packet while it arrives. No sessions (a CONNECT with clean: false is
 * refused), no last wills (refused), no QoS 1 or 2 (such a publish ends the connection; such a
 * subscription is refused), no retained messages (refused), so nothing waits for a client that
 * is away. Limits it enforces on every client (see HostOptions and main.ts):
 *   - packets: a connection is cut as soon as a packet's fixed header declares more than
 *     `maxPacketBytes`, before the packet is read; a WebSocket message may hold no more than one
 *     such packet;
 *   - connections: `maxConnectionsPerAddress` open at once and `connectionsPerMinute` new ones
 *     per client address, refused with HTTP 429 at the upgrade;
 *   - client address: the peer's, or, only when the peer is one of `trustedProxies`, the right-
 *     most untrusted entry of its X-Forwarded-For (clientAddress.ts).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve } from 'node:path'
import { Duplex } from 'node:stream'
import type { AddressInfo, Socket } from 'node:net'
import { Aedes, type AuthenticateError, type Client } from 'aedes'
import { WebSocketServer, createWebSocketStream, type WebSocket } from 'ws'
import {
  DEFAULT_MAX_PACKET_BYTES,
  PacketSizeGuard,
  RateLimiter,
  isAllowedSubscription,
  judgeConnect,
  judgePublish,
} from './brokerRules.ts'
import { TrustedProxies, clientAddress } from './clientAddress.ts'
import { CODING_SUFFIX, chooseEncoding } from './contentEncoding.ts'

export interface HostOptions {
  port: number
  host: string
  /** Folder of the built app; null runs the broker alone. */
  staticDir: string | null
  /** New WebSocket connections allowed per client address per minute (default 120). */
  connectionsPerMinute?: number
  /** WebSocket connections one client address may hold open at once (default 20). */
  maxConnectionsPerAddress?: number
  /**
   * The largest MQTT packet (remaining length) the broker reads, and so the largest WebSocket
   * message (default 17 KiB: a 16 KiB payload plus headers). A connection that declares more is cut at once.
   */
  maxPacketBytes?: number
  /**
   * Reverse proxies whose X-Forwarded-For is believed (addresses or CIDR ranges). Empty by
   * default: every limit counts the direct peer's address.
   */
  trustedProxies?: readonly string[]
  /**
   * Sees every byte a client sends the broker, as it arrives and after the size check, with the
   * upgrade request of its connection. For tests that check what the broker learns; a host
   * leaves it unset.
   */
  onClientBytes?: (chunk: Buffer, connection: IncomingMessage) => void
  /**
   * Sees the broker's view of each connection: opens and closes (with the WebSocket close code),
   * client ids, take-overs of an id still registered, errors. For tests that trace a return
   * after a network cut; a host leaves it unset.
   */
  onBrokerEvent?: (line: string) => void
  /** Extra request handlers (for example the TURN credential endpoint), tried before files. */
  routes?: ((req: IncomingMessage, res: ServerResponse) => boolean)[]
}

export const HOST_DEFAULTS = {
  connectionsPerMinute: 120,
  maxConnectionsPerAddress: 20,
  maxPacketBytes: DEFAULT_MAX_PACKET_BYTES,
} as const

export interface RunningHost {
  url: string
  port: number
  close(): Promise<void>
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.map': 'application/json',
  '.ics': 'text/calendar',
}

/**
 * Sends one file of the app, in the precompressed copy (`.br`, `.gz`, written by the build) that
 * the request's Accept-Encoding prefers, else as it is. Every response says `Vary:
 * Accept-Encoding`, so a cache between never hands a brotli body to a browser that did not ask.
 */
async function serveFile(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  let file = normalize(join(root, path))
  if (!file.startsWith(root)) {
    res.writeHead(403).end()
    return
  }
  const info = await stat(file).catch(() => null)
  if (info === null || info.isDirectory()) {
    // The app routes in the URL fragment, so any unknown path gets the app shell.
    file = join(root, 'index.html')
  }
  // A copy older than its file is stale (the file was replaced after the build): not sent.
  const fileInfo = await stat(file).catch(() => null)
  const copies = await Promise.all(
    (['br', 'gzip'] as const).map(async (coding) => {
      const copy = await stat(`${file}${CODING_SUFFIX[coding]}`).catch(() => null)
      const fresh = copy?.isFile() === true && fileInfo !== null && copy.mtimeMs >= fileInfo.mtimeMs
      return fresh ? [coding] : []
    }),
  )
  const coding = chooseEncoding(req.headers['accept-encoding'], copies.flat())
  const body = await readFile(
    coding === 'identity' ? file : `${file}${CODING_SUFFIX[coding]}`,
  ).catch(() => null)
  if (body === null) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
    return
  }
  const type = MIME[extname(file)] ?? 'application/octet-stream'
  const immutable = file.includes(`${join(root, 'assets')}`)
  res.writeHead(200, {
    'content-type': type,
    ...(coding === 'identity' ? {} : { 'content-encoding': coding }),
    'content-length': body.length,
    vary: 'Accept-Encoding',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  })
  res.end(req.method === 'HEAD' ? undefined : body)
}

/**
 * The broker's side of one WebSocket: the bytes pass a PacketSizeGuard before aedes parses
 * them, so a declared-huge packet ends the connection instead of filling memory.
 */
function guardedStream(
  ws: WebSocket,
  maxPacketBytes: number,
  onClientBytes: ((chunk: Buffer) => void) | undefined,
): Duplex {
  const inner = createWebSocketStream(ws)
  const guard = new PacketSizeGuard(maxPacketBytes)
  const outer = new Duplex({
    read() {
      inner.resume()
    },
    write(chunk: Buffer, encoding, callback) {
      inner.write(chunk, encoding, callback)
    },
    final(callback) {
      inner.end(() => callback())
    },
    destroy(error, callback) {
      inner.destroy()
      ws.terminate()
      callback(error)
    },
  })
  inner.on('data', (chunk: Buffer) => {
    if (!guard.accept(chunk)) {
      outer.destroy(new Error(`packet larger than ${maxPacketBytes} bytes`))
      return
    }
    onClientBytes?.(chunk)
    if (!outer.push(chunk)) inner.pause()
  })
  inner.on('end', () => outer.push(null))
  inner.on('error', (error) => outer.destroy(error))
  inner.on('close', () => outer.destroy())
  return outer
}

/** Answers a WebSocket upgrade with a plain HTTP status and closes the socket. */
function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  const raw = socket as Socket
  raw.on('error', () => raw.destroy())
  raw.write(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  raw.destroySoon()
}

/** Starts the host; resolves once it listens. */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const maxPacketBytes = options.maxPacketBytes ?? HOST_DEFAULTS.maxPacketBytes
  const maxOpen = options.maxConnectionsPerAddress ?? HOST_DEFAULTS.maxConnectionsPerAddress
  const trusted = new TrustedProxies(options.trustedProxies ?? [])

  const broker = await Aedes.createBroker({ heartbeatInterval: 60_000 })
  // Why a CONNECT is refused, kept from preConnect (which sees the packet) for authenticate
  // (which can answer with a CONNACK saying so).
  const refusedConnects = new WeakMap<Client, string>()
  broker.preConnect = (client, packet, callback) => {
    const reason = judgeConnect(packet)
    if (reason !== null) refusedConnects.set(client, reason)
    callback(null, true)
  }
  broker.authenticate = (client, _username, _password, done) => {
    const reason = refusedConnects.get(client)
    if (reason === undefined) return done(null, true)
    const error = Object.assign(new Error(reason), {
      returnCode: 5 as AuthenticateError['returnCode'],
    })
    done(error, false)
  }
  broker.authorizePublish = (client, packet, callback) => {
    // The broker's own $SYS heartbeats have no client.
    if (client === null) return callback(null)
    const verdict = judgePublish(packet)
    callback(verdict.ok ? null : new Error(verdict.reason))
  }
  broker.authorizeSubscribe = (_client, subscription, callback) => {
    callback(null, isAllowedSubscription(subscription) ? subscription : null)
  }
  const ev = options.onBrokerEvent
  if (ev !== undefined) {
    const who = (c: Client | null) =>
      `${c?.id ?? '?'}@${(c?.req as IncomingMessage | undefined)?.socket?.remoteAddress ?? '?'}`
    broker.on('client', (c) => ev(`aedes client ${who(c)}`))
    broker.on('clientReady', (c) => ev(`aedes clientReady ${who(c)}`))
    broker.on('clientDisconnect', (c) => ev(`aedes clientDisconnect ${who(c)}`))
    broker.on('clientError', (c, e) => ev(`aedes clientError ${who(c)} ${e.message}`))
    broker.on('connectionError', (c, e) => ev(`aedes connectionError ${who(c)} ${e.message}`))
    broker.on('keepaliveTimeout', (c) => ev(`aedes keepaliveTimeout ${who(c)}`))
    const b = broker as unknown as {
      registerClient: (c: Client) => void
      clients: Record<string, Client | undefined>
    }
    const register = b.registerClient.bind(broker)
    b.registerClient = (c: Client) => {
      if (b.clients[c.id] !== undefined)
        ev(`aedes TAKEOVER ${c.id}: closes ${who(b.clients[c.id] ?? null)} for ${who(c)}`)
      register(c)
    }
  }
  const limiter = new RateLimiter(
    options.connectionsPerMinute ?? HOST_DEFAULTS.connectionsPerMinute,
    60_000,
  )
  const openByAddress = new Map<string, number>()

  const root = options.staticDir === null ? null : resolve(options.staticDir)
  const server: Server = createServer((req, res) => {
    for (const route of options.routes ?? []) if (route(req, res)) return
    if (root === null) {
      res.writeHead(404).end()
      return
    }
    serveFile(root, req, res).catch(() => res.writeHead(500).end())
  })
  // One WebSocket message carries at most one whole packet: its fixed header (up to 5 bytes)
  // and its remaining length.
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxPacketBytes + 5 })
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path !== '/mqtt') return refuseUpgrade(socket, 404, 'Not Found')
    const address = clientAddress(req, trusted)
    const open = openByAddress.get(address) ?? 0
    if (!limiter.allow(address, Date.now()) || open >= maxOpen) {
      return refuseUpgrade(socket, 429, 'Too Many Requests')
    }
    // Counted from the upgrade on, and freed when the TCP socket closes, however it ends.
    openByAddress.set(address, open + 1)
    socket.once('close', () => {
      const left = (openByAddress.get(address) ?? 1) - 1
      if (left <= 0) openByAddress.delete(address)
      else openByAddress.set(address, left)
    })
    wss.handleUpgrade(req, socket, head, (ws) => {
      const addr = `${req.socket.remoteAddress}:${req.socket.remotePort}`
      ev?.(`ws open ${addr}`)
      ws.on('close', (code, reason) => ev?.(`ws close ${addr} ${code} ${reason.toString()}`))
      ws.on('error', (e) => ev?.(`ws error ${addr} ${e.message}`))
      const tap = options.onClientBytes
      const stream = guardedStream(
        ws,
        maxPacketBytes,
        tap === undefined ? undefined : (chunk) => tap(chunk, req),
      )
      stream.on('error', () => ws.terminate())
      broker.handle(stream, req)
    })
  })
  await new Promise<void>((done, fail) => {
    server.once('error', fail)
    server.listen(options.port, options.host, done)
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = options.host === '0.0.0.0' ? 'localhost' : options.host
  return {
    url: `http://${shownHost}:${port}`,
    port,
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((done) => wss.close(() => done()))
      await new Promise<void>((done) => broker.close(() => done()))
      server.closeAllConnections()
      await new Promise<void>((done) => server.close(() => done()))
    },
  }
}
