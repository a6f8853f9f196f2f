import type { PodDoc } from '../../schema/podDocument.ts'
import type { AttendanceDisagreement } from '../../domain/meetings.ts'
import { formatDate } from '../common/labels.ts'
import { memberName } from './PodGate.tsx'
import { circlePath } from './practicePaths.ts'

/**
 * On the pod's home: the circles whose attendance two devices marked differently while apart,
 * each with who and a way to the circle, where the group settles it. Nothing when they agree.
 */
export function DisagreementNotice(props: {
  url: string
  view: PodDoc
  disagreements: readonly AttendanceDisagreement[]
}) {
  const { view } = props
  const byMeeting = new Map<string, string[]>()
  for (const d of props.disagreements) {
    byMeeting.set(d.meetingId, [
      ...(byMeeting.get(d.meetingId) ?? []),
      memberName(view, d.memberId),
    ])
  }
  if (byMeeting.size === 0) return null
  return (
    <section className="banner" aria-labelledby="disagreement-heading">
      <h2 id="disagreement-heading">Attendance to settle</h2>
      <p>Devices that were apart marked some attendance differently:</p>
      <ul>
        {[...byMeeting].map(([meetingId, names]) => {
          const meeting = view.meetings[meetingId]
          return (
            <li key={meetingId}>
              <a href={circlePath(props.url, meetingId)}>
                Circle of{' '}
                {meeting === undefined ? 'an earlier day' : formatDate(meeting.scheduledFor)}
              </a>
              : {names.join(', ')}
            </li>
          )
        })}
      </ul>
    </section>
  )
}
