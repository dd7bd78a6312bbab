/**
 * `--cache-dir`: every Cost Explorer answer (each page) on disk, keyed by the request and the UTC day,
 * so a re-run on the same day makes no billable request. A new day means new keys: the bill of an open
 * month changes daily, and yesterday's answer must not stand in for today's.
 *
 * Layout: `<dir>/cost-explorer/<YYYY-MM-DD>/<Operation>-<hash>.json`, each holding the request and the
 * response (no credentials: Cost Explorer answers carry none). Old days are never read again and may
 * be deleted.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { canonicalJson } from '../../util/json.js'

export interface ResponseCache {
  get(operation: string, request: unknown): Promise<unknown>
  put(operation: string, request: unknown, response: unknown): Promise<void>
}


interface CacheEntry {
  tagwardenCostExplorerCache: 1
  operation: string
  /** Who asked (the caller's account), when known: two payers never share an answer. */
  scope: string
  request: unknown
  fetchedAt: string
  response: unknown
}

export function diskCache(dir: string, opts: { now: Date; scope?: string }): ResponseCache {
  const day = opts.now.toISOString().slice(0, 10)
  const scope = opts.scope ?? ''
  const folder = join(dir, 'cost-explorer', day)
  const pathOf = (operation: string, request: unknown): string =>
    join(folder, `${operation}-${createHash('sha256').update(canonicalJson({ operation, scope, request })).digest('hex').slice(0, 32)}.json`)
  return {
    async get(operation, request) {
      let text: string
      try {
        text = await readFile(pathOf(operation, request), 'utf8')
      } catch {
        return undefined
      }
      try {
        const entry = JSON.parse(text) as Partial<CacheEntry>
        // A hash collision or a hand-edited file: ask AWS rather than trust it.
        if (entry.tagwardenCostExplorerCache !== 1 || entry.operation !== operation || canonicalJson(entry.request) !== canonicalJson(request)) return undefined
        return entry.response
      } catch {
        return undefined
      }
    },
    async put(operation, request, response) {
      await mkdir(folder, { recursive: true })
      const entry: CacheEntry = { tagwardenCostExplorerCache: 1, operation, scope, request, fetchedAt: opts.now.toISOString(), response }
      const target = pathOf(operation, request)
      // Write then rename: a run killed mid-write leaves no half file that a later run would read.
      const tmp = `${target}.${randomBytes(4).toString('hex')}.tmp`
      await writeFile(tmp, `${JSON.stringify(entry, null, 2)}\n`)
      await rename(tmp, target)
    },
  }
}
