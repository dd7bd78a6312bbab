import { defineRule, type RuleContext, type RuleReport } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { tagCli, untagCli } from '../tag-helpers.js'

/** `tags.prohibited[]` in the rules file: a key that must not be used, and what to use instead. */
export interface ProhibitedTag {
  key: string
  /** The key to use instead (the current standard). */
  replacement?: string
  reason?: string
}

/** Option `keys` of this rule instance (plain keys), else the rules file's `tags.prohibited`. */
function prohibitedOf(ctx: RuleContext<Options>): ProhibitedTag[] {
  if (Array.isArray(ctx.options.keys)) return (ctx.options.keys as unknown[]).filter((k): k is string => typeof k === 'string').map((key) => ({ key }))
  return (ctx.settings as typeof ctx.settings & { prohibitedTags?: ProhibitedTag[] }).prohibitedTags ?? []
}

const untag = untagCli
const tag = tagCli

/**
 * Legacy keys (`cost_center` once `cost-center` is the standard) split spend across two cost
 * allocation tags. A prohibited key matches in any case, except a key that is exactly a required key,
 * so that prohibiting `Team` never flags the standard `team`.
 */
type Options = { keys?: string[] }
type MessageIds = 'prohibited'

export const tagProhibited = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'tag-prohibited',
    summary: 'A Bedrock-capable principal carries a tag key that the rules file prohibits (e.g. a legacy key that has been replaced).',
    rationale:
      'Every tag key is its own cost allocation tag. Spend tagged with a retired key such as `cost_center` is invisible to reports, budgets and cost categories built on the standard `cost-center`, and a principal tagged with both may report its Bedrock spend under either.',
    remediation: 'Move the value to the standard key (when there is one) and remove the prohibited key. List prohibited keys under `tags.prohibited` in the rules file.',
    defaultSeverity: 'warning',
    appliesTo: ['user', 'role'],
    messages: {
      prohibited: '{kind} {name} carries the prohibited tag key `{tagKey}`{instead}{reason}; Bedrock spend tagged with it is not reported under the standard key. {action}',
    },
    tags: ['cost-attribution', 'tagging', 'bedrock'],
    precision: 'very-high',
    options: {
      keys: {
        type: 'array',
        items: { type: 'string' },
        description: 'Prohibited keys for this rule instance (default: the `tags.prohibited` keys, with their replacements).',
      },
    },
    examples: {
      nonCompliant: '# tags.prohibited: [{key: cost_center, replacement: cost-center}]\n# Role tags: [{Key: cost_center, Value: "7100"}]',
      compliant: '# Role tags: [{Key: cost-center, Value: "7100"}]',
    },
  },
  check(p, ctx) {
    if (!p.capability.capable) return []
    const prohibited = prohibitedOf(ctx)
    if (prohibited.length === 0) return []
    const required = new Set(ctx.settings.requiredTags.map((t) => t.key))
    const out: RuleReport<MessageIds>[] = []
    for (const t of p.tags) {
      if (required.has(t.key)) continue
      const rule = prohibited.find((x) => x.key.toLowerCase() === t.key.toLowerCase())
      if (!rule) continue
      const replacement = rule.replacement
      const hasReplacement = replacement !== undefined && p.tags.some((x) => x.key === replacement)
      const steps = replacement && !hasReplacement ? [tag(p, replacement, t.value), untag(p, t.key)] : [untag(p, t.key)]
      const action = replacement
        ? hasReplacement
          ? `It already has \`${replacement}\`: remove \`${t.key}\`: \`${steps.join(' && ')}\`.`
          : `Move its value to \`${replacement}\`: \`${steps.join(' && ')}\`.`
        : `Remove it: \`${steps.join(' && ')}\`.`
      out.push({
        messageId: 'prohibited',
        tagKey: t.key,
        data: {
          kind: p.kind === 'user' ? 'IAM user' : 'Role',
          name: p.name,
          tagKey: t.key,
          instead: replacement ? ` (use \`${replacement}\` instead)` : '',
          reason: rule.reason ? ` — ${rule.reason}` : '',
          action,
        },
        evidence: capabilityEvidence(p, { value: t.value, prohibited: rule.key, ...(replacement ? { replacement } : {}) }),
        fix: steps.join(' && '),
      })
    }
    return out
  },
})
