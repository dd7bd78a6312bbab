/**
 * Sharded org scans (`scan --org --shard K/N`) and `tagwarden merge`.
 *
 * Each shard runs phase one (read and analyse its accounts) and writes, besides its own report, an
 * aggregate: the gateways it found, the tag-key statistics, its accounts and OU paths, and the compact
 * per-principal facts phase one keeps (Bedrock-capable principals, gateways and API-key holders, with
 * their trust policies: the references to principals in other accounts). `merge` rebuilds the org index
 * from the aggregates and runs phase two once over all of them, so cross-account rules (a gateway in one
 * shard, its targets in another) and org-level rules see the whole organization, and the merged report
 * equals the unsharded scan's.
 *
 * `runPhaseOne` and `finishScan` (in scan.ts) are `runScan` cut in two at the point where the shards meet.
 */
import { createHash } from 'node:crypto'
import type { PrincipalFacts } from '../analysis/facts.js'
import { addIdentityCenter, emptyIndex, type GatewayEntry } from '../analysis/org-index.js'
import type { IdentityCenterData } from '../model/identity-center.js'
import { UsageError } from '../errors.js'
import type { NotEvaluatedEntry, ScanErrorEntry, ScanReport } from '../model/finding.js'
import type { OrgAccount } from '../model/inventory.js'
import type { ResolvedConfig, ResolvedSettings } from '../config/types.js'
import { toolVersion } from '../version.js'
import type { AccountSource } from '../sources/account-source.js'
import { finishScan, runPhaseOne, type PhaseOne } from './scan.js'
import type { CurLoadResult } from '../scanners/cur/load.js'
import { formatShard, type Shard } from '../scanners/live/shard.js'

// ---------------------------------------------------------------------------------------------
// The aggregate

export const AGGREGATE_KIND = 'tagwarden-shard-aggregate'
export const AGGREGATE_FORMAT_VERSION = 1

export interface ShardAggregate {
  kind: typeof AGGREGATE_KIND
  formatVersion: number
  tool: { name: 'tagwarden'; version: string }
  generatedAt: string
  /** `K/N`, or null for an unsharded run (which merges like a 1/1 shard). */
  shard: string | null
  /** Hash of the rules-file settings that shape phase one; every shard of a merge must agree. */
  settingsHash: string
  accounts: {
    scanned: string[]
    failed: number
    /** Accounts of the organization in this shard's scope (from ListAccounts). */
    listed: OrgAccount[]
    ouPaths: Array<[string, string[]]>
  }
  counts: PhaseOne['counts']
  /** Notes of the shard's sources (optional for aggregates of earlier versions). */
  notes?: string[]
  /** What the shard's sources could not evaluate (optional for aggregates of earlier versions). */
  notEvaluated?: NotEvaluatedEntry[]
  files: number
  /** Gateway identities found in this shard's accounts. */
  gateways: GatewayEntry[]
  /** Tag-key statistics: lower-cased key → spelling → principals and accounts. */
  tagKeys: Array<{ lower: string; key: string; principals: number; accounts: string[] }>
  /** Phase-one facts (trust analysis left to the merge, which knows every gateway). */
  facts: PrincipalFacts[]
  /** Errors of reading and analysing the shard's accounts (rule errors are the merge's). */
  errors: ScanErrorEntry[]
  /** What the shard's sources read about IAM Identity Center, or why not (optional for aggregates of earlier versions). */
  identityCenter?: IdentityCenterData
}

export function settingsHash(settings: ResolvedSettings): string {
  return createHash('sha256').update(JSON.stringify(settings)).digest('hex').slice(0, 16)
}

/** The aggregate of a phase one. Call before `finishScan`, which adds the merge-side trust analysis. */
export function buildAggregate(p: PhaseOne, config: ResolvedConfig, shard: Shard | undefined, now: Date): ShardAggregate {
  const facts = p.facts.map((f) => {
    const { trust: _trust, ...rest } = f
    return JSON.parse(JSON.stringify(rest)) as PrincipalFacts
  })
  const tagKeys: ShardAggregate['tagKeys'] = []
  for (const [lower, variants] of p.index.tagKeyVariants) {
    for (const [key, v] of variants) tagKeys.push({ lower, key, principals: v.principals, accounts: [...v.accounts].sort() })
  }
  return {
    kind: AGGREGATE_KIND,
    formatVersion: AGGREGATE_FORMAT_VERSION,
    tool: { name: 'tagwarden', version: toolVersion() },
    generatedAt: now.toISOString(),
    shard: shard ? formatShard(shard) : null,
    settingsHash: settingsHash(config.settings),
    accounts: {
      scanned: [...p.scanned],
      failed: p.failed,
      listed: [...p.index.accounts.values()],
      ouPaths: [...p.index.ouPaths],
    },
    counts: { ...p.counts },
    notes: p.notes,
    notEvaluated: p.notEvaluated,
    files: p.files,
    gateways: [...p.index.gatewaysByArn.values()],
    tagKeys,
    facts,
    errors: [...p.errors],
    ...(p.index.identityCenter ? { identityCenter: p.index.identityCenter } : {}),
  }
}

/** `scan --shard K/N`: the shard's own report and its aggregate for `merge`. */
export async function runShardScan(opts: {
  config: ResolvedConfig
  sources: AccountSource[]
  now: Date
  shard?: Shard
  onAccount?: (accountId: string, ok: boolean) => void
}): Promise<{ report: ScanReport; aggregate: ShardAggregate }> {
  const p = await runPhaseOne(opts)
  const aggregate = buildAggregate(p, opts.config, opts.shard, opts.now)
  return { report: finishScan(p, opts.config, opts.now), aggregate }
}

export function isShardAggregate(v: unknown): v is ShardAggregate {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === AGGREGATE_KIND
}

/** Reads one aggregate file's JSON; throws `UsageError` when it is not one. */
export function parseAggregate(text: string, file: string): ShardAggregate {
  let v: unknown
  try {
    v = JSON.parse(text)
  } catch (e) {
    throw new UsageError('merge-input-invalid', `${file}: not valid JSON: ${(e as Error).message}`, 'pass the files written by `tagwarden scan --shard K/N --aggregate-output FILE`')
  }
  if (!isShardAggregate(v)) {
    throw new UsageError('merge-input-invalid', `${file}: not a tagwarden shard aggregate`, 'pass the files written by `tagwarden scan --shard K/N --aggregate-output FILE`')
  }
  if (v.formatVersion !== AGGREGATE_FORMAT_VERSION) {
    throw new UsageError('merge-version-mismatch', `${file}: aggregate format ${v.formatVersion}, this tagwarden reads ${AGGREGATE_FORMAT_VERSION}`, 'run every shard and the merge with the same tagwarden version')
  }
  return v
}

/**
 * Combines shard aggregates into one report. Shards must come from the same settings and cover 1…N
 * once each; a missing shard is an `errors[]` entry (exit 2), duplicates are a usage error. `curLoad`
 * (`merge --cur`): the ledger, computed over all shards, as `runScan` computes it over one scan.
 */
export function mergeShards(aggregates: readonly ShardAggregate[], config: ResolvedConfig, now: Date, curLoad?: CurLoadResult): ScanReport {
  if (aggregates.length === 0) throw new UsageError('merge-no-input', 'nothing to merge', 'pass the aggregate file of every shard: `tagwarden merge shard-*.json`')
  const hash = settingsHash(config.settings)
  const mismatched = aggregates.filter((a) => a.settingsHash !== hash)
  if (mismatched.length > 0) {
    throw new UsageError(
      'merge-settings-mismatch',
      `shard(s) ${mismatched.map((a) => a.shard ?? 'unsharded').join(', ')} were scanned with other rules-file settings than this merge`,
      'run every shard and the merge with the same rules file (--rules or tagwarden.yaml)',
    )
  }
  const errors: ScanErrorEntry[] = []
  const shards = aggregates.map((a) => a.shard ?? '1/1')
  const dup = shards.filter((s, i) => shards.indexOf(s) !== i)
  if (dup.length > 0) throw new UsageError('merge-duplicate-shard', `shard ${dup[0]} was given more than once`, 'pass each shard’s aggregate once')
  const ns = new Set(shards.map((s) => Number(s.split('/')[1])))
  if (ns.size > 1) throw new UsageError('merge-shard-count-mismatch', `the shards disagree on N (${[...ns].join(', ')})`, 'merge the shards of one run: K/N with the same N')
  const n = [...ns][0] ?? 1
  for (let k = 1; k <= n; k++) {
    if (!shards.includes(`${k}/${n}`)) {
      errors.push({
        source: 'merge',
        code: 'shard-missing',
        message: `shard ${k}/${n} is missing from the merge: its accounts are not in this report`,
        hint: 'pass the aggregate of every shard (a failed CI matrix job leaves a gap); rerun the missing shard',
      })
    }
  }

  const index = emptyIndex()
  const p: PhaseOne = { facts: [], index, errors: [], counts: { users: 0, roles: 0, skippedServiceLinked: 0 }, notes: [], notEvaluated: [], scanned: [], failed: 0, files: 0 }
  // Shards in K order, so the merged errors and accounts read like one scan's.
  const ordered = [...aggregates].sort((a, b) => Number((a.shard ?? '1/1').split('/')[0]) - Number((b.shard ?? '1/1').split('/')[0]))
  for (const a of ordered) {
    p.errors.push(...a.errors)
    for (const acct of a.accounts.listed) if (!index.accounts.has(acct.id)) index.accounts.set(acct.id, acct)
    for (const [id, path] of a.accounts.ouPaths) index.ouPaths.set(id, path)
    for (const id of a.accounts.scanned) {
      index.scannedAccounts.add(id)
      if (!p.scanned.includes(id)) p.scanned.push(id)
    }
    p.failed += a.accounts.failed
    p.counts.users += a.counts.users
    p.counts.roles += a.counts.roles
    p.counts.skippedServiceLinked += a.counts.skippedServiceLinked
    p.files += a.files
    p.notes.push(...(a.notes ?? []))
    p.notEvaluated.push(...(a.notEvaluated ?? []))
    for (const g of a.gateways) {
      index.gatewaysByArn.set(g.arn, g)
      if (g.id) index.gatewaysById.set(g.id, g)
    }
    for (const t of a.tagKeys) {
      let variants = index.tagKeyVariants.get(t.lower)
      if (!variants) index.tagKeyVariants.set(t.lower, (variants = new Map()))
      let v = variants.get(t.key)
      if (!v) variants.set(t.key, (v = { principals: 0, accounts: new Set() }))
      v.principals += t.principals
      for (const id of t.accounts) v.accounts.add(id)
    }
    p.facts.push(...a.facts.map((f) => JSON.parse(JSON.stringify(f)) as PrincipalFacts))
    if (a.identityCenter) addIdentityCenter(index, a.identityCenter)
  }
  p.errors.unshift(...errors)
  return finishScan(p, config, now, undefined, undefined, curLoad)
}
