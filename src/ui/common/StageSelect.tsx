import type { JourneyStage } from '../../schema/podDocument.ts'
import { JOURNEY_STAGES } from '../../schema/podDocument.ts'
import { STAGE_LABELS } from './labels.ts'

/** Journey stage as three large radio buttons, with the pattern's meaning in the legend. */
export function StageSelect(props: {
  name: string
  value: JourneyStage
  onChange: (stage: JourneyStage) => void
  legend?: string
}) {
  return (
    <fieldset className="choice">
      <legend>{props.legend ?? 'Where are you in the journey?'}</legend>
      {JOURNEY_STAGES.map((stage) => (
        <label key={stage}>
          <input
            type="radio"
            name={props.name}
            value={stage}
            checked={props.value === stage}
            onChange={() => props.onChange(stage)}
          />
          {STAGE_LABELS[stage]}
        </label>
      ))}
    </fieldset>
  )
}
