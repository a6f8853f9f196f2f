import type { ReactNode } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import { usePod } from '../../hooks/usePod.ts'
import { podPath } from './paths.ts'
import { PodNotReady, PodOpening } from './PodNotReady.tsx'
import { RemovedNotice } from '../pods/MemberDevices.tsx'

/**
 * The frame of a screen inside one pod (rhythm, knowledge, vitality …): opens the pod, says so
 * while it loads or is not here yet, and otherwise shows a way back to the pod, the screen's
 * heading and its content for the pod's view — read-only, and saying why, on a device removed
 * from the pod or for a pod saved by a newer version.
 */
export function PodScreenFrame(props: {
  url: string
  title: string
  children: (view: PodDoc, readOnly: boolean) => ReactNode
}) {
  const state = usePod(props.url)
  if (state.status !== 'ready') return <PodNotReady state={state} />
  return (
    <>
      <p className="crumb">
        <a href={podPath(props.url)}>← {state.view.pod.name}</a>
      </p>
      <h1>{props.title}</h1>
      {state.opening === true && <PodOpening />}
      {state.readOnlyReason === 'removed' && <RemovedNotice url={props.url} />}
      {state.readOnlyReason === 'newer-version' && (
        <p className="banner" role="status">
          This pod was saved by a newer version of Tend, so this device shows it read-only.
        </p>
      )}
      {props.children(state.view, state.readOnly)}
    </>
  )
}
