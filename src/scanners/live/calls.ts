/**
 * Per-operation AWS call counts of a live scan (`--verbose`, JSON summary). A call is one SDK operation;
 * its retries are counted separately, so "calls per account is O(pages)" can be checked directly.
 */
import type { AwsCallStats } from '../../model/finding.js'

/** `iam:GetAccountAuthorizationDetails` etc.: the IAM action prefix plus the operation name. */
export type OperationKey = string

/** The shape lives in the finding contract (`summary.aws.calls`). */
export type CallStats = AwsCallStats

export class CallCounter {
  private readonly calls = new Map<OperationKey, number>()
  private readonly retries = new Map<OperationKey, number>()
  private readonly byAccount = new Map<string, Map<OperationKey, number>>()

  record(op: OperationKey, account: string, attempts: number): void {
    this.calls.set(op, (this.calls.get(op) ?? 0) + 1)
    if (attempts > 1) this.retries.set(op, (this.retries.get(op) ?? 0) + attempts - 1)
    let acct = this.byAccount.get(account)
    if (!acct) this.byAccount.set(account, (acct = new Map()))
    acct.set(op, (acct.get(op) ?? 0) + 1)
  }

  snapshot(): CallStats {
    const sorted = (m: Map<string, number>): Record<string, number> => Object.fromEntries([...m].sort(([a], [b]) => a.localeCompare(b)))
    return {
      calls: sorted(this.calls),
      retries: sorted(this.retries),
      byAccount: Object.fromEntries([...this.byAccount].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sorted(v)])),
      total: [...this.calls.values()].reduce((a, b) => a + b, 0),
    }
  }
}

/** One line per operation, for `--verbose`: `iam:GetAccountAuthorizationDetails  12 (2 retries)`. */
export function formatCallStats(stats: CallStats): string {
  const width = Math.max(0, ...Object.keys(stats.calls).map((k) => k.length))
  const lines = Object.entries(stats.calls).map(([op, n]) => {
    const r = stats.retries[op]
    return `  ${op.padEnd(width)}  ${n}${r ? ` (${r} ${r === 1 ? 'retry' : 'retries'})` : ''}`
  })
  return [`AWS calls: ${stats.total}`, ...lines].join('\n')
}
