/**
 * Saved `aws sso-admin` outputs, recognised by content like every other input. They are `other` files for
 * the snapshot scanner (known, never an error); `load.ts` reads them into `RawIdentityCenter`.
 */
import { isJsonObject, type JsonObject, type OtherFileRecogniser } from '../snapshot/recogniser.js'

export const IdentityCenterKind = {
  Instances: 'sso-admin-list-instances',
  Abac: 'sso-admin-access-control-attributes',
  PermissionSets: 'sso-admin-list-permission-sets',
  PermissionSet: 'sso-admin-describe-permission-set',
  ManagedPolicies: 'sso-admin-managed-policies',
  InlinePolicy: 'sso-admin-inline-policy',
  CustomerManagedPolicyReferences: 'sso-admin-customer-managed-policy-references',
  PermissionsBoundary: 'sso-admin-permissions-boundary',
  ProvisionedAccounts: 'sso-admin-provisioned-accounts',
  AccountAssignments: 'sso-admin-account-assignments',
} as const

export type IdentityCenterFileKind = (typeof IdentityCenterKind)[keyof typeof IdentityCenterKind]

const SSO_INSTANCE_ARN_RE = /^arn:[\w-]+:sso:::instance\/ssoins-[0-9a-zA-Z]+$/
const SSO_PS_ARN_RE = /^arn:[\w-]+:sso:::permissionSet\/ssoins-[0-9a-zA-Z]+\/ps-[0-9a-zA-Z]+$/

const arrayOf = (obj: JsonObject, key: string, item: (v: unknown) => boolean): boolean => Array.isArray(obj[key]) && (obj[key] as unknown[]).every(item)
/** Only the output's own keys (and the SDK's `$metadata` when a response was saved with JSON.stringify). */
const keysWithin = (obj: JsonObject, allowed: string[]): boolean => Object.keys(obj).every((k) => k === '$metadata' || allowed.includes(k))

function recogniser(kind: IdentityCenterFileKind, matches: (obj: JsonObject) => boolean): OtherFileRecogniser {
  return { kind, scope: 'other', matches }
}

/** Top-level keys of each output, plus the CLI's `NextToken` when `--max-items` paged it. */
export const IDENTITY_CENTER_RECOGNISERS: readonly OtherFileRecogniser[] = [
  recogniser(
    IdentityCenterKind.Instances,
    (o) => keysWithin(o, ['Instances', 'NextToken']) && arrayOf(o, 'Instances', (i) => isJsonObject(i) && typeof i.InstanceArn === 'string' && SSO_INSTANCE_ARN_RE.test(i.InstanceArn)),
  ),
  recogniser(IdentityCenterKind.Abac, (o) => isJsonObject(o.InstanceAccessControlAttributeConfiguration) && keysWithin(o, ['Status', 'StatusReason', 'InstanceAccessControlAttributeConfiguration'])),
  recogniser(
    IdentityCenterKind.PermissionSets,
    (o) => keysWithin(o, ['PermissionSets', 'NextToken']) && arrayOf(o, 'PermissionSets', (p) => typeof p === 'string' && SSO_PS_ARN_RE.test(p)),
  ),
  recogniser(
    IdentityCenterKind.PermissionSet,
    (o) => keysWithin(o, ['PermissionSet']) && isJsonObject(o.PermissionSet) && typeof o.PermissionSet.PermissionSetArn === 'string' && typeof o.PermissionSet.Name === 'string',
  ),
  recogniser(
    IdentityCenterKind.ManagedPolicies,
    (o) => keysWithin(o, ['AttachedManagedPolicies', 'NextToken']) && arrayOf(o, 'AttachedManagedPolicies', (p) => isJsonObject(p) && typeof p.Arn === 'string'),
  ),
  recogniser(IdentityCenterKind.InlinePolicy, (o) => keysWithin(o, ['InlinePolicy']) && typeof o.InlinePolicy === 'string'),
  recogniser(
    IdentityCenterKind.CustomerManagedPolicyReferences,
    (o) => keysWithin(o, ['CustomerManagedPolicyReferences', 'NextToken']) && arrayOf(o, 'CustomerManagedPolicyReferences', (p) => isJsonObject(p) && typeof p.Name === 'string'),
  ),
  recogniser(IdentityCenterKind.PermissionsBoundary, (o) => keysWithin(o, ['PermissionsBoundary']) && isJsonObject(o.PermissionsBoundary)),
  recogniser(IdentityCenterKind.ProvisionedAccounts, (o) => keysWithin(o, ['AccountIds', 'NextToken']) && arrayOf(o, 'AccountIds', (a) => typeof a === 'string' && /^\d{12}$/.test(a))),
  recogniser(
    IdentityCenterKind.AccountAssignments,
    (o) => keysWithin(o, ['AccountAssignments', 'NextToken']) && arrayOf(o, 'AccountAssignments', (a) => isJsonObject(a) && typeof a.PermissionSetArn === 'string'),
  ),
]

export const IDENTITY_CENTER_KINDS: ReadonlySet<string> = new Set(Object.values(IdentityCenterKind))
