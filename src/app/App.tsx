import { useEffect } from 'react'
import { useProfile } from '../hooks/useDeviceData.ts'
import { Layout } from '../ui/common/Layout.tsx'
import { Welcome } from '../ui/pods/Welcome.tsx'
import { PodList } from '../ui/pods/PodList.tsx'
import { PodOverview } from '../ui/pods/PodOverview.tsx'
import { DeviceSettings } from '../ui/settings/DeviceSettings.tsx'
import { JoinPod } from '../ui/pods/JoinPod.tsx'
import { podPath } from '../ui/common/paths.ts'
import { useRoute } from './route.ts'

const TITLES = {
  pods: 'Your pods',
  pod: 'Pod',
  settings: 'This device',
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
      {route.screen === 'pods' && (
        <PodList profile={profile} onOpen={(url) => (location.hash = podPath(url))} />
      )}
      {route.screen === 'pod' && <PodOverview url={`automerge:${route.podKey}`} />}
      {route.screen === 'settings' && <DeviceSettings profile={profile} />}
      {route.screen === 'not-found' && (
        <section className="card">
          <h1>Nothing here</h1>
          <p>
            This address does not lead to a screen of Tend. <a href="#/">Go to your pods</a>.
          </p>
        </section>
      )}
    </Layout>
  )
}
