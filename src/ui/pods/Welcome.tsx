import { useState, type FormEvent } from 'react'
import type { JourneyStage } from '../../schema/podDocument.ts'
import { useServices } from '../../hooks/services.ts'
import { StageSelect } from '../common/StageSelect.tsx'

/** First run: what Tend is, and the one thing it needs — a name to show to the pod. */
export function Welcome() {
  const { device } = useServices()
  const [name, setName] = useState('')
  const [stage, setStage] = useState<JourneyStage>('practising')
  const [error, setError] = useState<string | null>(null)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    const displayName = name.trim()
    if (displayName === '') return setError('Please give a name your pod will know you by.')
    void device.setProfile({ displayName, stage })
  }
  return (
    <section className="card welcome">
      <h1>Welcome to Tend</h1>
      <p>
        Tend keeps a mentoring pod's practice — its norms, rotating roles, peer mentoring, circle
        notes — on your members' own devices. No server holds your group's knowledge, and it all
        works offline.
      </p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="display-name">Your name, as your pod will see it</label>
        <input
          id="display-name"
          value={name}
          autoComplete="name"
          onChange={(e) => setName(e.target.value)}
          aria-invalid={error !== null}
          aria-describedby={error !== null ? 'display-name-error' : undefined}
        />
        {error !== null && (
          <p id="display-name-error" className="error" role="alert">
            {error}
          </p>
        )}
        <StageSelect name="welcome-stage" value={stage} onChange={setStage} />
        <button type="submit" className="primary">
          Start
        </button>
      </form>
    </section>
  )
}
