/**
 * Live fan-out benchmark: `scan --org` over 200 accounts of the synthetic organization, served by the
 * local fake AWS with a fixed latency per call and occasional throttling, at two principal counts (calls
 * per account should not move). In the same run, the naive per-principal collector on a sample of the
 * accounts, projected to all of them, gives the ratio. Each scan runs in a child process; the fake AWS
 * runs here.
 */
import { fileURLToPath } from 'node:url'
import { addUserCredentials, emptyWorld } from '../test/support/aws-server/index.js'
import { runChild, TSX } from './child.js'
import { startBenchAws } from './live/fake-aws.js'
import type { LiveChildInput, LiveChildReport } from './live/tagwarden-scan.js'
import type { NaiveChildInput, NaiveChildReport } from './live/naive-scan.js'
import { syntheticWorld } from './synthetic-org.js'
import type { BenchContext, Measurement } from './types.js'

const TAGWARDEN = fileURLToPath(new URL('./live/tagwarden-scan.ts', import.meta.url))
const NAIVE = fileURLToPath(new URL('./live/naive-scan.ts', import.meta.url))

export interface LiveOptions {
  accounts: number
  /** Principals per account; one tagwarden run each. The naive collector runs on the first. */
  principals: number[]
  latencyMs: number
  throttleRate: number
  concurrency: number
  /** Member accounts the naive collector reads (its time is projected to `accounts`); 0 skips it. */
  naiveAccounts: number
  /** Also scan the first size without throttling, to show what throttling costs. */
  unthrottledBaseline: boolean
}

export const DEFAULT_LIVE: LiveOptions = {
  accounts: 200,
  principals: [50, 500],
  latencyMs: 50,
  throttleRate: 0.02,
  concurrency: 8,
  // A multiple of the concurrency, so the sample runs in whole waves and projects linearly.
  naiveAccounts: 24,
  unthrottledBaseline: true,
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits

export async function liveBenchmark(ctx: BenchContext, o: LiveOptions = DEFAULT_LIVE): Promise<Measurement[]> {
  const rows: Measurement[] = []
  const setting = (throttleRate: number): string => `${o.latencyMs} ms/call, ${throttleRate * 100}% throttled, concurrency ${o.concurrency}`
  const perAccountMeans: number[] = []
  for (const [i, principals] of o.principals.entries()) {
    const world = emptyWorld()
    const org = syntheticWorld(world, { accounts: o.accounts, principals, seed: 42 })
    const caller = addUserCredentials(world, org.managementAccountId)
    const size = `${o.accounts} accounts × ${principals} principals`
    const rates = i === 0 && o.unthrottledBaseline ? [0, o.throttleRate] : [o.throttleRate]
    for (const throttleRate of rates) {
      const aws = await startBenchAws(world, { latencyMs: o.latencyMs, throttleRate, seed: 7 + i })
      const base = { endpoint: aws.server.url, accessKeyId: caller.accessKeyId, secretAccessKey: caller.secretAccessKey, concurrency: o.concurrency }
      try {
        const tw = (await runChild<LiveChildReport>(TAGWARDEN, [JSON.stringify(base satisfies LiveChildInput)], { nodeArgs: TSX })).report
        const throttled = aws.throttled()
        ctx.log(
          `live ${size}, ${throttleRate * 100}% throttled: tagwarden ${tw.wallSeconds.toFixed(1)} s (discovery ${tw.discoverySeconds.toFixed(1)} s), ` +
            `${tw.totalCalls} calls, ${tw.callsPerAccount.mean.toFixed(1)} per account, ${throttled} throttled`,
        )
        if (tw.accounts.scanned !== o.accounts) ctx.log(`live ${size}: WARNING ${tw.accounts.scanned} of ${o.accounts} accounts scanned (${tw.errors.join('; ')})`)
        if (throttleRate === o.throttleRate) perAccountMeans.push(tw.callsPerAccount.mean)
        const retries = Object.values(tw.retries).reduce((a, b) => a + b, 0)
        rows.push({
          benchmark: 'live fan-out (tagwarden)',
          size,
          wallSeconds: tw.wallSeconds,
          throughput: { value: round(o.accounts / tw.wallSeconds), unit: 'accounts/s' },
          notes:
            `${round(tw.callsPerAccount.mean)} calls/account (${tw.callsPerAccount.min}–${tw.callsPerAccount.max}), ${retries} retries, ` +
            `discovery ${round(tw.discoverySeconds)} s; ${setting(throttleRate)}`,
          details: { ...tw, throttledByServer: throttled, latencyMs: o.latencyMs, throttleRate, concurrency: o.concurrency },
        })
        if (i !== 0 || throttleRate !== o.throttleRate || o.naiveAccounts <= 0) continue

        const twWall = tw.wallSeconds
        const sample = Math.min(o.naiveAccounts, o.accounts - 1)
        const before = aws.throttled()
        const input: NaiveChildInput = { ...base, accounts: sample, managementAccountId: org.managementAccountId }
        const nv = (await runChild<NaiveChildReport>(NAIVE, [JSON.stringify(input)], { nodeArgs: TSX })).report
        // The naive collector is bound by latency × calls / concurrency: its time grows with the accounts read.
        const projected = (nv.wallSeconds * o.accounts) / nv.accounts
        ctx.log(
          `live ${size}: naive ${nv.wallSeconds.toFixed(1)} s for ${nv.accounts} accounts (${nv.callsPerAccount.mean.toFixed(0)} calls each), ` +
            `~${projected.toFixed(0)} s projected for ${o.accounts}`,
        )
        rows.push({
          benchmark: 'live fan-out (naive per-principal)',
          size: `${nv.accounts} of ${size}`,
          wallSeconds: nv.wallSeconds,
          throughput: { value: round(nv.accounts / nv.wallSeconds, 2), unit: 'accounts/s' },
          ratio: { value: round(projected / twWall), of: 'tagwarden wall time (projected to all accounts)' },
          notes:
            `${round(nv.callsPerAccount.mean)} calls/account (${round(nv.callsPerAccount.mean / tw.callsPerAccount.mean)}× tagwarden's), ${nv.retries} retries; ` +
            `~${Math.round(projected)} s projected for ${o.accounts} accounts; reads roles only, so a lower bound; ${setting(throttleRate)}`,
          details: { ...nv, projectedWallSeconds: projected, throttledByServer: aws.throttled() - before },
        })
      } finally {
        await aws.close()
      }
    }
  }
  if (perAccountMeans.length > 1) ctx.log(`live: calls per account at ${o.principals.join(' / ')} principals: ${perAccountMeans.map((n) => round(n)).join(' / ')}`)
  return rows
}
