/**
 * The CUR 2.0 reader at 1M and 10M rows: generated Parquet (Snappy, 100k-row groups, 1M-row files, MAP
 * columns) and CSV.gz, each read in a fresh process (`--cur DIR`) for wall time and peak RSS; Parquet
 * twice, through DuckDB (the default where its native module loads) and through hyparquet. The files
 * go to a temporary folder (free disk is checked first) and are removed afterwards.
 *
 *   npx tsx bench/run.ts cur            # both sizes, Parquet and CSV.gz
 *   CUR_BENCH_ROWS=1000000 npx tsx bench/run.ts cur
 *   CUR_BENCH_CACHE=/tmp/tagwarden-cur-cache npx tsx bench/run.ts cur   # generate once, keep the files
 *
 * With `CUR_BENCH_CACHE`, each generated export is kept in that folder (`parquet-10000000/` …) and read
 * again by later runs instead of being generated anew (10M rows take minutes to write); a `.complete`
 * file marks an export whose generation finished.
 */
import { spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createGzip } from 'node:zlib'
import { once } from 'node:events'
import { CUR_COLUMNS, csvValue, curParquetStream, type CurFixtureRow } from '../test/cur/fixtures.js'
import type { Benchmark, BenchRow } from './run.js'

const ROWS_PER_FILE = 1_000_000
const ROWS_PER_GROUP = 100_000
/** Generous upper bounds of the bytes per generated row, for the disk check. */
const BYTES_PER_ROW = { parquet: 60, csvgz: 80 }

/** A small deterministic generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ACCOUNTS = ['111111111111', '222222222222', '333333333333']
const TEAMS = ['search', 'ads', 'data-science', 'platform']

/** Row `i` of the synthetic CUR: 60 % Bedrock, 5 % Marketplace models, the rest other services; 500 callers per account. */
export function syntheticRow(i: number, r: () => number): CurFixtureRow {
  const account = ACCOUNTS[i % ACCOUNTS.length]!
  const who = Math.floor(r() * 500)
  const principal = who < 200 ? `arn:aws:iam::${account}:user/user-${who}` : `arn:aws:sts::${account}:assumed-role/role-${who}/session-${Math.floor(r() * 20)}`
  const kind = r()
  const day = 1 + (i % 28)
  const start = `2026-07-${String(day).padStart(2, '0')}T00:00:00.000Z`
  const type = r()
  const lineItemType = type < 0.95 ? 'Usage' : type < 0.97 ? 'Credit' : 'Tax'
  const tagged = r() < 0.8
  const tags: Record<string, string> = tagged ? { 'iamPrincipal/team': TEAMS[who % TEAMS.length]!, 'iamPrincipal/cost-center': String(1000 + (who % 50)) } : { 'accountTag/env': 'prod' }
  const cost = Math.round(r() * 1_000_000) / 1_000_000
  if (kind < 0.6) return { account, principal, cost, start, lineItemType, tags }
  if (kind < 0.65) return { account, principal, cost, start, lineItemType, tags, productCode: 'mp-7f3k2a9', productName: 'Claude 4.6 Sonnet (Amazon Bedrock Edition)' }
  return { account, principal: null, cost, start, lineItemType, tags: {}, productCode: 'AmazonEC2', productName: 'Amazon Elastic Compute Cloud', usageType: 'USE1-BoxUsage:m5.large' }
}

export function generateParquet(dir: string, rows: number): void {
  const r = rng(42)
  for (let f = 0; f * ROWS_PER_FILE < rows; f++) {
    const out = curParquetStream(join(dir, 'data', 'BILLING_PERIOD=2026-07', `bench-${String(f + 1).padStart(5, '0')}.snappy.parquet`))
    const n = Math.min(ROWS_PER_FILE, rows - f * ROWS_PER_FILE)
    for (let g = 0; g < n; g += ROWS_PER_GROUP) {
      const batch: CurFixtureRow[] = []
      for (let i = 0; i < Math.min(ROWS_PER_GROUP, n - g); i++) batch.push(syntheticRow(f * ROWS_PER_FILE + g + i, r))
      out.write(batch)
    }
    out.finish()
  }
}

async function generateCsvGz(dir: string, rows: number): Promise<void> {
  const r = rng(42)
  for (let f = 0; f * ROWS_PER_FILE < rows; f++) {
    const { mkdirSync } = await import('node:fs')
    mkdirSync(join(dir, 'data', 'BILLING_PERIOD=2026-07'), { recursive: true })
    const gz = createGzip({ level: 1 })
    const file = createWriteStream(join(dir, 'data', 'BILLING_PERIOD=2026-07', `bench-${String(f + 1).padStart(5, '0')}.csv.gz`))
    gz.pipe(file)
    const write = async (s: string): Promise<void> => {
      if (!gz.write(s)) await once(gz, 'drain')
    }
    await write(`${CUR_COLUMNS.join(',')}\n`)
    const n = Math.min(ROWS_PER_FILE, rows - f * ROWS_PER_FILE)
    let buf = ''
    for (let i = 0; i < n; i++) {
      const row = syntheticRow(f * ROWS_PER_FILE + i, r)
      buf += `${CUR_COLUMNS.map((c) => {
        const v = csvValue(row, c)
        return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v
      }).join(',')}\n`
      if (buf.length > 1 << 20) {
        await write(buf)
        buf = ''
      }
    }
    await write(buf)
    gz.end()
    await once(file, 'close')
  }
}

interface ChildResult {
  seconds: number
  cpuSeconds: number
  maxRssMb: number
  rows: number
  bedrockRows: number
  total: number
  principals: number
}

/** `duckdb` fails rather than fall back, so a DuckDB row is always DuckDB's. */
type Reader = 'duckdb' | 'hyparquet'

/** Reads DIR in a fresh process, so each peak RSS is its own. */
function measure(dir: string, reader: Reader): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, '--child', dir, reader], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as ChildResult) : reject(new Error(`reader exited ${code}`))))
  })
}

async function child(dir: string, reader: Reader): Promise<void> {
  const { curSource, parseCurLocation } = await import('../src/scanners/cur/source.js')
  const started = performance.now()
  const cpu0 = process.cpuUsage()
  const r = await curSource(parseCurLocation(dir)).load({ tagKeys: ['team', 'cost-center'], period: { start: '2026-07-01', end: '2026-08-01' }, parquetReader: reader })
  const seconds = (performance.now() - started) / 1000
  const cpu = process.cpuUsage(cpu0)
  if (!r.data) throw new Error(`no data: ${r.reason}`)
  const result: ChildResult = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    rows: r.data.stats.rows,
    bedrockRows: r.data.stats.bedrockRows,
    total: r.data.total,
    principals: r.data.principals.length,
  }
  process.stdout.write(JSON.stringify(result))
}

export const curBenchmark: Benchmark = {
  name: 'cur',
  summary: 'CUR 2.0 reader: generated Parquet and CSV.gz, 1M and 10M rows, read in a fresh process (wall time, peak RSS)',
  async run(log) {
    const sizes = (process.env.CUR_BENCH_ROWS ?? '1000000,10000000').split(',').map(Number)
    const formats = (process.env.CUR_BENCH_FORMATS ?? 'parquet,csvgz').split(',') as Array<'parquet' | 'csvgz'>
    const rowsOut: BenchRow[] = []
    const cache = process.env.CUR_BENCH_CACHE
    if (cache) mkdirSync(cache, { recursive: true })
    const base = cache ?? mkdtempSync(join(tmpdir(), 'tagwarden-cur-bench-'))
    try {
      for (const format of formats) {
        for (const rows of sizes) {
          const dir = join(base, `${format}-${rows}`)
          const done = join(dir, '.complete')
          if (cache && existsSync(done)) log(`${format} ${rows.toLocaleString('en')} rows: reusing ${dir}`)
          else {
            const need = rows * BYTES_PER_ROW[format]
            const fs = statfsSync(base)
            const free = fs.bavail * fs.bsize
            if (free < need * 2) {
              log(`skipping ${format} ${rows} rows: ${(free / 1e9).toFixed(1)} GB free, ${((need * 2) / 1e9).toFixed(1)} GB wanted`)
              continue
            }
            rmSync(dir, { recursive: true, force: true })
            const g0 = performance.now()
            if (format === 'parquet') generateParquet(dir, rows)
            else await generateCsvGz(dir, rows)
            writeFileSync(done, '')
            log(`${format} ${rows.toLocaleString('en')} rows generated in ${((performance.now() - g0) / 1000).toFixed(1)} s`)
          }
          // Parquet side by side: DuckDB (the default where it loads) and hyparquet (the fallback).
          for (const reader of format === 'parquet' ? (['duckdb', 'hyparquet'] as const) : (['hyparquet'] as const)) {
            const load = loadavg()[0]!
            const m = await measure(dir, reader)
            const label = format === 'parquet' ? (reader === 'duckdb' ? ' (DuckDB)' : ' (hyparquet)') : ''
            log(`${format}${label} ${rows.toLocaleString('en')} rows read in ${m.seconds.toFixed(1)} s (CPU ${m.cpuSeconds.toFixed(1)} s), peak RSS ${m.maxRssMb.toFixed(0)} MB, load average ${load.toFixed(1)} before`)
            rowsOut.push({
              benchmark: 'cur',
              case: `${format} ${rows / 1e6}M rows${label}`,
              values: {
                seconds: m.seconds.toFixed(1),
                'CPU seconds': m.cpuSeconds.toFixed(1),
                'rows/s': Math.round(m.rows / m.seconds).toLocaleString('en'),
                'peak RSS MB': m.maxRssMb.toFixed(0),
                'bedrock rows': m.bedrockRows.toLocaleString('en'),
                total: m.total.toFixed(2),
                principals: m.principals,
                'load average': load.toFixed(1),
              },
            })
          }
          if (!cache) rmSync(dir, { recursive: true, force: true })
        }
        for (const label of format === 'parquet' ? ['(DuckDB)', '(hyparquet)'] : ['']) {
          const cases = rowsOut.filter((r) => r.case.startsWith(format) && r.case.endsWith(label))
          if (cases.length === 2) {
            const delta = Number(cases[1]!.values['peak RSS MB']) - Number(cases[0]!.values['peak RSS MB'])
            log(`${format} ${label}: peak RSS at ${cases[1]!.case} minus at ${cases[0]!.case}: ${delta} MB`)
          }
        }
      }
    } finally {
      if (!cache) rmSync(base, { recursive: true, force: true })
    }
    return rowsOut
  },
}

if (process.argv.includes('--generate')) {
  // Only the data: `npx tsx bench/cur.ts --generate DIR ROWS` (Parquet), e.g. into CUR_BENCH_CACHE/parquet-ROWS.
  const [dir, rows] = process.argv.slice(process.argv.indexOf('--generate') + 1)
  generateParquet(dir!, Number(rows))
  writeFileSync(join(dir!, '.complete'), '')
}
if (process.argv.includes('--child')) await child(process.argv[process.argv.indexOf('--child') + 1]!, (process.argv[process.argv.indexOf('--child') + 2] ?? 'duckdb') as Reader)
