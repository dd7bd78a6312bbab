import type { PrincipalFacts } from '../../analysis/facts.js'
import type { TagRequirement } from '../../config/types.js'
import { principalSubject } from '../engine.js'
import { tagCommand } from '../tag-helpers.js'
import { defineRule, type RuleContext, type RuleReport } from '../types.js'
import { tagPattern } from '../../util/tag-pattern.js'

/** Rare: used by at most this many principals… */
export const DEFAULT_MAX_RARE_PRINCIPALS = 2
/** …or by less than this share of the common value's principals. */
export const DEFAULT_RARE_SHARE = 0.05
/** Edit-distance matches only for values at least this long: `ads`/`ops` are different teams. */
export const MIN_LENGTH_FOR_EDIT_DISTANCE = 4

/** Case and the separators `-`, `_` and space do not tell two values apart. */
export function normaliseValue(v: string): string {
  return v.toLowerCase().replace(/[-_\s]+/g, '-')
}

/** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours (`serach`/`search` is 1). */
export function typoDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1)
      d[i]![j] = v
    }
  }
  return d[a.length]![b.length]!
}

/** `team-1`/`team-2`, `2025`/`2026`: values that differ in one digit are numbered siblings, not typos. */
function differsOnlyInOneDigit(a: string, b: string): boolean {
  if (a.length !== b.length) return false
  const diffs = [...a].map((ch, i) => [ch, b[i]!] as const).filter(([x, y]) => x !== y)
  return diffs.length === 1 && /\d/.test(diffs[0]![0]) && /\d/.test(diffs[0]![1])
}

export type NearReason = 'normalised-equal' | 'edit-distance'

/** Why `rare` is a near-duplicate of `common`, or undefined when it is not. */
export function nearDuplicateReason(rare: string, common: string): NearReason | undefined {
  if (rare === common) return undefined
  const a = normaliseValue(rare)
  const b = normaliseValue(common)
  if (a === b) return 'normalised-equal'
  if (Math.min(rare.length, common.length) < MIN_LENGTH_FOR_EDIT_DISTANCE || differsOnlyInOneDigit(a, b)) return undefined
  return typoDistance(a, b) <= 1 ? 'edit-distance' : undefined
}

export interface NearDuplicate {
  value: string
  common: string
  valueCount: number
  commonCount: number
  reason: NearReason
}

/**
 * Rare values that are near-duplicates of a more common one, given each value's principal count.
 * A value is paired with its most used near-duplicate, and only when that one is strictly more used
 * (two singletons `Search`/`search` say nothing about which one is the typo).
 */
export function findNearDuplicates(counts: ReadonlyMap<string, number>, opts: { maxRarePrincipals?: number; rareShare?: number } = {}): NearDuplicate[] {
  const maxRare = opts.maxRarePrincipals ?? DEFAULT_MAX_RARE_PRINCIPALS
  const share = opts.rareShare ?? DEFAULT_RARE_SHARE
  const values = [...counts].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
  const out: NearDuplicate[] = []
  for (const [value, n] of values) {
    for (const [common, m] of values) {
      if (m <= n) break
      const rare = n <= maxRare || n < share * m
      if (!rare) continue
      const reason = nearDuplicateReason(value, common)
      if (!reason) continue
      out.push({ value, common, valueCount: n, commonCount: m, reason })
      break
    }
  }
  return out
}

function principalsOf(ctx: RuleContext<Options>): readonly PrincipalFacts[] {
  const principals = (ctx as RuleContext<Options> & { principals?: readonly PrincipalFacts[] }).principals
  if (!principals) throw new Error('the rules engine did not provide the principals to an org-level rule (RuleContext.principals)')
  return principals
}

/**
 * Values another rule owns are left out: blank (principal-missing-tag), with whitespace around them
 * (tag-value-whitespace), or outside `allowedValues`/`pattern` (tag-value-not-allowed). A key with an
 * `allowedValues` list is skipped altogether: every value left is one the rules file allows.
 */
function countable(req: TagRequirement): ((v: string) => boolean) | undefined {
  if (req.allowedValues) return undefined
  const re = req.pattern ? tagPattern(req.pattern) : undefined
  return (v) => v.trim() !== '' && v === v.trim() && (!re || re.test(v))
}

function plural(n: number): string {
  return `${n} principal${n === 1 ? '' : 's'}`
}

/** A misspelt team is a team of its own on the bill: the real team's Bedrock spend looks smaller. */
type Options = { keys?: string[]; maxRarePrincipals?: number; rareShare?: number }
type MessageIds = 'nearDuplicate'

export const tagValueNearDuplicate = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'tag-value-near-duplicate',
    summary: 'A rare value of a required tag is a near-duplicate of a common value (`Search`, `serach` next to `search`).',
    rationale:
      'Cost allocation groups Bedrock spend by the exact tag value. A handful of principals tagged `serach`, `Search` or `data_science` instead of the value everyone else uses open a bucket of their own, so the team\'s spend is understated and the stray bucket belongs to no one. Without an allowed-values list nothing else catches these typos.',
    remediation:
      'Retag the principals that carry the rare value with the common one. To stop new variants, list the allowed values in `tags.required[].allowedValues` (then `tag-value-not-allowed` owns them).',
    defaultSeverity: 'note',
    appliesTo: ['user', 'role'],
    messages: {
      nearDuplicate:
        '{kind} {name} has `{tagKey}` = `{value}`, a near-duplicate of the common value `{common}` ({valueCount} vs {commonCount}); cost allocation reports them as two values, so this Bedrock spend is missing from `{common}`. Retag it: `{command}`.',
    },
    // The command the message shows (rendered when read, not stored per finding).
    fixes: { nearDuplicate: '{command}' },
    tags: ['cost-attribution', 'tagging', 'bedrock', 'org'],
    precision: 'medium',
    options: {
      keys: { type: 'array', items: { type: 'string' }, description: 'Keys to compare values of (default: the `tags.required` keys without `allowedValues`).' },
      maxRarePrincipals: { type: 'number', minimum: 0, default: DEFAULT_MAX_RARE_PRINCIPALS, description: `A value used by at most this many principals is rare (default ${DEFAULT_MAX_RARE_PRINCIPALS}).` },
      rareShare: { type: 'number', minimum: 0, default: DEFAULT_RARE_SHARE, description: `…or by less than this share of the common value's principals (default ${DEFAULT_RARE_SHARE}).` },
    },
    examples: {
      nonCompliant: '# 41 roles tagged {Key: team, Value: search}\n# role/reranker-eval tagged {Key: team, Value: serach}\n# user/priya tagged {Key: team, Value: Search}',
      compliant: '# every principal of the search team tagged {Key: team, Value: search}',
    },
  },
  check(ctx) {
    const principals = principalsOf(ctx).filter((p) => p.capability.capable)
    const optKeys = Array.isArray(ctx.options.keys) ? (ctx.options.keys as string[]) : undefined
    const requirements: TagRequirement[] = optKeys
      ? optKeys.map((key) => ctx.settings.requiredTags.find((r) => r.key === key) ?? { key })
      : ctx.settings.requiredTags
    const opts = {
      ...(typeof ctx.options.maxRarePrincipals === 'number' ? { maxRarePrincipals: ctx.options.maxRarePrincipals } : {}),
      ...(typeof ctx.options.rareShare === 'number' ? { rareShare: ctx.options.rareShare } : {}),
    }
    const out: RuleReport<MessageIds>[] = []
    for (const req of requirements) {
      const keep = countable(req)
      if (!keep) continue
      const holders = new Map<string, PrincipalFacts[]>()
      for (const p of principals) {
        const value = p.tags.find((t) => t.key === req.key)?.value
        if (value === undefined || !keep(value)) continue
        const list = holders.get(value)
        if (list) list.push(p)
        else holders.set(value, [p])
      }
      const counts = new Map([...holders].map(([v, ps]) => [v, ps.length]))
      for (const d of findNearDuplicates(counts, opts)) {
        for (const p of holders.get(d.value) ?? []) {
          out.push({
            messageId: 'nearDuplicate',
            subject: principalSubject(p),
            tagKey: req.key,
            data: {
              kind: p.kind === 'user' ? 'IAM user' : 'Role',
              name: p.name,
              tagKey: req.key,
              value: d.value,
              common: d.common,
              valueCount: plural(d.valueCount),
              commonCount: plural(d.commonCount),
              command: tagCommand(p, req.key, d.common),
            },
            evidence: { value: d.value, common: d.common, valueCount: d.valueCount, commonCount: d.commonCount, reason: d.reason },
          })
        }
      }
    }
    return out
  },
})
