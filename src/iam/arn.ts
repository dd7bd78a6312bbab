/**
 * ARN helpers for IAM/STS identities: parse an ARN, find the account a principal reference names,
 * and recognise the role families the rules treat specially (service-linked, IAM Identity Center).
 */

export interface ParsedArn {
  partition: string
  service: string
  /** Empty for global services such as IAM and STS. */
  region: string
  /** Empty when the ARN carries no account (e.g. S3 buckets, AWS managed policies use `aws`). */
  accountId: string
  /** Everything after the fifth colon, unchanged. */
  resource: string
  /** `role`, `user`, `assumed-role`, `saml-provider`, `root`…; empty when the resource has no type prefix. */
  resourceType: string
  /**
   * The name part. For path-bearing IAM resources it excludes the path (`role/a/b/Name` → `Name`);
   * for `oidc-provider` it is the whole issuer (`oidc.eks.us-east-1.amazonaws.com/id/ABC`);
   * for `assumed-role` it is `Role/session`.
   */
  resourceName: string
  /** IAM path (`/`, `/a/b/`) for path-bearing IAM resources; `/` for every other resource. */
  path: string
}

/** IAM resource types whose names may be preceded by a path (`role/division/team/Name`). */
const PATH_BEARING_IAM_TYPES = new Set(['role', 'user', 'group', 'policy', 'instance-profile', 'server-certificate'])

const ARN_RE = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):([0-9]{12}|aws|):(.+)$/

/** Parse an ARN; undefined when `s` is not one. */
export function parseArn(s: string): ParsedArn | undefined {
  const m = ARN_RE.exec(s.trim())
  if (!m) return undefined
  const [, partition = '', service = '', region = '', accountId = '', resource = ''] = m
  const sep = resource.search(/[/:]/)
  const resourceType = sep < 0 ? '' : resource.slice(0, sep)
  const rest = sep < 0 ? resource : resource.slice(sep + 1)
  let resourceName = rest
  let path = '/'
  if (service === 'iam' && PATH_BEARING_IAM_TYPES.has(resourceType)) {
    const lastSlash = rest.lastIndexOf('/')
    if (lastSlash >= 0) {
      path = `/${rest.slice(0, lastSlash + 1)}`
      resourceName = rest.slice(lastSlash + 1)
    }
  }
  return { partition, service, region, accountId, resource, resourceType, resourceName, path }
}

const ACCOUNT_ID_RE = /^[0-9]{12}$/

/** true for a bare 12-digit account ID. */
export function isAccountId(s: string): boolean {
  return ACCOUNT_ID_RE.test(s.trim())
}

/** true for `arn:<partition>:iam::ACCT:root` or a bare account ID: the whole account as a principal. */
export function isAccountRoot(ref: string): boolean {
  if (isAccountId(ref)) return true
  const a = parseArn(ref)
  return a !== undefined && a.service === 'iam' && a.resource === 'root' && ACCOUNT_ID_RE.test(a.accountId)
}

/**
 * The account a principal reference belongs to: account root ARN, bare account ID, IAM role/user ARNs,
 * STS assumed-role/federated-user ARNs. Undefined for `*`, service principals, unique IDs and anything else.
 */
export function principalAccount(ref: string): string | undefined {
  const t = ref.trim()
  if (isAccountId(t)) return t
  const a = parseArn(t)
  if (!a || !ACCOUNT_ID_RE.test(a.accountId)) return undefined
  if (a.service === 'iam' && (a.resource === 'root' || a.resourceType === 'role' || a.resourceType === 'user')) {
    return a.accountId
  }
  if (a.service === 'sts' && (a.resourceType === 'assumed-role' || a.resourceType === 'federated-user')) {
    return a.accountId
  }
  return undefined
}

/**
 * Role name from an IAM role ARN (`…:role/path/Name` → `Name`) or an STS assumed-role ARN
 * (`…:assumed-role/Name/session` → `Name`, the form CUR and CloudTrail report).
 */
export function roleNameFromArn(arn: string): string | undefined {
  const a = parseArn(arn)
  if (!a) return undefined
  if (a.service === 'iam' && a.resourceType === 'role' && a.resourceName !== '') return a.resourceName
  if (a.service === 'sts' && a.resourceType === 'assumed-role') return sessionArnToRole(arn)?.roleName
  return undefined
}

/** Service-linked roles live under `/aws-service-role/`; AWS owns their trust and permissions. */
export function isServiceLinkedRolePath(path: string): boolean {
  return path.startsWith('/aws-service-role/')
}

const IDENTITY_CENTER_PATH = '/aws-reserved/sso.amazonaws.com/'

/**
 * IAM Identity Center permission-set roles: `AWSReservedSSO_<PermissionSet>_<hex>` under
 * `/aws-reserved/sso.amazonaws.com/` (some regions add a region segment after it). Either signal is
 * enough: sources that do not report paths (IaC, hand-written fixtures) still name the role, and the
 * `AWSReservedSSO` name prefix is protected by IAM.
 */
export function isIdentityCenterRole(name: string, path?: string): boolean {
  return name.startsWith('AWSReservedSSO_') || (path ?? '').startsWith(IDENTITY_CENTER_PATH)
}

export interface SessionRole {
  accountId: string
  roleName: string
  sessionName: string
}

/** `arn:aws:sts::A:assumed-role/Role/session` → its parts. Session names may contain `@ = , . -` but never `/`. */
export function sessionArnToRole(arn: string): SessionRole | undefined {
  const a = parseArn(arn)
  if (!a || a.service !== 'sts' || a.resourceType !== 'assumed-role' || !ACCOUNT_ID_RE.test(a.accountId)) return undefined
  const slash = a.resourceName.indexOf('/')
  if (slash <= 0 || slash === a.resourceName.length - 1) return undefined
  return {
    accountId: a.accountId,
    roleName: a.resourceName.slice(0, slash),
    sessionName: a.resourceName.slice(slash + 1),
  }
}
