/**
 * The read-only guarantee: the one list of AWS operations tagwarden may call, each with the reason it is
 * needed. A middleware on every client refuses anything else before it is signed or sent, so no code path
 * (ours or a future one) can change an account. `docs/iam/tagwarden-audit-policy.json` grants exactly
 * these IAM actions; a test keeps the two in step.
 *
 * Adding an operation: add a row here with its reason and, if it needs a new IAM action, to the policy.
 * `List*`, `Get*` and `Describe*` operations plus `sts:AssumeRole` and `sts:GetCallerIdentity` are
 * read-only by name; any other operation (e.g. one that starts a read-only report job) must say in
 * `readOnlyBecause` why it changes nothing in the account.
 */

export interface AllowedOperation {
  /** SDK service ID, as in the client name without `Client` (`IAM`, `STS`, `Organizations`). */
  service: string
  /** Operation name, as in `<Operation>Command`. */
  operation: string
  /** The IAM action it needs (`iam:GetAccountAuthorizationDetails`); empty when no permission is needed. */
  action: string
  reason: string
  /** Required when the name is not List*, Get* or Describe*: why the call still changes nothing. */
  readOnlyBecause?: string
}

export const READ_ONLY_OPERATIONS: readonly AllowedOperation[] = Object.freeze([
  {
    service: 'STS',
    operation: 'GetCallerIdentity',
    action: '',
    reason: 'who is scanning: the caller’s account, partition and ARN; fails fast on missing or expired credentials',
  },
  {
    service: 'STS',
    operation: 'AssumeRole',
    action: 'sts:AssumeRole',
    reason: 'enter each member account of an org scan through the audit role (--role-name)',
  },
  {
    service: 'IAM',
    operation: 'GetAccountAuthorizationDetails',
    action: 'iam:GetAccountAuthorizationDetails',
    reason: 'users, groups, roles (tags, trust policies) and managed policies of an account, a page of up to 1000 at a time',
  },
  {
    service: 'IAM',
    operation: 'ListServiceSpecificCredentials',
    action: 'iam:ListServiceSpecificCredentials',
    reason: 'long-term Bedrock API keys of all users (AllUsers=true), one call per page',
  },
  {
    service: 'IAM',
    operation: 'ListSAMLProviders',
    action: 'iam:ListSAMLProviders',
    reason: 'names the SAML identity providers that federated roles trust',
  },
  {
    service: 'IAM',
    operation: 'ListOpenIDConnectProviders',
    action: 'iam:ListOpenIDConnectProviders',
    reason: 'names the OIDC identity providers that federated and workload roles trust',
  },
  {
    service: 'Organizations',
    operation: 'DescribeOrganization',
    action: 'organizations:DescribeOrganization',
    reason: 'the management account (SCPs never restrict it) and the organization ID',
  },
  {
    service: 'Organizations',
    operation: 'ListAccounts',
    action: 'organizations:ListAccounts',
    reason: 'the accounts of an org scan (--org), with their State',
  },
  {
    service: 'Organizations',
    operation: 'ListRoots',
    action: 'organizations:ListRoots',
    reason: 'the root of the OU tree and whether service control policies are enabled on it',
  },
  {
    service: 'Organizations',
    operation: 'ListParents',
    action: 'organizations:ListParents',
    reason: 'each account’s OU path (--ou filters, rule scopes by OU, the SCP levels that apply to it)',
  },
  {
    service: 'Organizations',
    operation: 'ListPolicies',
    action: 'organizations:ListPolicies',
    reason: 'the service control policies of the organization (Filter=SERVICE_CONTROL_POLICY); `init --from-tag-policy aws`: its tag policies (Filter=TAG_POLICY)',
  },
  {
    service: 'Organizations',
    operation: 'DescribePolicy',
    action: 'organizations:DescribePolicy',
    reason: 'the content of each service control policy (and of each tag policy for `init --from-tag-policy aws`)',
  },
  {
    service: 'Organizations',
    operation: 'ListTargetsForPolicy',
    action: 'organizations:ListTargetsForPolicy',
    reason: 'where each service control policy is attached (root, OUs, accounts)',
  },
  {
    service: 'Organizations',
    operation: 'DescribeEffectivePolicy',
    action: 'organizations:DescribeEffectivePolicy',
    reason: '`init --from-tag-policy aws --account ID`: the effective tag policy of one account (PolicyType=TAG_POLICY)',
  },
  {
    service: 'IAM',
    operation: 'GenerateServiceLastAccessedDetails',
    action: 'iam:GenerateServiceLastAccessedDetails',
    reason: '`scan --usage`: starts the IAM Access Advisor report of one Bedrock-capable principal (SERVICE_LEVEL)',
    readOnlyBecause: 'it only starts a report job that IAM keeps for a few hours; no IAM entity, policy or setting of the account changes',
  },
  {
    service: 'IAM',
    operation: 'GetServiceLastAccessedDetails',
    action: 'iam:GetServiceLastAccessedDetails',
    reason: '`scan --usage`: polls that report and reads when the principal last used the bedrock service',
  },
  {
    service: 'CostExplorer',
    operation: 'ListCostAllocationTags',
    action: 'ce:ListCostAllocationTags',
    reason: '--cost-explorer: whether each required key is an active IAM-principal cost allocation tag, and the exact key string to group by (USD 0.01 per page)',
  },
  {
    service: 'CostExplorer',
    operation: 'GetDimensionValues',
    action: 'ce:GetDimensionValues',
    reason: '--cost-explorer: the SERVICE values of Bedrock and its Marketplace models (search "Bedrock") (USD 0.01 per page)',
  },
  {
    service: 'CostExplorer',
    operation: 'GetCostAndUsage',
    action: 'ce:GetCostAndUsage',
    reason: '--cost-explorer: Bedrock spend per linked account and required tag value, usage only; one query per key (USD 0.01 per page)',
  },
  {
    service: 'S3',
    operation: 'ListObjectsV2',
    action: 's3:ListBucket',
    reason: '`--cur s3://…`: lists the CUR 2.0 export under the prefix (and, for Athena, nothing else)',
  },
  {
    service: 'S3',
    operation: 'GetObject',
    action: 's3:GetObject',
    reason: '`--cur s3://…`: reads the export\'s manifests and data files (Parquet by byte range, CSV as a stream)',
  },
  {
    service: 'Athena',
    operation: 'StartQueryExecution',
    action: 'athena:StartQueryExecution',
    reason: '`--cur athena://…`: runs the per-principal Bedrock spend aggregation over the CUR 2.0 table',
    readOnlyBecause: 'a SELECT changes no data or setting; Athena writes only its result file to the S3 output location the user names (docs/cur.md)',
  },
  {
    service: 'Athena',
    operation: 'GetQueryExecution',
    action: 'athena:GetQueryExecution',
    reason: '`--cur athena://…`: polls the query until it ends',
  },
  {
    service: 'Athena',
    operation: 'GetQueryResults',
    action: 'athena:GetQueryResults',
    reason: '`--cur athena://…`: reads the aggregated rows page by page',
  },
  {
    service: 'Athena',
    operation: 'StopQueryExecution',
    action: 'athena:StopQueryExecution',
    reason: '`--cur athena://…`: Ctrl-C or the timeout stops the query tagwarden started',
    readOnlyBecause: 'it cancels only the query tagwarden itself started; nothing else changes',
  },
  {
    service: 'SSOAdmin',
    operation: 'ListInstances',
    action: 'sso:ListInstances',
    reason: 'the IAM Identity Center instances visible in --sso-region (their ARN, owner account and identity store)',
  },
  {
    service: 'SSOAdmin',
    operation: 'DescribeInstanceAccessControlAttributeConfiguration',
    action: 'sso:DescribeInstanceAccessControlAttributeConfiguration',
    reason: 'the instance’s attributes for access control: which user attributes Identity Center passes as session tags (`team` → ${path:enterprise.department})',
  },
  {
    service: 'SSOAdmin',
    operation: 'ListPermissionSets',
    action: 'sso:ListPermissionSets',
    reason: 'the permission sets of each instance, joined to their AWSReservedSSO_* roles in member accounts by name',
  },
  {
    service: 'SSOAdmin',
    operation: 'DescribePermissionSet',
    action: 'sso:DescribePermissionSet',
    reason: 'each permission set’s name (its roles are named AWSReservedSSO_<name>_<suffix>)',
  },
  {
    service: 'SSOAdmin',
    operation: 'ListManagedPoliciesInPermissionSet',
    action: 'sso:ListManagedPoliciesInPermissionSet',
    reason: 'the AWS managed policies of a permission set: its Bedrock capability in accounts that were not scanned',
  },
  {
    service: 'SSOAdmin',
    operation: 'GetInlinePolicyForPermissionSet',
    action: 'sso:GetInlinePolicyForPermissionSet',
    reason: 'the inline policy of a permission set: its Bedrock capability in accounts that were not scanned',
  },
  {
    service: 'SSOAdmin',
    operation: 'ListCustomerManagedPolicyReferencesInPermissionSet',
    action: 'sso:ListCustomerManagedPolicyReferencesInPermissionSet',
    reason: 'the customer managed policies a permission set references by name (resolved in scanned accounts, otherwise noted)',
  },
  {
    service: 'SSOAdmin',
    operation: 'GetPermissionsBoundaryForPermissionSet',
    action: 'sso:GetPermissionsBoundaryForPermissionSet',
    reason: 'the permissions boundary of a permission set, which limits its Bedrock capability',
  },
  {
    service: 'SSOAdmin',
    operation: 'ListAccountsForProvisionedPermissionSet',
    action: 'sso:ListAccountsForProvisionedPermissionSet',
    reason: 'the accounts a permission set is provisioned to: where its sessions can run Bedrock and be billed',
  },
  {
    service: 'SSOAdmin',
    operation: 'ListAccountAssignments',
    action: 'sso:ListAccountAssignments',
    reason: 'the users and groups assigned a permission set in each account: who can reach it (optional; denied, the scan goes on)',
  },
])

const READ_ONLY_PREFIXES = ['List', 'Get', 'Describe']
const STS_EXCEPTIONS = new Set(['AssumeRole', 'GetCallerIdentity'])

/** Whether an operation name has a read-only form; the allowlist test holds every row to this. */
export function isReadOnlyName(service: string, operation: string): boolean {
  if (service === 'STS') return STS_EXCEPTIONS.has(operation)
  return READ_ONLY_PREFIXES.some((p) => operation.startsWith(p) && /^[A-Z]/.test(operation.slice(p.length)))
}

const ALLOWED = new Set(READ_ONLY_OPERATIONS.map((o) => `${o.service}:${o.operation}`))

export function isAllowedOperation(service: string, operation: string): boolean {
  return ALLOWED.has(`${service}:${operation}`)
}

/** The IAM actions the audit role needs (docs/iam/tagwarden-audit-policy.json), sorted. */
export function requiredActions(): string[] {
  return [...new Set(READ_ONLY_OPERATIONS.map((o) => o.action).filter((a) => a !== '' && a !== 'sts:AssumeRole'))].sort()
}
