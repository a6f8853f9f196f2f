/**
 * The simulated internet of `.ci/net-homes.sh`: this process runs as the internet host
 * (192.0.2.10); each member's Chromium lives in a home behind its own NAT router. The host runs
 * Tend (app, broker, TURN-credential endpoint) and coturn with the project's configuration.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { connect } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { startTestHost } from '../e2e/support/host.ts'
import { launchDevice, type Device } from '../e2e/support/browser.ts'
import { hostInfoRoute } from '../../src/signal/hostInfo.ts'
import {
  TURN_CREDENTIALS_PATH,
  mintTurnCredentials,
  turnCredentialsRoute,
  type TurnCredentials,
} from '../../src/signal/turnCredentials.ts'

export const INTERNET = '192.0.2.10'
export const TURN_SECRET = 'tend-test-shared-secret'

export function homesAvailable(): boolean {
  return (
    process.env['NET_HOMES_BIN'] !== undefined && Number(process.env['NET_HOMES_COUNT'] ?? 0) >= 3
  )
}

export interface CommunityHost {
  url: string
  /** Makes the next `count` credentials bad — a wrong password, or already expired. */
  spoilNext(count: number, how: 'forged' | 'expired'): void
  /** How many credential requests the host has answered. */
  credentialRequests(): number
  close(): Promise<void>
}

export async function startCommunityHost(): Promise<CommunityHost> {
  let spoil = 0
  let spoilHow: 'forged' | 'expired' = 'forged'
  let requests = 0
  const mint = turnCredentialsRoute({
    secret: TURN_SECRET,
    turnUrls: [`turn:${INTERNET}:3478?transport=udp`],
    stunUrls: [`stun:${INTERNET}:3478`],
    ttlSeconds: 3600,
    passphrase: null,
    perMinute: 120,
  })
  const host = await startTestHost({
    host: INTERNET,
    routes: [
      (req, res) => {
        if (new URL(req.url ?? '/', 'http://x').pathname !== TURN_CREDENTIALS_PATH) return false
        requests++
        if (spoil > 0) {
          spoil--
          const forged: TurnCredentials =
            spoilHow === 'forged'
              ? {
                  ...mintTurnCredentials(TURN_SECRET, { now: Date.now(), ttlSeconds: 3600 }),
                  credential: 'Zm9yZ2VkIHBhc3N3b3Jk',
                }
              : // Correctly signed, but expired a minute ago; the app is told it is still good.
                {
                  ...mintTurnCredentials(TURN_SECRET, { now: Date.now(), ttlSeconds: -60 }),
                  expiresAt: Date.now() + 3600_000,
                }
          const expiresAt = forged.expiresAt
          res.writeHead(200, { 'content-type': 'application/json' }).end(
            JSON.stringify({
              iceServers: [
                { urls: [`stun:${INTERNET}:3478`] },
                {
                  urls: [`turn:${INTERNET}:3478?transport=udp`],
                  username: forged.username,
                  credential: forged.credential,
                },
              ],
              expiresAt,
            }),
          )
          return true
        }
        return false
      },
      mint,
      hostInfoRoute({
        signalingPath: '/mqtt',
        iceEndpointPath: TURN_CREDENTIALS_PATH,
        passphraseRequired: false,
      }),
    ],
  })
  return {
    url: host.url,
    spoilNext: (count, how) => {
      spoil = count
      spoilHow = how
    },
    credentialRequests: () => requests,
    close: () => host.close(),
  }
}

/** Whether a TCP connection to `host:port` is accepted now. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    socket.setTimeout(1000)
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
    socket.once('timeout', () => done(false))
  })
}

/** coturn, with the project's configuration file, on the internet host. */
export class Coturn {
  #process: ChildProcess | null = null
  readonly #dir = mkdtempSync(join(tmpdir(), 'tend-coturn-'))

  get running(): boolean {
    return this.#process !== null && this.#process.exitCode === null
  }

  async start(): Promise<void> {
    this.#process = spawn(
      'turnserver',
      [
        '-c',
        'src/signal/turnserver.conf',
        '--static-auth-secret',
        TURN_SECRET,
        '--realm',
        'tend.test',
        '--listening-ip',
        INTERNET,
        '--relay-ip',
        INTERNET,
        '--pidfile',
        join(this.#dir, 'turnserver.pid'),
        '--log-file',
        join(this.#dir, 'turn.log'),
      ],
      { stdio: 'ignore' },
    )
    // coturn says nothing when it is ready: wait until its TCP listener accepts (it binds UDP
    // with it), checking that it did not exit; bounded in tries.
    for (let attempt = 0; ; attempt++) {
      if (this.#process.exitCode !== null)
        throw new Error(`coturn exited (${this.#process.exitCode}); see ${this.#dir}/turn.log`)
      if (await accepts(INTERNET, 3478)) return
      if (attempt >= 200)
        throw new Error(`coturn did not listen within 200 tries; see ${this.#dir}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  async stop(): Promise<void> {
    const child = this.#process
    this.#process = null
    if (child === null || child.exitCode !== null) return
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

/** A member's device in home `k` (1-based), reaching the app over the simulated internet. */
export async function launchInHome(
  k: number,
  appUrl: string,
  profileDir?: string,
): Promise<Device> {
  const bin = process.env['NET_HOMES_BIN'] ?? ''
  const device = await launchDevice({
    executablePath: `${bin}/chromium-home${k}`,
    extraArgs: [`--unsafely-treat-insecure-origin-as-secure=${appUrl}`],
    ...(profileDir === undefined ? {} : { profileDir }),
  })
  if (process.env['TEND_DEBUG_HOMES'] === '1') {
    device.page.on('console', (m) => {
      if (m.type() === 'warning' || m.type() === 'error')
        console.log(`[home${k}] ${m.type()}: ${m.text()}`)
    })
  }
  return device
}

/**
 * Records, in the page, every RTCPeerConnection's ICE servers, so a test can check that no
 * server outside the pod's settings is ever used.
 */
export async function watchPeerConnections(page: Page): Promise<void> {
  const debug = process.env['TEND_DEBUG_HOMES'] === '1'
  await page.addInitScript((debugging: boolean) => {
    const seen: string[] = []
    ;(window as unknown as { __tendIceUrls: string[] }).__tendIceUrls = seen
    const Original = window.RTCPeerConnection
    let count = 0
    window.RTCPeerConnection = class extends Original {
      constructor(config?: RTCConfiguration) {
        const urls: string[] = []
        for (const server of config?.iceServers ?? []) {
          for (const url of Array.isArray(server.urls) ? server.urls : [server.urls]) {
            seen.push(url)
            urls.push(url)
          }
        }
        super(config)
        if (debugging) {
          localStorage.setItem('tend-debug', '1')
          const n = ++count
          const kinds: string[] = []
          this.addEventListener('icecandidate', (e) => {
            if (e.candidate !== null) kinds.push(e.candidate.type ?? '?')
          })
          this.addEventListener('iceconnectionstatechange', () =>
            console.warn(
              `pc${n} ice=${this.iceConnectionState} servers=${urls.join(',') || 'none'} local=${kinds.join(',')}`,
            ),
          )
        }
      }
    } as typeof RTCPeerConnection
  }, debug)
}

export async function iceUrlsUsed(page: Page): Promise<string[]> {
  return page.evaluate(() => [
    ...new Set((window as unknown as { __tendIceUrls?: string[] }).__tendIceUrls ?? []),
  ])
}
