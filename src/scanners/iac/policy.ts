/**
 * Policy documents from IaC values, with deploy-time unknowns decided here once, in the direction that
 * never raises a false alarm:
 *
 * - an Allow grants nothing through an unknown value (the value, or the statement when nothing known is
 *   left, is left out), except that unknown pieces inside an ARN whose service is known, or inside an
 *   action whose service is known, match like wildcards (`arn:aws:bedrock:${AWS::Region}::foundation-model/*`);
 * - a Deny with unknown values applies: unknown actions/resources/principals become `*`, and a condition
 *   with unknown values is dropped so the Deny applies unconditionally;
 * - a trust requirement that depends on an unknown value counts as met: the condition key is kept with a
 *   placeholder value that the trust analysis reads as "required and present".
 *
 * Every such decision is reported as a note.
 */
import { actionMatches } from '../../iam/actions.js'
import { DEFAULT_INFERENCE_ACTIONS } from '../../iam/capability.js'
import { PolicyDocumentError, normalizePolicy } from '../../iam/policy-document.js'
import type { PolicyDocument } from '../../model/policy.js'
import { IAC_ACCOUNT_PLACEHOLDER } from './model.js'
import {
  asList,
  asPattern,
  display,
  hasUnknownPiece,
  isRecord,
  isUnknown,
  substitute,
  unknownPieces,
  unknownsIn,
  type Value,
} from './values.js'

export type PolicyKind = 'identity' | 'boundary' | 'trust'

export interface BuiltPolicy {
  /** Undefined when nothing of the document is known (or it is not a policy at all). */
  document?: PolicyDocument
  notes: string[]
  /**
   * Allow statements of an identity policy left out because their action is unknown and could be an inference
   * action (`Action: !Ref P` without a default): the reader decides whether they are `summary.notEvaluated` entries
   * (templates) or values known only after apply (Terraform), which the notes cover.
   */
  unresolved: Array<{ statement: string; reason: string }>
  /** The document is not a valid policy: a message for an input error. */
  error?: string
}

const PARTITION_PIECES = new Set(['AWS::Partition'])
const ACCOUNT_PIECES = new Set(['AWS::AccountId'])

/** `${a, b}` for notes. */
function listUnknowns(v: Value): string {
  return unknownsIn(v)
    .map((w) => '${' + w + '}')
    .join(', ')
}

function statementLabel(label: string, index: number, sid: Value | undefined): string {
  return typeof sid === 'string' && sid !== '' ? `${label} Statement[${index}] (${display(sid)})` : `${label} Statement[${index}]`
}

/** Each unknown piece replaced by one colon-free character, so ARN fields can be split on `:`. */
const MASK = '\uE012'
function masked(s: string): string {
  return s.replace(/\uE010[^\uE011]*\uE011/g, MASK)
}

/** An ARN's service field, when the string is an ARN whose service is known (its partition may not be). */
function knownArnService(s: string): string | undefined {
  const m = /^arn:[^:]*:([^:]*):/.exec(masked(s))
  const service = m?.[1]
  if (service === undefined || service === '' || service.includes(MASK) || service.includes('*')) return undefined
  return service
}

function knownActionService(s: string): boolean {
  const m = masked(s)
  const colon = m.indexOf(':')
  return colon > 0 && !m.slice(0, colon).includes(MASK)
}

type Field = 'Action' | 'NotAction' | 'Resource' | 'NotResource'

/** Allow side: keep what is known, turn unknown pieces into wildcards where the service is known. */
function allowList(field: Field, values: Value[]): { kept: string[]; dropped: string[] } {
  const kept: string[] = []
  const dropped: string[] = []
  for (const v of values) {
    if (isUnknown(v) || (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')) {
      dropped.push(isUnknown(v) ? '${' + v.what + '}' : JSON.stringify(v))
      continue
    }
    const s = String(v)
    if (!hasUnknownPiece(s)) {
      kept.push(s)
      continue
    }
    const wildcardOk = field === 'Action' ? knownActionService(s) : field === 'Resource' ? knownArnService(s) !== undefined : false
    if (wildcardOk) kept.push(asPattern(s))
    else dropped.push(display(s))
  }
  return { kept, dropped }
}

/** Deny side: everything unknown widens the Deny. */
function denyList(values: Value[]): string[] {
  return values.map((v) => (isUnknown(v) ? '*' : typeof v === 'string' ? asPattern(v) : typeof v === 'object' ? '*' : String(v)))
}

/** A condition value standing for one only known at deploy time, read by the trust analysis as "present". */
export function conditionPlaceholder(operator: string, key: string, what: string): string {
  const op = operator.toLowerCase()
  if (op.replace(/ifexists$/, '') === 'null') return 'false'
  if (op.startsWith('bool')) return 'true'
  if (key.toLowerCase() === 'aws:tagkeys') return '*'
  if (op.includes('like')) return '?*'
  if (op.startsWith('numeric')) return '0'
  return `(known after deploy: ${what})`
}

interface ConditionResult {
  condition?: Record<string, Record<string, string[]>>
  hadUnknown: boolean
  unknown: string[]
}

/** Conditions with unknown values replaced by placeholders (or undefined when the block itself is unknown). */
function placeholderConditions(raw: Value): ConditionResult | undefined {
  if (isUnknown(raw) || !isRecord(raw)) return undefined
  const out: Record<string, Record<string, string[]>> = {}
  let hadUnknown = false
  const unknown: string[] = []
  for (const [op, keys] of Object.entries(raw)) {
    if (!isRecord(keys)) {
      hadUnknown = true
      unknown.push(...unknownsIn(keys))
      continue
    }
    const inner: Record<string, string[]> = {}
    for (const [key, vals] of Object.entries(keys)) {
      inner[key] = asList(vals).map((v) => {
        if (isUnknown(v)) {
          hadUnknown = true
          unknown.push(v.what)
          return conditionPlaceholder(op, key, v.what)
        }
        if (typeof v === 'string' && hasUnknownPiece(v)) {
          hadUnknown = true
          unknown.push(...unknownPieces(v))
          return op.toLowerCase().includes('like') ? asPattern(v) : display(v)
        }
        return typeof v === 'string' ? v : JSON.stringify(v)
      })
    }
    out[op] = inner
  }
  return { condition: out, hadUnknown, unknown: [...new Set(unknown)] }
}

/** Conditions that make every requirement the trust analysis looks for count as met. */
const REQUIREMENTS_MET: Record<string, Record<string, string[]>> = {
  'ForAnyValue:StringLike': { 'aws:TagKeys': ['*'] },
  StringLike: { 'sts:SourceIdentity': ['?*'], 'sts:RoleSessionName': ['?*'] },
}

/** Principal values: account/partition pieces resolve to the IaC placeholders, other unknowns per side. */
function principalValue(key: string, v: Value, allow: boolean): string | undefined {
  // An identity provider known only at deploy time stays in as `${…}`: the trust analysis classifies the
  // statement by its condition keys (`token.actions.githubusercontent.com:sub`) or reports it as not evaluated.
  if (isUnknown(v)) return allow ? (key === 'Federated' || key === 'AWS' ? '${' + v.what + '}' : undefined) : '*'
  if (typeof v !== 'string') return typeof v === 'number' ? String(v) : undefined
  if (!hasUnknownPiece(v)) return v
  let other = false
  const s = substitute(v, (what) => {
    if (PARTITION_PIECES.has(what)) return 'aws'
    if (ACCOUNT_PIECES.has(what)) return IAC_ACCOUNT_PLACEHOLDER
    if (what === 'AWS::URLSuffix') return 'amazonaws.com'
    other = true
    return '*'
  })
  if (!other) return s
  if (key === 'AWS') {
    // An unknown account of a named role still names the role: keep it in the placeholder account.
    const m = /^arn:([^:]*):iam::([^:]*):((?:role|user)\/[^\uE012]+)$/.exec(masked(v))
    if (m && m[2]?.includes(MASK) && m[3] !== undefined) return `arn:aws:iam::${IAC_ACCOUNT_PLACEHOLDER}:${m[3]}`
    return allow ? undefined : '*'
  }
  if (key === 'Federated') return s
  return allow ? undefined : '*'
}

function principalBlock(raw: Value, allow: boolean, notes: string[], label: string): Value | undefined {
  if (raw === '*') return '*'
  if (isUnknown(raw)) {
    notes.push(`${label}: the principal (\${${raw.what}}) is known only at deploy time; ${allow ? 'the Allow admits no one here' : 'the Deny applies to everyone'}`)
    return allow ? undefined : '*'
  }
  if (!isRecord(raw)) return raw
  const out: Record<string, string[]> = {}
  for (const [key, values] of Object.entries(raw)) {
    const kept: string[] = []
    for (const v of asList(values)) {
      const p = principalValue(key, v, allow)
      if (allow && p !== undefined && isUnknown(v)) {
        notes.push(`${label}: ${key} principal \${${v.what}} is known only at deploy time; the trust analysis classifies it by its condition keys or reports it as not evaluated`)
      }
      if (p === undefined) {
        notes.push(`${label}: ${key} principal ${JSON.stringify(isUnknown(v) ? '${' + v.what + '}' : display(String(v)))} is known only at deploy time; the Allow does not admit it here`)
      } else kept.push(p)
    }
    if (kept.length > 0) out[key] = kept
  }
  return Object.keys(out).length > 0 ? out : undefined
}

/**
 * Turn a policy document value into a `PolicyDocument`, deciding every unknown. `label` names the policy
 * in notes (`inline policy invoke`, `trust policy`).
 */
export function buildPolicy(raw: Value, kind: PolicyKind, label: string): BuiltPolicy {
  const notes: string[] = []
  const unresolved: BuiltPolicy['unresolved'] = []
  if (isUnknown(raw)) {
    if (kind === 'identity') unresolved.push({ statement: label, reason: `the whole document (\${${raw.what}}) is known only at deploy time and could grant a Bedrock inference action; its Allow statements grant nothing here` })
    notes.push(
      kind === 'trust'
        ? `${label} (\${${raw.what}}) is known only at deploy time: nobody is counted as able to assume the role`
        : `${label} (\${${raw.what}}) is known only at deploy time: its Allow statements grant nothing here and its Deny statements are not known`,
    )
    return { notes, unresolved }
  }
  if (!isRecord(raw)) return { notes, unresolved, error: `${label} is not a policy document (expected an object with a Statement list)` }
  const statements: Value[] = []
  asList(raw.Statement).forEach((st, index) => {
    const where = statementLabel(label, index, isRecord(st) ? st.Sid : undefined)
    if (isUnknown(st)) {
      notes.push(`${where} is known only at deploy time (\${${st.what}}); left out`)
      if (kind === 'identity') unresolved.push({ statement: where, reason: `the statement (\${${st.what}}) is known only at deploy time and could grant a Bedrock inference action; it grants nothing here` })
      return
    }
    if (!isRecord(st)) {
      statements.push(st)
      return
    }
    const effect = st.Effect
    if (effect !== 'Allow' && effect !== 'Deny') {
      if (unknownsIn(effect ?? null).length > 0) {
        notes.push(`${where}: its Effect is known only at deploy time (${listUnknowns(effect ?? null)}); left out`)
        if (kind === 'identity' && mayGrantInference(st)) {
          unresolved.push({ statement: where, reason: `its Effect (${listUnknowns(effect ?? null)}) is known only at deploy time and the statement could allow a Bedrock inference action; it grants nothing here` })
        }
        return
      }
      statements.push(st)
      return
    }
    if (effect === 'Allow' && kind === 'identity') unresolvedAction(st, where, unresolved)
    const built = effect === 'Allow' ? allowStatement(st, kind, where, notes) : denyStatement(st, kind, where, notes)
    if (built) statements.push(built)
  })
  const doc: Record<string, unknown> = { ...plainTopLevel(raw), Statement: statements }
  try {
    return { document: normalizePolicy(doc), notes, unresolved }
  } catch (e) {
    return { notes, unresolved, error: `${label}: ${e instanceof PolicyDocumentError ? e.message : String(e)}` }
  }
}

/** An action pattern (deploy-time pieces as `*`) that names at least one default inference action. */
function namesInference(pattern: string): boolean {
  return DEFAULT_INFERENCE_ACTIONS.some((a) => actionMatches(pattern, a))
}

/** Whether an Allow of the document names a Bedrock inference action (or is a NotAction, which may). */
export function allowsInference(doc: PolicyDocument | undefined): boolean {
  return (doc?.statements ?? []).some((st) => st.effect === 'Allow' && (st.notAction !== undefined || (st.action ?? []).some(namesInference)))
}

/** An `Action` value that is dropped from an Allow and could stand for an inference action. */
function unknownInferenceAction(v: Value): boolean {
  if (isUnknown(v)) return true
  if (typeof v === 'string') return hasUnknownPiece(v) && !knownActionService(v) && namesInference(asPattern(v))
  return typeof v === 'object' && v !== null
}

/** A statement whose actions, with unknown ones counted as anything, could include an inference action. */
function mayGrantInference(st: { [key: string]: Value }): boolean {
  if (st.NotAction !== undefined) return true
  return asList(st.Action ?? null).some((v) => unknownInferenceAction(v) || (typeof v === 'string' && namesInference(asPattern(v))))
}

/** An Allow of an identity policy whose action cannot be resolved and could be an inference action. */
function unresolvedAction(st: { [key: string]: Value }, where: string, unresolved: BuiltPolicy['unresolved']): void {
  const actions = st.Action === undefined ? [] : asList(st.Action).filter(unknownInferenceAction)
  if (actions.length > 0) {
    const shown = actions.map((v) => (isUnknown(v) ? '${' + v.what + '}' : typeof v === 'string' ? display(v) : JSON.stringify(v))).join(', ')
    unresolved.push({ statement: where, reason: `Action ${shown} is known only at deploy time and could be a Bedrock inference action; the Allow grants nothing through it here` })
  }
  if (st.NotAction !== undefined && unknownsIn(st.NotAction).length > 0) {
    unresolved.push({ statement: where, reason: `NotAction (${listUnknowns(st.NotAction)}) is known only at deploy time, so the Allow could cover Bedrock inference actions; it is left out here` })
  }
  // A Bedrock grant whose every resource is unknown (`Resource: !Ref ModelArn` without a default) grants nothing here.
  const known = asList(st.Action ?? null).filter((v): v is string => typeof v === 'string' && !hasUnknownPiece(v))
  const resources = st.Resource === undefined ? [] : asList(st.Resource)
  if (actions.length === 0 && known.some(namesInference) && resources.length > 0 && allowList('Resource', resources).kept.length === 0) {
    unresolved.push({
      statement: where,
      reason: `Resource ${allowList('Resource', resources).dropped.join(', ')} is known only at deploy time, so this Allow of Bedrock inference actions grants nothing here`,
    })
  }
}

function plainTopLevel(raw: { [key: string]: Value }): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (typeof raw.Version === 'string') out.Version = raw.Version
  if (typeof raw.Id === 'string') out.Id = display(raw.Id)
  return out
}

function copyScalars(st: { [key: string]: Value }): Record<string, Value> {
  const out: Record<string, Value> = { Effect: st.Effect ?? null }
  if (typeof st.Sid === 'string') out.Sid = display(st.Sid)
  return out
}

function allowStatement(st: { [key: string]: Value }, kind: PolicyKind, where: string, notes: string[]): Value | undefined {
  const out = copyScalars(st)
  for (const field of ['Action', 'Resource'] as const) {
    if (st[field] === undefined) continue
    const values = asList(st[field])
    const { kept, dropped } = allowList(field, values)
    if (dropped.length > 0) {
      notes.push(`${where}: ${field} ${dropped.join(', ')} ${dropped.length > 1 ? 'are' : 'is'} known only at deploy time; the Allow grants nothing through ${dropped.length > 1 ? 'them' : 'it'}`)
    }
    if (kept.length === 0 && values.length > 0) return undefined
    out[field] = kept
  }
  for (const field of ['NotAction', 'NotResource'] as const) {
    if (st[field] === undefined) continue
    const unknown = unknownsIn(st[field] ?? null)
    if (unknown.length > 0) {
      notes.push(`${where}: ${field} depends on ${listUnknowns(st[field] ?? null)}, known only at deploy time; the Allow is left out`)
      return undefined
    }
    out[field] = st[field] ?? null
  }
  if (kind === 'trust') {
    if (st.Principal !== undefined) {
      const p = principalBlock(st.Principal, true, notes, where)
      if (p === undefined) {
        notes.push(`${where} admits no principal known before deployment; left out`)
        return undefined
      }
      out.Principal = p
    }
    if (st.NotPrincipal !== undefined) {
      if (unknownsIn(st.NotPrincipal).length > 0) {
        notes.push(`${where}: NotPrincipal is known only at deploy time; left out`)
        return undefined
      }
      out.NotPrincipal = st.NotPrincipal
    }
  }
  if (st.Condition !== undefined) {
    const c = placeholderConditions(st.Condition)
    if (!c) {
      if (kind === 'trust') {
        notes.push(`${where}: the Condition (${listUnknowns(st.Condition)}) is known only at deploy time; its requirements count as met`)
        out.Condition = REQUIREMENTS_MET
      } else {
        notes.push(`${where}: the Condition (${listUnknowns(st.Condition)}) is known only at deploy time; the grant counts as conditional`)
        out.Condition = { Null: { 'tagwarden:known-after-deploy': ['false'] } }
      }
    } else {
      if (c.hadUnknown) {
        notes.push(
          kind === 'trust'
            ? `${where}: condition values ${c.unknown.map((w) => '${' + w + '}').join(', ')} are known only at deploy time; the requirements on them count as met`
            : `${where}: condition values ${c.unknown.map((w) => '${' + w + '}').join(', ')} are known only at deploy time`,
        )
      }
      out.Condition = c.condition as unknown as Value
    }
  }
  return out
}

function denyStatement(st: { [key: string]: Value }, kind: PolicyKind, where: string, notes: string[]): Value | undefined {
  const out = copyScalars(st)
  const widened: string[] = []
  for (const field of ['Action', 'Resource'] as const) {
    if (st[field] === undefined) continue
    const u = unknownsIn(st[field] ?? null)
    if (u.length > 0) widened.push(`${field} ${listUnknowns(st[field] ?? null)}`)
    out[field] = denyList(asList(st[field]))
  }
  for (const field of ['NotAction', 'NotResource'] as const) {
    if (st[field] === undefined) continue
    const values = asList(st[field])
    const known = values.filter((v) => unknownsIn(v).length === 0)
    if (known.length < values.length) widened.push(`${field} ${listUnknowns(st[field] ?? null)}`)
    if (known.length > 0) out[field] = known
    else out[field === 'NotAction' ? 'Action' : 'Resource'] = ['*']
  }
  if (kind === 'trust') {
    if (st.Principal !== undefined) {
      const p = principalBlock(st.Principal, false, notes, where)
      out.Principal = p ?? '*'
    }
    if (st.NotPrincipal !== undefined) {
      if (unknownsIn(st.NotPrincipal).length > 0) {
        widened.push('NotPrincipal')
        out.Principal = '*'
      } else out.NotPrincipal = st.NotPrincipal
    }
  }
  if (st.Condition !== undefined) {
    if (unknownsIn(st.Condition).length > 0) {
      notes.push(`${where}: the Deny's condition depends on ${listUnknowns(st.Condition)}, known only at deploy time; the Deny is applied unconditionally`)
    } else out.Condition = st.Condition
  }
  if (widened.length > 0) {
    notes.push(`${where}: ${widened.join('; ')} ${widened.length > 1 ? 'are' : 'is'} known only at deploy time; the Deny is applied as if it covered everything there`)
  }
  return out
}
