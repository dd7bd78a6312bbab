/** The one injectable clock: `--now`, else TAGWARDEN_NOW, else the system time. Rules never read it. */
import { UsageError } from '../errors.js'

export function resolveNow(flag?: string, env: NodeJS.ProcessEnv = process.env): Date {
  const raw = flag ?? env.TAGWARDEN_NOW
  if (raw === undefined || raw === '') return new Date()
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw)
  if (Number.isNaN(d.getTime())) {
    throw new UsageError('bad-now', `--now/TAGWARDEN_NOW is not a date: ${raw}`, 'use YYYY-MM-DD or an ISO 8601 timestamp')
  }
  return d
}
