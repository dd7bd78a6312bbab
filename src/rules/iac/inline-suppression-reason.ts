import { defineRule, type RuleReport } from '../types.js'

/**
 * An inline suppression hides a cost-attribution gap from every later reader; without a reason nobody
 * can tell an accepted exception from a silenced alarm. The suppression still applies — this rule makes
 * the missing reason visible instead.
 */
type Options = Record<never, never>
type MessageIds = 'missingReason'

export const inlineSuppressionReason = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'inline-suppression-reason',
    summary: 'An inline suppression in an IaC template gives no reason.',
    rationale:
      'Suppressing a finding next to a resource (`Metadata.tagwarden.ignore` in CloudFormation/CDK, `# tagwarden:ignore` in Terraform) takes a Bedrock principal out of the attribution report. Without a reason, reviewers cannot tell an accepted exception (a sandbox role, spend attributed by account) from an alarm that was silenced to get a pull request through.',
    remediation:
      'Write why the finding is acceptable next to the suppression: `reason: "…"` in CloudFormation/CDK metadata, or text after the rule ID in `# tagwarden:ignore RULE-ID reason`.',
    defaultSeverity: 'warning',
    appliesTo: ['iac-resource', 'role', 'user'],
    messages: {
      missingReason: '{resource} suppresses `{rule}` without a reason ({location}); say why the finding is acceptable, or fix it and remove the suppression.',
    },
    tags: ['governance', 'suppressions', 'iac'],
    precision: 'very-high',
    examples: {
      nonCompliant: 'Metadata:\n  tagwarden:\n    ignore:\n      - rule: principal-missing-tag',
      compliant: 'Metadata:\n  tagwarden:\n    ignore:\n      - rule: principal-missing-tag\n        reason: Sandbox role torn down nightly; its spend is attributed by account.',
    },
  },
  check(p) {
    const out: RuleReport<MessageIds>[] = []
    for (const s of p.origin?.suppressions ?? []) {
      if (s.reason !== undefined && s.reason.trim() !== '') continue
      out.push({
        messageId: 'missingReason',
        data: { resource: p.origin?.constructPath ?? p.origin?.address ?? p.origin?.logicalId ?? p.name, rule: s.rule, location: s.location },
        evidence: { suppressedRule: s.rule, location: s.location },
        fix: `add a reason to the suppression of ${s.rule} at ${s.location}`,
      })
    }
    return out
  },
})
