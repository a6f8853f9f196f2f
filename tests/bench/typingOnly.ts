/**
 * `npm run bench:typing`: only the typing figures (tests/bench/typing.ts), on the build in
 * $TEND_BENCH_DIST (default dist). Run inside a private network namespace as root.
 */
import { startHost } from '../../src/signal/server.ts'
import { benchTyping } from './typing.ts'
import { saveFigures, targetTable } from './targets.ts'

const dist = process.env['TEND_BENCH_DIST'] ?? 'dist'
const host = await startHost({ port: 0, host: '127.0.0.1', staticDir: dist })
try {
  console.log('\n## Typing in circle notes (Chromium, Event Timing)\n')
  const { figures, lines } = await benchTyping(host.url)
  targetTable(figures).forEach((l) => console.log(l))
  lines.forEach((l) => console.log(l))
  saveFigures('build/bench/typing.json', figures)
} finally {
  await host.close()
}
