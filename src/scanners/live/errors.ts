/**
 * AWS failures of a live scan, as `errors[]` entries with the account, the operation, the AWS error code
 * and a one-line hint, or, for failures that make the whole scan meaningless (no credentials, a denied
 * `ListAccounts` under --org), as a `LiveScanError` (exit 2, one clear message, no stack trace).
 */
import { TagwardenError } from '../../errors.js'
import type { ScanErrorEntry } from '../../model/finding.js'
import type { Redactor } from './redact.js'

export const AUDIT_POLICY_PATH = 'docs/iam/tagwarden-audit-policy.json'
export const STACKSET_PATH = 'docs/iam/audit-role-stackset.yaml'

/** A failure that stops a live scan before any account is read. Exit code 2. */
export class LiveScanError extends TagwardenError {}

export const LiveErrorCode = {
  NoCredentials: 'aws-credentials-missing',
  BadCredentials: 'aws-credentials-invalid',
  ExpiredCredentials: 'aws-credentials-expired',
  OrgAccessDenied: 'org-access-denied',
  NotInOrganization: 'not-in-organization',
  OuNotFound: 'ou-not-found',
  AccountNotInOrg: 'account-not-in-organization',
  ScpsUnavailable: 'scps-unavailable',
  OuPathsUnavailable: 'ou-paths-unavailable',
} as const

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
])
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError'])
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired'])
const INVALID_CREDS = new Set(['InvalidClientTokenId', 'UnrecognizedClientException', 'SignatureDoesNotMatch', 'InvalidAccessKeyId', 'IncompleteSignature'])
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'CERT_HAS_EXPIRED', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT'])

interface SdkErrorShape {
  name?: string
  code?: string
  Code?: string
  message?: string
  $metadata?: { httpStatusCode?: number; attempts?: number }
}

/** The AWS error code of an SDK error (`AccessDenied`, `Throttling`…), a Node network code, or `unknown-error`. */
export function awsErrorCode(e: unknown): string {
  const err = (e ?? {}) as SdkErrorShape
  if (typeof err.code === 'string' && NETWORK.has(err.code)) return err.code
  if (err.name === 'TimeoutError' || err.code === 'TimeoutError') return 'TimeoutError'
  if (typeof err.Code === 'string' && err.Code) return err.Code
  if (typeof err.name === 'string' && err.name && err.name !== 'Error') {
    // The SDK names errors it cannot classify after the HTTP status only (`Unknown`, `UnknownError`).
    const status = err.$metadata?.httpStatusCode
    if ((err.name === 'Unknown' || err.name === 'UnknownError') && status) return `HTTP${status}`
    return err.name
  }
  if (typeof err.code === 'string' && err.code) return err.code
  const status = err.$metadata?.httpStatusCode
  return status ? `HTTP${status}` : 'unknown-error'
}

export function isThrottling(code: string): boolean {
  return THROTTLING.has(code) || code === 'HTTP429'
}
export function isAccessDenied(code: string): boolean {
  return ACCESS_DENIED.has(code)
}
export function isExpired(code: string): boolean {
  return EXPIRED.has(code)
}
export function isInvalidCredentials(code: string): boolean {
  return INVALID_CREDS.has(code)
}
function isNetwork(code: string): boolean {
  return NETWORK.has(code) || code === 'TimeoutError'
}
function isServerError(code: string, e: unknown): boolean {
  const status = (e as SdkErrorShape)?.$metadata?.httpStatusCode
  return (status !== undefined && status >= 500) || /^HTTP5\d\d$/.test(code) || code === 'InternalFailure' || code === 'ServiceUnavailable'
}

/** First line of the AWS message, without credentials. */
export function awsErrorMessage(e: unknown, redactor?: Redactor): string {
  const raw = String((e as SdkErrorShape)?.message ?? e ?? '').split('\n')[0] ?? ''
  const msg = raw.trim() || 'no message'
  return redactor ? redactor.redact(msg) : msg
}

export interface ErrorContext {
  /** `sts:AssumeRole`, `iam:GetAccountAuthorizationDetails`… */
  operation: string
  accountId?: string
  /** The role entered (AssumeRole) or another subject. */
  subject?: string
  callerArn?: string
  roleName?: string
  externalIdGiven?: boolean
  maxAttempts?: number
}

/** The one-line hint for an AWS failure on one operation. */
export function hintFor(code: string, ctx: ErrorContext, e?: unknown): string {
  if (ctx.operation === 'sts:AssumeRole' && isAccessDenied(code)) {
    return (
      `the role ${ctx.subject ?? ctx.roleName ?? ''} is missing in account ${ctx.accountId ?? '?'} or does not trust ${ctx.callerArn ?? 'the caller'}` +
      `${ctx.externalIdGiven ? ' with this --external-id' : ''}: deploy the audit role with the StackSet in ${STACKSET_PATH}, ` +
      'or pass --role-name of a role that exists in every account'
    )
  }
  if (ctx.operation === 'sts:AssumeRole' && code === 'RegionDisabledException') {
    return 'STS is not activated in this region for the account: pass --region us-east-1 (or activate the region in IAM account settings)'
  }
  if (isAccessDenied(code)) {
    return ctx.operation.startsWith('organizations:')
      ? `the caller may not read AWS Organizations (${ctx.operation}): run from the management account or a delegated administrator with the permissions in ${AUDIT_POLICY_PATH}`
      : `the audit role in account ${ctx.accountId ?? '?'} lacks ${ctx.operation}: attach ${AUDIT_POLICY_PATH} to it (the StackSet in ${STACKSET_PATH} does)`
  }
  if (isThrottling(code)) {
    return `AWS kept throttling after ${ctx.maxAttempts ?? 'several'} attempts: lower --concurrency or raise --max-attempts, then run again`
  }
  if (isExpired(code)) {
    return 'the credentials expired during the scan: refresh them (e.g. `aws sso login`) and run again; for long org scans use a session of an hour or more'
  }
  if (isInvalidCredentials(code)) {
    return 'AWS rejected the credentials: check AWS_PROFILE/--profile, the environment variables and the system clock'
  }
  if (isNetwork(code)) {
    return 'network error reaching AWS: check connectivity, HTTPS_PROXY/NO_PROXY and AWS_CA_BUNDLE (corporate proxies), then run again'
  }
  if (e !== undefined && isServerError(code, e)) return 'AWS answered with a server error after all retries: run again later'
  return 'run again with --debug for the request log; the AWS error code above names the cause'
}

/** An `errors[]` entry for a failed AWS call. */
export function awsErrorEntry(e: unknown, ctx: ErrorContext, redactor?: Redactor): ScanErrorEntry {
  const code = awsErrorCode(e)
  const where = ctx.accountId ? ` in account ${ctx.accountId}` : ''
  const entry: ScanErrorEntry = {
    source: `aws ${ctx.operation}`,
    code,
    message: `${ctx.operation}${where} failed with ${code}: ${awsErrorMessage(e, redactor)}`,
    hint: hintFor(code, ctx, e),
  }
  if (ctx.accountId !== undefined) entry.accountId = ctx.accountId
  if (ctx.subject !== undefined) entry.subject = ctx.subject
  return entry
}

const CREDENTIALS_HINT =
  'configure AWS credentials: `aws configure`, `aws sso login --profile NAME` with --profile NAME, the AWS_* environment ' +
  'variables, or (in CI) web identity via AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE'

/** The start-of-scan credential check failed: one clear message, exit 2. */
export function credentialsError(e: unknown, redactor?: Redactor): LiveScanError {
  const code = awsErrorCode(e)
  const msg = awsErrorMessage(e, redactor)
  if (code === 'CredentialsProviderError' || code === 'TokenProviderError' || /could not load credentials|credential/i.test(code)) {
    if (/expired|refresh/i.test(msg)) {
      return new LiveScanError(LiveErrorCode.ExpiredCredentials, `AWS credentials have expired: ${msg}`, 'refresh them, e.g. `aws sso login --profile NAME`, and run again')
    }
    return new LiveScanError(LiveErrorCode.NoCredentials, `no AWS credentials found: ${msg}`, CREDENTIALS_HINT)
  }
  if (isExpired(code)) {
    return new LiveScanError(LiveErrorCode.ExpiredCredentials, `AWS credentials have expired (${code}): ${msg}`, 'refresh them, e.g. `aws sso login --profile NAME`, and run again')
  }
  if (isInvalidCredentials(code)) {
    return new LiveScanError(LiveErrorCode.BadCredentials, `AWS rejected the credentials (${code}): ${msg}`, CREDENTIALS_HINT)
  }
  return new LiveScanError(code, `sts:GetCallerIdentity failed with ${code}: ${msg}`, hintFor(code, { operation: 'sts:GetCallerIdentity' }, e))
}
