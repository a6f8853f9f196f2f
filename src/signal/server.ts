/**
 * Tend's host: serves the built app (dist/) and, on the same port at /mqtt, an MQTT-over-
 * WebSocket broker (aedes) that relays Trystero's encrypted signaling between members'
 * browsers. The broker keeps nothing: QoS 0, no retained messages, in-memory subscriptions only.
 * It never sees a pod's documents — those travel peer to peer over WebRTC.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, resolve } from 'node:path'
import type { AddressInfo } from 'node:net'
import { Aedes } from 'aedes'
import { WebSocketServer, createWebSocketStream } from 'ws'
import { MAX_PAYLOAD_BYTES, RateLimiter, isAllowedTopic, judgePublish } from './brokerRules.ts'

export interface HostOptions {
  port: number
  host: string
  /** Folder of the built app; null runs the broker alone. */
  staticDir: string | null
  /** New WebSocket connections allowed per address per minute. */
  connectionsPerMinute?: number
  /** Extra request handlers (for example the TURN credential endpoint), tried before files. */
  routes?: ((req: IncomingMessage, res: ServerResponse) => boolean)[]
}

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
  const body = await readFile(file).catch(() => null)
  if (body === null) {
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
    return
  }
  const type = MIME[extname(file)] ?? 'application/octet-stream'
  const immutable = file.includes(`${join(root, 'assets')}`)
  res.writeHead(200, {
    'content-type': type,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  })
  res.end(body)
}

/** Starts the host; resolves once it listens. */
export async function startHost(options: HostOptions): Promise<RunningHost> {
  const broker = await Aedes.createBroker({ heartbeatInterval: 60_000 })
  broker.authorizePublish = (client, packet, callback) => {
    // The broker's own $SYS heartbeats have no client.
    if (client === null) return callback(null)
    const verdict = judgePublish(packet)
    callback(verdict.ok ? null : new Error(verdict.reason))
  }
  broker.authorizeSubscribe = (_client, subscription, callback) => {
    callback(null, isAllowedTopic(subscription.topic) ? subscription : null)
  }
  const limiter = new RateLimiter(options.connectionsPerMinute ?? 120, 60_000)

  const root = options.staticDir === null ? null : resolve(options.staticDir)
  const server: Server = createServer((req, res) => {
    for (const route of options.routes ?? []) if (route(req, res)) return
    if (root === null) {
      res.writeHead(404).end()
      return
    }
    serveFile(root, req, res).catch(() => res.writeHead(500).end())
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD_BYTES + 1024 })
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    const address = req.socket.remoteAddress ?? 'unknown'
    if (path !== '/mqtt' || !limiter.allow(address, Date.now())) {
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const stream = createWebSocketStream(ws)
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
