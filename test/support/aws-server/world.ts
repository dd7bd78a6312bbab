/**
 * The fake AWS the server answers from: accounts (IAM data as `GetAccountAuthorizationDetails` would
 * return it), an optional Organization (OUs, SCPs), and the credentials the server accepts. Tests build
 * a `World`, start the server on it, and may change it between calls.
 */
import { randomBytes } from 'node:crypto'

export type Json = Record<string, unknown>

export interface FakeAccount {
  id: string
  name?: string
  email?: string
  /** Organizations `State`; `Status` (retiring) is derived from it unless `status` is set. */
  state?: string
  status?: string
  /** Parent in the Organization: a root (`r-…`) or OU (`ou-…`) ID; defaults to the root. */
  parentId?: string
  /** `GetAccountAuthorizationDetails` entries. Policy documents may be objects: the server URL-encodes them. */
  iam: { users: Json[]; groups: Json[]; roles: Json[]; policies: Json[] }
  /** `ListServiceSpecificCredentials` entries (`ServiceSpecificCredentialMetadata`). */
  serviceSpecificCredentials: Json[]
  samlProviders: Json[]
  oidcProviders: Json[]
  /** Role names `sts:AssumeRole` accepts, with the `ExternalId` they require (if any). */
  assumableRoles: Record<string, { externalId?: string }>
  /** Operations (`iam:GetAccountAuthorizationDetails`) that answer AccessDenied for this account. */
  denied?: string[]
  /**
   * IAM Access Advisor data by entity ARN (user, role, group or managed policy): the services its policies
   * allow, as `GetServiceLastAccessedDetails` lists them. An entity without an entry lists no service.
   * To deny Access Advisor in an account, put `iam:GenerateServiceLastAccessedDetails` in `denied`.
   */
  lastAccessed?: Record<string, FakeServiceLastAccessed[]>
}

/**
 * One `ServiceLastAccessed` entry; dates as ISO strings. `ServiceName` defaults to the namespace,
 * `LastAuthenticatedEntity` to the entity asked about and `TotalAuthenticatedEntities` to 1 when
 * `LastAuthenticated` is set (else 0), as IAM reports them for a user or role.
 */
export interface FakeServiceLastAccessed {
  ServiceNamespace: string
  ServiceName?: string
  LastAuthenticated?: string
  LastAuthenticatedEntity?: string
  LastAuthenticatedRegion?: string
  TotalAuthenticatedEntities?: number
}

export interface FakeOu {
  id: string
  name: string
  parentId: string
}

export interface FakePolicy {
  id: string
  name: string
  description?: string
  awsManaged?: boolean
  /** The policy JSON (object or text). */
  content: unknown
  /** Root, OU and account IDs the policy is attached to. */
  targets: string[]
}

export interface FakeOrg {
  id: string
  managementAccountId: string
  rootId: string
  /** Whether SERVICE_CONTROL_POLICY is enabled on the root. */
  scpEnabled: boolean
  ous: FakeOu[]
  policies: FakePolicy[]
  /** Accounts whose credentials may call Organizations besides the management account. */
  delegatedAdmins?: string[]
}

/** Who a set of credentials belongs to. */
export interface FakePrincipal {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  accountId: string
  arn: string
  userId: string
  /** Epoch ms; requests after it answer `ExpiredToken`. */
  expiresAt?: number
}

export interface FakePermissionSet {
  /** `ps-…` */
  id: string
  name: string
  description?: string
  /** Policy JSON (object or text); omitted: no inline policy (GetInline… answers ""). */
  inlinePolicy?: unknown
  managedPolicyArns?: string[]
  customerManagedPolicyRefs?: Array<{ Name: string; Path?: string }>
  boundary?: { ManagedPolicyArn?: string; CustomerManagedPolicyReference?: { Name: string; Path?: string } }
  provisionedAccounts?: string[]
  assignments?: Array<{ accountId: string; principalType: 'USER' | 'GROUP'; principalId: string }>
}

export interface FakeIdentityCenterInstance {
  /** `ssoins-…` */
  id: string
  ownerAccountId: string
  region: string
  identityStoreId?: string
  name?: string
  /** ABAC: absent = never enabled (ResourceNotFoundException). */
  abac?: { status?: string; attributes: Array<{ key: string; sources: string[] }> }
  permissionSets: FakePermissionSet[]
}

/** IAM Identity Center for the sso-admin service (`services/sso-admin.ts`). */
export interface FakeIdentityCenter {
  instances: FakeIdentityCenterInstance[]
  /** Accounts whose credentials may call sso-admin (management account, delegated administrator). */
  adminAccounts: string[]
  /** Force small pages (items per page of every list operation). */
  pageSize?: number
}

export interface World {
  partition: string
  /** IAM may return fewer items than MaxItems; cap its pages to force several with little data. */
  iamMaxPageSize?: number
  /** `GetServiceLastAccessedDetails` answers IN_PROGRESS this many times per job before COMPLETED (default 1). */
  accessAdvisorPendingPolls?: number
  accounts: Map<string, FakeAccount>
  org?: FakeOrg
  /** IAM Identity Center; absent: no instance in any Region. */
  identityCenter?: FakeIdentityCenter
  principals: Map<string, FakePrincipal>
}

export function emptyWorld(partition = 'aws'): World {
  return { partition, accounts: new Map(), principals: new Map() }
}

export function emptyFakeAccount(id: string, extra: Partial<FakeAccount> = {}): FakeAccount {
  return {
    id,
    iam: { users: [], groups: [], roles: [], policies: [] },
    serviceSpecificCredentials: [],
    samlProviders: [],
    oidcProviders: [],
    assumableRoles: { OrganizationAccountAccessRole: {} },
    ...extra,
  }
}

const upper = (n: number): string =>
  Array.from(randomBytes(n), (b) => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[b % 32]).join('')

/** Long-term credentials of an IAM user, accepted by the server. */
export function addUserCredentials(world: World, accountId: string, userName = 'auditor'): FakePrincipal {
  const p: FakePrincipal = {
    accessKeyId: `AKIA${upper(16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    accountId,
    arn: `arn:${world.partition}:iam::${accountId}:user/${userName}`,
    userId: `AIDA${upper(17)}`,
  }
  world.principals.set(p.accessKeyId, p)
  return p
}

/** Temporary credentials for an assumed role, as `sts:AssumeRole` hands them out. */
export function issueSessionCredentials(world: World, accountId: string, roleName: string, sessionName: string, ttlMs: number): FakePrincipal {
  const roleId = `AROA${upper(17)}`
  const p: FakePrincipal = {
    accessKeyId: `ASIA${upper(16)}`,
    secretAccessKey: randomBytes(30).toString('base64'),
    sessionToken: `FwoG${randomBytes(96).toString('base64')}`,
    accountId,
    arn: `arn:${world.partition}:sts::${accountId}:assumed-role/${roleName}/${sessionName}`,
    userId: `${roleId}:${sessionName}`,
    expiresAt: Date.now() + ttlMs,
  }
  world.principals.set(p.accessKeyId, p)
  return p
}

/** Every secret the server has issued: tests assert none of them leaks into output or logs. */
export function issuedSecrets(world: World): string[] {
  return [...world.principals.values()].flatMap((p) => [p.secretAccessKey, ...(p.sessionToken ? [p.sessionToken] : [])])
}
