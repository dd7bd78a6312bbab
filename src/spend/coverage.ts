/**
 * What the coverage summary says about spend: whether it was checked, over which period and basis,
 * each key's activation and untagged share, and which spend rule did not run for which key and why.
 * The pipeline puts `summary` into `ScanSummary.spend` and appends `rulesNotEvaluated`.
 */
import type { ResolvedConfig } from '../config/types.js'
import { formatMoney, formatPeriod, type SpendData } from './model.js'
import type { SpendLoadResult } from './source.js'
import { activationOf, defaultCostKey } from './tag-keys.js'
import type { SpendCoverage, SpendKeyCoverage } from '../model/spend.js'

export const COST_TAG_INACTIVE = 'cost-tag-inactive'
export const UNTAGGED_BEDROCK_SPEND = 'untagged-bedrock-spend'
const SPEND_RULES = [COST_TAG_INACTIVE, UNTAGGED_BEDROCK_SPEND]

type ConfigLike = Pick<ResolvedConfig, 'rules' | 'settings'>

function enabledSpendRules(config: ConfigLike): Array<{ id: string; base: string; keys: string[] }> {
  const required = config.settings.requiredTags.map((t) => t.key)
  return config.rules
    .filter((r) => r.enabled && SPEND_RULES.includes(r.base))
    .map((r) => {
      const own = r.options.tagKeys
      const keys = Array.isArray(own) && own.every((k) => typeof k === 'string') ? (own as string[]) : required
      return { id: r.id, base: r.base, keys }
    })
}

/** Every tag key an enabled spend rule checks: what Cost Explorer must be queried for. */
export function spendTagKeys(config: ConfigLike): string[] {
  const rules = enabledSpendRules(config)
  const keys = rules.length > 0 ? rules.flatMap((r) => r.keys) : config.settings.requiredTags.map((t) => t.key)
  return [...new Set(keys)]
}

/** Why a key is not judged by `untagged-bedrock-spend`, or undefined when it is. */
export function untaggedSkipReason(spend: SpendData, tagKey: string): string | undefined {
  if (spend.costAllocationTags) {
    const a = activationOf(tagKey, spend.costAllocationTags)
    if (a.state !== 'active') {
      const key = a.costKey ?? defaultCostKey(tagKey)
      return `skipped for \`${tagKey}\`: \`${key}\` is not an active cost allocation tag (see ${COST_TAG_INACTIVE}), and grouping by an inactive key shows all spend as untagged`
    }
  }
  if (!spend.byTag[tagKey]) {
    return spend.source.kind === 'cost-explorer-files'
      ? `no \`aws ce get-cost-and-usage\` output grouped by \`${defaultCostKey(tagKey)}\` was given, so spend by \`${tagKey}\` was not checked`
      : `Cost Explorer was not queried for \`${tagKey}\``
  }
  return undefined
}

export interface SpendCoverageResult {
  summary: SpendCoverage
  rulesNotEvaluated: Array<{ ruleId: string; reason: string }>
}

export function spendCoverage(load: SpendLoadResult | undefined, config: ConfigLike): SpendCoverageResult {
  const rules = enabledSpendRules(config)
  const spend = load?.data
  if (!spend) {
    const reason =
      load?.reason ??
      'no Cost Explorer data: add `aws ce` outputs to --input, or run with --cost-explorer (USD 0.01 per request; see docs/cost-explorer.md)'
    return {
      summary: { checked: false, reason, keys: [] },
      rulesNotEvaluated: rules.map((r) => ({ ruleId: r.id, reason })),
    }
  }
  const notEvaluated: SpendCoverageResult['rulesNotEvaluated'] = []
  const keys: SpendKeyCoverage[] = []
  for (const tagKey of spendTagKeys(config)) {
    const activation = spend.costAllocationTags ? activationOf(tagKey, spend.costAllocationTags) : undefined
    const t = spend.byTag[tagKey]
    const reason = untaggedSkipReason(spend, tagKey)
    const k: SpendKeyCoverage = { tagKey, activation: activation?.state ?? 'unknown', untaggedChecked: reason === undefined }
    const costKey = t?.costKey ?? activation?.costKey
    if (costKey) k.costKey = costKey
    if (t && reason === undefined) {
      k.untagged = t.untagged
      if (t.total > 0) k.untaggedShare = Math.round((t.untagged / t.total) * 10_000) / 10_000
    }
    if (reason) k.reason = reason
    keys.push(k)
  }
  for (const r of rules) {
    if (r.base === COST_TAG_INACTIVE && !spend.costAllocationTags) {
      notEvaluated.push({ ruleId: r.id, reason: 'no `aws ce list-cost-allocation-tags` output was given, so tag activation was not checked' })
    }
    if (r.base === UNTAGGED_BEDROCK_SPEND) {
      for (const key of r.keys) {
        const reason = untaggedSkipReason(spend, key)
        if (reason) notEvaluated.push({ ruleId: r.id, reason })
      }
    }
  }
  const summary: SpendCoverage = {
    checked: true,
    source: spend.source.kind,
    period: spend.period,
    basis: spend.basis,
    currency: spend.currency,
    total: spend.total,
    keys,
  }
  if (spend.requests) summary.requests = { sent: spend.requests.sent, cached: spend.requests.cached, costUsd: spend.requests.costUsd }
  return { summary, rulesNotEvaluated: notEvaluated }
}

/** One line for the text summary of `scan`: `spend  checked: USD 10,807.30 Bedrock (…); team: 21.2% untagged`. */
export function spendCoverageLine(c: SpendCoverage | undefined): string {
  if (!c) return 'not checked'
  if (!c.checked) return `not checked: ${c.reason ?? 'no Cost Explorer data'}`
  const keys = c.keys.map((k) => {
    const key = k.costKey ?? `iamPrincipal/${k.tagKey}`
    if (k.activation === 'inactive' || k.activation === 'not-listed') return `${k.tagKey}: \`${key}\` is not an active cost allocation tag`
    const activation = k.activation === 'active' ? `\`${key}\` active` : 'activation not checked'
    if (!k.untaggedChecked) return `${k.tagKey}: ${activation}, spend not checked`
    return `${k.tagKey}: ${activation}, ${k.untaggedShare === undefined ? 'no spend' : `${(k.untaggedShare * 100).toFixed(1)}% untagged`}`
  })
  const period = c.period ? ` ${formatPeriod(c.period)}` : ''
  const source = c.source === 'cost-explorer-api' ? 'Cost Explorer API' : 'Cost Explorer files'
  const cost = c.requests ? `; ${c.requests.sent} billable request${c.requests.sent === 1 ? '' : 's'} (USD ${c.requests.costUsd.toFixed(2)}), ${c.requests.cached} cached` : ''
  return `checked (${source}): ${formatMoney(c.total ?? 0, c.currency ?? 'USD')} Bedrock${period}${keys.length ? `; ${keys.join('; ')}` : ''}${cost}`
}
