/**
 * `npm start` / `npm run broker`: runs Tend's host from the command line.
 *
 *   tsx src/signal/main.ts [--port 8080] [--host 127.0.0.1] [--broker-only]
 */
import { startHost } from './server.ts'

function option(name: string): string | null {
  const at = process.argv.indexOf(name)
  return at >= 0 ? (process.argv[at + 1] ?? null) : null
}

const port = Number(option('--port') ?? process.env['PORT'] ?? 8080)
const host = option('--host') ?? process.env['HOST'] ?? '127.0.0.1'
const brokerOnly = process.argv.includes('--broker-only')

const running = await startHost({ port, host, staticDir: brokerOnly ? null : 'dist' })
if (brokerOnly) {
  console.log(`Tend signaling broker: ${running.url.replace(/^http/, 'ws')}/mqtt`)
} else {
  console.log(`Tend is running at ${running.url}/`)
  console.log(`Signaling broker: ${running.url.replace(/^http/, 'ws')}/mqtt (stores nothing)`)
}
const stop = () => void running.close().then(() => process.exit(0))
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
