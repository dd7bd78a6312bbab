/**
 * A local AWS for tests: one HTTP server on 127.0.0.1 (random port) that answers the real SDK v3 clients
 * in each service's wire protocol. Requests are routed by the service in their SigV4 credential scope,
 * the signature is verified against the secret the server issued, and the caller's account (static keys
 * or the temporary keys `sts:AssumeRole` returned) decides which fake account answers.
 *
 * Adding an operation: add a handler to the service's table in `services/<service>.ts`.
 * Adding a service: write a `ServiceDefinition` (signing name, protocol codec, handler table) and pass it
 * in `startAwsServer(world, { services: [mine] })`, or call `server.addService(mine)`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { AwsFault, type Params, type ProtocolCodec, type RawRequest, type WireResponse } from './protocols.js'
import { parseAuthorization, verifySignature } from './sigv4.js'
import type { FakeAccount, FakePrincipal, World } from './world.js'
import { iamService } from './services/iam.js'
import { stsService } from './services/sts.js'
import { organizationsService } from './services/organizations.js'
import { ssoAdminService } from './services/sso-admin.js'

export { AwsFault, queryList, queryProtocol, json11Protocol, toQueryXml } from './protocols.js'
export type { Params, ProtocolCodec, RawRequest, WireResponse } from './protocols.js'
export * from './world.js'
export { page, encodeToken, decodeToken } from './paginate.js'

export interface CallContext {
  world: World
  server: AwsServer
  caller: FakePrincipal
  /** The caller's account (fails with AccessDenied-like errors when unknown to the world). */
  account: FakeAccount | undefined
  service: string
  operation: string
  region: string
}

export type OperationHandler = (params: Params, ctx: CallContext) => unknown

export interface ServiceDefinition {
  /** SigV4 signing name (`iam`, `sts`, `organizations`, `ce`…): the credential scope routes here. */
  signingName: string
  protocol: ProtocolCodec
  /** Error code for a denied call in this protocol (`AccessDenied` vs `AccessDeniedException`). */
  accessDeniedCode: string
  /** Error codes for bad credentials in this protocol. */
  invalidTokenCode: string
  expiredTokenCode: string
  handlers: Record<string, OperationHandler>
}

export interface RecordedCall {
  service: string
  operation: string
  accountId: string
  accessKeyId: string
  params: Params
  status: number
  errorCode?: string
}

/** A request the server refused before any operation ran (unsigned, bad signature, unknown service). */
export interface RejectedRequest {
  reason: string
  service?: string
  operation?: string
}

export interface FaultRule {
  service?: string
  operation?: string
  accountId?: string
  /** How many matching calls fail; the next ones succeed. */
  times: number
  /** The error to answer with; `{ status }` alone answers a bare HTTP error (429, 500, 503). */
  fault: AwsFault | { status: number; code?: string }
  /** Answer this many ms late (timeouts). */
  delayMs?: number
}

export interface AwsServer {
  url: string
  world: World
  calls: RecordedCall[]
  rejected: RejectedRequest[]
  inject(rule: FaultRule): void
  addService(def: ServiceDefinition): void
  /** Calls per `service:Operation`, optionally for one account. */
  countCalls(filter?: { accountId?: string; operation?: string }): Record<string, number>
  reset(): void
  close(): Promise<void>
}

export interface AwsServerOptions {
  services?: ServiceDefinition[]
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function headersOf(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v
  }
  return out
}

function send(res: ServerResponse, wire: WireResponse): void {
  res.writeHead(wire.status, { ...wire.headers, 'content-length': Buffer.byteLength(wire.body) })
  res.end(wire.body)
}

export async function startAwsServer(world: World, options: AwsServerOptions = {}): Promise<AwsServer> {
  const services = new Map<string, ServiceDefinition>()
  for (const def of [iamService, stsService, organizationsService, ssoAdminService, ...(options.services ?? [])]) services.set(def.signingName, def)
  const faults: FaultRule[] = []
  const calls: RecordedCall[] = []
  const rejected: RejectedRequest[] = []

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const raw: RawRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: headersOf(req), body: await readBody(req) }
    const plain = (status: number, reason: string): void => {
      rejected.push({ reason })
      send(res, { status, headers: { 'content-type': 'text/plain' }, body: reason })
    }
    const auth = parseAuthorization(raw.headers.authorization)
    if (!auth) return plain(403, 'request is not signed with SigV4')
    const def = services.get(auth.service)
    if (!def) return plain(400, `no fake service for signing name ${auth.service}`)
    const parsed = def.protocol.parse(raw)
    if (!parsed) return plain(400, `not a ${def.protocol.name} request for ${auth.service}`)
    const { operation, params } = parsed
    const fail = (fault: AwsFault): void => send(res, def.protocol.error(fault))
    const reject = (reason: string, fault: AwsFault): void => {
      rejected.push({ reason, service: auth.service, operation })
      fail(fault)
    }

    const caller = world.principals.get(auth.accessKeyId)
    if (!caller) return reject('unknown access key', new AwsFault(def.invalidTokenCode, 'The security token included in the request is invalid.', 403))
    const bad = verifySignature(raw, auth, caller.secretAccessKey)
    if (bad) return reject(bad, new AwsFault('SignatureDoesNotMatch', `The request signature we calculated does not match the signature you provided (${bad}).`, 403))
    if ((caller.sessionToken ?? '') !== (raw.headers['x-amz-security-token'] ?? '')) {
      return reject('session token mismatch', new AwsFault(def.invalidTokenCode, 'The security token included in the request is invalid.', 403))
    }
    if (caller.expiresAt !== undefined && Date.now() > caller.expiresAt) {
      return reject('expired credentials', new AwsFault(def.expiredTokenCode, 'The security token included in the request is expired', 403))
    }

    const call: RecordedCall = { service: auth.service, operation, accountId: caller.accountId, accessKeyId: caller.accessKeyId, params, status: 200 }
    calls.push(call)
    const answerFault = (fault: AwsFault | { status: number; code?: string }): void => {
      if (fault instanceof AwsFault) {
        call.status = fault.status
        call.errorCode = fault.code
        return fail(fault)
      }
      call.status = fault.status
      if (fault.code) call.errorCode = fault.code
      send(res, { status: fault.status, headers: { 'content-type': 'text/plain' }, body: fault.code ?? 'error' })
    }

    const rule = faults.find(
      (f) =>
        f.times > 0 &&
        (f.service === undefined || f.service === auth.service) &&
        (f.operation === undefined || f.operation === operation) &&
        (f.accountId === undefined || f.accountId === caller.accountId),
    )
    if (rule) {
      rule.times--
      if (rule.delayMs) await new Promise((r) => setTimeout(r, rule.delayMs))
      if (res.destroyed) return
      return answerFault(rule.fault)
    }

    const account = world.accounts.get(caller.accountId)
    const opName = `${auth.service}:${operation}`
    if (account?.denied?.includes(opName)) {
      return answerFault(
        new AwsFault(def.accessDeniedCode, `User: ${caller.arn} is not authorized to perform: ${opName} because no identity-based policy allows the ${opName} action`, 403),
      )
    }
    const handler = def.handlers[operation]
    if (!handler) {
      return answerFault(new AwsFault(def.protocol.name === 'awsQuery' ? 'InvalidAction' : 'UnknownOperationException', `Could not find operation ${operation}`, 400))
    }
    try {
      const output = await handler(params, { world, server, caller, account, service: auth.service, operation, region: auth.region })
      send(res, def.protocol.success(operation, output))
    } catch (e) {
      if (e instanceof AwsFault) return answerFault(e)
      answerFault(new AwsFault('InternalFailure', String((e as Error)?.stack ?? e), 500))
    }
  }

  const http = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, { status: 500, headers: {}, body: String(e) })
    })
  })
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
  const { port } = http.address() as AddressInfo

  const server: AwsServer = {
    url: `http://127.0.0.1:${port}`,
    world,
    calls,
    rejected,
    inject: (rule) => faults.push({ ...rule }),
    addService: (def) => services.set(def.signingName, def),
    countCalls(filter = {}) {
      const out: Record<string, number> = {}
      for (const c of calls) {
        if (filter.accountId !== undefined && c.accountId !== filter.accountId) continue
        if (filter.operation !== undefined && c.operation !== filter.operation) continue
        const key = `${c.service}:${c.operation}`
        out[key] = (out[key] ?? 0) + 1
      }
      return out
    },
    reset() {
      calls.length = 0
      rejected.length = 0
      faults.length = 0
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        http.closeAllConnections()
        http.close((e) => (e ? reject(e) : resolve()))
      }),
  }
  return server
}
