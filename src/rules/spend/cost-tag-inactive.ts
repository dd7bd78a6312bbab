import { ruleTagKeys, spendOf } from '../spend-context.js'
import { activationCommand, activationOf, defaultCostKey, describeActiveInstead } from '../../spend/tag-keys.js'
import { defineRule, type RuleReport } from '../types.js'

/**
 * A required tag key is worth nothing on the bill until its IAM-principal cost allocation tag is
 * active: activation takes 24–48 hours and is not retroactive, so every day without it is spend that
 * can never be grouped by the key. Judged from `ListCostAllocationTags`; the key string AWS returned is
 * reported as it is (`iamPrincipal/<key>` or `user:iamPrincipal/<key>`; a bare `<key>` is a resource tag).
 */
type Options = { tagKeys?: string[] }
type MessageIds = 'notListed' | 'inactive'

export const costTagInactive = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'cost-tag-inactive',
    summary: 'A required tag key is not an active IAM-principal cost allocation tag.',
    rationale:
      'Principal and session tags reach Cost Explorer and CUR 2.0 as `iamPrincipal/<key>` cost allocation tags, but only after the key is activated in the payer account. Activation takes 24–48 hours and is not retroactive: until then Bedrock spend cannot be grouped by the key at all, however well the principals are tagged. Keys are case-sensitive, and a resource tag with the same name (`team`) is a different cost allocation tag that principal tags never feed.',
    remediation:
      'In the management (payer) account, activate the IAM-principal cost allocation tag for every required key: Billing and Cost Management → Cost allocation tags → IAM, or `aws ce update-cost-allocation-tags-status`. A key appears there only after a Bedrock request carried the tag (allow up to 24 hours).',
    defaultSeverity: 'error',
    appliesTo: ['tag-key'],
    messages: {
      notListed:
        'Required tag key `{tagKey}` is not an active IAM-principal cost allocation tag: AWS lists no `iamPrincipal/{tagKey}` key{instead}. Bedrock spend cannot be grouped by `{tagKey}` until it is activated. The key appears after the first Bedrock request made by a principal (or session) tagged `{tagKey}` (allow up to 24 hours); then activate it: `{command}`.',
      inactive:
        'Required tag key `{tagKey}` is not an active IAM-principal cost allocation tag: AWS lists `{costKey}` as Inactive{instead}. Bedrock spend cannot be grouped by `{tagKey}` until it is activated (it takes 24–48 hours and is not retroactive): `{command}`.',
    },
    tags: ['cost-attribution', 'billing', 'cost-explorer', 'bedrock'],
    precision: 'very-high',
    spend: 'account',
    options: {
      tagKeys: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Keys to check for this rule instance (default: the `tags.required` keys).' },
    },
    examples: {
      nonCompliant: `# aws ce list-cost-allocation-tags
{ "CostAllocationTags": [
  { "TagKey": "iamPrincipal/Team", "Type": "UserDefined", "Status": "Active" },
  { "TagKey": "team", "Type": "UserDefined", "Status": "Active" } ] }`,
      compliant: `{ "CostAllocationTags": [ { "TagKey": "iamPrincipal/team", "Type": "UserDefined", "Status": "Active" } ] }`,
    },
  },
  check(ctx) {
    const tags = spendOf(ctx)?.costAllocationTags
    if (!tags) return []
    const out: RuleReport<MessageIds>[] = []
    for (const tagKey of ruleTagKeys(ctx)) {
      const a = activationOf(tagKey, tags)
      if (a.state === 'active') continue
      const costKey = a.costKey ?? defaultCostKey(tagKey)
      const instead = a.activeInstead.length > 0 ? `; what is active instead is ${describeActiveInstead(a.activeInstead)}, which does not count` : ''
      const command = activationCommand(costKey)
      out.push({
        messageId: a.state === 'inactive' ? 'inactive' : 'notListed',
        tagKey,
        subject: { kind: 'tag-key', tagKey },
        data: { tagKey, costKey, instead, command },
        evidence: {
          activation: a.state,
          costKey,
          listed: a.listed.map((t) => ({ tagKey: t.tagKey, status: t.status, type: t.type })),
          activeInstead: a.activeInstead,
          inactiveLookAlikes: a.inactiveLookAlikes.map((t) => t.tagKey),
        },
        fix: command,
      })
    }
    return out
  },
})
