import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterEach, describe, expect, it } from 'vitest'
import { chooseEncoding, precompressDir } from '../../../src/signal/contentEncoding.ts'

describe('chooseEncoding', () => {
  const both = ['br', 'gzip'] as const

  it('prefers brotli, then gzip, when the browser accepts both', () => {
    expect(chooseEncoding('gzip, deflate, br, zstd', both)).toBe('br')
    expect(chooseEncoding('gzip, deflate', both)).toBe('gzip')
    expect(chooseEncoding('gzip, br', ['gzip'])).toBe('gzip')
  })

  it('sends the file as it is without a header, or when no copy exists', () => {
    expect(chooseEncoding(undefined, both)).toBe('identity')
    expect(chooseEncoding('', both)).toBe('identity')
    expect(chooseEncoding('br, gzip', [])).toBe('identity')
    expect(chooseEncoding('deflate', both)).toBe('identity')
  })

  it('follows q-values: a higher weight wins, q=0 refuses', () => {
    expect(chooseEncoding('br;q=0.5, gzip;q=0.8', both)).toBe('gzip')
    expect(chooseEncoding('br;q=0, gzip', both)).toBe('gzip')
    expect(chooseEncoding('br;q=0, gzip;q=0', both)).toBe('identity')
    expect(chooseEncoding('BR;Q=1, GZIP;q=1', both)).toBe('br')
    expect(chooseEncoding('identity, br;q=0.5', both)).toBe('identity')
  })

  it('reads * as every coding not named', () => {
    expect(chooseEncoding('*', both)).toBe('br')
    expect(chooseEncoding('br;q=0, *', both)).toBe('gzip')
    expect(chooseEncoding('x-gzip', both)).toBe('gzip')
  })
})

describe('precompressDir', () => {
  let dir = ''
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  it('writes brotli and gzip copies of text and wasm, and leaves images and small files alone', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tend-precompress-'))
    mkdirSync(join(dir, 'assets'))
    const js = Buffer.from('export const line = "a circle of peers";\n'.repeat(200))
    const wasm = Buffer.alloc(4096, 7)
    writeFileSync(join(dir, 'assets', 'app.js'), js)
    writeFileSync(join(dir, 'assets', 'automerge.wasm'), wasm)
    writeFileSync(join(dir, 'icon.png'), Buffer.alloc(4096, 1))
    writeFileSync(join(dir, 'tiny.js'), 'export {}')
    const cache = join(dir, '.cache')
    await precompressDir(dir, cache)
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'app.js.br')))).toEqual(js)
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'app.js.gz')))).toEqual(js)
    expect(brotliDecompressSync(readFileSync(join(dir, 'assets', 'automerge.wasm.br')))).toEqual(
      wasm,
    )
    expect(existsSync(join(dir, 'icon.png.br'))).toBe(false)
    expect(existsSync(join(dir, 'tiny.js.br'))).toBe(false)
    // A second build reuses the cached copies and compresses no copy of a copy.
    await precompressDir(dir, cache)
    expect(existsSync(join(dir, 'assets', 'app.js.br.br'))).toBe(false)
    expect(gunzipSync(readFileSync(join(dir, 'assets', 'app.js.gz')))).toEqual(js)
  })
})
