/**
 * Wire codecs of the AWS protocols the fake server speaks. Each codec turns an HTTP request into an
 * operation name plus parameters, and a handler's output or fault into the response bytes the real
 * service would send, so the real SDK v3 serialisers and deserialisers run unchanged.
 *
 * - `awsQuery` (IAM, STS): form-encoded POST `Action=…&Version=…`, XML `<OpResponse><OpResult>…`,
 *   errors `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
 * - `awsJson1_1` (Organizations, Cost Explorer, Athena…): `X-Amz-Target: <Prefix>.<Op>`, JSON body,
 *   errors `{"__type": "<Code>", "Message": "…"}`.
 *
 * A REST protocol (S3) would be one more `ProtocolCodec`.
 */
import { randomUUID } from 'node:crypto'

export interface RawRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string
}

export interface WireResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** An AWS error as the handler raises it; the codec renders it in the service's protocol. */
export class AwsFault extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    /** awsQuery `<Type>`: `Sender` for client errors, `Receiver` for server errors. */
    readonly type: 'Sender' | 'Receiver' = status >= 500 ? 'Receiver' : 'Sender',
  ) {
    super(message)
  }
}

export type Params = Record<string, unknown>

export interface ProtocolCodec {
  readonly name: string
  parse(req: RawRequest): { operation: string; params: Params } | undefined
  success(operation: string, output: unknown): WireResponse
  error(fault: AwsFault): WireResponse
}

// ---------------------------------------------------------------------------------------------
// awsQuery

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c)
}

/** AWS prints XML timestamps as `2021-03-02T10:14:51Z`. */
function xmlScalar(v: unknown): string {
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z')
  return escapeXml(String(v))
}

/**
 * A JSON-shaped value as awsQuery XML: objects become child elements, lists wrap each item in `<member>`
 * (the default for every list the query services used here declare), `undefined`/`null` are omitted.
 */
export function toQueryXml(name: string, value: unknown): string {
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) return `<${name}>${value.map((v) => toQueryXml('member', v)).join('')}</${name}>`
  if (typeof value === 'object' && !(value instanceof Date)) {
    const inner = Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => toQueryXml(k, v))
      .join('')
    return `<${name}>${inner}</${name}>`
  }
  return `<${name}>${xmlScalar(value)}</${name}>`
}

export function queryProtocol(opts: { xmlNamespace: string }): ProtocolCodec {
  return {
    name: 'awsQuery',
    parse(req) {
      if (req.method !== 'POST') return undefined
      const form = new URLSearchParams(req.body)
      const operation = form.get('Action')
      if (!operation) return undefined
      const params: Params = {}
      for (const [k, v] of form) if (k !== 'Action' && k !== 'Version') params[k] = v
      return { operation, params }
    },
    success(operation, output) {
      const result = toQueryXml(`${operation}Result`, output ?? {})
      const body =
        `<${operation}Response xmlns="${opts.xmlNamespace}">${result}` +
        `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${operation}Response>`
      return { status: 200, headers: { 'content-type': 'text/xml' }, body }
    },
    error(fault) {
      const body =
        `<ErrorResponse xmlns="${opts.xmlNamespace}"><Error><Type>${fault.type}</Type><Code>${escapeXml(fault.code)}</Code>` +
        `<Message>${escapeXml(fault.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`
      return { status: fault.status, headers: { 'content-type': 'text/xml' }, body }
    },
  }
}

/** Query list parameters arrive flattened: `Filter.member.1=User&Filter.member.2=Role`. */
export function queryList(params: Params, name: string): string[] {
  const out: Array<[number, string]> = []
  const prefix = `${name}.member.`
  for (const [k, v] of Object.entries(params)) {
    if (k.startsWith(prefix) && typeof v === 'string') out.push([Number(k.slice(prefix.length)), v])
  }
  return out.sort((a, b) => a[0] - b[0]).map(([, v]) => v)
}

// ---------------------------------------------------------------------------------------------
// awsJson1_1

export function json11Protocol(opts: { targetPrefix: string }): ProtocolCodec {
  return {
    name: 'awsJson1_1',
    parse(req) {
      const target = req.headers['x-amz-target']
      if (req.method !== 'POST' || !target?.startsWith(`${opts.targetPrefix}.`)) return undefined
      const operation = target.slice(opts.targetPrefix.length + 1)
      let params: Params = {}
      if (req.body.trim() !== '') params = JSON.parse(req.body) as Params
      return { operation, params }
    },
    success(_operation, output) {
      return {
        status: 200,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
        // awsJson timestamps are epoch seconds. The replacer reads the holder because `Date#toJSON` runs first.
        body: JSON.stringify(output ?? {}, function (this: Record<string, unknown>, k: string, v: unknown) {
          const raw = this[k]
          return raw instanceof Date ? raw.getTime() / 1000 : v
        }),
      }
    },
    error(fault) {
      return {
        status: fault.status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() },
        body: JSON.stringify({ __type: fault.code, Message: fault.message }),
      }
    },
  }
}
