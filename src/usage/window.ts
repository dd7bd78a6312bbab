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
 * the facts), in place, and returns the same array. Findings without a principal (org-level ones) get no mark.
 *
 * One frozen mark per distinct usage, shared by every finding with that usage: most principals of a large
 * organization have one of a few (`never-used` from RoleLastUsed, `unknown`), and a mark per principal was
 * 35 B per finding (4.2 MB of /tmp/org100k-fh's heap). Frozen because it is shared: a later step that
 * wrote into one finding's usage would change thousands.
 */
export function annotateUsage(findings: Finding[], usage: ReadonlyMap<string, PrincipalUsage>): FindingWithUsage[] {
  const marks = new Map<string, FindingUsage>()
  const byPrincipal = new Map<string, FindingUsage>()
  for (const f of findings as FindingWithUsage[]) {
    if (!f.principalArn) continue
    let mark = byPrincipal.get(f.principalArn)
    if (!mark) {
      mark = usageMark(usage.get(f.principalArn), marks)
      byPrincipal.set(f.principalArn, mark)
    }
    f.usage = mark
  }
  return findings
}

/** The shared mark for one principal's usage, made on first sight (same key order as before: state, source, lastUsed). */
function usageMark(u: PrincipalUsage | undefined, marks: Map<string, FindingUsage>): FindingUsage {
  const state = u?.state ?? 'unknown'
  const key = `${state}\u0000${u?.source ?? ''}\u0000${u?.lastUsed ?? ''}`
  let mark = marks.get(key)
  if (!mark) {
    const m: FindingUsage = { state }
    if (u?.source) m.source = u.source
    if (u?.lastUsed) m.lastUsed = u.lastUsed
    mark = Object.freeze(m)
    marks.set(key, mark)
  }
  return mark
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
