import type { ReactNode } from 'react'
import { useAppUpdate, useOnline, useStorageProblem } from '../../hooks/useAppStatus.ts'

/** The frame of every screen: the header, the banners that keep the person informed, content. */
export function Layout(props: { children: ReactNode; title: string }) {
  const online = useOnline()
  const update = useAppUpdate()
  const storageProblem = useStorageProblem()
  return (
    <>
      <header className="app-header">
        <a className="brand" href="#/">
          Tend
        </a>
        <nav aria-label="Main">
          <a href="#/">Pods</a>
          <a href="#/ecology">Ecology</a>
          <a href="#/settings">This device</a>
        </nav>
      </header>
      {!online && (
        <p className="banner" role="status">
          You're offline. Everything you do is kept on this device and shared when you're back.
        </p>
      )}
      {storageProblem !== null && (
        <p className="banner banner-problem" role="alert" data-testid="storage-problem">
          {storageProblem.message}
        </p>
      )}
      {update.ready && (
        <div className="banner banner-update" role="status">
          <span>A new version of Tend is ready.</span>
          <button type="button" onClick={() => void update.apply()}>
            Reload to update
          </button>
        </div>
      )}
      <main id="main" aria-label={props.title}>
        {props.children}
      </main>
    </>
  )
}
