import { resolve } from 'node:path'
import { defineConfig, type Plugin } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { precompressDir } from './src/signal/contentEncoding.ts'

// Automerge's wasm is about 3.6 MB, above Workbox's 2 MiB default precache limit: raise the
// limit and precache *.wasm so Tend starts with the network cut.
const PRECACHE_LIMIT_BYTES = 8 * 1024 * 1024

/**
 * Writes brotli and gzip copies of the built files for the host to send (contentEncoding.ts).
 * Runs after vite-plugin-pwa has written the service worker, so sw.js is compressed too.
 */
function precompress(): Plugin {
  let outDir = 'dist'
  return {
    name: 'tend:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle: {
      order: 'post',
      sequential: true,
      async handler() {
        await precompressDir(outDir, resolve('node_modules/.cache/tend-precompress'))
      },
    },
  }
}

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: ['icons/apple-touch-icon.png'],
      manifest: {
        name: 'Tend — mentoring pods',
        short_name: 'Tend',
        description:
          'Keep a peer-mentoring pod’s practice: norms, rotating roles, peer mentoring, circle notes. Works offline; syncs between members’ devices.',
        start_url: './',
        scope: './',
        display: 'standalone',
        background_color: '#f7f3ec',
        theme_color: '#1f4d3a',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'icons/icon-512.png', sizes: '512x512', type: 'image/png' },
          {
            src: 'icons/maskable-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'maskable',
          },
        ],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,png,svg,webmanifest}'],
        maximumFileSizeToCacheInBytes: PRECACHE_LIMIT_BYTES,
        // The README's screenshot is served but not worth a phone's storage.
        globIgnores: ['screenshots/**'],
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
      },
    }),
    precompress(),
  ],
  resolve: {
    // @automerge/automerge-codemirror imports the full Automerge entry, whose browser build
    // loads its own wasm; point it at the slim entry that main.tsx initialises, so one wasm.
    alias: [{ find: /^@automerge\/automerge$/, replacement: '@automerge/automerge/slim' }],
  },
  build: {
    target: 'es2022',
    sourcemap: true,
    // `npm run bench` adds a page that times a bare Automerge.load and the repo's find beside the
    // app, and the floor page for opening a pod (tests/bench/floor.ts).
    ...(process.env['TEND_BENCH'] === '1'
      ? {
          rollupOptions: {
            input: {
              main: 'index.html',
              bench: 'tests/bench/load.html',
              floor: 'tests/bench/floor.html',
            },
          },
        }
      : {}),
  },
})
