/** The one injectable clock: `--now`, else TAGWARDEN_NOW, else the system time. Rules never read it. */
import { UsageError } from '../errors.js'

export function resolveNow(flag?: string, env: NodeJS.ProcessEnv = process.env): Date {
  const raw = flag ?? env.TAGWARDEN_NOW
  if (raw === undefined || raw === '') return new Date()
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw)
  // A timestamp without a zone is UTC, as AWS timestamps are, not the machine's local time.
  const d = new Date(dateOnly ? `${raw}T00:00:00Z` : /T[\d:.]+$/.test(raw) ? `${raw}Z` : raw)
  // Date rolls impossible days over (2026-02-30 → March 2); a date that does not round-trip is a typo.
  if (Number.isNaN(d.getTime()) || (dateOnly && d.toISOString().slice(0, 10) !== raw)) {
    throw new UsageError('bad-now', `--now/TAGWARDEN_NOW is not a date: ${raw}`, 'use YYYY-MM-DD or an ISO 8601 timestamp')
  }
  return d
}
