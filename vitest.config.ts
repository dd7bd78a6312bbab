import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Forks, not threads: the in-process CLI runs (test/cli/run-cli.ts) change the working directory.
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/smoke/**'] },
      },
      {
        // The only tests that spawn the CLI: one file, its tests one after another, generous limits so that
        // a busy machine makes them slow, never failing (each child process has 180 s).
        extends: true,
        test: { name: 'smoke', include: ['test/smoke/**/*.test.ts'], testTimeout: 240_000, hookTimeout: 600_000, sequence: { concurrent: false } },
      },
    ],
  },
})
