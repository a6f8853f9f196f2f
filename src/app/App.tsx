import { useEffect } from 'react'
import { useProfile } from '../hooks/useDeviceData.ts'
import { Layout } from '../ui/common/Layout.tsx'
import { ScreenBoundary } from '../ui/common/ScreenBoundary.tsx'
import { Welcome } from '../ui/pods/Welcome.tsx'
import { PodList } from '../ui/pods/PodList.tsx'
import { PodOverview } from '../ui/pods/PodOverview.tsx'
import { DeviceSettings } from '../ui/settings/DeviceSettings.tsx'
import { JoinPod } from '../ui/pods/JoinPod.tsx'
import { podPath } from '../ui/common/paths.ts'
import { useRoute, type Route } from './route.ts'
import type { DeviceProfile } from '../adapters/device/deviceStore.ts'
import { RhythmScreen } from '../ui/rhythm/RhythmScreen.tsx'
import { KnowledgeScreen } from '../ui/knowledge/KnowledgeScreen.tsx'
import { VitalityScreen } from '../ui/vitality/VitalityScreen.tsx'
import { EcologyScreen } from '../ui/ecology/EcologyScreen.tsx'
import { NormsScreen } from '../ui/norms/NormsScreen.tsx'
import { RolesScreen } from '../ui/roles/RolesScreen.tsx'
import { PairingsScreen } from '../ui/pairings/PairingsScreen.tsx'
import { CircleScreen } from '../ui/circle/CircleScreen.tsx'
import { FormatsScreen } from '../ui/formats/FormatsScreen.tsx'

const TITLES = {
  pods: 'Your pods',
  pod: 'Pod',
  settings: 'This device',
  rhythm: 'Rhythm',
  knowledge: 'What we have learned',
  vitality: 'Vitality',
  ecology: 'Mentorship ecology',
  norms: 'Norms',
  roles: 'Roles',
  pairings: 'Peer mentoring',
  circle: 'Circle',
  formats: 'Circle formats',
  join: 'Join a pod',
  'not-found': 'Not found',
}

export function App() {
  const profile = useProfile()
  const route = useRoute()
  useEffect(() => {
    document.title = `${TITLES[route.screen]} · Tend`
  }, [route.screen])
  if (profile === undefined) return null
  if (route.screen === 'join') {
    return (
      <Layout title={TITLES.join}>
        <JoinPod
          link={route.link}
          profile={profile}
          onJoined={(url) => (location.hash = podPath(url))}
        />
      </Layout>
    )
  }
  if (profile === null) {
    return (
      <Layout title="Welcome">
        <Welcome />
      </Layout>
    )
  }
  return (
    <Layout title={TITLES[route.screen]}>
      <ScreenBoundary key={screenKey(route)} screen={TITLES[route.screen]}>
        <Screen route={route} profile={profile} />
      </ScreenBoundary>
    </Layout>
  )
}

/** One screen of one pod: a failure stays with it, and going to another starts afresh. */
function screenKey(route: Route): string {
  return 'podKey' in route ? `${route.screen}:${route.podKey}` : route.screen
}

function Screen(props: { route: Route; profile: DeviceProfile }) {
  const { route, profile } = props
  return (
    <>
      {route.screen === 'pods' && (
        <PodList profile={profile} onOpen={(url) => (location.hash = podPath(url))} />
      )}
      {route.screen === 'pod' && <PodOverview url={`automerge:${route.podKey}`} />}
      {route.screen === 'rhythm' && <RhythmScreen url={`automerge:${route.podKey}`} />}
      {route.screen === 'knowledge' && <KnowledgeScreen url={`automerge:${route.podKey}`} />}
      {route.screen === 'vitality' && <VitalityScreen url={`automerge:${route.podKey}`} />}
      {route.screen === 'ecology' && <EcologyScreen />}
      {route.screen === 'norms' && <NormsScreen url={`automerge:${route.podKey}`} />}
      {route.screen === 'roles' && <RolesScreen url={`automerge:${route.podKey}`} />}
      {route.screen === 'pairings' && <PairingsScreen url={`automerge:${route.podKey}`} />}
      {route.screen === 'circle' && (
        <CircleScreen url={`automerge:${route.podKey}`} meetingId={route.meetingId} />
      )}
      {route.screen === 'formats' && (
        <FormatsScreen url={`automerge:${route.podKey}`} formatId={route.formatId} />
      )}
      {route.screen === 'settings' && <DeviceSettings profile={profile} />}
      {route.screen === 'not-found' && (
        <section className="card">
          <h1>Nothing here</h1>
          <p>
            This address does not lead to a screen of Tend. <a href="#/">Go to your pods</a>.
          </p>
        </section>
      )}
    </>
  )
}
