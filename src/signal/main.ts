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
 */
import { startHost } from './server.ts'
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

const port = Number(option('--port') ?? process.env['PORT'] ?? 8080)
const host = option('--host') ?? process.env['HOST'] ?? '127.0.0.1'
const brokerOnly = process.argv.includes('--broker-only')
const turnSecret = process.env['TEND_TURN_SECRET'] ?? null
const passphrase = process.env['TEND_COMMUNITY_PASSPHRASE'] ?? null

const routes = []
if (turnSecret !== null && !brokerOnly) {
  routes.push(
    turnCredentialsRoute({
      secret: turnSecret,
      turnUrls: list(process.env['TEND_TURN_URLS']),
      stunUrls: list(process.env['TEND_STUN_URLS']),
      ttlSeconds: Number(process.env['TEND_TURN_TTL'] ?? 86_400),
      passphrase,
      perMinute: 30,
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

const running = await startHost({ port, host, staticDir: brokerOnly ? null : 'dist', routes })
if (brokerOnly) {
  console.log(`Tend signaling broker: ${running.url.replace(/^http/, 'ws')}/mqtt`)
} else {
  console.log(`Tend is running at ${running.url}/`)
  console.log(`Signaling broker: ${running.url.replace(/^http/, 'ws')}/mqtt (stores nothing)`)
  if (turnSecret !== null) console.log(`TURN credentials: ${running.url}${TURN_CREDENTIALS_PATH}`)
}
const stop = () => void running.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
