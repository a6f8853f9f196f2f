import { Suspense, lazy, useEffect } from 'react'
import { useProfile } from '../hooks/useDeviceData.ts'
import { Layout } from '../ui/common/Layout.tsx'
import { ScreenBoundary } from '../ui/common/ScreenBoundary.tsx'
import { Welcome } from '../ui/pods/Welcome.tsx'
import { PodList } from '../ui/pods/PodList.tsx'
import { podPath } from '../ui/common/paths.ts'
import { useRoute, type Route } from './route.ts'
import type { DeviceProfile } from '../adapters/device/deviceStore.ts'

/**
 * A screen loaded when first visited: its code (CodeMirror for the circle's notes, the charts
 * of vitality, search) is its own chunk, fetched then — or from the service worker's precache.
 */
const PodOverview = lazy(() =>
  import('../ui/pods/PodOverview.tsx').then((m) => ({ default: m.PodOverview })),
)
const DeviceSettings = lazy(() =>
  import('../ui/settings/DeviceSettings.tsx').then((m) => ({ default: m.DeviceSettings })),
)
const JoinPod = lazy(() => import('../ui/pods/JoinPod.tsx').then((m) => ({ default: m.JoinPod })))
const RhythmScreen = lazy(() =>
  import('../ui/rhythm/RhythmScreen.tsx').then((m) => ({ default: m.RhythmScreen })),
)
const KnowledgeScreen = lazy(() =>
  import('../ui/knowledge/KnowledgeScreen.tsx').then((m) => ({ default: m.KnowledgeScreen })),
)
const VitalityScreen = lazy(() =>
  import('../ui/vitality/VitalityScreen.tsx').then((m) => ({ default: m.VitalityScreen })),
)
const EcologyScreen = lazy(() =>
  import('../ui/ecology/EcologyScreen.tsx').then((m) => ({ default: m.EcologyScreen })),
)
const NormsScreen = lazy(() =>
  import('../ui/norms/NormsScreen.tsx').then((m) => ({ default: m.NormsScreen })),
)
const RolesScreen = lazy(() =>
  import('../ui/roles/RolesScreen.tsx').then((m) => ({ default: m.RolesScreen })),
)
const PairingsScreen = lazy(() =>
  import('../ui/pairings/PairingsScreen.tsx').then((m) => ({ default: m.PairingsScreen })),
)
const CircleScreen = lazy(() =>
  import('../ui/circle/CircleScreen.tsx').then((m) => ({ default: m.CircleScreen })),
)
const FormatsScreen = lazy(() =>
  import('../ui/formats/FormatsScreen.tsx').then((m) => ({ default: m.FormatsScreen })),
)

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
        <Suspense fallback={<Opening />}>
          <JoinPod
            link={route.link}
            profile={profile}
            onJoined={(url) => (location.hash = podPath(url))}
          />
        </Suspense>
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
        <Suspense fallback={<Opening />}>
          <Screen route={route} profile={profile} />
        </Suspense>
      </ScreenBoundary>
    </Layout>
  )
}

/** While a screen's code loads (a moment online; from the precache offline). */
function Opening() {
  return (
    <p className="muted" role="status">
      Opening…
    </p>
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
