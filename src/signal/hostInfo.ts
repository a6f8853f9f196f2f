/**
 * GET /tend-host.json: what this host offers a new pod — where its signaling broker is and
 * whether it hands out TURN credentials. The app reads it when a pod is created here, so a pod
 * defaults to the community that served the app. Paths, not hosts: the app builds the URLs from
 * its own origin. It contains no secret.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'

export interface HostInfo {
  signalingPath: string
  iceEndpointPath: string | null
  passphraseRequired: boolean
}

export const HOST_INFO_PATH = '/tend-host.json'

export function hostInfoRoute(
  info: HostInfo,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  const body = JSON.stringify(info)
  return (req, res) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== HOST_INFO_PATH) return false
    res
      .writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache' })
      .end(body)
    return true
  }
}
