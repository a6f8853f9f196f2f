import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startHost, type HostOptions, type RunningHost } from '../../../src/signal/server.ts'

/**
 * Serves a copy of the built app (dist/, built by the test command) with the signaling broker,
 * on a free port of this machine. The copy lets a test change files (a new app version).
 */
export async function startTestHost(
  options: Partial<HostOptions> = {},
): Promise<RunningHost & { dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tend-dist-'))
  // TEND_DIST lets parallel work build and test its own copy of the app.
  cpSync(process.env['TEND_DIST'] ?? 'dist', dir, { recursive: true })
  const host = await startHost({ port: 0, host: '127.0.0.1', staticDir: dir, ...options })
  return {
    ...host,
    dir,
    async close() {
      await host.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
