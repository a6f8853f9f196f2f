import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/unit/**/*.test.tsx'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.spec.ts'],
          environment: 'node',
          // What a screen shows arrives asynchronously (sync, the leader tab's status every
          // two seconds) on a shared, busy machine: polls wait up to 15 s, never a fixed sleep.
          expect: { poll: { timeout: 15_000, interval: 100 } },
          // Browser tests share two cores and one broker port range: one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        test: {
          // Members who lose the network for real, on one local network: run only inside
          // .ci/net-lan.sh (the test command does), where this process holds the network's switch.
          name: 'lan',
          include: ['tests/lan/**/*.spec.ts'],
          environment: 'node',
          expect: { poll: { timeout: 15_000, interval: 100 } },
          fileParallelism: false,
          testTimeout: 900_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          // Members in different homes behind NATs: run only inside .ci/net-homes.sh
          // (the test command does), where this process is the internet host.
          name: 'homes',
          include: ['tests/homes/**/*.spec.ts'],
          environment: 'node',
          expect: { poll: { timeout: 15_000, interval: 100 } },
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})
