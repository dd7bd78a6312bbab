import { shellQuote } from '../../util/escape.js'
import type { PrincipalFacts } from '../../analysis/facts.js'
import { defineRule, type RuleContext, type RuleReport } from '../types.js'

interface Variant {
  key: string
  principals: number
  accounts: Set<string>
  /** A few principal ARNs carrying this spelling (not available with `principals: all`). */
  examples: string[]
}

const MAX_EXAMPLES = 3
const MAX_ACCOUNTS_SHOWN = 3

/** The facts the engine hands an org-level rule: the principals in the rule instance's scope. */
function principalsOf(ctx: RuleContext<Options>): readonly PrincipalFacts[] {
  const principals = (ctx as RuleContext<Options> & { principals?: readonly PrincipalFacts[] }).principals
  if (!principals) throw new Error('the rules engine did not provide the principals to an org-level rule (RuleContext.principals)')
  return principals
}

function keyFilter(ctx: RuleContext<Options>): (lower: string) => boolean {
  const keys = Array.isArray(ctx.options.keys) ? (ctx.options.keys as string[]).map((k) => k.toLowerCase()) : undefined
  return (lower) => keys === undefined || keys.includes(lower)
}

function variantsFromPrincipals(principals: readonly PrincipalFacts[]): Map<string, Map<string, Variant>> {
  const out = new Map<string, Map<string, Variant>>()
  for (const p of principals) {
    if (!p.capability.capable) continue
    for (const t of p.tags) {
      const lower = t.key.toLowerCase()
      let family = out.get(lower)
      if (!family) out.set(lower, (family = new Map()))
      let v = family.get(t.key)
      if (!v) family.set(t.key, (v = { key: t.key, principals: 0, accounts: new Set(), examples: [] }))
      v.principals++
      v.accounts.add(p.accountId)
      if (v.examples.length < MAX_EXAMPLES) v.examples.push(p.arn)
    }
  }
  return out
}

function variantsFromIndex(ctx: RuleContext<Options>): Map<string, Map<string, Variant>> {
  const out = new Map<string, Map<string, Variant>>()
  for (const [lower, family] of ctx.index.tagKeyVariants) {
    out.set(lower, new Map([...family].map(([key, v]) => [key, { key, principals: v.principals, accounts: new Set(v.accounts), examples: [] }])))
  }
  return out
}

function describeVariant(v: Variant): string {
  const accounts = [...v.accounts].sort()
  const where = accounts.length <= MAX_ACCOUNTS_SHOWN ? accounts.join(', ') : `${accounts.slice(0, MAX_ACCOUNTS_SHOWN).join(', ')} and ${accounts.length - MAX_ACCOUNTS_SHOWN} more`
  return `\`${v.key}\` (${v.principals} principal${v.principals === 1 ? '' : 's'} in ${where})`
}

/** IAM keys are case-insensitive, cost allocation keys are not: `team` and `Team` are two columns. */
type Options = { keys?: string[]; principals?: 'bedrock-capable' | 'all' }
type MessageIds = 'drift'

export const tagKeyCaseDrift = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'tag-key-case-drift',
    summary: 'The same tag key is spelt in different cases across the organization\'s Bedrock-capable principals (`team`, `Team`, `TEAM`).',
    rationale:
      'IAM treats tag keys case-insensitively, so `Team` looks like `team` to every IAM condition. Cost allocation does not: each spelling becomes its own cost allocation tag (`iamPrincipal/team`, `iamPrincipal/Team`) and its own column in Cost Explorer and CUR 2.0. The Bedrock spend of one team is then split across several keys and every report that groups by the standard key misses the rest.',
    remediation:
      'Retag the principals that use a non-standard spelling with the standard key (the required key\'s spelling, else the most used one): remove the old key and add the standard one. IAM will not hold both spellings at once, so untag first.',
    defaultSeverity: 'warning',
    appliesTo: ['tag-key'],
    messages: {
      drift:
        'Tag key `{standard}` is spelt {count} ways across the organization\'s {population}: {variants}. IAM treats them as one key, but cost allocation reports each spelling separately, so Bedrock spend tagged {others} is missing from `{standard}`. Retag those principals with `{standard}`.',
    },
    tags: ['cost-attribution', 'tagging', 'bedrock', 'org'],
    precision: 'very-high',
    options: {
      keys: { type: 'array', items: { type: 'string' }, description: 'Only these keys (compared case-insensitively); default: every key.' },
      principals: { type: 'string', enum: ['bedrock-capable', 'all'], default: 'bedrock-capable', description: '`bedrock-capable` (default): count Bedrock-capable principals only; `all`: every IAM user and role scanned (no example ARNs).' },
    },
    examples: {
      nonCompliant: '# 40 roles tagged {Key: team, Value: …}\n# role/search-reranker tagged {Key: Team, Value: search}\n# user/priya tagged {Key: TEAM, Value: ads}',
      compliant: '# every Bedrock-capable principal uses {Key: team, Value: …}',
    },
  },
  check(ctx) {
    const all = ctx.options.principals === 'all'
    const families = all ? variantsFromIndex(ctx) : variantsFromPrincipals(principalsOf(ctx))
    const wanted = keyFilter(ctx)
    const required = ctx.settings.requiredTags.map((t) => t.key)
    const out: RuleReport<MessageIds>[] = []
    for (const [lower, family] of [...families].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (family.size < 2 || !wanted(lower)) continue
      const variants = [...family.values()].sort((a, b) => b.principals - a.principals || (a.key < b.key ? -1 : 1))
      const standard = required.find((k) => k.toLowerCase() === lower) ?? variants[0]!.key
      const others = variants.filter((v) => v.key !== standard)
      const firstOther = others[0]!
      const example = firstOther.examples[0]
      const fix = example
        ? `for each principal tagged \`${firstOther.key}\`, e.g. ${example}: \`aws iam untag-${example.includes(':user/') ? 'user --user-name' : 'role --role-name'} ${shellQuote(example.split('/').at(-1) ?? '')} --tag-keys ${shellQuote(firstOther.key)}\`, then tag it with Key=${standard} and the same value`
        : `retag every principal tagged ${others.map((v) => `\`${v.key}\``).join(', ')} with \`${standard}\` (untag the old spelling first)`
      out.push({
        messageId: 'drift',
        subject: { kind: 'tag-key', tagKey: lower },
        tagKey: lower,
        data: {
          standard,
          count: family.size,
          population: all ? 'IAM users and roles' : 'Bedrock-capable principals',
          variants: variants.map(describeVariant).join(', '),
          others: others.map((v) => `\`${v.key}\``).join(' or '),
        },
        evidence: {
          standard,
          variants: variants.map((v) => ({ key: v.key, principals: v.principals, accounts: [...v.accounts].sort(), ...(v.examples.length > 0 ? { examples: v.examples } : {}) })),
        },
        fix,
      })
    }
    return out
  },
})
