import { afterEach, describe, expect, it } from 'vitest'
import mqtt, { type MqttClient } from 'mqtt'
import { generate, parser, type Packet } from 'mqtt-packet'
import WebSocket from 'ws'
import { startHost, type HostOptions, type RunningHost } from '../../../src/signal/server.ts'
import { MAX_PAYLOAD_BYTES } from '../../../src/signal/brokerRules.ts'

// The broker as a stranger meets it: a real host on a free port, real MQTT clients over
// WebSocket, and raw frames for what no well-behaved client sends.

const TOPIC = 'a1b2c3d4e5f6g7h8i9j0k1l2'
const OTHER_TOPIC = 'z9y8x7w6v5u4t3s2r1q0p9o8'

/** Resolves with the first of `events` that `emitter` emits; fails after `ms` without one. */
function first<T>(
  emitter: { once(event: string, fn: (value: T) => void): unknown },
  events: string[],
  ms = 10_000,
): Promise<{ event: string; value: T }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`none of ${events.join(', ')} came`)), ms)
    for (const event of events)
      emitter.once(event, (value: T) => {
        clearTimeout(timer)
        resolve({ event, value })
      })
  })
}

/** An MQTT client that speaks raw packets over WebSocket and records what the broker sends. */
class RawClient {
  readonly packets: Packet[] = []
  readonly ws: WebSocket
  readonly closed: Promise<number>
  readonly #parser = parser()
  readonly #waiting: { match: (p: Packet) => boolean; done: (p: Packet) => void }[] = []

  constructor(url: string, headers: Record<string, string> = {}) {
    this.ws = new WebSocket(url, 'mqtt', { headers })
    this.ws.on('error', () => {})
    this.closed = new Promise((resolve) => this.ws.once('close', (code: number) => resolve(code)))
    this.#parser.on('packet', (packet: Packet) => {
      this.packets.push(packet)
      for (const w of [...this.#waiting])
        if (w.match(packet)) {
          this.#waiting.splice(this.#waiting.indexOf(w), 1)
          w.done(packet)
        }
    })
    this.ws.on('message', (data: Buffer) => this.#parser.parse(data))
  }

  /** Resolves when the socket is open; rejects with the HTTP status if the upgrade is refused. */
  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('unexpected-response', (_req, res) => reject(new Error(`${res.statusCode}`)))
      this.ws.once('close', () => reject(new Error('closed')))
    })
  }

  send(packet: Packet): void {
    this.ws.send(generate(packet))
  }

  sendBytes(bytes: Buffer): void {
    this.ws.send(bytes)
  }

  /** The next packet of type `cmd`, or 'closed' if the broker ends the connection first. */
  async nextOrClose(cmd: Packet['cmd']): Promise<Packet | 'closed'> {
    const seen = this.packets.find((p) => p.cmd === cmd)
    if (seen !== undefined) return seen
    const packet = new Promise<Packet>((done) =>
      this.#waiting.push({ match: (p) => p.cmd === cmd, done }),
    )
    return Promise.race([packet, this.closed.then(() => 'closed' as const)])
  }
}

const connect = (clientId: string, clean = true): Packet => ({
  cmd: 'connect',
  protocolId: 'MQTT',
  protocolVersion: 4,
  clientId,
  clean,
  keepalive: 0,
})

describe('the signaling broker', () => {
  let host: RunningHost
  const clients: MqttClient[] = []
  const raws: RawClient[] = []
  afterEach(async () => {
    for (const c of clients.splice(0)) c.end(true)
    for (const r of raws.splice(0)) r.ws.terminate()
    await host?.close()
  })

  async function start(options: Partial<HostOptions> = {}) {
    host = await startHost({ port: 0, host: '127.0.0.1', staticDir: null, ...options })
    return `ws://127.0.0.1:${host.port}/mqtt`
  }

  /** A connected mqtt.js client, as Trystero makes one (clean session, no reconnecting). */
  async function member(url: string, options: mqtt.IClientOptions = {}): Promise<MqttClient> {
    const client = mqtt.connect(url, { reconnectPeriod: 0, connectTimeout: 10_000, ...options })
    clients.push(client)
    const { event, value } = await first<unknown>(client, ['connect', 'error', 'close'])
    if (event !== 'connect') throw new Error(`not connected: ${event} ${String(value)}`)
    return client
  }

  function raw(url: string, headers: Record<string, string> = {}): RawClient {
    const client = new RawClient(url, headers)
    raws.push(client)
    return client
  }

  /** Waits until `client` receives a message on `topic`; returns everything it got by then. */
  function receivedUntil(client: MqttClient, marker: string): Promise<string[]> {
    const got: string[] = []
    return new Promise((resolve) =>
      client.on('message', (_topic, payload) => {
        got.push(payload.toString())
        if (payload.toString() === marker) resolve(got)
      }),
    )
  }

  it('relays a QoS 0 message between two members', async () => {
    const url = await start()
    const [a, b] = [await member(url), await member(url)]
    await a.subscribeAsync(TOPIC)
    const got = receivedUntil(a, 'hello')
    await b.publishAsync(TOPIC, 'hello')
    expect(await got).toEqual(['hello'])
  })

  it('relays the largest payload Trystero may send, whole', async () => {
    const url = await start()
    const [a, b] = [await member(url), await member(url)]
    await a.subscribeAsync(TOPIC)
    const largest = 'x'.repeat(MAX_PAYLOAD_BYTES)
    const got = receivedUntil(a, largest)
    await b.publishAsync(TOPIC, largest)
    expect((await got).map((m) => m.length)).toEqual([MAX_PAYLOAD_BYTES])
  })

  it('refuses a client that asks it to keep a session (clean: false)', async () => {
    const url = await start()
    const a = raw(url)
    await a.open()
    a.send(connect('keep-me', false))
    const connack = await a.nextOrClose('connack')
    expect(connack).toMatchObject({ cmd: 'connack', returnCode: 5 })
    await a.closed
  })

  it('refuses a client that leaves a last will for the broker to hold', async () => {
    const url = await start()
    const a = raw(url)
    await a.open()
    a.send({
      ...connect('with-will'),
      will: { topic: TOPIC, payload: Buffer.from('gone'), qos: 0, retain: false },
    } as Packet)
    expect(await a.nextOrClose('connack')).toMatchObject({ cmd: 'connack', returnCode: 5 })
    await a.closed
  })

  // Regression: with clean: false and QoS 1, the broker kept the message for the absent client
  // and delivered it when that client came back.
  it('keeps nothing for a client that is away', async () => {
    const url = await start()
    const away = raw(url)
    await away.open()
    away.send(connect('away', false))
    away.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: TOPIC, qos: 1 }] })
    away.send({ cmd: 'disconnect' })
    await away.closed

    const publisher = raw(url)
    await publisher.open()
    publisher.send(connect('publisher'))
    publisher.send({
      cmd: 'publish',
      topic: TOPIC,
      payload: Buffer.from('while you were away'),
      qos: 1,
      messageId: 7,
      retain: false,
      dup: false,
    })
    await publisher.nextOrClose('puback')

    const back = raw(url)
    await back.open()
    back.send(connect('away', false))
    expect(await back.nextOrClose('publish')).toBe('closed')
    expect(back.packets.filter((p) => p.cmd === 'publish')).toEqual([])
  })

  it('grants no subscription above QoS 0', async () => {
    const url = await start()
    const a = raw(url)
    await a.open()
    a.send(connect('subscriber'))
    a.send({
      cmd: 'subscribe',
      messageId: 1,
      subscriptions: [
        { topic: TOPIC, qos: 1 },
        { topic: OTHER_TOPIC, qos: 2 },
        { topic: 'q0' + TOPIC, qos: 0 },
      ],
    })
    expect(await a.nextOrClose('suback')).toMatchObject({ granted: [128, 128, 0] })
  })

  it('ends a connection that publishes at QoS 1 or 2, and relays none of it', async () => {
    const url = await start()
    const listener = await member(url)
    await listener.subscribeAsync(TOPIC)
    const got = receivedUntil(listener, 'marker')
    for (const qos of [1, 2] as const) {
      const publisher = raw(url)
      await publisher.open()
      publisher.send(connect(`qos${qos}`))
      expect(await publisher.nextOrClose('connack')).toMatchObject({ returnCode: 0 })
      publisher.send({
        cmd: 'publish',
        topic: TOPIC,
        payload: Buffer.from(`at qos ${qos}`),
        qos,
        messageId: 1,
        retain: false,
        dup: false,
      })
      expect(await publisher.nextOrClose(qos === 1 ? 'puback' : 'pubrec')).toBe('closed')
    }
    await (await member(url)).publishAsync(TOPIC, 'marker')
    expect(await got).toEqual(['marker'])
  })

  it('cuts a connection as soon as it declares a packet larger than the limit', async () => {
    const url = await start()
    const big = raw(url)
    await big.open()
    big.send(connect('big'))
    expect(await big.nextOrClose('connack')).toMatchObject({ returnCode: 0 })
    // A PUBLISH whose remaining length is the largest MQTT can say (256 MiB − 1), then 4 KiB of it.
    big.sendBytes(Buffer.from([0x30, 0xff, 0xff, 0xff, 0x7f]))
    for (let i = 0; i < 4; i++) big.sendBytes(Buffer.alloc(1024, 0x61))
    await first(big.ws, ['close'])
    // The host still serves everyone else.
    const [a, b] = [await member(url), await member(url)]
    await a.subscribeAsync(TOPIC)
    const got = receivedUntil(a, 'still here')
    await b.publishAsync(TOPIC, 'still here')
    expect(await got).toEqual(['still here'])
  })

  it('cuts a connection whose CONNECT declares more than the limit', async () => {
    const url = await start({ maxPacketBytes: 1024 })
    const big = raw(url)
    await big.open()
    // CONNECT, remaining length 2048.
    big.sendBytes(Buffer.from([0x10, 0x80, 0x10]))
    big.sendBytes(Buffer.alloc(512, 0))
    await first(big.ws, ['close'])
  })

  it('refuses a WebSocket message larger than its limit', async () => {
    const url = await start({ maxPacketBytes: 4096 })
    const big = raw(url)
    await big.open()
    big.sendBytes(Buffer.alloc(8192, 0x61))
    expect(await big.closed).toBe(1009)
  })

  it('holds at most the configured number of open connections per address', async () => {
    const url = await start({ maxConnectionsPerAddress: 3, connectionsPerMinute: 1000 })
    const open = [await member(url), await member(url), await member(url)]
    await expect(raw(url).open()).rejects.toThrow('429')
    // The first three still work.
    await open[0]?.subscribeAsync(TOPIC)
    const got = receivedUntil(open[0] as MqttClient, 'still open')
    await open[2]?.publishAsync(TOPIC, 'still open')
    expect(await got).toEqual(['still open'])
    // Closing one frees its place once the host has seen it go.
    await open[1]?.endAsync()
    await expect
      .poll(
        async () => {
          const next = raw(url)
          return next.open().then(
            () => true,
            () => false,
          )
        },
        { timeout: 10_000, interval: 100 },
      )
      .toBe(true)
  })

  it('counts connections by the address a trusted proxy forwards, and only then', async () => {
    const forwarded = (address: string) => ({ 'x-forwarded-for': address })
    let url = await start({ maxConnectionsPerAddress: 1, trustedProxies: ['127.0.0.1'] })
    await raw(url, forwarded('203.0.113.1')).open()
    await raw(url, forwarded('203.0.113.2')).open()
    await expect(raw(url, forwarded('198.51.100.7, 203.0.113.1')).open()).rejects.toThrow('429')
    await host.close()

    // A header from a peer that is not a trusted proxy is ignored: both are 127.0.0.1.
    url = await start({ maxConnectionsPerAddress: 1 })
    await raw(url, forwarded('203.0.113.1')).open()
    await expect(raw(url, forwarded('203.0.113.2')).open()).rejects.toThrow('429')
  })
})
