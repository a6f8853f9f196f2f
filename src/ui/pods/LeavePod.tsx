import { useState } from 'react'
import type { PodDoc } from '../../schema/podDocument.ts'
import { useMembership } from '../../hooks/useMembership.ts'
import { useMyMemberId } from '../../hooks/useCircle.ts'
import { usePodReach } from '../../hooks/useMesh.ts'
import { messageOf } from '../common/labels.ts'
import { ErrorText } from '../circle/attempt.tsx'

/**
 * "Leave this pod": the member's own signed removal, so the others' devices move to a new key
 * without them and see that they left; this device then stops syncing the pod and keeps its
 * copy, readable. Offered only while a member's device is reachable: leaving is a change the
 * others must receive, and this device stops syncing right after.
 */
export function LeavePod(props: { url: string; view: PodDoc }) {
  const me = useMyMemberId(props.url, props.view)
  const reach = usePodReach(props.url, props.view)
  const membership = useMembership(props.url)
  const [confirming, setConfirming] = useState(false)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const member = me === null ? undefined : props.view.members[me]
  if (member === undefined || member.status === 'left') return null
  const others = reach.peers.some((p) => p.member !== null && p.member.id !== me)
  const leave = async () => {
    if (me === null) return
    setBusy(true)
    setError(null)
    try {
      await membership.leave(me)
      setConfirming(false)
    } catch (e) {
      setError(messageOf(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="card" aria-labelledby="leave-pod-heading">
      <h2 id="leave-pod-heading">Leave this pod</h2>
      <p className="muted">
        The others see that you left, and their devices move to a new key without yours. This device
        stops syncing the pod; what is here stays readable on it.
      </p>
      {!others ? (
        <p className="muted" data-testid="leave-needs-member">
          You can leave when another member’s device is reachable, so that they hear of it.
        </p>
      ) : !confirming ? (
        <button type="button" onClick={() => setConfirming(true)}>
          Leave this pod…
        </button>
      ) : (
        <div role="group" aria-label="Confirm leaving the pod">
          <p>
            <strong>Leave {props.view.pod.name}?</strong> To come back you will need a new invite.
          </p>
          <button type="button" className="danger" disabled={busy} onClick={() => void leave()}>
            {busy ? 'Leaving…' : 'Leave'}
          </button>
          <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
            Stay
          </button>
        </div>
      )}
      <ErrorText error={error} />
    </section>
  )
}
