/**
 * `data "aws_iam_policy_document"` statement blocks → IAM policy statements, as the AWS provider writes
 * them (shared by the plan reader and the source evaluator).
 */
import { asList, isRecord, isUnknown, type Value } from '../values.js'

/** An `aws_iam_policy_document` statement block → an IAM policy statement. */
export function dataStatement(st: { [key: string]: Value }): Value {
  const out: Record<string, Value> = { Effect: typeof st.effect === 'string' ? st.effect : isUnknown(st.effect) ? st.effect : 'Allow' }
  if (typeof st.sid === 'string' && st.sid !== '') out.Sid = st.sid
  const list = (k: string, to: string): void => {
    const v = st[k]
    if (v === null || v === undefined || (Array.isArray(v) && v.length === 0)) return
    out[to] = v
  }
  list('actions', 'Action')
  list('not_actions', 'NotAction')
  list('resources', 'Resource')
  list('not_resources', 'NotResource')
  const principals = (k: string, to: string): void => {
    const raw = st[k]
    if (isUnknown(raw)) {
      out[to] = raw
      return
    }
    const blocks = asList(raw).filter(isRecord)
    if (blocks.length === 0) return
    if (blocks.some((b) => b.type === '*' && asList(b.identifiers).includes('*'))) {
      out[to] = '*'
      return
    }
    const p: Record<string, Value[]> = {}
    for (const b of blocks) {
      if (typeof b.type !== 'string') continue
      ;(p[b.type] ??= []).push(...asList(b.identifiers))
    }
    out[to] = p
  }
  principals('principals', 'Principal')
  principals('not_principals', 'NotPrincipal')
  if (isUnknown(st.condition)) {
    out.Condition = st.condition
    return out
  }
  const conds = asList(st.condition).filter(isRecord)
  if (conds.length > 0) {
    const c: Record<string, Record<string, Value>> = {}
    for (const cond of conds) {
      if (typeof cond.test !== 'string' || typeof cond.variable !== 'string') continue
      const inner = (c[cond.test] ??= {})
      const prev = inner[cond.variable]
      inner[cond.variable] = prev === undefined ? cond.values ?? [] : [...asList(prev), ...asList(cond.values)]
    }
    out.Condition = c
  }
  return out
}

