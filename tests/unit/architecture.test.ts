import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'

// design.md's layers: ui → hooks → adapters → domain → schema (each imports only to its right),
// with app above all and signal (Node) beside them. ESLint enforces purity too; this test keeps
// the layer order itself from rotting.
const ROOT = new URL('../../src/', import.meta.url).pathname
const ORDER = ['app', 'ui', 'hooks', 'adapters', 'domain', 'schema'] as const

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? filesUnder(path) : /\.(ts|tsx)$/.test(name) ? [path] : []
  })
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  )
}

function layerOf(path: string): string {
  return relative(ROOT, path).split('/')[0] ?? ''
}

describe('architecture', () => {
  const files = filesUnder(ROOT)

  it('keeps every layer importing only the layers to its right', () => {
    const violations: string[] = []
    for (const file of files) {
      const from = layerOf(file)
      const fromRank = ORDER.indexOf(from as (typeof ORDER)[number])
      if (fromRank < 0) continue
      for (const spec of importsOf(file)) {
        if (!spec.startsWith('.')) continue
        const target = layerOf(join(file, '..', spec))
        const toRank = ORDER.indexOf(target as (typeof ORDER)[number])
        if (target === 'signal' || (toRank >= 0 && toRank < fromRank)) {
          violations.push(`${relative(ROOT, file)} imports ${spec}`)
        }
      }
    }
    expect(violations).toEqual([])
  })

  it('keeps schema and domain free of React, Automerge, storage and the network', () => {
    const banned = /^(react|react-dom|@automerge\/|idb|@trystero-p2p\/|qrcode|mqtt)/
    const violations = files
      .filter((f) => ['schema', 'domain'].includes(layerOf(f)))
      .flatMap((f) =>
        importsOf(f)
          .filter((s) => banned.test(s))
          .map((s) => `${relative(ROOT, f)}: ${s}`),
      )
    expect(violations).toEqual([])
  })

  it('keeps the clock and randomness out of schema and domain', () => {
    const violations = files
      .filter((f) => ['schema', 'domain'].includes(layerOf(f)))
      .filter((f) => /Date\.now\(|Math\.random\(|new Date\(\)/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f))
    expect(violations).toEqual([])
  })

  it('lets only src/app pick concrete adapters', () => {
    const concrete = /automerge\/indexedDbStorage|automerge-repo-network-broadcastchannel/
    const violations = files
      .filter((f) => layerOf(f) !== 'app' && importsOf(f).some((s) => concrete.test(s)))
      .map((f) => relative(ROOT, f))
    expect(violations).toEqual([])
  })
})
