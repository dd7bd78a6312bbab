import { defineRule, type RuleReport } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { tagCommand } from '../tag-helpers.js'

/**
 * `search ` is not `search` to cost allocation. Blank values (whitespace only) belong to
 * principal-missing-tag; this rule owns non-empty values with whitespace around them.
 */
type Options = { keys?: string[] }
type MessageIds = 'whitespace'

export const tagValueWhitespace = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'tag-value-whitespace',
    summary: 'A tag value on a Bedrock-capable principal has leading or trailing whitespace.',
    rationale:
      'Cost allocation groups spend by the exact tag value, whitespace included. A principal tagged `team` = `search ` (with a trailing space) puts its Bedrock spend in a bucket of its own next to `search`, and the difference is invisible in most consoles.',
    remediation: 'Re-set the tag with the trimmed value.',
    defaultSeverity: 'warning',
    appliesTo: ['user', 'role'],
    messages: {
      whitespace:
        '{kind} {name} has `{tagKey}` = {quoted} with {where} whitespace; cost allocation compares values exactly, so its Bedrock spend is reported apart from `{trimmed}`. Re-tag it: `{command}`.',
    },
    // The command the message shows (rendered when read, not stored per finding).
    fixes: { whitespace: '{command}' },
    tags: ['cost-attribution', 'tagging', 'bedrock'],
    precision: 'very-high',
    options: {
      keys: { type: 'array', items: { type: 'string' }, description: 'Only these tag keys (exact); default: every tag of the principal.' },
    },
    examples: {
      nonCompliant: '# Role tags: [{Key: team, Value: "search "}]',
      compliant: '# Role tags: [{Key: team, Value: search}]',
    },
  },
  check(p, ctx) {
    if (!p.capability.capable) return []
    const keys = Array.isArray(ctx.options.keys) ? (ctx.options.keys as string[]) : undefined
    const out: RuleReport<MessageIds>[] = []
    for (const t of p.tags) {
      if (keys && !keys.includes(t.key)) continue
      const trimmed = t.value.trim()
      if (trimmed === '' || trimmed === t.value) continue
      const leading = t.value !== t.value.trimStart()
      const trailing = t.value !== t.value.trimEnd()
      out.push({
        messageId: 'whitespace',
        tagKey: t.key,
        data: {
          kind: p.kind === 'user' ? 'IAM user' : 'Role',
          name: p.name,
          tagKey: t.key,
          quoted: JSON.stringify(t.value),
          where: leading && trailing ? 'leading and trailing' : leading ? 'leading' : 'trailing',
          trimmed,
          command: tagCommand(p, t.key, trimmed),
        },
        evidence: capabilityEvidence(p, { value: t.value }),
      })
    }
    return out
  },
})
