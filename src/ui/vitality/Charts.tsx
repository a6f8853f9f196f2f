import { useId } from 'react'

/**
 * Small inline-SVG charts, readable on a phone: a fixed viewBox that scales to the width, text
 * at a size that stays legible, and for every chart a `<title>`, a `<desc>` with the gist in
 * words and a visually-hidden table with every number, so a screen reader gets the same
 * evidence as the eye. Colours come from CSS classes (light and dark themes); each series is
 * also told apart by its legend text and its position, never by colour alone.
 */

const W = 340
const H = 200
const PAD = { left: 34, right: 8, top: 12, bottom: 28 }
const PLOT_W = W - PAD.left - PAD.right
const PLOT_H = H - PAD.top - PAD.bottom

export interface LinePoint {
  label: string
  /** 0–1. */
  value: number
  /** The table's words for this point ("9 of 11 places filled"). */
  detail: string
}

/** A line over time with horizontal reference lines (the pattern's thresholds). */
export function LineChart(props: {
  title: string
  description: string
  points: readonly LinePoint[]
  references: readonly { value: number; label: string }[]
  valueHeading: string
  testId?: string
}) {
  const id = useId()
  const n = props.points.length
  const x = (i: number) => PAD.left + (n <= 1 ? PLOT_W / 2 : (i / (n - 1)) * PLOT_W)
  const y = (v: number) => PAD.top + (1 - Math.max(0, Math.min(1, v))) * PLOT_H
  const path = props.points
    .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`)
    .join(' ')
  const first = props.points[0]
  const last = props.points[n - 1]
  return (
    <figure className="chart" data-testid={props.testId}>
      <h3 className="chart-title" aria-hidden="true">
        {props.title}
      </h3>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-title ${id}-desc`}
        preserveAspectRatio="xMidYMid meet"
      >
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.description}</desc>
        {[0, 0.5, 1].map((v) => (
          <g key={v}>
            <line className="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text className="chart-axis" x={PAD.left - 4} y={y(v) + 4} textAnchor="end">
              {Math.round(v * 100)}%
            </text>
          </g>
        ))}
        {props.references.map((r) => (
          <g key={r.value}>
            <line
              className="chart-reference"
              x1={PAD.left}
              x2={W - PAD.right}
              y1={y(r.value)}
              y2={y(r.value)}
            />
            <text className="chart-axis" x={W - PAD.right - 2} y={y(r.value) - 3} textAnchor="end">
              {r.label}
            </text>
          </g>
        ))}
        {n > 0 && <path className="chart-line" d={path} fill="none" />}
        {props.points.map((p, i) => (
          <circle key={i} className="chart-dot" cx={x(i)} cy={y(p.value)} r={2.5} />
        ))}
        <AxisEnds first={first?.label} last={n > 1 ? last?.label : undefined} />
      </svg>
      <table className="visually-hidden">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">{props.valueHeading}</th>
          </tr>
        </thead>
        <tbody>
          {props.points.map((p, i) => (
            <tr key={i}>
              <th scope="row">{p.label}</th>
              <td>
                {Math.round(p.value * 100)}% — {p.detail}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}

export interface StackSeries {
  key: string
  label: string
  /** A CSS class giving the fill (see styles.css, `.chart-series-*`). */
  className: string
}

export interface StackBar {
  label: string
  values: Record<string, number>
}

/** Stacked bars over time (counts), with a legend in words. */
export function StackedBarChart(props: {
  title: string
  description: string
  series: readonly StackSeries[]
  bars: readonly StackBar[]
  testId?: string
}) {
  const id = useId()
  const n = props.bars.length
  const max = Math.max(
    1,
    ...props.bars.map((b) => props.series.reduce((s, k) => s + (b.values[k.key] ?? 0), 0)),
  )
  const slot = n === 0 ? PLOT_W : PLOT_W / n
  const barW = Math.max(2, slot * 0.75)
  const y = (v: number) => PAD.top + (1 - v / max) * PLOT_H
  const first = props.bars[0]
  const last = props.bars[n - 1]
  return (
    <figure className="chart" data-testid={props.testId}>
      <h3 className="chart-title" aria-hidden="true">
        {props.title}
      </h3>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-title ${id}-desc`}>
        <title id={`${id}-title`}>{props.title}</title>
        <desc id={`${id}-desc`}>{props.description}</desc>
        {[0, max].map((v) => (
          <g key={v}>
            <line className="chart-grid" x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} />
            <text className="chart-axis" x={PAD.left - 4} y={y(v) + 4} textAnchor="end">
              {v}
            </text>
          </g>
        ))}
        {props.bars.map((bar, i) => {
          let base = 0
          return (
            <g key={i}>
              {props.series.map((s) => {
                const v = bar.values[s.key] ?? 0
                if (v === 0) return null
                const top = y(base + v)
                const rect = (
                  <rect
                    key={s.key}
                    className={s.className}
                    x={PAD.left + i * slot + (slot - barW) / 2}
                    y={top}
                    width={barW}
                    height={y(base) - top}
                  />
                )
                base += v
                return rect
              })}
            </g>
          )
        })}
        <AxisEnds first={first?.label} last={n > 1 ? last?.label : undefined} />
      </svg>
      <figcaption>
        <ul className="legend" aria-hidden="true">
          {props.series.map((s) => (
            <li key={s.key}>
              <svg width="14" height="14" viewBox="0 0 14 14">
                <rect className={s.className} width="14" height="14" />
              </svg>
              {s.label}
            </li>
          ))}
        </ul>
      </figcaption>
      <table className="visually-hidden">
        <caption>{props.title}</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            {props.series.map((s) => (
              <th key={s.key} scope="col">
                {s.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.bars.map((bar, i) => (
            <tr key={i}>
              <th scope="row">{bar.label}</th>
              {props.series.map((s) => (
                <td key={s.key}>{bar.values[s.key] ?? 0}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  )
}

/** The first and last labels under a chart's x axis. */
function AxisEnds(props: { first: string | undefined; last: string | undefined }) {
  return (
    <>
      {props.first !== undefined && (
        <text className="chart-axis" x={PAD.left} y={H - 8} textAnchor="start">
          {props.first}
        </text>
      )}
      {props.last !== undefined && (
        <text className="chart-axis" x={W - PAD.right} y={H - 8} textAnchor="end">
          {props.last}
        </text>
      )}
    </>
  )
}
