/**
 * The bench's report: each figure beside its baseline from the same run, the ratio, the
 * target, and met / not met. Figures are never test assertions; they are printed and kept as
 * JSON (build/bench/figures.json) for the README.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

export interface Figure {
  /** What was measured, in the README's words. */
  readonly what: string
  /** The measured value, in `unit`. */
  readonly value: number
  readonly unit: string
  /** The baseline measured in the same run, when the target is a ratio. */
  readonly baseline?: { readonly what: string; readonly value: number }
  /** The target, in words ("≤ 2× the floor"). */
  readonly target: string
  /** Whether the target is met; null when it could not be judged in this run. */
  readonly met: boolean | null
}

/** A figure whose target is `value ÷ baseline ≤ limit`. */
export function ratioFigure(
  what: string,
  value: number,
  unit: string,
  baseline: { what: string; value: number },
  limit: number,
): Figure {
  const ratio = value / baseline.value
  return {
    what,
    value,
    unit,
    baseline,
    target: `≤ ${limit}× ${baseline.what}`,
    met: Number.isFinite(ratio) ? ratio <= limit : null,
  }
}

/** A figure whose target is an absolute bound (`value ≤ limit` or `value < limit`). */
export function boundFigure(
  what: string,
  value: number,
  unit: string,
  limit: number,
  strict = false,
): Figure {
  return {
    what,
    value,
    unit,
    target: `${strict ? '<' : '≤'} ${limit} ${unit}`,
    met: Number.isFinite(value) ? (strict ? value < limit : value <= limit) : null,
  }
}

const num = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 1))

/** The figures as a Markdown table: figure, value, baseline, ratio, target, met. */
export function targetTable(figures: readonly Figure[]): string[] {
  const rows = figures.map((f) => {
    const base = f.baseline ? `${num(f.baseline.value)} ${f.unit} (${f.baseline.what})` : '—'
    const ratio = f.baseline ? `${num(f.value / f.baseline.value)}×` : '—'
    const met = f.met === null ? 'not judged' : f.met ? 'met' : 'not met'
    return `| ${f.what} | ${num(f.value)} ${f.unit} | ${base} | ${ratio} | ${f.target} | ${met} |`
  })
  return [
    '| figure | value | baseline (same run) | ratio | target | met? |',
    '|---|---:|---:|---:|---|---|',
    ...rows,
  ]
}

/** Keeps the raw figures as JSON beside the printed tables. */
export function saveFigures(path: string, figures: readonly Figure[]): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, JSON.stringify({ figures }, null, 2) + '\n')
}
