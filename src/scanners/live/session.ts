/**
 * Who is scanning: credentials from the SDK's standard chain (environment, shared config and --profile,
 * SSO, web identity for CI OIDC, container and instance roles), the region, and the caller's identity.
 * Missing or expired credentials surface here, once, before any account is touched.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromNodeProviderChain } from '@aws-sdk/credential-providers'
import { DEFAULT_REGION, type AwsClients, type CredentialSource, type Credentials } from './clients.js'
import { credentialsError } from './errors.js'
import type { Redactor } from './redact.js'

export interface Caller {
  arn: string
  accountId: string
  userId: string
  /** `aws`, `aws-us-gov`, `aws-cn`: taken from the caller's ARN, used for every role ARN built. */
  partition: string
}

/** `--region`, else AWS_REGION / AWS_DEFAULT_REGION / the profile's `region`, else us-east-1. */
export async function resolveRegion(region: string | undefined, profile: string | undefined, env: Record<string, string | undefined>): Promise<string> {
  if (region) return region
  const fromEnv = env.AWS_REGION ?? env.AWS_DEFAULT_REGION
  if (fromEnv) return fromEnv
  try {
    // The SDK's own region chain reads the shared config file for the profile.
    const probe = new STSClient(profile ? { profile } : {})
    const r = await probe.config.region()
    probe.destroy()
    if (r) return r
  } catch {
    // no region configured anywhere
  }
  return DEFAULT_REGION
}

/** The default credential chain, with every secret it yields registered for redaction. */
export function defaultCredentials(opts: { profile?: string; region: string }, redactor: Redactor): CredentialSource {
  const chain = fromNodeProviderChain({ ...(opts.profile ? { profile: opts.profile } : {}), clientConfig: { region: opts.region } })
  return async () => {
    const c = await chain()
    redactor.add(c.secretAccessKey, c.sessionToken)
    const out: Credentials = { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey }
    if (c.sessionToken) out.sessionToken = c.sessionToken
    if (c.expiration) out.expiration = c.expiration
    return out
  }
}

const ARN_PARTITION_RE = /^arn:([\w-]+):/

/** `sts:GetCallerIdentity`; any failure is a `LiveScanError` with one clear message (exit 2). */
export async function identifyCaller(clients: Pick<AwsClients, 'sts'>, redactor: Redactor): Promise<Caller> {
  try {
    const out = await clients.sts.send(new GetCallerIdentityCommand({}))
    const arn = out.Arn ?? ''
    return {
      arn,
      accountId: out.Account ?? '',
      userId: out.UserId ?? '',
      partition: ARN_PARTITION_RE.exec(arn)?.[1] ?? 'aws',
    }
  } catch (e) {
    throw credentialsError(e, redactor)
  }
}
