import { useEffect, useState } from 'react'

/** The screens, addressed by the URL fragment (works offline and from an installed app). */
export type Route =
  | { screen: 'pods' }
  | { screen: 'pod'; podKey: string }
  | { screen: 'settings' }
  | { screen: 'rhythm' | 'knowledge' | 'vitality'; podKey: string }
  | { screen: 'ecology' }
  | { screen: 'norms' | 'roles' | 'pairings'; podKey: string }
  | { screen: 'circle'; podKey: string; meetingId: string }
  /** A pod's circle formats; with `formatId`, one of its own formats open to edit. */
  | { screen: 'formats'; podKey: string; formatId: string | null }
  | { screen: 'join'; link: string }
  | { screen: 'not-found'; hash: string }

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '')
  if (path === '' || path === '/') return { screen: 'pods' }
  if (path === '/settings') return { screen: 'settings' }
  if (path === '/ecology') return { screen: 'ecology' }
  const insight = /^\/pod\/([A-Za-z0-9]+)\/(rhythm|knowledge|vitality)$/.exec(path)
  if (insight?.[1] !== undefined && insight[2] !== undefined) {
    return { screen: insight[2] as 'rhythm' | 'knowledge' | 'vitality', podKey: insight[1] }
  }
  const practice = /^\/pod\/([A-Za-z0-9]+)\/(norms|roles|pairings)$/.exec(path)
  if (practice?.[1] !== undefined && practice[2] !== undefined) {
    return { screen: practice[2] as 'norms' | 'roles' | 'pairings', podKey: practice[1] }
  }
  const formats = /^\/pod\/([A-Za-z0-9]+)\/formats(?:\/([A-Za-z0-9_-]+))?$/.exec(path)
  if (formats?.[1] !== undefined) {
    return { screen: 'formats', podKey: formats[1], formatId: formats[2] ?? null }
  }
  const circle = /^\/pod\/([A-Za-z0-9]+)\/circle\/([A-Za-z0-9_-]+)$/.exec(path)
  if (circle?.[1] !== undefined && circle[2] !== undefined) {
    return { screen: 'circle', podKey: circle[1], meetingId: circle[2] }
  }
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
