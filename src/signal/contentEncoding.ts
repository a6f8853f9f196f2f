/**
 * Compressed assets for Tend's host. The build writes a brotli (`.br`) and a gzip (`.gz`) copy
 * beside each compressible file of the app (`precompressDir`, called from vite.config.ts), and
 * the host sends the copy the browser's `Accept-Encoding` prefers (`chooseEncoding`). A phone's
 * first visit then downloads about a third of the bytes — Automerge's 3.6 MB wasm goes out as
 * about 0.8 MB — and the host spends no CPU compressing per request.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'

/** A coding the host can send a file in; `identity` is the file itself. */
export type ContentCoding = 'br' | 'gzip' | 'identity'

/** The file name suffix of each precompressed copy. */
export const CODING_SUFFIX = { br: '.br', gzip: '.gz' } as const

/** The codings the host prefers, best first, when the browser accepts several equally. */
const PREFERENCE: readonly ContentCoding[] = ['br', 'gzip', 'identity']

/** Files worth compressing: text and wasm. Images are compressed already; maps are for tools. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.wasm', '.svg', '.json', '.webmanifest'])

/** Below this size a compressed copy saves less than a request's headers. */
const MIN_BYTES = 1024

/**
 * The coding to send, given the request's `Accept-Encoding` and the precompressed copies that
 * exist. Follows RFC 9110 §12.5.3: q-values, `*` for codings not named, `q=0` refuses; with no
 * header, identity. When the browser refuses every coding the host has, identity is sent anyway
 * (the file is still better than a 406 for an app shell).
 */
export function chooseEncoding(
  acceptEncoding: string | undefined,
  available: readonly Exclude<ContentCoding, 'identity'>[],
): ContentCoding {
  if (acceptEncoding === undefined || acceptEncoding.trim() === '') return 'identity'
  const weights = new Map<string, number>()
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    if (name === undefined || name === '') continue
    let q = 1
    for (const param of params) {
      const match = /^q=([0-9.]+)$/.exec(param)
      if (match?.[1] !== undefined) q = Number(match[1])
    }
    weights.set(name === 'x-gzip' ? 'gzip' : name, Number.isFinite(q) ? q : 0)
  }
  const star = weights.get('*') ?? 0
  let best: ContentCoding = 'identity'
  let bestWeight = 0
  for (const coding of available) {
    const weight = weights.get(coding) ?? star
    if (weight > bestWeight || (weight === bestWeight && weight > 0 && rank(coding) < rank(best))) {
      best = coding
      bestWeight = weight
    }
  }
  // Identity is always acceptable, and wins only when the browser names it above the rest.
  return (weights.get('identity') ?? 0) > bestWeight ? 'identity' : best
}

const rank = (coding: ContentCoding): number => PREFERENCE.indexOf(coding)

/** Whether the build should keep compressed copies of this file. */
export function isCompressible(path: string, bytes: number): boolean {
  return bytes >= MIN_BYTES && COMPRESSIBLE.has(extname(path))
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true })
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name))
}

/**
 * Writes `NAME.br` (brotli, best quality) and `NAME.gz` (gzip level 9) beside every
 * compressible file under `dir`. Brotli's best quality takes seconds for the wasm, so results
 * are kept in `cacheDir` by the content's SHA-256: a rebuild with an unchanged wasm costs
 * nothing. Returns the files it compressed.
 */
export async function precompressDir(dir: string, cacheDir: string | null): Promise<string[]> {
  const br = promisify(brotliCompress)
  const gz = promisify(gzip)
  if (cacheDir !== null) await mkdir(cacheDir, { recursive: true })
  const files = (await filesUnder(dir)).filter((f) => !f.endsWith('.br') && !f.endsWith('.gz'))
  const done: string[] = []
  await Promise.all(
    files.map(async (file) => {
      const body = await readFile(file)
      if (!isCompressible(file, body.length)) return
      const hash = createHash('sha256').update(body).digest('hex')
      const make = async (suffix: string, compress: () => Promise<Buffer>) => {
        const cached = cacheDir === null ? null : join(cacheDir, `${hash}${suffix}`)
        const hit = cached === null ? null : await readFile(cached).catch(() => null)
        const out = hit ?? (await compress())
        if (cached !== null && hit === null) await writeFile(cached, out)
        await writeFile(`${file}${suffix}`, out)
      }
      await make(CODING_SUFFIX.br, () =>
        br(body, {
          params: {
            [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
            [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
          },
        }),
      )
      await make(CODING_SUFFIX.gzip, () => gz(body, { level: 9 }))
      done.push(file)
    }),
  )
  return done
}
