/** STS (awsQuery, version 2011-06-15): AssumeRole into the fake accounts and GetCallerIdentity. */
import type { OperationHandler, ServiceDefinition } from '../index.js'
import { AwsFault, queryProtocol } from '../protocols.js'
import { issueSessionCredentials } from '../world.js'

const ROLE_ARN_RE = /^arn:([\w-]+):iam::(\d{12}):role\/(?:.*\/)?([\w+=,.@-]{1,64})$/
const SESSION_NAME_RE = /^[\w+=,.@-]{2,64}$/

const assumeRole: OperationHandler = (params, ctx) => {
  const roleArn = String(params.RoleArn ?? '')
  const sessionName = String(params.RoleSessionName ?? '')
  if (!SESSION_NAME_RE.test(sessionName)) {
    throw new AwsFault('ValidationError', `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint`)
  }
  const m = ROLE_ARN_RE.exec(roleArn)
  if (!m) throw new AwsFault('ValidationError', `${roleArn} is not a valid role ARN`)
  const [, partition, accountId, roleName] = m as unknown as [string, string, string, string]
  const denied = new AwsFault('AccessDenied', `User: ${ctx.caller.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 403)
  if (partition !== ctx.world.partition) throw denied
  const role = ctx.world.accounts.get(accountId)?.assumableRoles[roleName]
  if (!role) throw denied
  if (role.externalId !== undefined && role.externalId !== params.ExternalId) throw denied
  const seconds = params.DurationSeconds === undefined ? 3600 : Number(params.DurationSeconds)
  const p = issueSessionCredentials(ctx.world, accountId, roleName, sessionName, seconds * 1000)
  return {
    Credentials: {
      AccessKeyId: p.accessKeyId,
      SecretAccessKey: p.secretAccessKey,
      SessionToken: p.sessionToken,
      Expiration: new Date(p.expiresAt ?? Date.now()),
    },
    AssumedRoleUser: { AssumedRoleId: p.userId, Arn: p.arn },
  }
}

export const stsHandlers: Record<string, OperationHandler> = {
  AssumeRole: assumeRole,
  GetCallerIdentity: (_p, ctx) => ({ UserId: ctx.caller.userId, Account: ctx.caller.accountId, Arn: ctx.caller.arn }),
}

export const stsService: ServiceDefinition = {
  signingName: 'sts',
  protocol: queryProtocol({ xmlNamespace: 'https://sts.amazonaws.com/doc/2011-06-15/' }),
  accessDeniedCode: 'AccessDenied',
  invalidTokenCode: 'InvalidClientTokenId',
  expiredTokenCode: 'ExpiredToken',
  handlers: stsHandlers,
}
