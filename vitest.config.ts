import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Forks, not threads: the in-process CLI runs (test/cli/run-cli.ts) change the working directory.
    pool: 'forks',
    projects: [
      {
        // isolate: false reuses each worker's loaded modules from one test file to the next: importing the
        // sources (the AWS SDK above all) once per worker instead of once per file cut the summed import time
        // from about 90 s to 12 s. Safe because no test mocks modules, and what a test changes in the process
        // (runCli's environment, cwd and output streams; spies) it restores.
        extends: true,
        test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: ['test/smoke/**'], isolate: false },
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
