import { Component, type ErrorInfo, type ReactNode } from 'react'

interface ScreenBoundaryProps {
  /** The screen's name as a person knows it ("Rhythm", "Vitality"). */
  screen: string
  children: ReactNode
}

interface ScreenBoundaryState {
  error: Error | null
}

/**
 * Keeps one screen's failure on that screen. If anything inside throws while it renders (a pod
 * a peer wrote something unexpected into, a bug), the screen says in plain words what could not
 * be shown and offers to try again, while the header, navigation and every other screen keep
 * working. Give it a `key` that changes with the route, so moving to another screen starts fresh.
 */
export class ScreenBoundary extends Component<ScreenBoundaryProps, ScreenBoundaryState> {
  override state: ScreenBoundaryState = { error: null }

  static getDerivedStateFromError(error: unknown): ScreenBoundaryState {
    return { error: error instanceof Error ? error : new Error(String(error)) }
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error(`The ${this.props.screen} screen failed`, error, info.componentStack)
  }

  override render(): ReactNode {
    const { error } = this.state
    if (error === null) return this.props.children
    return (
      <section className="card" role="alert" data-testid="screen-failed">
        <h1>{this.props.screen} could not be shown</h1>
        <p>
          Something on this screen did not work, so Tend stopped showing it. Your pods and
          everything on this device are untouched, and the other screens still work.
        </p>
        <p className="muted">What failed: {error.message || 'an unknown error'}</p>
        <p>
          <button type="button" onClick={() => this.setState({ error: null })}>
            Try again
          </button>{' '}
          <a href="#/">Back to your pods</a>
        </p>
      </section>
    )
  }
}
