/**
 * `npm start` / `npm run broker`: runs Tend's host from the command line.
 *
 *   tsx src/signal/main.ts [--port 8080] [--host 127.0.0.1] [--broker-only]
 *
 * For a community host with a TURN relay (coturn, configured with src/signal/turnserver.conf):
 *   TEND_TURN_SECRET=…            the static-auth-secret shared with coturn (never in the app)
 *   TEND_TURN_URLS=turn:host:3478?transport=udp,turn:host:3478?transport=tcp
 *   TEND_STUN_URLS=stun:host:3478
 *   TEND_TURN_TTL=86400           seconds a credential lives (default one day)
 *   TEND_COMMUNITY_PASSPHRASE=…   optional: members must enter it to get relay credentials
 *   TEND_TURN_PER_MINUTE=30       credential requests per client address per minute
 *   TEND_TURN_FAILED_PER_MINUTE=10  requests with a missing or wrong passphrase, counted apart
 *
 * Limits of the broker (per client address; see server.ts):
 *   TEND_MAX_CONNECTIONS_PER_ADDRESS=20  WebSocket connections open at once
 *   TEND_CONNECTIONS_PER_MINUTE=120      new WebSocket connections per minute
 *   TEND_MAX_PACKET_BYTES=17408          largest MQTT packet or WebSocket message read; a
 *                                        connection that declares a larger packet is cut
 *
 * Behind a reverse proxy (Caddy, nginx) every request comes from the proxy's address, so every
 * member would share one budget. Name the proxy and the limits count the address it forwards:
 *   TEND_TRUSTED_PROXIES=127.0.0.1,::1   addresses or CIDR ranges whose X-Forwarded-For is
 *                                        believed (the right-most entry that is not a trusted
 *                                        proxy); from any other peer the header is ignored
 */
import { HOST_DEFAULTS, startHost } from './server.ts'
import { hostInfoRoute } from './hostInfo.ts'
import { TURN_CREDENTIALS_PATH, turnCredentialsRoute } from './turnCredentials.ts'

function option(name: string): string | null {
  const at = process.argv.indexOf(name)
  return at >= 0 ? (process.argv[at + 1] ?? null) : null
}

const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')

/** A positive whole number from the environment, or `fallback`; anything else stops the host. */
function positiveInteger(name: string, fallback: number): number {
  const text = process.env[name]
  if (text === undefined || text.trim() === '') return fallback
  const value = Number(text)
  if (!Number.isInteger(value) || value <= 0) {
    console.error(`${name} must be a positive whole number, not "${text}".`)
    process.exit(1)
  }
  return value
}

const port = Number(option('--port') ?? process.env['PORT'] ?? 8080)
const host = option('--host') ?? process.env['HOST'] ?? '127.0.0.1'
const brokerOnly = process.argv.includes('--broker-only')
const turnSecret = process.env['TEND_TURN_SECRET'] ?? null
const passphrase = process.env['TEND_COMMUNITY_PASSPHRASE'] ?? null
const trustedProxies = list(process.env['TEND_TRUSTED_PROXIES'])

const routes = []
if (turnSecret !== null && !brokerOnly) {
  routes.push(
    turnCredentialsRoute({
      secret: turnSecret,
      turnUrls: list(process.env['TEND_TURN_URLS']),
      stunUrls: list(process.env['TEND_STUN_URLS']),
      ttlSeconds: Number(process.env['TEND_TURN_TTL'] ?? 86_400),
      passphrase,
      perMinute: positiveInteger('TEND_TURN_PER_MINUTE', 30),
      failedPerMinute: positiveInteger('TEND_TURN_FAILED_PER_MINUTE', 10),
      trustedProxies,
    }),
  )
}
routes.push(
  hostInfoRoute({
    signalingPath: '/mqtt',
    iceEndpointPath: turnSecret !== null && !brokerOnly ? TURN_CREDENTIALS_PATH : null,
    passphraseRequired: passphrase !== null,
  }),
)

const running = await startHost({
  port,
  host,
  staticDir: brokerOnly ? null : 'dist',
  routes,
  connectionsPerMinute: positiveInteger(
    'TEND_CONNECTIONS_PER_MINUTE',
    HOST_DEFAULTS.connectionsPerMinute,
  ),
  maxConnectionsPerAddress: positiveInteger(
    'TEND_MAX_CONNECTIONS_PER_ADDRESS',
    HOST_DEFAULTS.maxConnectionsPerAddress,
  ),
  maxPacketBytes: positiveInteger('TEND_MAX_PACKET_BYTES', HOST_DEFAULTS.maxPacketBytes),
  trustedProxies,
})
if (brokerOnly) {
  console.log(`Tend signaling broker: ${running.url.replace(/^http/, 'ws')}/mqtt`)
} else {
  console.log(`Tend is running at ${running.url}/`)
  console.log(
    `Signaling broker: ${running.url.replace(/^http/, 'ws')}/mqtt (QoS 0, no sessions: keeps nothing for absent clients)`,
  )
  if (turnSecret !== null) console.log(`TURN credentials: ${running.url}${TURN_CREDENTIALS_PATH}`)
}
const stop = () => void running.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
