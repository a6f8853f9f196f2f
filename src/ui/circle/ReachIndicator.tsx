import type { PodDoc } from '../../schema/podDocument.ts'
import { usePodReach } from '../../hooks/useMesh.ts'

/**
 * A small, calm line on the circle screen: whether this device reaches the other members right
 * now. The notes keep working either way; the sync panel on the pod screen has the details and
 * "Try again now".
 */
export function ReachIndicator(props: { url: string; view: PodDoc }) {
  const { status, names } = usePodReach(props.url, props.view)
  const text =
    status === null
      ? 'Looking for members…'
      : names.length === 0
        ? 'On this device only for now — everything is kept and syncs when a member is reached.'
        : `In sync with ${names.join(', ')}.`
  return (
    <p className="muted" role="status" data-testid="circle-reach">
      <span aria-hidden="true">{names.length === 0 ? '○ ' : '● '}</span>
      {text}
    </p>
  )
}
