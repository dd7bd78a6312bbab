/**
 * `scan --used-within 90d`: keep only findings about principals that used Bedrock in the window, and
 * mark every finding with its principal's usage state.
 */
import { UsageError } from '../errors.js'
import type { Finding } from '../model/finding.js'
import { classifyUsage, type PrincipalUsage, type UsageInput, type UsageState } from './classify.js'

const DAY_MS = 86_400_000

/** `90d`, `12w`: the window in days. Anything else is a usage error. */
export function parseUsedWithin(raw: string): number {
  const m = /^(\d+)([dw])$/.exec(raw.trim())
  const n = m ? Number(m[1]) * (m[2] === 'w' ? 7 : 1) : NaN
  if (!m || !Number.isSafeInteger(n) || n < 1) {
    throw new UsageError('bad-used-within', `--used-within ${raw}: expected a number of days or weeks such as 90d or 12w`, 'e.g. `--used-within 90d`')
  }
  return n
}

/** The usage a finding carries in the report (`finding.usage`). */
export interface FindingUsage {
  state: UsageState
  source?: PrincipalUsage['source']
  lastUsed?: string
}

export type FindingWithUsage = Finding & { usage?: FindingUsage }

/** Usage per principal ARN, from the facts the scan kept. */
export function usageByPrincipal(principals: ReadonlyArray<UsageInput & { arn: string }>): Map<string, PrincipalUsage> {
  return new Map(principals.map((p) => [p.arn, classifyUsage(p)]))
}

/**
 * Marks each principal finding with its principal's usage (`unknown` when the principal is not among
 * the facts), in place. Findings without a principal (org-level ones) get no mark.
 */
export function annotateUsage(findings: readonly Finding[], usage: ReadonlyMap<string, PrincipalUsage>): FindingWithUsage[] {
  // One mark per principal, shared by its findings; set in place, since a copy of every finding would
  // also turn every lazily rendered message into a stored string.
  const marks = new Map<string, FindingUsage>()
  return findings.map((f: FindingWithUsage) => {
    if (!f.principalArn) return f
    let mark = marks.get(f.principalArn)
    if (!mark) {
      const u = usage.get(f.principalArn)
      mark = { state: u?.state ?? 'unknown' }
      if (u?.source) mark.source = u.source
      if (u?.lastUsed) mark.lastUsed = u.lastUsed
      marks.set(f.principalArn, mark)
    }
    f.usage = mark
    return f
  })
}

/** Whether a principal used Bedrock at or after `now - days`. */
export function usedBedrockWithin(u: PrincipalUsage | undefined, days: number, now: Date): boolean {
  if (!u || u.bedrock !== 'used' || u.lastUsed === undefined) return false
  const t = Date.parse(u.lastUsed)
  return !Number.isNaN(t) && t >= now.getTime() - days * DAY_MS
}

/**
 * `--used-within`: drops principal findings whose principal has no Bedrock use in the window (unknown
 * usage included). Org-level findings are about no single principal and stay.
 */
export function filterUsedWithin<F extends Finding>(findings: readonly F[], usage: ReadonlyMap<string, PrincipalUsage>, days: number, now: Date): F[] {
  return findings.filter((f) => !f.principalArn || usedBedrockWithin(usage.get(f.principalArn), days, now))
}
