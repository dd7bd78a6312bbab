/**
 * Exceptions from the rules file: a rule ID (or several), a target (ARN glob, account, IaC logical ID
 * or address), a reason and an optional expiry. Suppressed findings stay in the report with their
 * reason; expired exceptions stop applying and say so; unused exceptions are reported.
 */
import { globMatch } from '../iam/glob.js'
import type { ExceptionNotice, Finding, Suppression } from '../model/finding.js'
import type { ExceptionRule } from '../config/types.js'

export const EXPIRY_WARNING_DAYS = 14

function targetOf(e: ExceptionRule): string {
  return e.arn ?? (e.account ? `account ${e.account}` : e.logicalId ? `logical ID ${e.logicalId}` : `address ${e.address ?? ''}`)
}

function matches(e: ExceptionRule, f: Finding): boolean {
  if (!e.rules.includes(f.ruleId)) return false
  const s = f.subject
  if (e.arn !== undefined && !(s.arn && globMatch(e.arn, s.arn, { caseInsensitive: false }))) return false
  if (e.account !== undefined && s.accountId !== e.account) return false
  if (e.logicalId !== undefined && s.logicalId !== e.logicalId && s.constructPath !== e.logicalId) return false
  if (e.address !== undefined && !(s.address && globMatch(e.address, s.address, { caseInsensitive: false }))) return false
  return true
}

/** Marks matching findings `suppressed` (mutates them) and returns notices about the exceptions. */
export function applyExceptions(findings: Finding[], exceptions: readonly ExceptionRule[], now: Date): ExceptionNotice[] {
  const notices: ExceptionNotice[] = []
  const today = now.toISOString().slice(0, 10)
  const soon = new Date(now.getTime() + EXPIRY_WARNING_DAYS * 86_400_000).toISOString().slice(0, 10)
  for (const e of exceptions) {
    const location = `${e.position.file}:${e.position.line}:${e.position.column}`
    const base = { rules: e.rules, target: targetOf(e), reason: e.reason, location, ...(e.expires ? { expires: e.expires } : {}) }
    // An exception is valid through the whole of its `expires` day.
    const expired = e.expires !== undefined && e.expires < today
    const matched = findings.filter((f) => matches(e, f))
    if (expired) {
      notices.push({
        ...base,
        kind: 'expired',
        message: `exception for ${e.rules.join(', ')} on ${base.target} expired on ${e.expires}; ${matched.length} finding(s) count again (${location})`,
      })
      continue
    }
    if (matched.length === 0) {
      notices.push({ ...base, kind: 'unused', message: `exception for ${e.rules.join(', ')} on ${base.target} matched no finding; remove it (${location})` })
      continue
    }
    // One frozen suppression per exception, shared by every finding it matches (an exception for a whole
    // account can match thousands); nothing writes into a suppression, and a write would throw.
    const suppression: Suppression = Object.freeze({ kind: 'exception', reason: e.reason, source: location, ...(e.expires ? { expires: e.expires } : {}) })
    for (const f of matched) {
      if (!f.suppressed) f.suppressed = suppression
    }
    if (e.expires !== undefined && e.expires <= soon) {
      notices.push({
        ...base,
        kind: 'expiring-soon',
        message: `exception for ${e.rules.join(', ')} on ${base.target} expires on ${e.expires} (within ${EXPIRY_WARNING_DAYS} days); ${matched.length} finding(s) will count again (${location})`,
      })
    }
  }
  return notices
}
