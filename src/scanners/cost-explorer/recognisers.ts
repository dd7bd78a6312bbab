/**
 * Saved Cost Explorer outputs in `--input`, recognised by content like every snapshot file: raw
 * `aws ce list-cost-allocation-tags`, `aws ce get-cost-and-usage` and `aws ce get-dimension-values`
 * JSON (the API response as the CLI prints it). They are `other`-scope recognisers: the snapshot
 * planner lists them in `plan.otherFiles`, and `loadCostExplorerFiles` reads them.
 *
 * This module must not import the AWS SDK: the snapshot scanner loads it on every run.
 */
import { isJsonObject, type JsonObject, type OtherFileRecogniser } from '../snapshot/recogniser.js'

export const CE_KINDS = {
  costAllocationTags: 'ce-list-cost-allocation-tags',
  costAndUsage: 'ce-get-cost-and-usage',
  dimensionValues: 'ce-get-dimension-values',
} as const

export type CostExplorerKind = (typeof CE_KINDS)[keyof typeof CE_KINDS]

const isList = (v: unknown): v is unknown[] => Array.isArray(v)

export const costAllocationTagsRecogniser: OtherFileRecogniser = {
  kind: CE_KINDS.costAllocationTags,
  scope: 'other',
  matches: (obj: JsonObject) => isList(obj.CostAllocationTags) && obj.CostAllocationTags.every((t) => isJsonObject(t) && typeof t.TagKey === 'string'),
}

export const costAndUsageRecogniser: OtherFileRecogniser = {
  kind: CE_KINDS.costAndUsage,
  scope: 'other',
  matches: (obj: JsonObject) => isList(obj.ResultsByTime) && obj.ResultsByTime.every((r) => isJsonObject(r) && ('TimePeriod' in r || 'Groups' in r || 'Total' in r)),
}

export const dimensionValuesRecogniser: OtherFileRecogniser = {
  kind: CE_KINDS.dimensionValues,
  scope: 'other',
  matches: (obj: JsonObject) => isList(obj.DimensionValues) && ('ReturnSize' in obj || 'TotalSize' in obj || obj.DimensionValues.every((d) => isJsonObject(d) && 'Value' in d)),
}

/** tagwarden's own `--cache-dir` entries: known, never read as input (a cache inside an --input folder is harmless). */
export const costExplorerCacheRecogniser: OtherFileRecogniser = {
  kind: 'tagwarden-cost-explorer-cache',
  scope: 'other',
  matches: (obj: JsonObject) => obj.tagwardenCostExplorerCache === 1,
}

/** Append to the snapshot scanner's recognisers (`DEFAULT_RECOGNISERS`). */
export const COST_EXPLORER_RECOGNISERS: readonly OtherFileRecogniser[] = [
  costAllocationTagsRecogniser,
  costAndUsageRecogniser,
  dimensionValuesRecogniser,
  costExplorerCacheRecogniser,
]

const KINDS = new Set<string>(Object.values(CE_KINDS))

export function isCostExplorerKind(kind: string): kind is CostExplorerKind {
  return KINDS.has(kind)
}
