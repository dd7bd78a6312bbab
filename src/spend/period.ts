/**
 * The spend period from `--since`: a start date (`2026-07-01`) or a number of days (`30d`), up to and
 * including yesterday. Cost Explorer's `TimePeriod.End` is exclusive, so `end` is today (UTC).
 */
import { UsageError } from '../errors.js'
import type { SpendPeriod } from '../model/spend.js'

export const DEFAULT_SINCE = '30d'
/** Cost Explorer keeps 13 months (38 with multi-year data, which not every payer enables). */
const MAX_DAYS = 400

function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10)
}

function isRealDate(ymd: string): boolean {
  const d = new Date(`${ymd}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && utcDay(d) === ymd
}

/** `--since` → `{start, end}` relative to `now`. Throws `UsageError` for anything else. */
export function periodFromSince(since: string | undefined, now: Date): SpendPeriod {
  const raw = (since ?? DEFAULT_SINCE).trim()
  const end = utcDay(now)
  const hint = 'use a number of days (`30d`) or a start date (`2026-07-01`); the period ends yesterday'
  const days = /^(\d+)d$/.exec(raw)
  if (days) {
    const n = Number(days[1])
    if (n < 1 || n > MAX_DAYS) throw new UsageError('bad-since', `--since ${raw}: the number of days must be between 1 and ${MAX_DAYS}`, hint)
    const start = new Date(`${end}T00:00:00Z`)
    start.setUTCDate(start.getUTCDate() - n)
    return { start: utcDay(start), end }
  }
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw) && isRealDate(raw)) {
    if (raw >= end) throw new UsageError('bad-since', `--since ${raw} is not before today (${end}): Cost Explorer has no complete day to report yet`, hint)
    return { start: raw, end }
  }
  throw new UsageError('bad-since', `--since ${raw} is neither a number of days nor a date`, hint)
}

/** Days in a period (end exclusive). */
export function periodDays(p: SpendPeriod): number {
  return Math.round((Date.parse(`${p.end}T00:00:00Z`) - Date.parse(`${p.start}T00:00:00Z`)) / 86_400_000)
}
