import { useEffect, useState, type FormEvent } from 'react'
import type { Invite } from '../../adapters/network/invite.ts'
import type { DeviceProfile } from '../../adapters/device/deviceStore.ts'
import type { JourneyStage } from '../../schema/podDocument.ts'
import { useAcceptInvite, useReadInvite } from '../../hooks/useMesh.ts'
import { StageSelect } from '../common/StageSelect.tsx'
import { messageOf } from '../common/labels.ts'

/** Opening an invite link: who invited you to what, your name and stage, then join. */
export function JoinPod(props: {
  link: string
  profile: DeviceProfile | null
  onJoined: (url: string) => void
}) {
  const readInvite = useReadInvite()
  const accept = useAcceptInvite()
  const [invite, setInvite] = useState<Invite | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [name, setName] = useState(props.profile?.displayName ?? '')
  const [stage, setStage] = useState<JourneyStage>(props.profile?.stage ?? 'newer')
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    readInvite(props.link).then(
      (i) => live && setInvite(i),
      (e: unknown) => live && setProblem(messageOf(e)),
    )
    return () => {
      live = false
    }
  }, [readInvite, props.link])

  if (problem !== null) {
    return (
      <section className="card">
        <h1>This invite can’t be used</h1>
        <p role="alert">{problem}</p>
        <p>
          <a href="#/">Go to your pods</a>
        </p>
      </section>
    )
  }
  if (invite === null) return <p>Reading the invite…</p>
  if (invite.forMember !== null) {
    const member = invite.forMember
    const link = async () => {
      try {
        props.onJoined(await accept(invite, member, stage))
      } catch (e) {
        setError(messageOf(e))
      }
    }
    return (
      <section className="card" aria-labelledby="join-heading">
        <h1 id="join-heading">
          Link this device to {member} in {invite.podName}
        </h1>
        <p>
          {member} made this link on another of their devices. This device joins the pod as {member}{' '}
          — not as a new member — once one of the pod’s devices is reachable.
        </p>
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="button" className="primary" onClick={() => void link()}>
          Link this device
        </button>
      </section>
    )
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (name.trim() === '') return setError('Please give the name your pod will know you by.')
    try {
      props.onJoined(await accept(invite, name.trim(), stage))
    } catch (e) {
      setError(messageOf(e))
    }
  }
  return (
    <section className="card" aria-labelledby="join-heading">
      <h1 id="join-heading">Join {invite.podName}</h1>
      <p>
        {invite.invitedBy} invited you. The pod arrives from a member’s device as soon as one is
        reachable, and stays on this device from then on.
      </p>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <label htmlFor="join-name">Your name, as your pod will see it</label>
        <input
          id="join-name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          autoComplete="name"
        />
        <StageSelect name="join-stage" value={stage} onChange={setStage} />
        {error !== null && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary">
          Join the pod
        </button>
      </form>
    </section>
  )
}
