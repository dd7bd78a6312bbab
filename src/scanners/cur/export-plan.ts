/**
 * Which files of a CUR 2.0 export to read, the same for a local folder and an S3 prefix. Data Exports
 * delivers `<prefix>/<export>/data/BILLING_PERIOD=YYYY-MM/…` and, once every data file of a delivery is
 * in place, `<prefix>/<export>/metadata/BILLING_PERIOD=YYYY-MM/…/<export>-Manifest.json` listing them
 * (`dataFiles`). A billing period is delivered again and again while it is open, and up to two weeks
 * after it closes: with "create new" each delivery is a new folder, with "overwrite" the files are
 * replaced but a shorter delivery can leave an older chunk behind. Either way a period must be counted
 * once, so:
 *
 * - a period with a manifest: read exactly the files its newest manifest lists; every other data file of
 *   the period is superseded (skipped, and named in a note);
 * - a period without one: read its newest delivery folder only;
 * - files outside any `BILLING_PERIOD=` folder (a hand-made selection): read them all, once each.
 */
import { posix } from 'node:path'

export type DataFormat = 'parquet' | 'csv'

export interface ExportObject {
  /** Local path relative to the `--cur` folder, or the S3 key; `/`-separated. */
  key: string
  size: number
  /** ms since epoch (S3 LastModified, file mtime). */
  lastModified?: number
  /** S3 ETag: equal ETags and sizes mean the same content. */
  etag?: string
}

export interface PlannedFile extends ExportObject {
  /** By name; undefined means "look at the bytes". */
  format?: DataFormat
  billingPeriod?: string
}

export interface ExportPlan {
  data: PlannedFile[]
  /** Manifests whose lists were followed. */
  manifests: string[]
  /** Data files of superseded deliveries: not read. */
  superseded: string[]
  /** Files a manifest lists that are not there: the period is incomplete. */
  missing: Array<{ manifest: string; file: string }>
  /** Manifests that could not be read or have no file list. */
  badManifests: Array<{ key: string; reason: string }>
  /** Files that are neither data nor a manifest. */
  ignored: string[]
  notes: string[]
}

const PERIOD_RE = /(?:^|\/)BILLING_PERIOD=(\d{4}-\d{2})(?:\/|$)/

export function billingPeriodOf(key: string): string | undefined {
  return PERIOD_RE.exec(key)?.[1]
}

export function isManifestName(key: string): boolean {
  return /manifest\.json$/i.test(posix.basename(key))
}

/** The data format a name promises, or undefined when the name says nothing. */
export function formatByName(key: string): DataFormat | 'other' {
  const k = key.toLowerCase()
  if (k.endsWith('.parquet')) return 'parquet'
  if (k.endsWith('.csv') || k.endsWith('.csv.gz') || k.endsWith('.gz')) return 'csv'
  return 'other'
}

/** A delivery timestamp in a folder name (`20260815T041522Z`, `2026-08-15T04:15:22.123Z`), in ms. */
function stampIn(path: string): number | undefined {
  const m = /(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})/.exec(path)
  if (!m) return undefined
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]))
  return Number.isNaN(t) ? undefined : t
}

/** Newer first: a timestamp in the path beats file times (copies reset those), then the later name. */
function newer(a: { key: string; time?: number }, b: { key: string; time?: number }): number {
  const sa = stampIn(posix.dirname(a.key).split('BILLING_PERIOD=').slice(1).join('/'))
  const sb = stampIn(posix.dirname(b.key).split('BILLING_PERIOD=').slice(1).join('/'))
  if (sa !== undefined && sb !== undefined && sa !== sb) return sb - sa
  if (a.time !== undefined && b.time !== undefined && a.time !== b.time) return b.time - a.time
  return a.key < b.key ? 1 : a.key > b.key ? -1 : 0
}

/** `s3://bucket/a/b.parquet` → `a/b.parquet`; relative references stay as they are. */
function keyOfRef(ref: string): string {
  const m = /^s3:\/\/[^/]+\/(.*)$/.exec(ref)
  return (m ? m[1]! : ref).replace(/^\/+/, '')
}

/** The object a manifest reference names: same key, or one is the other's tail on a folder boundary. */
function resolveRef(ref: string, byBase: Map<string, PlannedFile[]>): PlannedFile | undefined {
  const key = keyOfRef(ref)
  const candidates = byBase.get(posix.basename(key)) ?? []
  return candidates.find((o) => o.key === key || key.endsWith(`/${o.key}`) || o.key.endsWith(`/${key}`))
}

export interface ManifestContent {
  files: string[]
  billingPeriod?: string
}

/** `dataFiles` (CUR 2.0) or `reportKeys` (legacy CUR), and the billing period it covers. */
export function parseManifest(obj: unknown): ManifestContent | { error: string } {
  if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return { error: 'not a JSON object' }
  const o = obj as Record<string, unknown>
  const list = Array.isArray(o.dataFiles) ? o.dataFiles : Array.isArray(o.reportKeys) ? o.reportKeys : undefined
  if (!list) return { error: 'it lists no `dataFiles`' }
  const files = list.filter((f): f is string => typeof f === 'string' && f !== '')
  const bp = o.billingPeriod as { start?: unknown } | undefined
  const start = typeof bp?.start === 'string' ? bp.start : undefined
  const m = start ? /^(\d{4})-?(\d{2})/.exec(start) : null
  return m ? { files, billingPeriod: `${m[1]}-${m[2]}` } : { files }
}

/**
 * Plans the read of an export. `objects` are every file under the root; `readManifest` returns a
 * manifest's parsed JSON (or throws).
 */
export async function planExport(objects: readonly ExportObject[], readManifest: (key: string) => Promise<unknown>): Promise<ExportPlan> {
  const plan: ExportPlan = { data: [], manifests: [], superseded: [], missing: [], badManifests: [], ignored: [], notes: [] }
  const data: PlannedFile[] = []
  const manifests: Array<ExportObject & { content: ManifestContent }> = []
  for (const o of objects) {
    if (isManifestName(o.key)) {
      try {
        const content = parseManifest(await readManifest(o.key))
        if ('error' in content) plan.badManifests.push({ key: o.key, reason: content.error })
        else manifests.push({ ...o, content: { ...content, billingPeriod: billingPeriodOf(o.key) ?? content.billingPeriod } as ManifestContent })
      } catch (e) {
        plan.badManifests.push({ key: o.key, reason: (e as Error).message })
      }
      continue
    }
    const format = formatByName(o.key)
    if (format === 'other') {
      plan.ignored.push(o.key)
      continue
    }
    const bp = billingPeriodOf(o.key)
    data.push({ ...o, format, ...(bp ? { billingPeriod: bp } : {}) })
  }

  const byBase = new Map<string, PlannedFile[]>()
  for (const d of data) byBase.set(posix.basename(d.key), [...(byBase.get(posix.basename(d.key)) ?? []), d])

  // Newest manifest per billing period.
  const chosen = new Map<string, (typeof manifests)[number]>()
  for (const m of manifests) {
    const period = m.content.billingPeriod ?? `?${posix.dirname(m.key)}`
    const prior = chosen.get(period)
    const mt = { key: m.key, ...(m.lastModified !== undefined ? { time: m.lastModified } : {}) }
    if (!prior || newer(mt, { key: prior.key, ...(prior.lastModified !== undefined ? { time: prior.lastModified } : {}) }) < 0) chosen.set(period, m)
  }
  const selected = new Set<PlannedFile>()
  const coveredPeriods = new Set<string>()
  for (const [period, m] of chosen) {
    plan.manifests.push(m.key)
    if (!period.startsWith('?')) coveredPeriods.add(period)
    for (const ref of m.content.files) {
      const hit = resolveRef(ref, byBase)
      if (hit) selected.add(hit)
      else plan.missing.push({ manifest: m.key, file: ref })
    }
  }
  const olderManifests = manifests.filter((m) => !plan.manifests.includes(m.key))
  if (olderManifests.length > 0) plan.notes.push(`${olderManifests.length} older manifest${olderManifests.length === 1 ? '' : 's'} of re-delivered billing periods ignored (${olderManifests.map((m) => m.key).join(', ')})`)

  // Periods without a manifest: the newest delivery folder.
  const byFolder = new Map<string, Map<string, PlannedFile[]>>()
  for (const d of data) {
    if (selected.has(d)) continue
    if (d.billingPeriod && coveredPeriods.has(d.billingPeriod)) {
      plan.superseded.push(d.key)
      continue
    }
    if (!d.billingPeriod) {
      selected.add(d)
      continue
    }
    const folders = byFolder.get(d.billingPeriod) ?? new Map<string, PlannedFile[]>()
    const dir = posix.dirname(d.key)
    folders.set(dir, [...(folders.get(dir) ?? []), d])
    byFolder.set(d.billingPeriod, folders)
  }
  for (const [period, folders] of byFolder) {
    const ranked = [...folders].map(([dir, files]) => ({ key: `${dir}/`, files, time: Math.max(...files.map((f) => f.lastModified ?? 0)) }))
    ranked.sort(newer)
    const [first, ...rest] = ranked
    for (const f of first?.files ?? []) selected.add(f)
    for (const r of rest) plan.superseded.push(...r.files.map((f) => f.key))
    if (rest.length > 0) plan.notes.push(`billing period ${period} has ${ranked.length} deliveries and no manifest; only the newest (${first?.key}) was read`)
  }
  if (plan.superseded.length > 0) plan.notes.push(`${plan.superseded.length} data file${plan.superseded.length === 1 ? '' : 's'} of superseded deliveries not read (a re-delivered billing period counts once)`)

  // The same object twice (an S3 copy, a file given twice): once.
  const seen = new Map<string, string>()
  for (const d of data) {
    if (!selected.has(d)) continue
    if (d.etag) {
      const id = `${d.etag}\u0000${d.size}`
      const first = seen.get(id)
      if (first !== undefined) {
        plan.notes.push(`${d.key} has the same content as ${first}; it was read once`)
        continue
      }
      seen.set(id, d.key)
    }
    plan.data.push(d)
  }
  plan.data.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  if (plan.ignored.length > 0) plan.notes.push(`${plan.ignored.length} file${plan.ignored.length === 1 ? '' : 's'} that are neither CUR data nor a manifest ignored`)
  return plan
}
