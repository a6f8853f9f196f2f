import type { PodState } from '../../adapters/automerge/podStore.ts'

/**
 * What every pod screen shows until its pod is open: opening, waiting for a member's device to
 * send it, or why it cannot be opened. One place, so every screen says it the same way.
 */
export function PodNotReady(props: { state: Exclude<PodState, { status: 'ready' }> }) {
  const { state } = props
  if (state.status === 'loading') return <p>Opening the pod…</p>
  if (state.status === 'searching') {
    return (
      <section className="card">
        <h1>Waiting for the pod</h1>
        <p>
          This pod is not on this device yet. It arrives as soon as a member's device is reachable;
          you can leave this screen open.
        </p>
      </section>
    )
  }
  return (
    <section className="card">
      <h1>This pod could not be opened</h1>
      <ul>
        {state.problems.map((p) => (
          <li key={p}>{p}</li>
        ))}
      </ul>
      <p>
        <a href="#/">Back to your pods</a>
      </p>
    </section>
  )
}

/**
 * While a pod is shown from the copy this device kept and its document is still opening: says
 * so, and that what the person does now is kept and applied once it has opened.
 */
export function PodOpening() {
  return (
    <p className="banner" role="status" data-testid="pod-opening">
      Opening… This is the pod as this device last saw it; anything you change now is applied once
      it has opened.
    </p>
  )
}
