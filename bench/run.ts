/**
 * `npm run bench`: every benchmark of tagwarden in one table, never part of `npm test`.
 *
 *   npx tsx bench/run.ts [startup] [offline] [live] [cur] [terraform] [hostile] [--large] [--encoded] [--no-build] [--tmp DIR]
 *
 * - startup: `tagwarden --help` from the built CLI;
 * - offline: synthetic organizations of 10k and 100k principals (1M with --large), in each profile (the
 *   default mix and finding-heavy; `--profile` picks one), `scan --input` with its JSON report and the
 *   floor (read + JSON.parse of the input, JSON.stringify + write of a report of the scan's size), each
 *   in its own process (peak RSS is the scan's own);
 * - live: 200 accounts against the local fake AWS with latency and throttling, tagwarden's fan-out and a
 *   naive per-principal collector;
 * - cur: the CUR 2.0 reader (bench/cur.ts, a `Benchmark` module); 1M rows, and 10M with --large;
 * - terraform: a generated 1,000-file Terraform monorepo scanned from its sources (bench/terraform.ts);
 * - hostile: the alias-bomb refusal and the ReDoS pattern on the linear-time engine (bench/hostile.ts), seconds.
 *
 * With no names, all of them; name one or more to run only those (`npm run bench -- hostile`). The table is printed as Markdown and the run is appended as one JSON line
 * to bench/results/results.jsonl. Generated data goes to temporary folders removed at the end.
 */
import { spawnSync } from 'node:child_process'
import { appendFile, mkdir, mkdtemp, rm, statfs } from 'node:fs/promises'
import { cpus, freemem, loadavg, platform, release, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { liveBenchmark } from './live.js'
import { DEFAULT_SIZES, LARGE_SIZE, offlineBenchmark } from './offline.js'
import { startupBenchmark } from './startup.js'
import { terraformBenchmark } from './terraform.js'
import { hostileBenchmark } from './hostile.js'
import { SYNTHETIC_PROFILES, type SyntheticProfile } from './synthetic-org.js'
import { formatTable, fromBenchRow, targetChecks } from './table.js'
import type { BenchContext, Measurement } from './types.js'

/**
 * A benchmark module's contract (bench/cur.ts): a name, a one-line summary, and rows of named values.
 * `values.seconds`, `values['rows/s']` and `values['peak RSS MB']` fill the common columns of the table.
 */
export interface BenchRow {
  benchmark: string
  case: string
  values: Record<string, string | number>
}

export interface Benchmark {
  name: string
  summary: string
  run(log: (line: string) => void): Promise<BenchRow[]>
}

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const RESULTS = join(ROOT, 'bench', 'results', 'results.jsonl')
const ALL = ['startup', 'offline', 'live', 'cur', 'terraform', 'hostile'] as const

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    large: { type: 'boolean', default: false },
    encoded: { type: 'boolean', default: false },
    profile: { type: 'string', default: 'all' },
    'no-build': { type: 'boolean', default: false },
    tmp: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
})
if (values.help) {
  process.stdout.write(`usage: npm run bench -- [startup] [offline] [live] [cur] [terraform] [hostile] [--large] [--encoded] [--profile ${SYNTHETIC_PROFILES.join('|')}|all] [--no-build] [--tmp DIR]\n`)
  process.exit(0)
}
const only = new Set<string>(positionals.length > 0 ? positionals : ALL)
for (const o of only) if (!(ALL as readonly string[]).includes(o)) throw new Error(`unknown benchmark ${o} (${ALL.join(', ')})`)
const profiles: SyntheticProfile[] = values.profile === 'all' ? [...SYNTHETIC_PROFILES] : [values.profile as SyntheticProfile]
for (const p of profiles) if (!(SYNTHETIC_PROFILES as readonly string[]).includes(p)) throw new Error(`unknown profile ${p} (${SYNTHETIC_PROFILES.join(', ')}, all)`)

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`)

async function machine(): Promise<Record<string, unknown>> {
  const cpu = cpus()
  const disk = await statfs(tmpdir())
  return {
    cpu: `${cpu.length} × ${cpu[0]?.model ?? 'unknown'}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    freeMemoryGiB: Math.round((freemem() / 2 ** 30) * 10) / 10,
    os: `${platform()} ${release()}`,
    node: process.version,
    tmpFreeGB: Math.round((disk.bavail * disk.bsize) / 1e9),
    loadAverage: loadavg().map((n) => Math.round(n * 100) / 100),
  }
}

/** The children import dist/: build it first (type errors elsewhere in the tree still emit). */
function build(): void {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], { cwd: ROOT, encoding: 'utf8' })
  if (r.status !== 0) log(`build: tsc reported errors (the JavaScript was still written):\n${(r.stdout + r.stderr).trim().split('\n').slice(0, 10).join('\n')}`)
}

/** The CUR benchmark (bench/cur.ts, written with the spend feature): 1M rows by default, 10M with --large. */
async function curBenchmark(ctx: BenchContext): Promise<Measurement[]> {
  process.env.CUR_BENCH_ROWS ??= ctx.large ? '1000000,10000000' : '1000000'
  const { curBenchmark: cur } = await import('./cur.js')
  const rows = await cur.run((line) => ctx.log(`cur: ${line}`))
  return rows.map(fromBenchRow)
}

const started = new Date()
const before = await machine()
log(`${before.cpu as string}, ${before.memoryGiB as number} GiB, ${before.os as string}, node ${process.version}, load ${(before.loadAverage as number[]).join(' ')}`)
if (!values['no-build'] && (only.has('offline') || only.has('startup') || only.has('terraform'))) {
  log('building dist/ (tsc -p tsconfig.build.json)')
  build()
}
const tmpRoot = values.tmp ?? tmpdir()
await mkdir(tmpRoot, { recursive: true })
const tmpDir = await mkdtemp(join(tmpRoot, 'tagwarden-bench-'))
const ctx: BenchContext = { tmpDir, large: values.large, log }
const rows: Measurement[] = []
const failures: string[] = []
const step = async (name: string, fn: () => Promise<Measurement[]>): Promise<void> => {
  if (!only.has(name)) return
  try {
    rows.push(...(await fn()))
  } catch (e) {
    failures.push(`${name}: ${(e as Error).message}`)
    log(`${name} failed: ${(e as Error).stack ?? String(e)}`)
  }
}
try {
  await step('startup', () => startupBenchmark(ctx))
  for (const profile of profiles) await step('offline', () => offlineBenchmark(ctx, values.large ? [...DEFAULT_SIZES, LARGE_SIZE] : DEFAULT_SIZES, values.encoded, profile))
  await step('live', () => liveBenchmark(ctx))
  await step('cur', () => curBenchmark(ctx))
  await step('terraform', () => terraformBenchmark(ctx))
  await step('hostile', () => hostileBenchmark(ctx))
} finally {
  await rm(tmpDir, { recursive: true, force: true })
}

const after = await machine()
const checks = targetChecks(rows)
process.stdout.write(`\n${formatTable(rows)}\n`)
if (checks.length > 0) process.stdout.write(`\nTargets:\n${checks.map((c) => `- ${c}`).join('\n')}\n`)
process.stdout.write(
  `\nMachine: ${before.cpu as string}, ${before.memoryGiB as number} GiB RAM, ${before.os as string}, node ${process.version}; ` +
    `load average ${(before.loadAverage as number[]).join(' ')} before, ${(after.loadAverage as number[]).join(' ')} after.\n`,
)
await mkdir(join(ROOT, 'bench', 'results'), { recursive: true })
await appendFile(
  RESULTS,
  `${JSON.stringify({ startedAt: started.toISOString(), seconds: Math.round((Date.now() - started.getTime()) / 1000), args: process.argv.slice(2), machine: { ...before, loadAverageAfter: after.loadAverage }, rows, checks, failures })}\n`,
)
log(`appended to ${RESULTS}`)
if (failures.length > 0) {
  log(`failed: ${failures.join('; ')}`)
  process.exitCode = 1
}
