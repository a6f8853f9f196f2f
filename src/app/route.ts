import { useEffect, useState } from 'react'

/** The screens, addressed by the URL fragment (works offline and from an installed app). */
export type Route =
  | { screen: 'pods' }
  | { screen: 'pod'; podKey: string }
  | { screen: 'settings' }
  | { screen: 'join'; link: string }
  | { screen: 'not-found'; hash: string }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '')
  if (path === '' || path === '/') return { screen: 'pods' }
  if (path === '/settings') return { screen: 'settings' }
  if (path.startsWith('/join/')) return { screen: 'join', link: `#${path}` }
  const pod = /^\/pod\/([A-Za-z0-9]+)$/.exec(path)
  if (pod?.[1] !== undefined) return { screen: 'pod', podKey: pod[1] }
  return { screen: 'not-found', hash: path }
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash))
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash))
    window.addEventListener('hashchange', onChange)
    return () => window.removeEventListener('hashchange', onChange)
  }, [])
  return route
}
