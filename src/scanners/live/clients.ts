/**
 * The AWS SDK v3 clients of a live scan: one HTTP handler (proxy, CA bundle, timeouts) shared by all,
 * the SDK's adaptive retry mode (backoff with jitter on throttling, 429 and 5xx), and on every client the
 * read-only guard that refuses operations outside the allowlist and counts the calls.
 */
import { readFileSync } from 'node:fs'
import { Agent as HttpsAgent } from 'node:https'
import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect, rootCertificates } from 'node:tls'
import type { ClientRequest } from 'node:http'
import { IAMClient } from '@aws-sdk/client-iam'
import { OrganizationsClient } from '@aws-sdk/client-organizations'
import { STSClient } from '@aws-sdk/client-sts'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import { AdaptiveRetryStrategy, DefaultRateLimiter } from '@smithy/core/retry'
import { HttpsProxyAgent } from 'https-proxy-agent'
import { TagwardenError } from '../../errors.js'
import { isAllowedOperation } from './allowlist.js'
import { awsErrorCode } from './errors.js'
import type { CallCounter } from './calls.js'
import type { Redactor } from './redact.js'

export const DEFAULT_REGION = 'us-east-1'

export interface Credentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  expiration?: Date
}

/** Static credentials or an SDK credential provider (the default chain, SSO, web identity…). */
export type CredentialSource = Credentials | (() => Promise<Credentials>)

export interface ClientSettings {
  region: string
  /** Every client talks to this endpoint instead of AWS (tests: the local fake). */
  endpoint?: string
  maxAttempts: number
  /**
   * Base of the exponential backoff in ms for every retry. Unset: the SDK's own (1 s for throttling).
   * Tests set a few ms; the adaptive rate limiter is relaxed to match.
   */
  retryBaseDelayMs?: number
  connectTimeoutMs?: number
  requestTimeoutMs?: number
  /** Where HTTPS_PROXY, NO_PROXY and AWS_CA_BUNDLE are read from. */
  env: Record<string, string | undefined>
  counter: CallCounter
  redactor: Redactor
  /** `--debug`: one line per call. Never given credentials or headers. */
  debug?: (line: string) => void
}

export interface AwsClients {
  iam: IAMClient
  sts: STSClient
  org: OrganizationsClient
}

/** A call to an operation outside the read-only allowlist: a bug in tagwarden, refused before it is sent. */
export class ReadOnlyViolation extends TagwardenError {}

// ---------------------------------------------------------------------------------------------
// Network: proxy and CA bundle

function proxyFromEnv(env: Record<string, string | undefined>): string | undefined {
  const v = env.HTTPS_PROXY ?? env.https_proxy
  return v && v.trim() !== '' ? v.trim() : undefined
}

/**
 * `NO_PROXY` semantics as curl and most tools read them: `*` matches everything; `example.com` and
 * `.example.com` match the domain and its subdomains; an entry may carry `:port`; IPs match exactly.
 */
export function bypassesProxy(host: string, port: number | undefined, noProxy: string | undefined): boolean {
  if (!noProxy) return false
  const h = host.toLowerCase().replace(/^\[|\]$/g, '')
  for (const raw of noProxy.split(/[,\s]+/)) {
    const entry = raw.trim().toLowerCase()
    if (!entry) continue
    if (entry === '*') return true
    const m = /^(.*?)(?::(\d+))?$/.exec(entry)
    const name = (m?.[1] ?? entry).replace(/^\*?\./, '')
    const entryPort = m?.[2]
    if (entryPort !== undefined && port !== undefined && Number(entryPort) !== port) continue
    if (h === name || h.endsWith(`.${name}`)) return true
  }
  return false
}

/** An HTTPS agent that tunnels through the proxy except for NO_PROXY hosts, which it reaches directly. */
class NoProxyAwareAgent extends HttpsProxyAgent<string> {
  constructor(
    proxy: string,
    private readonly noProxy: string | undefined,
    private readonly ca: string[] | undefined,
  ) {
    super(proxy, { keepAlive: true, ...(ca ? { ca } : {}) })
  }

  override async connect(req: ClientRequest, opts: Parameters<HttpsProxyAgent<string>['connect']>[1]): Promise<Socket> {
    const host = opts.host ?? ''
    if (bypassesProxy(host, opts.port, this.noProxy)) {
      if (opts.secureEndpoint) return tlsConnect({ ...opts, host, servername: host, ...(this.ca ? { ca: this.ca } : {}) })
      return netConnect({ ...opts, host })
    }
    return super.connect(req, opts)
  }
}

function caBundle(env: Record<string, string | undefined>): string[] | undefined {
  const path = env.AWS_CA_BUNDLE
  if (!path) return undefined
  let pem: string
  try {
    pem = readFileSync(path, 'utf8')
  } catch (e) {
    throw new TagwardenError('ca-bundle-unreadable', `AWS_CA_BUNDLE=${path} cannot be read: ${(e as Error).message}`, 'point AWS_CA_BUNDLE at a PEM file with your proxy’s CA certificate')
  }
  // Added to Node's roots rather than replacing them, so AWS endpoints outside the proxy still verify.
  return [...rootCertificates, pem]
}

/** How requests leave the process: `direct`, or through the proxy named in HTTPS_PROXY. */
export function describeNetwork(env: Record<string, string | undefined>): { proxy?: string; noProxy?: string; caBundle?: string } {
  const out: { proxy?: string; noProxy?: string; caBundle?: string } = {}
  const proxy = proxyFromEnv(env)
  // The proxy URL may embed a password; print only scheme, host and port.
  if (proxy) out.proxy = proxy.replace(/\/\/[^@/]*@/, '//****@')
  const noProxy = env.NO_PROXY ?? env.no_proxy
  if (noProxy) out.noProxy = noProxy
  if (env.AWS_CA_BUNDLE) out.caBundle = env.AWS_CA_BUNDLE
  return out
}

/** The HTTPS agent for AWS endpoints: through HTTPS_PROXY (minus NO_PROXY) when set, with AWS_CA_BUNDLE. */
export function createHttpsAgent(env: Record<string, string | undefined>): HttpsAgent {
  const proxy = proxyFromEnv(env)
  const ca = caBundle(env)
  return proxy
    ? new NoProxyAwareAgent(proxy, env.NO_PROXY ?? env.no_proxy, ca)
    : new HttpsAgent({ keepAlive: true, maxSockets: 50, ...(ca ? { ca } : {}) })
}

export function createHttpHandler(s: Pick<ClientSettings, 'env' | 'connectTimeoutMs' | 'requestTimeoutMs'>): NodeHttpHandler {
  return new NodeHttpHandler({
    httpsAgent: createHttpsAgent(s.env),
    connectionTimeout: s.connectTimeoutMs ?? 5_000,
    requestTimeout: s.requestTimeoutMs ?? 60_000,
    throwOnRequestTimeout: true,
  })
}

// ---------------------------------------------------------------------------------------------
// Retries

function retryStrategy(s: ClientSettings): AdaptiveRetryStrategy | undefined {
  if (s.retryBaseDelayMs === undefined) return undefined
  const base = s.retryBaseDelayMs
  return new AdaptiveRetryStrategy(s.maxAttempts, {
    maxAttempts: s.maxAttempts,
    // Full jitter, as the SDK's default backoff, on a smaller base.
    backoff: { computeNextBackoffDelay: (i: number) => Math.floor(Math.random() * base * 2 ** i), setDelayBase: () => {} },
    rateLimiter: new DefaultRateLimiter({ minFillRate: 1000, minCapacity: 1000 }),
  })
}

// ---------------------------------------------------------------------------------------------
// Clients

/** Any SDK v3 client: the guard only needs its middleware stack. */
interface SdkClient {
  middlewareStack: unknown
}

/** The allowlist guard and the call counter, first in every client's middleware stack. */
function guard(client: SdkClient, service: string, actionPrefix: string, account: string, s: ClientSettings): void {
  // The stacks of all clients differ only in their input/output unions; one middleware serves them all.
  const stack = client.middlewareStack as IAMClient['middlewareStack']
  stack.add(
    (next, context) => async (args) => {
      const operation = String(context.commandName ?? '').replace(/Command$/, '')
      const key = `${actionPrefix}:${operation}`
      if (!isAllowedOperation(service, operation)) {
        throw new ReadOnlyViolation(
          'read-only-violation',
          `refused to call ${key}: it is not on tagwarden's read-only allowlist`,
          'this is a tagwarden bug; please report it',
        )
      }
      const started = Date.now()
      s.debug?.(`aws → ${key} account=${account}`)
      try {
        const out = await next(args)
        const attempts = (out.output as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1
        s.counter.record(key, account, attempts)
        s.debug?.(`aws ← ${key} account=${account} ok attempts=${attempts} ${Date.now() - started}ms`)
        return out
      } catch (e) {
        const attempts = (e as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1
        s.counter.record(key, account, attempts)
        s.debug?.(s.redactor.redact(`aws ← ${key} account=${account} ${awsErrorCode(e)} attempts=${attempts} ${Date.now() - started}ms`))
        throw e
      }
    },
    { step: 'initialize', name: 'tagwardenReadOnlyGuard', priority: 'high', override: true },
  )
}

export class ClientFactory {
  readonly handler: NodeHttpHandler

  constructor(readonly settings: ClientSettings) {
    this.handler = createHttpHandler(settings)
  }

  common(credentials: CredentialSource, region?: string) {
    const s = this.settings
    const strategy = retryStrategy(s)
    return {
      region: region ?? s.region,
      credentials,
      requestHandler: this.handler,
      maxAttempts: s.maxAttempts,
      ...(strategy ? { retryStrategy: strategy } : { retryMode: 'adaptive' }),
      ...(s.endpoint ? { endpoint: s.endpoint } : {}),
    }
  }

  /** Clients acting as `account` with these credentials. */
  clients(credentials: CredentialSource, account: string): AwsClients {
    return { iam: this.iam(credentials, account), sts: this.sts(credentials, account), org: this.organizations(credentials, account) }
  }

  iam(credentials: CredentialSource, account: string): IAMClient {
    return this.client(IAMClient, 'IAM', 'iam', credentials, account)
  }

  sts(credentials: CredentialSource, account: string): STSClient {
    return this.client(STSClient, 'STS', 'sts', credentials, account)
  }

  organizations(credentials: CredentialSource, account: string): OrganizationsClient {
    return this.client(OrganizationsClient, 'Organizations', 'organizations', credentials, account)
  }

  /**
   * Any other SDK v3 client (Cost Explorer, S3, Athena…) with the same handler, retries, guard and
   * counter: `factory.client(CostExplorerClient, 'CostExplorer', 'ce', credentials, account)`. Its
   * operations must be on the allowlist under `service`. `region` overrides the scan's Region (Identity
   * Center is read in the instance's Region).
   */
  client<C extends SdkClient>(
    Ctor: new (config: ReturnType<ClientFactory['common']>) => C,
    service: string,
    actionPrefix: string,
    credentials: CredentialSource,
    account: string,
    region?: string,
  ): C {
    const c = new Ctor(this.common(credentials, region))
    guard(c, service, actionPrefix, account, this.settings)
    return c
  }

  destroy(): void {
    this.handler.destroy()
  }
}
