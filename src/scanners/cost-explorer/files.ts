/**
 * The offline Cost Explorer path: saved `aws ce` JSON from `--input` → `SpendData`, through the same
 * aggregation as the live path. Pages of one `get-cost-and-usage` query (same `GroupDefinitions`) are
 * summed; a file saved twice counts once; a query whose every page says more follows is incomplete.
 * Bad input never throws: it becomes an `errors[]` entry or a note.
 */
import { createHash } from 'node:crypto'
import type { ScanErrorEntry } from '../../model/finding.js'
import { aggregateCostAndUsage, assembleSpendData, costAllocationTagsFrom, splitBedrockServices, type CostAndUsageAggregate, type CostAndUsagePage, type SpendAssembly } from '../../spend/aggregate.js'
import type { SpendLoadContext, SpendLoadResult, SpendSource } from '../../spend/source.js'
import { activationOf, iamPrincipalKeyOf } from '../../spend/tag-keys.js'
import { HINTS, SnapshotErrorCode, formatPosition, snapshotError } from '../snapshot/errors.js'
import { parseJson, readText } from '../snapshot/read.js'
import { canonicalJson } from '../../util/json.js'
import { CE_KINDS, isCostExplorerKind } from './recognisers.js'
import type { SpendPeriod } from '../../model/spend.js'

const EXPORT_HINT = 'export it again with the commands in docs/cost-explorer.md'

interface Parsed {
  file: string
  kind: string
  obj: Record<string, unknown>
}

function incomplete(what: string, files: string[], token: string): ScanErrorEntry {
  return snapshotError(
    SnapshotErrorCode.IncompleteExport,
    files[0] ?? '',
    `${what} is incomplete: every saved page (${files.join(', ')}) has a ${token}, so the last page is missing.`,
    `run the command again with --next-page-token <${token}> until an output has none, and save each page next to the others`,
  )
}

function widen(p: SpendPeriod | undefined, q: SpendPeriod | undefined): SpendPeriod | undefined {
  if (!q) return p
  if (!p) return q
  return { start: q.start < p.start ? q.start : p.start, end: q.end > p.end ? q.end : p.end }
}

/** Saved Cost Explorer outputs → spend data. `files` are the planner's `otherFiles` (other kinds are ignored). */
export async function loadCostExplorerFiles(files: ReadonlyArray<{ file: string; kind: string }>, opts: { tagKeys: readonly string[] }): Promise<SpendLoadResult> {
  const errors: ScanErrorEntry[] = []
  const notes: string[] = []
  const parsed: Parsed[] = []
  const seen = new Map<string, string>()
  for (const { file, kind } of files) {
    if (!isCostExplorerKind(kind)) continue
    const read = await readText(file)
    if (!read.ok) {
      errors.push(snapshotError(SnapshotErrorCode.UnreadableFile, file, `${file}: ${read.message}.`, HINTS.unreadable))
      continue
    }
    const json = parseJson(read.text)
    if (!json.ok) {
      errors.push(snapshotError(SnapshotErrorCode.InvalidJson, file, `${formatPosition(file, json.line, json.column)}: not valid JSON: ${json.message}.`, EXPORT_HINT))
      continue
    }
    // Hash the content, not the text: the same answer saved by the CLI and by a script is one answer.
    const hash = createHash('sha256').update(canonicalJson(json.value)).digest('hex')
    const first = seen.get(hash)
    if (first !== undefined) {
      notes.push(`${file} holds the same Cost Explorer output as ${first}; it was counted once`)
      continue
    }
    seen.set(hash, file)
    parsed.push({ file, kind, obj: json.value as Record<string, unknown> })
  }
  const ofKind = (k: string) => parsed.filter((p) => p.kind === k)
  const tagFiles = ofKind(CE_KINDS.costAllocationTags)
  const dvFiles = ofKind(CE_KINDS.dimensionValues)
  const cuFiles = ofKind(CE_KINDS.costAndUsage)
  const used = [...tagFiles, ...dvFiles, ...cuFiles].map((p) => p.file)

  if (tagFiles.length === 0 && cuFiles.length === 0) {
    return {
      errors,
      reason:
        dvFiles.length > 0
          ? 'the input holds `aws ce get-dimension-values` output only; spend needs `aws ce get-cost-and-usage` (and `list-cost-allocation-tags` for tag activation)'
          : 'no Cost Explorer output in the input: add `aws ce` outputs (docs/cost-explorer.md) or run with --cost-explorer',
    }
  }

  let costAllocationTags: SpendAssembly['costAllocationTags']
  if (tagFiles.length > 0) {
    costAllocationTags = costAllocationTagsFrom(tagFiles.map((p) => p.obj as { CostAllocationTags?: Array<Record<string, unknown>> }))
    const tokens = tagFiles.filter((p) => typeof p.obj.NextToken === 'string' && p.obj.NextToken !== '')
    if (tokens.length === tagFiles.length && tokens.length > 0) errors.push(incomplete('`aws ce list-cost-allocation-tags` output', tagFiles.map((p) => p.file), 'NextToken'))
  }

  let services: SpendAssembly['services']
  if (dvFiles.length > 0) {
    const values = dvFiles.flatMap((p) => ((p.obj.DimensionValues as Array<{ Value?: unknown }>) ?? []).map((d) => d.Value).filter((v): v is string => typeof v === 'string'))
    services = splitBedrockServices(values)
  }

  // Pages of one query share their GroupDefinitions.
  const queries = new Map<string, Parsed[]>()
  for (const p of cuFiles) {
    const sig = canonicalJson(p.obj.GroupDefinitions ?? [])
    queries.set(sig, [...(queries.get(sig) ?? []), p])
  }
  const byTag = new Map<string, { tagKey: string; costKey: string; aggregate: CostAndUsageAggregate; files: string[] }>()
  let accountsOnly: CostAndUsageAggregate | undefined
  let period: SpendPeriod | undefined
  for (const pages of queries.values()) {
    const names = pages.map((p) => p.file)
    const tokens = pages.filter((p) => typeof p.obj.NextPageToken === 'string' && p.obj.NextPageToken !== '')
    if (tokens.length === pages.length) errors.push(incomplete('`aws ce get-cost-and-usage` output', names, 'NextPageToken'))
    const aggregate = aggregateCostAndUsage(pages.map((p) => p.obj as CostAndUsagePage))
    period = widen(period, aggregate.period)
    const tag = aggregate.grouping.tag
    if (aggregate.grouping.others.length > 0) notes.push(`${names.join(', ')}: also grouped by ${aggregate.grouping.others.join(', ')}; those groups were added up`)
    if (!tag) {
      accountsOnly ??= aggregate
      continue
    }
    const principalKey = iamPrincipalKeyOf(tag.costKey)
    if (principalKey === undefined) {
      notes.push(`${names.join(', ')}: grouped by \`${tag.costKey}\`, a resource tag; principal and session tags never feed it, so it was ignored (group by \`iamPrincipal/${tag.costKey.replace(/^user:/, '')}\`)`)
      continue
    }
    if (!opts.tagKeys.includes(principalKey)) {
      notes.push(`${names.join(', ')}: grouped by \`${tag.costKey}\`, which is not a required key (${opts.tagKeys.map((k) => `\`${k}\``).join(', ') || 'none'}); ignored`)
      continue
    }
    const prior = byTag.get(principalKey)
    if (prior) {
      // Two spellings of one key (`iamPrincipal/team`, `user:iamPrincipal/team`): keep the one AWS lists as active.
      const active = costAllocationTags ? activationOf(principalKey, costAllocationTags).costKey : undefined
      const keep = active === tag.costKey ? { tagKey: principalKey, costKey: tag.costKey, aggregate, files: names } : prior
      const drop = keep === prior ? names : prior.files
      notes.push(`${drop.join(', ')}: a second grouping by \`${principalKey}\` (${keep === prior ? tag.costKey : prior.costKey}); the one by \`${keep.costKey}\` was used`)
      byTag.set(principalKey, keep)
      continue
    }
    byTag.set(principalKey, { tagKey: principalKey, costKey: tag.costKey, aggregate, files: names })
  }
  const periods = [...queries.values()].map((pages) => aggregateCostAndUsage(pages.map((p) => p.obj as CostAndUsagePage)).period).filter((p): p is SpendPeriod => p !== undefined)
  if (new Set(periods.map((p) => `${p.start}/${p.end}`)).size > 1) {
    notes.push(`the get-cost-and-usage outputs cover different periods (${[...new Set(periods.map((p) => `${p.start}–${p.end}`))].join(', ')}); the figures are compared as they are`)
  }
  const ordered = opts.tagKeys.flatMap((k) => {
    const t = byTag.get(k)
    return t ? [{ tagKey: t.tagKey, costKey: t.costKey, aggregate: t.aggregate }] : []
  })
  const assembly: SpendAssembly = {
    source: { kind: 'cost-explorer-files', files: used },
    ...(period ? { period } : {}),
    byTag: ordered,
    notes,
  }
  if (ordered.length === 0 && accountsOnly) assembly.accountsOnly = accountsOnly
  if (services) assembly.services = services
  if (costAllocationTags) assembly.costAllocationTags = costAllocationTags
  return { data: assembleSpendData(assembly), errors }
}

/** The spend source of a snapshot scan: the Cost Explorer files the planner found in `--input`. */
export function costExplorerFileSource(): SpendSource {
  return {
    kind: 'cost-explorer-files',
    load: (ctx: SpendLoadContext) => loadCostExplorerFiles(ctx.otherFiles, { tagKeys: ctx.tagKeys }),
  }
}
