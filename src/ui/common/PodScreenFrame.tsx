import type { ReactNode } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import { usePod } from '../../hooks/usePod.ts'
import { podPath } from './paths.ts'

/**
 * The frame of a screen inside one pod (rhythm, knowledge, vitality …): opens the pod, says so
 * while it loads or is not here yet, and otherwise shows a way back to the pod, the screen's
 * heading and its content for the pod's view.
 */
export function PodScreenFrame(props: {
  url: string
  title: string
  children: (view: PodDoc, readOnly: boolean) => ReactNode
}) {
  const state = usePod(props.url)
  if (state.status === 'loading') return <p>Opening the pod…</p>
  if (state.status === 'searching') {
    return (
      <section className="card">
        <h1>Waiting for the pod</h1>
        <p>
          This pod is not on this device yet. It arrives as soon as a member's device is reachable.
        </p>
      </section>
    )
  }
  if (state.status === 'invalid') {
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
  return (
    <>
      <p className="crumb">
        <a href={podPath(props.url)}>← {state.view.pod.name}</a>
      </p>
      <h1>{props.title}</h1>
      {state.readOnly && (
        <p className="banner" role="status">
          This pod was saved by a newer version of Tend, so this device shows it read-only.
        </p>
      )}
      {props.children(state.view, state.readOnly)}
    </>
  )
}
