/**
 * `tagwarden collect --output DIR [scope flags]`: run the live collection and write what it read as raw JSON
 * (the `--input` snapshot format) plus a manifest, so `tagwarden scan --input DIR` later gives exactly
 * the findings a live scan would have given.
 */
import { readdir } from 'node:fs/promises'
import { emptyIndex } from '../analysis/org-index.js'
import { ExitCode, UsageError } from '../errors.js'
import type { ScanErrorEntry } from '../model/finding.js'
import { DEFAULT_ROLE_NAME, liveSource, type LiveScanOptions, type LiveScanStats } from '../sources/live.js'
import { formatShard } from '../scanners/live/shard.js'
import { toolVersion } from '../version.js'
import { COLLECT_FORMAT_VERSION, type CollectManifest } from '../scanners/snapshot/collect-layout.js'
import { snapshotWriter } from './writer.js'

export interface CollectOptions extends Omit<LiveScanOptions, 'recorder'> {
  out: string
  now?: Date
}

export interface CollectResult {
  manifestPath: string
  manifest: CollectManifest
  /** Relative paths of every file written. */
  files: string[]
  errors: ScanErrorEntry[]
  stats: LiveScanStats
}

async function assertEmptyDir(dir: string): Promise<void> {
  let entries: string[]
  try {
    entries = await readdir(dir)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new UsageError('collect-out-unusable', `--output ${dir} cannot be read: ${(e as Error).message}`, 'give a new or empty folder')
  }
  if (entries.length > 0) {
    throw new UsageError(
      'collect-out-not-empty',
      `--output ${dir} is not empty`,
      'give a new or empty folder: mixing two collections would read stale or duplicate IAM data',
    )
  }
}

/** Only AWS failures go in the manifest; problems in the data itself are found again when the files are scanned. */
function isCollectionError(e: ScanErrorEntry): boolean {
  return e.source.startsWith('aws ')
}

export async function runCollect(opts: CollectOptions): Promise<CollectResult> {
  await assertEmptyDir(opts.out)
  const writer = snapshotWriter(opts.out)
  const source = liveSource({ ...opts, recorder: writer })
  const errors: ScanErrorEntry[] = []
  const collected: string[] = []
  const failed: string[] = []
  errors.push(...(await source.prepare(emptyIndex())).errors)
  for await (const a of source.accounts()) {
    errors.push(...a.errors)
    if (a.inventory) collected.push(a.accountId)
    else failed.push(a.accountId)
  }
  const stats = source.stats()
  const caller = stats.caller!
  const manifest: CollectManifest = {
    formatVersion: COLLECT_FORMAT_VERSION,
    tool: { name: 'tagwarden', version: toolVersion() },
    collectedAt: (opts.now ?? new Date()).toISOString(),
    runId: stats.runId,
    caller: { arn: caller.arn, accountId: caller.accountId, partition: caller.partition },
    region: stats.region ?? '',
    scope: {
      org: opts.org ?? false,
      ...(opts.accounts ? { accounts: opts.accounts } : {}),
      ...(opts.excludeAccounts ? { excludeAccounts: opts.excludeAccounts } : {}),
      ...(opts.ous ? { ous: opts.ous } : {}),
      roleName: opts.roleName ?? DEFAULT_ROLE_NAME,
      externalId: opts.externalId !== undefined,
      ...(opts.shard ? { shard: formatShard(opts.shard) } : {}),
      scps: opts.scps ?? true,
    },
    accounts: { selected: [...collected, ...failed].sort(), collected, failed, skipped: stats.accounts.skipped },
    errors: errors.filter(isCollectionError),
    calls: stats.calls,
    notices: stats.notices,
  }
  const manifestPath = await writer.writeManifest(manifest)
  return { manifestPath, manifest, files: writer.files(), errors, stats }
}

/** 2 when some account or call failed (unless --allow-partial), else 0: collect has no findings. */
export function collectExitCode(result: Pick<CollectResult, 'errors'>, allowPartial = false): ExitCode {
  return result.errors.length > 0 && !allowPartial ? ExitCode.Incomplete : ExitCode.Clean
}

/** The line `collect` prints on stderr when done. */
export function formatCollectSummary(result: CollectResult, outDir: string): string {
  const { collected, failed } = result.manifest.accounts
  const failedText = failed.length > 0 ? `, ${failed.length} failed (${failed.join(', ')})` : ''
  return `tagwarden: collected ${collected.length} account(s)${failedText} into ${outDir}: ${result.files.length} files, ${result.stats.calls.total} AWS calls; scan it with \`tagwarden scan --input ${outDir}\`\n`
}
