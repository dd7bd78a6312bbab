import type { PermissionSetView } from '../../analysis/identity-center.js'
import type { AbacAttribute, IcInstance } from '../../model/identity-center.js'
import type { FindingSpend, Subject } from '../../model/finding.js'
import { defineRule, type RuleReport } from '../types.js'
import { shellQuote } from '../../util/escape.js'

/**
 * IAM Identity Center passes a user's attributes as session tags (`aws:PrincipalTag/<key>`, which become
 * `iamPrincipal/<key>` cost allocation tags) only through its attributes for access control (ABAC).
 * Permission-set roles (`AWSReservedSSO_*`) are managed by Identity Center: nobody can tag them, so a
 * Bedrock-capable permission set whose instance maps no required key has its users' spend unattributed.
 *
 * `DescribeInstanceAccessControlAttributeConfiguration` "will not return attributes configured and sent by
 * an external identity provider" (sso-admin API reference): with an external IdP that sends
 * `https://aws.amazon.com/SAML/Attributes/AccessControl:<key>` (ABAC still has to be enabled), a missing
 * mapping is only a warning, and CUR showing `iamPrincipal/<key>` on every session of the permission set's
 * roles proves the key arrives.
 */
type Options = { tagKeys?: string[]; identitySource?: string }
type MessageIds = 'missing' | 'nearMiss' | 'abacDisabled' | 'missingExternal'

/** The identity-store attribute a key is usually mapped from (only a suggestion in the fix). */
function suggestedSource(key: string): string {
  const k = key.toLowerCase().replace(/[^a-z]/g, '')
  if (k.includes('cost')) return '${path:enterprise.costCenter}'
  if (k.includes('division')) return '${path:enterprise.division}'
  if (k.includes('org')) return '${path:enterprise.organization}'
  return '${path:enterprise.department}'
}

function attributeJson(attributes: readonly AbacAttribute[]): string {
  return JSON.stringify({ AccessControlAttributes: attributes.map((a) => ({ Key: a.key, Value: { Source: a.sources } })) })
}

/** The CLI command that leaves the instance with `key` mapped (the update call replaces the whole list). */
function fixCommand(instance: IcInstance, key: string, replacing?: string): string {
  const region = instance.region ? ` --region ${shellQuote(instance.region)}` : ''
  const wanted: AbacAttribute = { key, sources: [suggestedSource(key)] }
  if (instance.abac.state === 'unusable' && instance.abac.why === 'not-found') {
    return `aws sso-admin create-instance-access-control-attribute-configuration${region} --instance-arn ${shellQuote(instance.arn)} --instance-access-control-attribute-configuration ${shellQuote(attributeJson([wanted]))}`
  }
  const current = instance.abac.state === 'not-captured' ? [] : instance.abac.attributes
  // Session tag keys are unique regardless of case: a near miss is renamed, not joined by a second spelling.
  const kept = current.filter((a) => a.key !== replacing)
  const next = [...kept, replacing ? { key, sources: current.find((a) => a.key === replacing)?.sources ?? wanted.sources } : wanted]
  return `aws sso-admin update-instance-access-control-attribute-configuration${region} --instance-arn ${shellQuote(instance.arn)} --instance-access-control-attribute-configuration ${shellQuote(attributeJson(next))}`
}

/**
 * The edit that maps `key` in a template's or plan's ABAC resource (a near miss: the key renamed). Source
 * values are suggestions; a Terraform string escapes `${` as `$${`.
 */
function iacFix(instance: IcInstance, key: string, nearMiss: string | undefined): string | undefined {
  const r = instance.iac?.abacResource
  if (!r) return undefined
  const where = `${r.id} (${r.file}${r.line !== undefined ? `:${r.line}` : ''})`
  const tf = instance.iac?.format === 'terraform'
  if (nearMiss !== undefined) {
    return tf
      ? `In ${where}, rename the attribute key "${nearMiss}" to "${key}" (key = "${key}"): session tag keys are case-sensitive.`
      : `In ${where}, rename the AccessControlAttributes key ${nearMiss} to ${key} (Key: ${key}): session tag keys are case-sensitive.`
  }
  const source = suggestedSource(key)
  return tf
    ? `Add to ${where}:\n  attribute {\n    key = "${key}"\n    value {\n      source = ["$${source}"]\n    }\n  }`
    : `Add to the AccessControlAttributes of ${where}:\n  - Key: ${key}\n    Value:\n      Source:\n        - '${source}'`
}

function subjectOf(v: PermissionSetView, key: string): Subject {
  const ps = v.permissionSet
  const s: Subject = { kind: 'permission-set', arn: ps.arn, name: ps.name, tagKey: key }
  if (v.instance.ownerAccountId) s.accountId = v.instance.ownerAccountId
  // An IaC permission set is located in its template or plan (line 1 when the plan's `.tf` block was not found).
  if (ps.origin?.file && (ps.origin.line !== undefined || v.instance.iac)) {
    s.file = ps.origin.file
    if (ps.origin.line !== undefined) s.line = ps.origin.line
    if (ps.origin.column !== undefined) s.column = ps.origin.column
    if (ps.origin.logicalId) s.logicalId = ps.origin.logicalId
    if (ps.origin.address) s.address = ps.origin.address
    if (ps.origin.constructPath) s.constructPath = ps.origin.constructPath
  }
  return s
}

/** Spend of the permission set's sessions, and how much of it lacks `key`. */
function spendOf(v: PermissionSetView, key: string): FindingSpend | undefined {
  if (!v.spend) return undefined
  const { roles, currency, period } = v.spend
  const total = roles.reduce((n, s) => n + s.total, 0)
  const unattributed = roles.reduce((n, s) => n + (s.byKey[key]?.unattributed ?? s.total), 0)
  return total === 0 ? undefined : { total: Math.round(total * 100) / 100, unattributed: Math.round(unattributed * 100) / 100, currency, period }
}

const list = (xs: readonly string[]): string => (xs.length === 0 ? 'no account' : xs.join(', '))

/** At most this many assignments are listed in the evidence (the counts cover all). */
const ASSIGNMENTS_LISTED = 20

/** Who can reach the permission set (ListAccountAssignments): distinct users and groups, and the first assignments. */
function assignmentsOf(v: PermissionSetView): Record<string, unknown> | undefined {
  const a = v.permissionSet.assignments
  if (!a) return undefined
  const distinct = (type: string): number => new Set(a.filter((x) => x.principalType === type).map((x) => x.principalId)).size
  return { users: distinct('USER'), groups: distinct('GROUP'), listed: a.slice(0, ASSIGNMENTS_LISTED), ...(a.length > ASSIGNMENTS_LISTED ? { total: a.length } : {}) }
}

export const identityCenterSessionTags = defineRule<Options, MessageIds>({
  scope: 'org',
  meta: {
    id: 'identity-center-session-tags',
    summary: 'A Bedrock-capable IAM Identity Center permission set whose instance does not pass a required key as a session tag (attributes for access control).',
    rationale:
      'Identity Center users reach AWS through permission-set roles (`AWSReservedSSO_<name>_…`) that Identity Center manages: they cannot be tagged, and one role is shared by every user assigned the permission set. A session carries `team` only when Identity Center\'s attributes for access control map it (or, with an external IdP, when the IdP sends `https://aws.amazon.com/SAML/Attributes/AccessControl:team` — ABAC enabled either way); otherwise the Bedrock spend of everyone using the permission set lands untagged.',
    remediation:
      'Enable attributes for access control in IAM Identity Center (Settings → Attributes for access control) and map each required key exactly as spelt, e.g. `team` → `${path:enterprise.department}`; then activate `iamPrincipal/team` as a cost allocation tag.',
    defaultSeverity: 'error',
    appliesTo: ['permission-set'],
    messages: {
      missing:
        'Permission set {name} can run Bedrock inference (provisioned to {accounts}), but Identity Center instance {instance} maps no attribute to `{tagKey}`: its users\' sessions carry no `{tagKey}` session tag, so their Bedrock spend is unattributed. Map `{tagKey}` in the attributes for access control.',
      nearMiss:
        'Permission set {name} can run Bedrock inference (provisioned to {accounts}), but Identity Center instance {instance} maps `{nearMiss}`, not `{tagKey}`: cost allocation tags are case-sensitive, so its users\' Bedrock spend is not attributed by `{tagKey}`. Rename the attribute key to `{tagKey}`.',
      abacDisabled:
        'Permission set {name} can run Bedrock inference (provisioned to {accounts}), but Identity Center instance {instance} has no usable attributes for access control ({why}): no user attribute becomes a session tag, so its users\' Bedrock spend is not attributed by `{tagKey}`. Enable attributes for access control and map `{tagKey}`.',
      missingExternal:
        'Permission set {name} can run Bedrock inference (provisioned to {accounts}); Identity Center instance {instance} maps no attribute to `{tagKey}`, and the external identity provider must send `https://aws.amazon.com/SAML/Attributes/AccessControl:{tagKey}` for its users\' sessions to carry it — no CUR 2.0 data shows that it does. Map `{tagKey}` in Identity Center, or check the IdP\'s assertion.',
    },
    tags: ['cost-attribution', 'federation', 'identity-center', 'session-tags', 'bedrock'],
    precision: 'high',
    options: {
      tagKeys: { type: 'array', items: { type: 'string' }, description: 'Keys the permission sets\' sessions must carry (default: the `tags.required` keys).' },
      identitySource: {
        type: 'string',
        enum: ['identity-center', 'external'],
        default: 'identity-center',
        description:
          'Where Identity Center\'s users come from. `external` (Okta, Entra ID… through SAML): the IdP may send the keys in the assertion, which the sso-admin API does not show, so a missing mapping is a warning (messageId missingExternal).',
      },
    },
    examples: {
      nonCompliant: '# aws sso-admin describe-instance-access-control-attribute-configuration\n{"Status":"ENABLED","InstanceAccessControlAttributeConfiguration":{"AccessControlAttributes":[{"Key":"Team","Value":{"Source":["${path:enterprise.department}"]}}]}}',
      compliant: '{"Status":"ENABLED","InstanceAccessControlAttributeConfiguration":{"AccessControlAttributes":[{"Key":"team","Value":{"Source":["${path:enterprise.department}"]}}]}}',
    },
  },
  check(ctx) {
    const views = ctx.index.permissionSets ?? []
    const keys = ctx.options.tagKeys ?? ctx.settings.requiredTags.map((t) => t.key)
    const external = ctx.options.identitySource === 'external'
    const out: Array<RuleReport<MessageIds>> = []
    for (const v of views) {
      if (!v.capable) continue
      const abac = v.instance.abac
      // Not read: said in summary.notEvaluated, not guessed here.
      if (abac.state === 'not-captured') continue
      for (const key of keys) {
        if (abac.state === 'enabled' && abac.attributes.some((a) => a.key === key)) continue
        const spend = spendOf(v, key)
        // Every billed session carries the key (an external IdP sends it): attributed, nothing to report.
        if (spend && spend.unattributed === 0) continue
        const nearMiss = abac.attributes.find((a) => a.key.toLowerCase() === key.toLowerCase())?.key
        const messageId: MessageIds =
          abac.state === 'unusable' ? 'abacDisabled' : nearMiss !== undefined ? 'nearMiss' : external ? 'missingExternal' : 'missing'
        const why =
          abac.state !== 'unusable'
            ? ''
            : abac.why === 'not-found'
              ? 'never enabled'
              : abac.why === 'empty'
                ? 'enabled with no attribute'
                : `status ${abac.status ?? '?'}${abac.statusReason ? `: ${abac.statusReason}` : ''}`
        const report: RuleReport<MessageIds> = {
          messageId,
          tagKey: key,
          subject: subjectOf(v, key),
          data: {
            name: v.permissionSet.name,
            instance: v.instance.id,
            accounts: v.instance.iac ? 'the accounts it is assigned to' : list(v.accounts),
            tagKey: key,
            ...(nearMiss !== undefined ? { nearMiss } : {}),
            ...(why ? { why } : {}),
          },
          evidence: {
            instanceArn: v.instance.arn,
            abac: abac.state === 'enabled' ? { status: 'ENABLED', keys: abac.attributes.map((a) => a.key) } : { status: abac.status ?? abac.why, keys: abac.attributes.map((a) => a.key) },
            accounts: v.accounts,
            ...(v.unscannedAccounts.length > 0 ? { unscannedAccounts: v.unscannedAccounts } : {}),
            roleArns: v.roles.map((r) => r.arn),
            ...(assignmentsOf(v) ? { assignments: assignmentsOf(v) } : {}),
            capabilityFrom: v.capabilityFrom,
            grants: v.capabilityFrom === 'roles'
              ? v.roles.filter((r) => r.capability.capable).flatMap((r) => r.capability.grants.map((g) => ({ policy: `${g.policy} (role ${r.name} in ${r.accountId})`, statement: g.statement, actions: g.actions, ...(g.conditional ? { conditional: true } : {}) })))
              : (v.ownCapability?.grants ?? []).map((g) => ({ policy: g.policy, statement: g.statement, actions: g.actions, ...(g.conditional ? { conditional: true } : {}) })),
          },
          fix: iacFix(v.instance, key, nearMiss) ?? `Map \`${key}\` in Identity Center's attributes for access control (e.g. ${key} → ${suggestedSource(key)}):\n${fixCommand(v.instance, key, nearMiss)}`,
        }
        if (v.permissionSet.origin?.suppressions) report.suppressions = v.permissionSet.origin.suppressions
        if (messageId === 'missingExternal') report.severity = 'warning'
        if (spend) report.spend = spend
        out.push(report)
      }
    }
    return out
  },
})
