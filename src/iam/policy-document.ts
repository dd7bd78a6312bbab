/**
 * Decode and normalise IAM policy documents from every shape AWS hands them out in:
 * a JSON object (AWS CLI), a URL-encoded string (raw API/SDK: GetAccountAuthorizationDetails),
 * or a plain JSON string. The result is a `PolicyDocument` with list-valued fields.
 */
import * as nodeCrypto from 'node:crypto'
import { findJsonErrorOffset, offsetToLineColumn } from '../util/json-error.js'
import type { ConditionBlock, PolicyDocument, PrincipalBlock, Statement } from '../model/policy.js'
import { canonicalJson } from '../util/json.js'

export class PolicyDocumentError extends Error {
  /** 1-based line/column inside the decoded JSON text, when the JSON itself was broken. */
  readonly line?: number
  readonly column?: number
  constructor(message: string, pos?: { line: number; column: number }) {
    super(message)
    this.name = 'PolicyDocumentError'
    if (pos) {
      this.line = pos.line
      this.column = pos.column
    }
  }
}

/** Turn `raw` (object, JSON string, or URL-encoded JSON string) into a plain object. */
export function decodePolicyJson(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw
  const trimmed = raw.trim()
  let text = trimmed
  if (!trimmed.startsWith('{')) {
    try {
      text = decodeURIComponent(trimmed.replace(/\+/g, '%20'))
    } catch {
      throw new PolicyDocumentError('document is neither JSON nor valid URL-encoded JSON (bad % escape)')
    }
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new PolicyDocumentError(`document is not valid JSON: ${(e as Error).message}`, jsonErrorPosition(text, e))
  }
}

/** Extract a 1-based line/column from a V8 JSON.parse error message ("... at position N ..."). */
export function jsonErrorPosition(text: string, e: unknown): { line: number; column: number } | undefined {
  const m = /position (\d+)/.exec(String((e as Error)?.message ?? ''))
  const lc = /line (\d+) column (\d+)/.exec(String((e as Error)?.message ?? ''))
  if (!m && lc) return { line: Number(lc[1]), column: Number(lc[2]) }
  const offset = m ? Number(m[1]) : findJsonErrorOffset(text)
  if (offset === undefined) return undefined
  return offsetToLineColumn(text, offset)
}

function toStringList(v: unknown, field: string, idx: number): string[] {
  if (v === undefined) return []
  const arr = Array.isArray(v) ? v : [v]
  return arr.map((x) => {
    if (typeof x === 'string') return x
    if (typeof x === 'number' || typeof x === 'boolean') return String(x)
    throw new PolicyDocumentError(`Statement[${idx}].${field} must be a string or a list of strings`)
  })
}

function toPrincipal(v: unknown, field: string, idx: number): PrincipalBlock | undefined {
  if (v === undefined) return undefined
  if (v === '*') return { AWS: ['*'], wildcard: true }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new PolicyDocumentError(`Statement[${idx}].${field} must be "*" or an object`)
  }
  const out: PrincipalBlock = {}
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    const list = toStringList(val, `${field}.${k}`, idx)
    if (k === 'AWS' || k === 'Service' || k === 'Federated' || k === 'CanonicalUser') out[k] = list
    if (k === 'AWS' && list.includes('*')) out.wildcard = true
  }
  return out
}

function toCondition(v: unknown, idx: number): ConditionBlock | undefined {
  if (v === undefined) return undefined
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new PolicyDocumentError(`Statement[${idx}].Condition must be an object`)
  }
  const out: ConditionBlock = {}
  for (const [op, keys] of Object.entries(v as Record<string, unknown>)) {
    if (typeof keys !== 'object' || keys === null || Array.isArray(keys)) {
      throw new PolicyDocumentError(`Statement[${idx}].Condition.${op} must be an object`)
    }
    const inner: Record<string, string[]> = {}
    for (const [key, vals] of Object.entries(keys as Record<string, unknown>)) {
      inner[key] = toStringList(vals, `Condition.${op}.${key}`, idx)
    }
    out[op] = inner
  }
  return out
}

/** Normalise a decoded policy object. Throws `PolicyDocumentError` naming the offending statement. */
export function normalizePolicy(obj: unknown): PolicyDocument {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) {
    throw new PolicyDocumentError('policy document must be a JSON object')
  }
  const o = obj as Record<string, unknown>
  const rawStatements = o.Statement === undefined ? [] : Array.isArray(o.Statement) ? o.Statement : [o.Statement]
  const statements: Statement[] = rawStatements.map((s, index) => {
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      throw new PolicyDocumentError(`Statement[${index}] must be an object`)
    }
    const st = s as Record<string, unknown>
    if (st.Effect !== 'Allow' && st.Effect !== 'Deny') {
      throw new PolicyDocumentError(`Statement[${index}].Effect must be "Allow" or "Deny", got ${JSON.stringify(st.Effect)}`)
    }
    const out: Statement = { effect: st.Effect, index }
    if (typeof st.Sid === 'string' && st.Sid !== '') out.sid = st.Sid
    if (st.Action !== undefined) out.action = toStringList(st.Action, 'Action', index)
    if (st.NotAction !== undefined) out.notAction = toStringList(st.NotAction, 'NotAction', index)
    if (st.Resource !== undefined) out.resource = toStringList(st.Resource, 'Resource', index)
    if (st.NotResource !== undefined) out.notResource = toStringList(st.NotResource, 'NotResource', index)
    const p = toPrincipal(st.Principal, 'Principal', index)
    if (p) out.principal = p
    const np = toPrincipal(st.NotPrincipal, 'NotPrincipal', index)
    if (np) out.notPrincipal = np
    const c = toCondition(st.Condition, index)
    if (c) out.condition = c
    return out
  })
  const doc: PolicyDocument = { statements, hash: hashCanonical(obj) }
  if (typeof o.Version === 'string') doc.version = o.Version
  return doc
}

/** Decode + normalise. Object, URL-encoded and plain-string forms of one document give equal results. */
export function parsePolicyDocument(raw: unknown): PolicyDocument {
  return normalizePolicy(decodePolicyJson(raw))
}

/** `crypto.hash` (Node ≥ 20.12) skips the Hash object; older Node 20 releases fall back to `createHash`. */
const oneShotHash = (nodeCrypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash

function hashCanonical(v: unknown): string {
  const text = canonicalJson(v)
  return oneShotHash ? oneShotHash('sha1', text, 'hex') : nodeCrypto.createHash('sha1').update(text).digest('hex')
}
