import { defineRule, type RuleReport } from '../types.js'
import { capabilityEvidence } from '../evidence.js'
import { tagCommand, tagState } from '../tag-helpers.js'
import { closest, didYouMean } from '../../util/text.js'
import { tagPattern } from '../../util/tag-pattern.js'

/** A misspelt team value is as bad as none: the bill gets a team that does not exist. */
type Options = Record<never, never>
type MessageIds = 'notAllowed'

export const tagValueNotAllowed = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'tag-value-not-allowed',
    summary: 'A required tag on a Bedrock-capable principal has a value outside its allowed list or pattern.',
    rationale:
      'Cost allocation groups spend by exact tag value. A value such as `serach` instead of `search` creates a team of its own in Cost Explorer and CUR, so the real team\'s Bedrock spend is understated and the stray bucket belongs to no one.',
    remediation: 'Set the tag to one of the allowed values (see `tags.required[].allowedValues` / `pattern` in the rules file).',
    defaultSeverity: 'error',
    appliesTo: ['user', 'role'],
    messages: {
      notAllowed: '{kind} {name} has `{tagKey}` = `{value}`{suggestion} It is not an allowed value, so its Bedrock spend would be attributed to a team that does not exist. Allowed: {allowed}.',
    },
    tags: ['cost-attribution', 'tagging', 'bedrock'],
    precision: 'very-high',
    iacFix: 'add-tag',
    locus: 'tags',
    examples: {
      nonCompliant: '# tags.required: [{key: team, allowedValues: [search, ads]}]\n# Role tags: [{Key: team, Value: serach}]',
      compliant: '# Role tags: [{Key: team, Value: search}]',
    },
  },
  check(p, ctx) {
    if (!p.capability.capable) return []
    const out: RuleReport<MessageIds>[] = []
    for (const req of ctx.settings.requiredTags) {
      if (!req.allowedValues && !req.pattern) continue
      // A value only known at deploy time (IaC) counts as present and cannot be judged.
      if (p.origin?.unknownTagKeys?.includes(req.key)) continue
      const s = tagState(p.tags, req.key)
      if (s.state !== 'present') continue
      const value = s.value
      // `"search "` is an allowed value with stray whitespace: tag-value-whitespace owns that defect.
      const judged = value.trim()
      const okList = req.allowedValues ? req.allowedValues.includes(judged) : true
      const okPattern = req.pattern ? tagPattern(req.pattern).test(judged) : true
      if (okList && okPattern) continue
      const best = req.allowedValues ? closest(value.trim(), req.allowedValues, Math.max(2, Math.floor(value.length / 3))) : undefined
      const allowed = [req.allowedValues?.map((v) => `\`${v}\``).join(', '), req.pattern ? `values matching /${req.pattern}/` : undefined].filter(Boolean).join('; ')
      out.push({
        messageId: 'notAllowed',
        tagKey: req.key,
        data: {
          kind: p.kind === 'user' ? 'IAM user' : 'Role',
          name: p.name,
          tagKey: req.key,
          value,
          suggestion: best ? didYouMean(best) : '.',
          allowed,
        },
        evidence: capabilityEvidence(p, { value, ...(best ? { suggestion: best } : {}) }),
        fix: tagCommand(p, req.key, best ?? '<allowed-value>'),
      })
    }
    return out
  },
})
