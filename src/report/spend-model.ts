/**
 * The spend report (`tagwarden spend`): Bedrock spend per account and per tag value, attributed vs
 * untagged, and each key's activation state. Built once from the spend data and the rules file, then
 * rendered as text, JSON or Markdown. The JSON form is this object.
 */
import type { ScanErrorEntry } from '../model/finding.js'
import type { ResolvedConfig, TagRequirement } from '../config/types.js'
import { spendCoverage, spendTagKeys, UNTAGGED_BEDROCK_SPEND } from '../spend/coverage.js'
import { isUntaggedValue, roundAmount, type CostAllocationTagEntry, type SpendData } from '../spend/model.js'
import type { SpendLoadResult } from '../spend/source.js'
import { activationOf, defaultCostKey, type ActiveInstead } from '../spend/tag-keys.js'
import { DEFAULT_THRESHOLDS, levelFor, thresholdsFromOptions, type SpendThresholds } from '../spend/thresholds.js'
import { toolVersion } from '../version.js'
import type { ActivationState, SpendCoverage } from '../model/spend.js'
import type { Ledger } from '../model/ledger.js'
import { tagPattern } from '../util/tag-pattern.js'

export const SPEND_REPORT_SCHEMA_VERSION = '1.0'

export interface ValueRow {
  /** The tag value as Cost Explorer returned it (`''`: no value). */
  value: string
  amount: number
  /** Share of the key's total, 0..1. */
  share: number
  /** No value or a blank one: not attributable. */
  untagged: boolean
  /** False when the rules file lists allowed values (or a pattern) and this value is not one. */
  allowed?: boolean
}

export interface AccountRow {
  accountId: string
  name?: string
  total: number
  untagged: number
  share: number
  level?: 'warning' | 'error'
  values: ValueRow[]
}

export interface KeyView {
  tagKey: string
  activation: {
    state: ActivationState | 'unknown'
    costKey?: string
    listed: CostAllocationTagEntry[]
    activeLookAlikes: ActiveInstead[]
    inactiveLookAlikes: string[]
  }
  /** Whether spend by this key is in the report. */
  checked: boolean
  reason?: string
  costKey?: string
  total?: number
  untagged?: number
  share?: number
  level?: 'warning' | 'error'
  values: ValueRow[]
  accounts: AccountRow[]
}

export interface SpendReport {
  schemaVersion: string
  kind: 'tagwarden-spend-report'
  tool: { name: 'tagwarden'; version: string }
  generatedAt: string
  coverage: SpendCoverage
  thresholds: SpendThresholds
  keys: KeyView[]
  spend?: SpendData
  errors: ScanErrorEntry[]
  /** With --cur: the spend ledger (`$defs/ledger` of schemas/report.schema.json). */
  ledger?: Ledger
  /** With --cur and no ledger: why. */
  ledgerReason?: string
}

function isAllowed(req: TagRequirement | undefined, value: string): boolean | undefined {
  if (!req || isUntaggedValue(value)) return undefined
  if (req.allowedValues) return req.allowedValues.includes(value)
  if (req.pattern) return tagPattern(req.pattern).test(value)
  return undefined
}

const share = (part: number, whole: number): number => (whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : 0)

function valueRows(byValue: Record<string, number>, total: number, req: TagRequirement | undefined): ValueRow[] {
  return Object.entries(byValue)
    .map(([value, amount]) => {
      const row: ValueRow = { value, amount: roundAmount(amount), share: share(amount, total), untagged: isUntaggedValue(value) }
      const allowed = isAllowed(req, value)
      if (allowed !== undefined) row.allowed = allowed
      return row
    })
    .sort((a, b) => Number(a.untagged) - Number(b.untagged) || b.amount - a.amount || (a.value < b.value ? -1 : 1))
}

/** The thresholds of the enabled `untagged-bedrock-spend` instance (defaults when absent or invalid). */
export function configuredThresholds(config: Pick<ResolvedConfig, 'rules'>): SpendThresholds {
  const inst = config.rules.find((r) => r.id === UNTAGGED_BEDROCK_SPEND)
  try {
    return inst ? thresholdsFromOptions(inst.options) : DEFAULT_THRESHOLDS
  } catch {
    return DEFAULT_THRESHOLDS
  }
}

export function buildSpendReport(load: SpendLoadResult, config: Pick<ResolvedConfig, 'rules' | 'settings'>, now: Date): SpendReport {
  const spend = load.data
  const thresholds = configuredThresholds(config)
  const coverage = spendCoverage(load, config)
  const keys: KeyView[] = spendTagKeys(config).map((tagKey) => {
    const req = config.settings.requiredTags.find((r) => r.key === tagKey)
    const a = spend?.costAllocationTags ? activationOf(tagKey, spend.costAllocationTags) : undefined
    const cov = coverage.summary.keys.find((k) => k.tagKey === tagKey)
    const view: KeyView = {
      tagKey,
      activation: {
        state: a?.state ?? 'unknown',
        listed: a?.listed ?? [],
        activeLookAlikes: a?.activeInstead ?? [],
        inactiveLookAlikes: (a?.inactiveLookAlikes ?? []).map((t) => t.tagKey),
        ...(a ? { costKey: a.costKey ?? defaultCostKey(tagKey) } : {}),
      },
      checked: cov?.untaggedChecked ?? false,
      values: [],
      accounts: [],
    }
    if (cov?.reason) view.reason = cov.reason
    const t = spend?.byTag[tagKey]
    if (!t || !view.checked) return view
    view.costKey = t.costKey
    view.total = t.total
    view.untagged = t.untagged
    view.share = share(t.untagged, t.total)
    const level = levelFor(t.untagged, t.total, thresholds)
    if (level) view.level = level
    view.values = valueRows(t.byValue, t.total, req)
    view.accounts = Object.entries(t.byAccount)
      .sort(([x], [y]) => (x < y ? -1 : 1))
      .map(([accountId, s]) => {
        const row: AccountRow = { accountId, total: s.total, untagged: s.untagged, share: share(s.untagged, s.total), values: valueRows(s.byValue, s.total, req) }
        const name = spend?.accounts[accountId]?.name
        if (name) row.name = name
        const l = accountId === '*' ? undefined : levelFor(s.untagged, s.total, thresholds)
        if (l) row.level = l
        return row
      })
    return view
  })
  const report: SpendReport = {
    schemaVersion: SPEND_REPORT_SCHEMA_VERSION,
    kind: 'tagwarden-spend-report',
    tool: { name: 'tagwarden', version: toolVersion() },
    generatedAt: now.toISOString(),
    coverage: coverage.summary,
    thresholds,
    keys,
    errors: load.errors,
  }
  if (spend) report.spend = spend
  return report
}

/** `(no value)`, `(blank: "  ")` or the value itself. */
export function valueLabel(value: string): string {
  if (value === '') return '(no value)'
  if (isUntaggedValue(value)) return `(blank: ${JSON.stringify(value)})`
  return value
}

export function pct(x: number | undefined): string {
  return x === undefined ? 'n/a' : `${(x * 100).toFixed(1)}%`
}
