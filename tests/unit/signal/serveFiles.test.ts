import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { precompressDir } from '../../../src/signal/contentEncoding.ts'
import { startHost, type RunningHost } from '../../../src/signal/server.ts'

// The host as a browser meets it: a built app folder with the build's compressed copies, and
// raw HTTP requests (Node's fetch would decompress before the test could see the bytes).

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

function get(url: string, headers: Record<string, string>, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      )
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the host serving the app', () => {
  let dir = ''
  let host: RunningHost
  const script = Buffer.from('export const pod = "Tuesday circle";\n'.repeat(400))
  const wasm = Buffer.concat([Buffer.from([0, 0x61, 0x73, 0x6d]), Buffer.alloc(20_000, 3)])
  const shell = Buffer.from(`<!doctype html><title>Tend</title>${' '.repeat(2000)}`)

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tend-serve-'))
    mkdirSync(join(dir, 'assets'))
    writeFileSync(join(dir, 'assets', 'index-abc.js'), script)
    writeFileSync(join(dir, 'assets', 'automerge-abc.wasm'), wasm)
    writeFileSync(join(dir, 'index.html'), shell)
    writeFileSync(join(dir, 'icon.png'), Buffer.alloc(3000, 9))
    await precompressDir(dir, null)
    host = await startHost({ port: 0, host: '127.0.0.1', staticDir: dir })
  })
  afterAll(async () => {
    await host.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('sends brotli to a browser that accepts it, with the type, length and Vary', async () => {
    const res = await get(`${host.url}/assets/index-abc.js`, {
      'accept-encoding': 'gzip, deflate, br, zstd',
    })
    expect(res.status).toBe(200)
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(res.headers['vary']).toBe('Accept-Encoding')
    expect(Number(res.headers['content-length'])).toBe(res.body.length)
    expect(res.body.length).toBeLessThan(script.length / 10)
    expect(brotliDecompressSync(res.body)).toEqual(script)
  })

  it('sends the wasm compressed too, still typed as wasm', async () => {
    const res = await get(`${host.url}/assets/automerge-abc.wasm`, { 'accept-encoding': 'br' })
    expect(res.headers['content-encoding']).toBe('br')
    expect(res.headers['content-type']).toBe('application/wasm')
    expect(brotliDecompressSync(res.body)).toEqual(wasm)
  })

  it('sends gzip to a browser without brotli', async () => {
    const res = await get(`${host.url}/assets/index-abc.js`, { 'accept-encoding': 'gzip' })
    expect(res.headers['content-encoding']).toBe('gzip')
    expect(Number(res.headers['content-length'])).toBe(res.body.length)
    expect(gunzipSync(res.body)).toEqual(script)
  })

  it('sends the file as it is to a browser that accepts neither', async () => {
    for (const accept of [{}, { 'accept-encoding': 'identity' }, { 'accept-encoding': 'br;q=0' }]) {
      const res = await get(`${host.url}/assets/index-abc.js`, accept)
      expect(res.headers['content-encoding']).toBeUndefined()
      expect(res.headers['vary']).toBe('Accept-Encoding')
      expect(Number(res.headers['content-length'])).toBe(script.length)
      expect(res.body).toEqual(script)
    }
  })

  it('serves the app shell compressed for any path, and images as they are', async () => {
    const page = await get(`${host.url}/some/where`, { 'accept-encoding': 'br, gzip' })
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-encoding']).toBe('br')
    expect(brotliDecompressSync(page.body)).toEqual(shell)
    const icon = await get(`${host.url}/icon.png`, { 'accept-encoding': 'br, gzip' })
    expect(icon.headers['content-encoding']).toBeUndefined()
    expect(icon.headers['content-type']).toBe('image/png')
  })

  // Regression: a file replaced after the build (a new sw.js) was still sent as its old copy.
  it('sends a file replaced after the build as it is, not its stale compressed copy', async () => {
    const fresh = Buffer.from('// next version\n'.repeat(300))
    writeFileSync(join(dir, 'sw.js'), Buffer.from('// first version\n'.repeat(300)))
    await precompressDir(dir, null)
    const later = new Date(Date.now() + 5000)
    writeFileSync(join(dir, 'sw.js'), fresh)
    utimesSync(join(dir, 'sw.js'), later, later)
    const res = await get(`${host.url}/sw.js`, { 'accept-encoding': 'br, gzip' })
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(res.body).toEqual(fresh)
  })

  it('answers HEAD with the headers of the compressed copy and no body', async () => {
    const res = await get(`${host.url}/assets/index-abc.js`, { 'accept-encoding': 'br' }, 'HEAD')
    expect(res.headers['content-encoding']).toBe('br')
    expect(Number(res.headers['content-length'])).toBeGreaterThan(0)
    expect(res.body.length).toBe(0)
  })
})
