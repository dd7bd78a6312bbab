/**
 * Start-up benchmark: `tagwarden --help` (and `scan --help`) from the built CLI, with hyperfine when it is
 * installed, else ten runs timed here. Reports the median; the minimum is in the details.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BenchContext, Measurement } from './types.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BIN = join(ROOT, 'bin', 'run.js')
const RUNS = 10

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2
}

function hasHyperfine(): boolean {
  return spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0
}

function timeRuns(args: readonly string[], ctx: BenchContext): { times: number[]; tool: string; userSeconds?: number } {
  const command = `${process.execPath} ${BIN} ${args.join(' ')}`
  if (hasHyperfine()) {
    const out = join(ctx.tmpDir, 'hyperfine.json')
    const r = spawnSync('hyperfine', ['--warmup', '2', '--runs', String(RUNS), '--export-json', out, '--style', 'none', command], { stdio: 'ignore' })
    if (r.status === 0) {
      const result = (JSON.parse(readFileSync(out, 'utf8')) as { results: Array<{ times: number[]; user: number }> }).results[0]
      rmSync(out, { force: true })
      if (result) return { times: result.times, tool: 'hyperfine', userSeconds: result.user }
    }
  }
  const times: number[] = []
  for (let i = 0; i < RUNS + 2; i++) {
    const t = performance.now()
    spawnSync(process.execPath, [BIN, ...args], { stdio: 'ignore' })
    if (i >= 2) times.push((performance.now() - t) / 1000) // two warm-up runs, as with hyperfine
  }
  return { times, tool: `${RUNS} timed runs` }
}

export async function startupBenchmark(ctx: BenchContext): Promise<Measurement[]> {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    ctx.log('start-up: skipped, the CLI is not built (npm run build)')
    return []
  }
  const rows: Measurement[] = []
  for (const args of [['--help'], ['scan', '--help']]) {
    const { times, tool, userSeconds } = timeRuns(args, ctx)
    const med = median(times)
    ctx.log(`start-up tagwarden ${args.join(' ')}: median ${(med * 1000).toFixed(0)} ms (${tool})`)
    rows.push({
      benchmark: 'start-up',
      size: `tagwarden ${args.join(' ')}`,
      wallSeconds: med,
      ...(userSeconds !== undefined ? { cpuSeconds: userSeconds } : {}),
      notes: `median of ${times.length} (${tool}); fastest ${(Math.min(...times) * 1000).toFixed(0)} ms`,
      details: { times, tool },
    })
  }
  return rows
}
