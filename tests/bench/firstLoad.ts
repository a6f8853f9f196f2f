/**
 * What a first visit to the built app must download before its first screen: the scripts and
 * styles index.html names, and every chunk those import statically (not `import()`, which loads
 * when needed). Read from the build's files, so the figure needs no browser.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'

/** The `assets/…` files the first screen needs, in the order they are found. */
export function firstLoadFiles(dist: string): string[] {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  const named = [...html.matchAll(/(?:src|href)="\.?\/?(assets\/[^"]+\.(?:js|css))"/g)].map(
    (m) => m[1] ?? '',
  )
  const seen = new Set<string>()
  const queue = [...named]
  for (let guard = 0; queue.length > 0 && guard < 10_000; guard++) {
    const file = queue.shift() ?? ''
    if (seen.has(file)) continue
    seen.add(file)
    if (!file.endsWith('.js')) continue
    const code = readFileSync(join(dist, file), 'utf8')
    // Static imports only: `import{a}from"./x.js"` and `import"./x.js"`, never `import("./x.js")`.
    for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?from\s*)?["']\.\/([^"']+\.js)["']/g))
      queue.push(`assets/${m[1] ?? ''}`)
  }
  return [...seen]
}

/** Bytes of JavaScript (gzip level 9, as a host sends it without brotli) the first screen needs. */
export function firstLoadJsGzip(dist: string): { files: string[]; bytes: number } {
  const files = firstLoadFiles(dist).filter((f) => f.endsWith('.js'))
  const bytes = files.reduce(
    (sum, f) => sum + gzipSync(readFileSync(join(dist, f)), { level: 9 }).length,
    0,
  )
  return { files, bytes }
}

/** Every built JavaScript file, for comparing what the first screen leaves to later. */
export function allJs(dist: string): string[] {
  return readdirSync(join(dist, 'assets'))
    .filter((f) => f.endsWith('.js'))
    .map((f) => `assets/${f}`)
}
