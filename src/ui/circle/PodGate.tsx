import type { ReactNode } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import type { AttendanceDisagreement } from '../../domain/meetings.ts'
import { usePod } from '../../hooks/usePod.ts'
import { podPath } from '../common/paths.ts'
import { PodNotReady } from '../common/PodNotReady.tsx'
import { RemovedNotice } from '../pods/MemberDevices.tsx'

/** What a practice screen gets once its pod is open. */
export interface OpenPod {
  url: string
  view: PodDoc
  /** No edits: a newer version's pod, or this device was removed from it (usePod decides). */
  readOnly: boolean
  /** Attendance marks two devices set differently while apart. */
  disagreements: readonly AttendanceDisagreement[]
}

/**
 * Opens a pod for one of its practice screens (norms, roles, pairings, circle) and says plainly
 * what is going on while it is not ready: opening, waiting for a member's device, or broken;
 * on a device removed from the pod, says so above the screen, which is then read-only.
 */
export function PodGate(props: { url: string; children: (pod: OpenPod) => ReactNode }) {
  const state = usePod(props.url)
  if (state.status !== 'ready') return <PodNotReady state={state} />
  const { view, readOnly, disagreements } = state
  return (
    <>
      {state.readOnlyReason === 'removed' && <RemovedNotice url={props.url} />}
      {props.children({ url: props.url, view, readOnly, disagreements })}
    </>
  )
}

/** The way back to the pod's home, at the top of each practice screen. */
export function BackToPod(props: { url: string; name: string }) {
  return (
    <p className="back-link">
      <a href={podPath(props.url)}>← {props.name}</a>
    </p>
  )
}

/** A member's name for display; "someone who left" for an id the pod does not know. */
export function memberName(view: PodDoc, memberId: string | null): string {
  if (memberId === null) return 'nobody yet'
  return view.members[memberId]?.name ?? 'a former member'
}
