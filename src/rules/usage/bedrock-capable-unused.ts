import { defineRule } from '../types.js'
import { sharedCapabilityEvidence } from '../evidence.js'
import { summarizeActions } from '../tag-helpers.js'
import { classifyUsage, describeUnused } from '../../usage/classify.js'
import { permissionSetNameOfRole } from '../../analysis/identity-center.js'

/**
 * A principal that may run Bedrock but never has: nothing to attribute yet, and a permission nobody
 * needs. Bedrock non-use is known from IAM Access Advisor (`scan --usage`) or CUR spend, or from a
 * role that was never used at all (empty RoleLastUsed). Gateways are left to gateway-direct-invoke,
 * which already asks for their Bedrock permissions to go.
 */
type Options = Record<never, never>
type MessageIds = 'unused' | 'unusedPermissionSet'

export const bedrockCapableUnused = defineRule<Options, MessageIds>({
  scope: 'principal',
  meta: {
    id: 'bedrock-capable-unused',
    summary: 'A Bedrock-capable IAM user or role has never used Bedrock (per IAM Access Advisor or CUR), or is a role that was never used at all.',
    rationale:
      'A permission that is never exercised is pure risk: it carries no spend to attribute today, but the moment someone starts using it, Bedrock charges arrive on a principal that nobody reviewed for tags. Removing unused Bedrock access keeps the set of principals that must be attributable small (least privilege).',
    remediation:
      'Remove the Bedrock inference permissions from the principal (detach or narrow the granting policy shown in the evidence), or delete the role if nothing uses it. If it is about to be used, tag it now and add an exception with an expiry.',
    defaultSeverity: 'note',
    appliesTo: ['user', 'role'],
    messages: {
      unused: '{kind} {name} can run Bedrock inference ({actions}) but {evidence}. Remove its Bedrock permissions (least privilege): an unused permission has no spend to attribute, only risk.',
      // IAM refuses changes to permission-set roles (UnmodifiableEntity): the fix is in Identity Center.
      unusedPermissionSet:
        'Role {name} can run Bedrock inference ({actions}) but {evidence}. IAM Identity Center manages this role: remove the Bedrock permissions from permission set {permissionSet} (or its assignment to this account), not from the role.',
    },
    tags: ['least-privilege', 'bedrock', 'usage'],
    precision: 'high',
    examples: {
      nonCompliant: '# Role allowed bedrock:InvokeModel, RoleLastUsed: {}\n# (or IAM Access Advisor: bedrock LastAuthenticated absent for 400 days)',
      compliant: '# Role allowed bedrock:InvokeModel, Access Advisor: bedrock last authenticated 2026-11-20\n# (or the Bedrock permission removed)',
    },
  },
  check(p) {
    if (!p.capability.capable || p.gateway) return []
    // `bedrockUsage` is set by `scan --usage` (Access Advisor) or CUR spend; absent otherwise.
    const usage = classifyUsage(p)
    if (usage.bedrock !== 'unused') return []
    const permissionSet = p.kind === 'role' ? permissionSetNameOfRole(p.name, p.path) : undefined
    const name = p.name
    const actions = summarizeActions(p.capability.actions)
    const evidence = describeUnused(usage)
    // Literals, not `{ ...data, kind }`: a literal continued after a spread gets a hidden class of its own (~200 B, see capabilityEvidence).
    const data: Record<string, string> =
      permissionSet !== undefined ? { name, actions, evidence, permissionSet } : { name, actions, evidence, kind: p.kind === 'user' ? 'IAM user' : 'Role' }
    return [
      {
        messageId: permissionSet !== undefined ? 'unusedPermissionSet' : 'unused',
        data,
        evidence: sharedCapabilityEvidence(p, {
          usage: { state: usage.state, ...(usage.source ? { source: usage.source } : {}), ...(usage.lastUsed ? { lastUsed: usage.lastUsed } : {}), ...(usage.windowStart ? { windowStart: usage.windowStart } : {}) },
        }),
      },
    ]
  },
})
