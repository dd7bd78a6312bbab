/** The benchmark table (Markdown, pasted into the README as it is) and the checks against the targets. */
import type { BenchRow } from './run.js'
import type { Measurement } from './types.js'

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(String(v ?? '').replace(/,/g, '')))

function fmt(n: number | undefined, digits: number): string {
  if (n === undefined || !Number.isFinite(n)) return ''
  return n.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

/** A module row (`values` by name) in the common columns. */
export function fromBenchRow(r: BenchRow): Measurement {
  const { seconds, 'CPU seconds': cpu, 'rows/s': rowsPerSecond, 'peak RSS MB': rss, ...rest } = r.values
  const m: Measurement = { benchmark: r.benchmark === 'cur' ? 'CUR 2.0 read' : r.benchmark, size: r.case, wallSeconds: num(seconds), details: r.values }
  if (cpu !== undefined) m.cpuSeconds = num(cpu)
  if (rowsPerSecond !== undefined) m.throughput = { value: num(rowsPerSecond), unit: 'rows/s' }
  if (rss !== undefined) m.peakRssMiB = num(rss)
  const notes = Object.entries(rest).map(([k, v]) => `${k}: ${v}`)
  if (notes.length > 0) m.notes = notes.join(', ')
  return m
}

export function formatTable(rows: readonly Measurement[]): string {
  const head = ['Benchmark', 'Size', 'Wall (s)', 'CPU (s)', 'Throughput', 'Peak RSS (MiB)', 'Ratio', 'Notes']
  const lines = rows.map((r) => [
    r.benchmark,
    r.size,
    fmt(r.wallSeconds, r.wallSeconds < 1 ? 3 : r.wallSeconds < 100 ? 2 : 0),
    fmt(r.cpuSeconds, 2),
    r.throughput ? `${fmt(r.throughput.value, r.throughput.value < 10 ? 2 : 0)} ${r.throughput.unit}` : '',
    fmt(r.peakRssMiB, 0),
    r.ratio ? `${fmt(r.ratio.value, 1)}× ${r.ratio.of}` : '',
    r.notes ?? '',
  ])
  const cell = (s: string): string => s.replace(/\|/g, '\\|')
  return [head, head.map(() => '---'), ...lines].map((cols) => `| ${cols.map(cell).join(' | ')} |`).join('\n')
}

const detail = (r: Measurement, key: string): number | undefined => {
  const v = r.details?.[key]
  return typeof v === 'number' ? v : undefined
}

/** One line per target of the scale issue that the rows can speak to: met or missed, with the numbers. */
export function targetChecks(rows: readonly Measurement[]): string[] {
  const out: string[] = []
  const verdict = (ok: boolean): string => (ok ? 'met' : 'MISSED')
  const scans = rows.filter((r) => r.benchmark === 'offline scan' && Number.isFinite(r.wallSeconds))
  // Each profile on its own: the floor, the per-principal cost and the 1M targets are per profile.
  const byProfile = new Map<string, Measurement[]>()
  for (const r of scans) {
    const p = String(r.details?.profile ?? 'default')
    byProfile.set(p, [...(byProfile.get(p) ?? []), r])
  }
  for (const [profile, list] of byProfile) {
    const tag = profile === 'default' ? '' : ` (${profile})`
    for (const r of list) {
      if (r.ratio && r.size.startsWith('100k')) out.push(`offline ${r.size}: ${fmt(r.ratio.value, 1)}× the floor (target ≤ 3×): ${verdict(r.ratio.value <= 3)}`)
    }
    const small = list.find((r) => r.size.startsWith('10k'))
    const million = list.find((r) => r.size.startsWith('1M'))
    const us = (r: Measurement | undefined): number | undefined => (r ? detail(r, 'microsecondsPerPrincipal') : undefined)
    const [a, b] = [us(small), us(million)]
    if (a !== undefined && b !== undefined) {
      out.push(`cost per principal${tag}: ${fmt(a, 1)} µs at 10k, ${fmt(b, 1)} µs at 1M, ${fmt(b / a, 2)}× (target ≤ 1.2×): ${verdict(b / a <= 1.2)}`)
    }
    if (million) {
      out.push(`1M principals${tag} in ${fmt(million.wallSeconds, 1)} s (target ≤ 25 s): ${verdict(million.wallSeconds <= 25)}`)
      if (million.peakRssMiB !== undefined) out.push(`1M principals${tag} peak RSS ${fmt(million.peakRssMiB, 0)} MiB (target < 1024 MiB): ${verdict(million.peakRssMiB < 1024)}`)
    }
  }
  for (const r of rows.filter((x) => x.benchmark === 'terraform sources')) {
    out.push(`terraform sources, ${r.size}: ${fmt(r.wallSeconds, 1)} s (target < 10 s): ${verdict(r.wallSeconds < 10)}`)
  }
  const live = rows.filter((r) => r.benchmark === 'live fan-out (tagwarden)')
  for (const r of live) {
    const throttled = (detail(r, 'throttleRate') ?? 0) > 0
    out.push(`live ${r.size}${throttled ? '' : ' (no throttling)'}: ${fmt(r.wallSeconds, 1)} s (target: well under 60 s): ${verdict(r.wallSeconds < 45)}`)
  }
  const means = live
    .filter((r) => (detail(r, 'throttleRate') ?? 0) > 0)
    .map((r) => (r.details?.callsPerAccount as { mean?: number } | undefined)?.mean)
    .filter((n): n is number => n !== undefined)
  if (means.length > 1) out.push(`live calls per account at each principal count: ${means.map((n) => fmt(n, 1)).join(' / ')} (target: independent of principals): ${verdict(Math.max(...means) - Math.min(...means) < 0.5)}`)
  for (const r of rows.filter((x) => x.benchmark === 'CUR 2.0 read' && x.size.startsWith('parquet 10M'))) {
    out.push(`CUR ${r.size}: ${fmt(r.wallSeconds, 1)} s, peak RSS ${fmt(r.peakRssMiB, 0)} MB (target < 30 s): ${verdict(r.wallSeconds < 30)}`)
  }
  for (const r of rows.filter((x) => x.benchmark === 'start-up' && x.size === 'tagwarden --help')) {
    out.push(`tagwarden --help: ${fmt(r.wallSeconds * 1000, 0)} ms median (target < 500 ms): ${verdict(r.wallSeconds < 0.5)}`)
  }
  return out
}
