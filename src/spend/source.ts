/**
 * Where spend comes from, as the scan pipeline and `tagwarden spend` see it: a `SpendSource` runs once,
 * after the account sources were read, and yields `SpendData` or the reason there is none. The Cost
 * Explorer API source (`--cost-explorer`) and the saved-JSON source both implement it; part 2 (CUR 2.0)
 * will be a third.
 */
import type { ScanErrorEntry } from '../model/finding.js'
import type { SpendData } from './model.js'

export interface SpendLoadContext {
  /** Tag keys to group by: `spendTagKeys(config)`. */
  tagKeys: string[]
  now: Date
  /** Files the snapshot planner recognised but does not read itself (`plan.otherFiles`). */
  otherFiles: ReadonlyArray<{ file: string; kind: string }>
}

export interface SpendLoadResult {
  data?: SpendData
  /** Failures (AccessDenied, DataUnavailable, unreadable files): `errors[]` of the report, exit 2 unless --allow-partial. */
  errors: ScanErrorEntry[]
  /** Why there is no data, when `data` is absent (no Cost Explorer output given, the API failed…). */
  reason?: string
}

export interface SpendSource {
  /** `cost-explorer-api` or `cost-explorer-files`, for messages. */
  readonly kind: string
  load(ctx: SpendLoadContext): Promise<SpendLoadResult>
}
