import { useState, type FormEvent } from 'react'
import type { DeviceProfile } from '../../adapters/device/deviceStore.ts'
import type { JourneyStage } from '../../schema/podDocument.ts'
import { useServices } from '../../hooks/services.ts'
import { usePersistence } from '../../hooks/useAppStatus.ts'
import { StageSelect } from '../common/StageSelect.tsx'

const PERSISTENCE_TEXT = {
  persistent: 'Kept: the browser will not clear Tend’s data to make room.',
  'best-effort':
    'Not guaranteed yet: the browser may clear Tend’s data if the device runs short of space. Installing Tend usually changes this.',
  unsupported: 'This browser cannot promise to keep Tend’s data.',
} as const

/** This device: the name shown to pods, whether storage is kept, offline readiness. */
export function DeviceSettings(props: { profile: DeviceProfile }) {
  const services = useServices()
  const [asked, setAsked] = useState(0)
  const persistence = usePersistence(asked)
  const [name, setName] = useState(props.profile.displayName)
  const [stage, setStage] = useState<JourneyStage>(props.profile.stage)
  const [saved, setSaved] = useState(false)
  const save = (event: FormEvent) => {
    event.preventDefault()
    if (name.trim() === '') return
    void services.device.setProfile({ displayName: name.trim(), stage }).then(() => setSaved(true))
  }
  return (
    <>
      <h1>This device</h1>
      <section className="card" aria-labelledby="storage-heading">
        <h2 id="storage-heading">Storage</h2>
        <p data-testid="persistence">
          {persistence === null ? 'Checking…' : PERSISTENCE_TEXT[persistence]}
        </p>
        {persistence === 'best-effort' && (
          <button
            type="button"
            onClick={() => void services.persistence.request().then(() => setAsked((n) => n + 1))}
          >
            Ask the browser to keep Tend’s data
          </button>
        )}
        <p>
          {services.updates.isOfflineReady()
            ? 'Tend is ready to start without a network.'
            : 'Tend will work offline after this first visit finishes loading.'}
        </p>
      </section>
      <section className="card" aria-labelledby="profile-heading">
        <h2 id="profile-heading">Your name</h2>
        <form onSubmit={save} noValidate>
          <label htmlFor="settings-name">Name for new pods and invites</label>
          <input id="settings-name" value={name} onChange={(e) => setName(e.target.value)} />
          <StageSelect name="settings-stage" value={stage} onChange={setStage} />
          <button type="submit" className="primary">
            Save
          </button>
          {saved && <p role="status">Saved.</p>}
        </form>
      </section>
    </>
  )
}
