import { isPermissionSetRole } from '../../analysis/identity-center.js'
import { defineRule, type RuleReport } from '../types.js'
import { describeTagProblem, tagCommand, tagState, summarizeActions } from '../tag-helpers.js'
import { sharedCapabilityEvidence } from '../evidence.js'

/**
 * A Bedrock-capable principal reachable by a workload, an IAM principal, or as an IAM user must carry
 * every required tag itself: nothing else will attribute its spend. Roles reachable only through
 * federation or a gateway get session tags there and are judged by the federation/gateway rules.
 */
type Options = { tagKeys?: string[] }
type MessageIds = 'missing'

export const principalMissingTag = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'principal-missing-tag',
    summary: 'A Bedrock-capable IAM user or role lacks a required cost-allocation tag.',
    rationale:
      'Amazon Bedrock attributes every inference charge to the calling IAM principal, and its principal tags become cost allocation tags (`iamPrincipal/<key>` in CUR 2.0). A principal without the required tag — or with it in another case, since cost allocation tags are case-sensitive — lands in the untagged bucket of the bill.',
    remediation:
      'Tag the user or role with every required key (e.g. `team`), using the exact key spelling. For a role that people assume through an IdP or an LLM gateway, pass session tags instead.',
    defaultSeverity: 'error',
    appliesTo: ['user', 'role'],
    messages: {
      missing:
        '{kind} {name} can run Bedrock inference ({actions}) but {problem}, so its Bedrock spend cannot be attributed by `{tagKey}`. To fix: {command}.',
    },
    // The command the message shows (rendered when read, not stored per finding).
    fixes: { missing: '{command|bare}' },
    tags: ['cost-attribution', 'tagging', 'bedrock'],
    precision: 'very-high',
    iacFix: 'add-tag',
    locus: 'tags',
    options: {
      tagKeys: { type: 'array', items: { type: 'string' }, description: 'Required keys for this rule instance (default: the `tags.required` keys).' },
    },
    examples: {
      nonCompliant: `# Role assumed by Lambda, allowed bedrock:InvokeModel, tags: [{Key: Team, Value: search}]`,
      compliant: `# Same role with tags: [{Key: team, Value: search}]`,
    },
  },
  check(p, ctx) {
    if (!p.capability.capable || p.gateway) return []
    // Identity Center's permission-set roles cannot be tagged (IAM refuses changes to them): see identity-center-session-tags.
    if (isPermissionSetRole(p)) return []
    // Roles: only when a workload or IAM-principal path exists; federation/gateway-only roles are judged elsewhere.
    if (p.kind === 'role' && !p.paths.some((x) => x === 'workload' || x === 'iam-principal')) return []
    const keys = Array.isArray(ctx.options.tagKeys) ? (ctx.options.tagKeys as string[]) : ctx.settings.requiredTags.map((t) => t.key)
    const out: RuleReport<MessageIds>[] = []
    for (const key of keys) {
      const s = tagState(p.tags, key)
      if (s.state === 'present') continue
      out.push({
        messageId: 'missing',
        tagKey: key,
        data: {
          kind: p.kind === 'user' ? 'IAM user' : 'Role',
          name: p.name,
          actions: summarizeActions(p.capability.actions),
          problem: describeTagProblem(key, s),
          tagKey: key,
          command: p.origin?.logicalId || p.origin?.address || p.origin?.constructPath ? tagCommand(p, key) : `\`${tagCommand(p, key)}\``,
        },
        evidence: sharedCapabilityEvidence(p, {
          tagState: s.state,
          ...(s.state === 'missing' && s.nearMiss ? { nearMiss: s.nearMiss.key } : {}),
          paths: p.paths,
        }),
      })
    }
    return out
  },
})
