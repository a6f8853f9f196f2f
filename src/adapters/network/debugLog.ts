/**
 * A connection log for troubleshooting reach ("why does my phone never sync?"): off unless this
 * device's `localStorage['tend-debug']` is "1", then printed to the browser console. It names
 * rooms by a short prefix and peers by Trystero's per-session id, never pod secrets or content.
 */
export function meshDebug(message: string): void {
  if (meshDebugOn()) console.warn(`Tend mesh: ${message}`)
}

/** Whether the connection log is on (for probes too costly to run otherwise). */
export function meshDebugOn(): boolean {
  try {
    return globalThis.localStorage?.getItem('tend-debug') === '1'
  } catch {
    // Storage may be unavailable (private mode, a worker): no log then.
    return false
  }
}
