/**
 * `aws iam list-service-specific-credentials` → long-term Bedrock API keys. Only credentials for
 * `bedrock.amazonaws.com` are kept; CodeCommit/Keyspaces/CloudWatch Logs credentials are not Bedrock spend.
 */
import type { ServiceSpecificCredential } from '../../model/inventory.js'
import { HINTS, SnapshotErrorCode, snapshotError } from './errors.js'
import { isJsonObject, isTruncatedPage, isoDate } from './recogniser.js'
import type { AccountFileRecogniser, AccountReadContext, FileIdentity, JsonObject } from './recogniser.js'

export const BEDROCK_SERVICE_NAME = 'bedrock.amazonaws.com'

/** `ServiceUserName` is "the IAM user's name combined with the ID number of the account", e.g. `jane-at-123456789012`. */
const SERVICE_USER_ACCOUNT_RE = /-at-(\d{12})$/

function credentials(obj: JsonObject): unknown[] {
  return Array.isArray(obj.ServiceSpecificCredentials) ? obj.ServiceSpecificCredentials : []
}

function identity(obj: JsonObject): FileIdentity {
  const accountIds = new Set<string>()
  for (const c of credentials(obj)) {
    if (!isJsonObject(c) || typeof c.ServiceUserName !== 'string') continue
    const m = SERVICE_USER_ACCOUNT_RE.exec(c.ServiceUserName)
    if (m?.[1]) accountIds.add(m[1])
  }
  // No ARN in this output, so no partition: the account's other files (or the default) decide it.
  return { accountIds: [...accountIds].sort(), partitions: [] }
}

function optional(c: JsonObject, key: string): string | undefined {
  const v = c[key]
  return typeof v === 'string' ? v : undefined
}

function read(obj: JsonObject, ctx: AccountReadContext): void {
  ctx.inventory.apiKeysCollected = true
  credentials(obj).forEach((c, i) => {
    if (!isJsonObject(c) || c.ServiceName !== BEDROCK_SERVICE_NAME) return
    const pointer = `/ServiceSpecificCredentials/${i}`
    const userName = optional(c, 'UserName')
    const credentialId = optional(c, 'ServiceSpecificCredentialId')
    if (userName === undefined || credentialId === undefined) {
      ctx.report(
        snapshotError(
          SnapshotErrorCode.InvalidEntity,
          ctx.file,
          `${ctx.file}#${pointer}: Bedrock API key without ${userName === undefined ? 'UserName' : 'ServiceSpecificCredentialId'}; it was skipped.`,
          HINTS.invalidEntity,
          { accountId: ctx.accountId },
        ),
      )
      return
    }
    const seenKey = `service-specific-credential:${credentialId}`
    if (ctx.seen.has(seenKey)) return // the same key listed on two pages or in two exports: one key
    ctx.seen.add(seenKey)
    const key: ServiceSpecificCredential = {
      accountId: ctx.accountId,
      userName,
      serviceName: BEDROCK_SERVICE_NAME,
      status: optional(c, 'Status') ?? 'Active',
      credentialId,
      origin: { file: ctx.file, pointer },
    }
    const alias = optional(c, 'ServiceCredentialAlias')
    const created = isoDate(c.CreateDate)
    const expires = isoDate(c.ExpirationDate)
    if (alias !== undefined) key.alias = alias
    if (created !== undefined) key.createDate = created
    if (expires !== undefined) key.expirationDate = expires
    ctx.inventory.apiKeys.push(key)
  })
}

export const serviceCredentialsRecogniser: AccountFileRecogniser = {
  kind: 'iam-service-specific-credentials',
  scope: 'account',
  matches: (obj) => Array.isArray(obj.ServiceSpecificCredentials),
  identity,
  truncated: isTruncatedPage,
  read,
}
