/**
 * Collection for one account: a handful of paged calls whose number depends on the size of the account's
 * IAM data, never on its number of principals (no per-user or per-role call). The outputs are kept raw
 * (JSON-shaped) and mapped to an inventory by the snapshot scanner's own recognisers.
 */
import {
  GetAccountAuthorizationDetailsCommand,
  ListOpenIDConnectProvidersCommand,
  ListSAMLProvidersCommand,
  ListServiceSpecificCredentialsCommand,
  type IAMClient,
} from '@aws-sdk/client-iam'
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts'
import type { ScanErrorEntry } from '../../model/finding.js'
import type { AccountInventory } from '../../model/inventory.js'
import { inventoryFromOutputs, type RawOutput } from '../snapshot/from-objects.js'
import { BEDROCK_SERVICE_NAME } from '../snapshot/service-credentials.js'
import type { Credentials } from './clients.js'
import { awsErrorEntry, type ErrorContext } from './errors.js'
import { allPages, jsonShape } from './pages.js'
import type { Redactor } from './redact.js'

/** IAM's largest page. */
export const IAM_PAGE_SIZE = 1000

/** What was read from one account, response by response (what `collect` writes). */
export interface RawAccountOutputs {
  accountId: string
  /** `GetAccountAuthorizationDetails` pages. */
  authorizationDetails: unknown[]
  /** `ListServiceSpecificCredentials` pages; absent when the call failed. */
  serviceSpecificCredentials?: unknown[]
  samlProviders?: unknown
  openIdConnectProviders?: unknown
}

interface CollectContext {
  accountId: string
  maxAttempts: number
  redactor: Redactor
}

function failure(e: unknown, operation: string, ctx: CollectContext, extra: Partial<ErrorContext> = {}): ScanErrorEntry {
  return awsErrorEntry(e, { operation, accountId: ctx.accountId, maxAttempts: ctx.maxAttempts, ...extra }, ctx.redactor)
}

/**
 * Read one account. Without its authorization details the account fails as a whole (a partial principal
 * list would hide findings); the other outputs are optional and their failures are reported alone.
 */
export async function collectAccount(iam: IAMClient, ctx: CollectContext): Promise<{ raw?: RawAccountOutputs; errors: ScanErrorEntry[] }> {
  const errors: ScanErrorEntry[] = []
  let authorizationDetails: unknown[]
  try {
    authorizationDetails = (
      await allPages(
        (Marker) => iam.send(new GetAccountAuthorizationDetailsCommand({ MaxItems: IAM_PAGE_SIZE, ...(Marker ? { Marker } : {}) })),
        (p) => (p.IsTruncated ? p.Marker : undefined),
      )
    ).map(jsonShape)
  } catch (e) {
    return { errors: [failure(e, 'iam:GetAccountAuthorizationDetails', ctx)] }
  }
  const raw: RawAccountOutputs = { accountId: ctx.accountId, authorizationDetails }
  try {
    raw.serviceSpecificCredentials = (
      await allPages(
        (Marker) =>
          iam.send(
            new ListServiceSpecificCredentialsCommand({
              ServiceName: BEDROCK_SERVICE_NAME,
              AllUsers: true,
              MaxItems: IAM_PAGE_SIZE,
              ...(Marker ? { Marker } : {}),
            }),
          ),
        (p) => (p.IsTruncated ? p.Marker : undefined),
      )
    ).map(jsonShape)
  } catch (e) {
    errors.push(failure(e, 'iam:ListServiceSpecificCredentials', ctx))
  }
  try {
    raw.samlProviders = jsonShape(await iam.send(new ListSAMLProvidersCommand({})))
  } catch (e) {
    errors.push(failure(e, 'iam:ListSAMLProviders', ctx))
  }
  try {
    raw.openIdConnectProviders = jsonShape(await iam.send(new ListOpenIDConnectProvidersCommand({})))
  } catch (e) {
    errors.push(failure(e, 'iam:ListOpenIDConnectProviders', ctx))
  }
  return { raw, errors }
}

/** Source labels of live outputs, used where a snapshot would name its file. */
export function liveSourceLabel(accountId: string, operation: string, page?: number): string {
  return `aws:${accountId}/${operation}${page !== undefined ? `#${page}` : ''}`
}

/** The inventory of a collected account, through the snapshot scanner's mapping. */
export function inventoryFromRaw(raw: RawAccountOutputs, partition: string): { inventory: AccountInventory; errors: ScanErrorEntry[] } {
  const outputs: RawOutput[] = raw.authorizationDetails.map((output, i) => ({
    source: liveSourceLabel(raw.accountId, 'iam:GetAccountAuthorizationDetails', i + 1),
    output,
  }))
  raw.serviceSpecificCredentials?.forEach((output, i) =>
    outputs.push({ source: liveSourceLabel(raw.accountId, 'iam:ListServiceSpecificCredentials', i + 1), output }),
  )
  return inventoryFromOutputs(raw.accountId, outputs, { partition })
}

export interface IdentityProvider {
  kind: 'saml' | 'oidc'
  arn: string
  /** SAML: `ValidUntil`; OIDC providers carry only their ARN in the listing. */
  validUntil?: string
}

/**
 * The account's identity providers from `ListSAMLProviders` and `ListOpenIDConnectProviders`, for naming
 * IdPs in findings. (`AccountInventory` has no field for them yet.)
 */
export function identityProvidersFromRaw(raw: Pick<RawAccountOutputs, 'samlProviders' | 'openIdConnectProviders'>): IdentityProvider[] {
  const out: IdentityProvider[] = []
  const entries = (v: unknown, key: string): Array<Record<string, unknown>> => {
    const list = (v as Record<string, unknown> | undefined)?.[key]
    return Array.isArray(list) ? (list as Array<Record<string, unknown>>) : []
  }
  for (const p of entries(raw.samlProviders, 'SAMLProviderList')) {
    if (typeof p.Arn !== 'string') continue
    out.push({ kind: 'saml', arn: p.Arn, ...(typeof p.ValidUntil === 'string' ? { validUntil: p.ValidUntil } : {}) })
  }
  for (const p of entries(raw.openIdConnectProviders, 'OpenIDConnectProviderList')) {
    if (typeof p.Arn === 'string') out.push({ kind: 'oidc', arn: p.Arn })
  }
  return out
}

export interface AssumeOptions {
  partition: string
  accountId: string
  roleName: string
  externalId?: string
  sessionName: string
  durationSeconds?: number
}

export function roleArnFor(o: Pick<AssumeOptions, 'partition' | 'accountId' | 'roleName'>): string {
  // --role-name may carry an IAM path (`audit/tagwarden-audit`).
  return `arn:${o.partition}:iam::${o.accountId}:role/${o.roleName.replace(/^\/+/, '')}`
}

/** Temporary credentials for the audit role in a member account. Throws the SDK error. */
export async function assumeAuditRole(sts: STSClient, o: AssumeOptions): Promise<Credentials> {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArnFor(o),
      RoleSessionName: o.sessionName,
      DurationSeconds: o.durationSeconds ?? 3600,
      ...(o.externalId !== undefined ? { ExternalId: o.externalId } : {}),
    }),
  )
  const c = out.Credentials
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw Object.assign(new Error('AssumeRole returned no credentials'), { name: 'NoCredentialsReturned' })
  const creds: Credentials = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey }
  if (c.SessionToken) creds.sessionToken = c.SessionToken
  if (c.Expiration) creds.expiration = c.Expiration
  return creds
}
