import { useState, type FormEvent } from 'react'
import type { DeviceProfile } from '../../adapters/device/deviceStore.ts'
import type { JourneyStage } from '../../schema/podDocument.ts'
import { useServices } from '../../hooks/services.ts'
import { usePersistence } from '../../hooks/useAppStatus.ts'
import { StageSelect } from '../common/StageSelect.tsx'
import { usePodList } from '../../hooks/useDeviceData.ts'
import { usePodStorage } from '../../hooks/usePodFiles.ts'
import { podPath } from '../common/paths.ts'

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
      <PodStorage />
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

/** "1.2 MB", "24 KB", "512 bytes". */
function formatBytes(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)} MB`
  if (n >= 1_000) return `${Math.round(n / 1_000)} KB`
  return `${n} bytes`
}

/** The pods on this device and what each takes in storage (the pod and its circles' notes). */
function PodStorage() {
  const pods = usePodList()
  const sizes = usePodStorage(pods?.map((p) => p.url) ?? [])
  if (pods === null || pods.length === 0) return null
  return (
    <section className="card" aria-labelledby="pod-storage-heading">
      <h2 id="pod-storage-heading">Pods on this device</h2>
      <ul className="plain" data-testid="pod-storage">
        {pods.map((p) => {
          const size = sizes?.get(p.url)
          return (
            <li key={p.url}>
              <a href={podPath(p.url)}>{p.name}</a>:{' '}
              {sizes === null
                ? 'measuring…'
                : size == null
                  ? 'not on this device yet'
                  : `${formatBytes(size.pod + size.notes)} (the pod, and ${size.notesDocuments === 1 ? 'one circle’s' : `${size.notesDocuments} circles’`} notes)`}
            </li>
          )
        })}
      </ul>
      <p className="muted">To remove a pod from this device, open it: the last section does it.</p>
    </section>
  )
}
