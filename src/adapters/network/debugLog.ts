/**
 * A connection log for troubleshooting reach ("why does my phone never sync?"): off unless this
 * device's `localStorage['tend-debug']` is "1", then printed to the browser console. It names
 * rooms by a short prefix and peers by Trystero's per-session id, never pod secrets or content.
 */
export function meshDebug(message: string): void {
  try {
    if (globalThis.localStorage?.getItem('tend-debug') === '1')
      console.warn(`Tend mesh: ${message}`)
  } catch {
    // Storage may be unavailable (private mode, a worker): no log then.
  }
}
