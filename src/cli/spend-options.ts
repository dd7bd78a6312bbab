/**
 * The Cost Explorer flags (`--cost-explorer`, `--since`, `--cache-dir`) shared by `scan` and `spend`,
 * and their validation. No AWS SDK here: the live Cost Explorer code is imported only when
 * --cost-explorer is given.
 */
import { Flags } from '@oclif/core'
import { UsageError } from '../errors.js'
import { DEFAULT_SINCE, periodFromSince } from '../spend/period.js'

export const SPEND_FORMATS = ['text', 'json', 'markdown', 'csv', 'html'] as const
export type SpendFormat = (typeof SPEND_FORMATS)[number]

export const costExplorerFlags = {
  'cost-explorer': Flags.boolean({
    summary: 'Check Bedrock spend with the Cost Explorer API (from the management/payer or a billing account). Costs USD 0.01 per request: about 2 + one per required tag key.',
    helpGroup: 'SPEND',
  }),
  since: Flags.string({
    summary: `With --cost-explorer: start of the spend period, a date or a number of days (default ${DEFAULT_SINCE}); it ends yesterday.`,
    helpValue: 'YYYY-MM-DD|Nd',
    helpGroup: 'SPEND',
  }),
  'cache-dir': Flags.string({
    summary: 'With --cost-explorer: keep every Cost Explorer answer here for the day; a re-run the same day makes no billable request.',
    helpValue: 'DIR',
    helpGroup: 'SPEND',
  }),
}

/**
 * `--cur LOCATION`, one definition for `scan`, `spend` and `merge` (each says what the CUR adds to it):
 * the same sources everywhere, validated by `parseCurLocation` (src/scanners/cur/source.ts).
 */
export function curFlag(adds: string) {
  return Flags.string({
    summary: `CUR 2.0 export with IAM principal data: a folder or file (Parquet, CSV, CSV.gz), s3://bucket/prefix/, or athena://DB.TABLE?workgroup=W&output=s3://…; ${adds} (docs/cur.md).`,
    helpValue: 'LOCATION',
    helpGroup: 'SPEND',
  })
}

export interface CostExplorerFlagValues {
  'cost-explorer'?: boolean
  since?: string
  'cache-dir'?: string
}

export interface CostExplorerSettings {
  enabled: boolean
  since?: string
  cacheDir?: string
}

/** Validates the Cost Explorer flags; `now` checks `--since` before anything is read or paid for. */
export function costExplorerSettings(flags: CostExplorerFlagValues, now: Date): CostExplorerSettings {
  const enabled = flags['cost-explorer'] === true
  for (const [name, value] of [['--since', flags.since], ['--cache-dir', flags['cache-dir']]] as const) {
    if (value !== undefined && !enabled) {
      throw new UsageError('flag-needs-cost-explorer', `${name} needs --cost-explorer`, 'saved `aws ce` outputs in --input carry their own period and need no cache')
    }
  }
  if (flags['cache-dir'] === '') throw new UsageError('cache-dir-empty', '--cache-dir needs a folder', 'e.g. --cache-dir .tagwarden-cache')
  if (enabled) periodFromSince(flags.since, now)
  const out: CostExplorerSettings = { enabled }
  if (flags.since !== undefined) out.since = flags.since
  if (flags['cache-dir'] !== undefined) out.cacheDir = flags['cache-dir']
  return out
}
