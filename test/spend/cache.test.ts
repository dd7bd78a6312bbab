/** --cache-dir: per request, per day, per caller; a damaged entry is never trusted. */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { diskCache } from '../../src/scanners/cost-explorer/cache.js'
import { canonicalJson } from '../../src/util/json.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tagwarden-cache-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

const now = new Date('2026-08-21T10:00:00Z')

describe('Cost Explorer response cache', () => {
  it('hashes requests independently of key order', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }], u: undefined })).toBe('{"a":[{"c":3,"d":2}],"b":1}')
  })

  it('returns what was stored for the same request, day and caller only', async () => {
    const c = diskCache(dir, { now, scope: '111111111111' })
    await c.put('GetCostAndUsage', { B: 1, A: 2 }, { ResultsByTime: [] })
    expect(await c.get('GetCostAndUsage', { A: 2, B: 1 })).toEqual({ ResultsByTime: [] })
    expect(await c.get('GetCostAndUsage', { A: 2, B: 2 })).toBeUndefined()
    expect(await c.get('GetDimensionValues', { A: 2, B: 1 })).toBeUndefined()
    expect(await diskCache(dir, { now, scope: '999999999999' }).get('GetCostAndUsage', { A: 2, B: 1 })).toBeUndefined()
    expect(await diskCache(dir, { now: new Date('2026-08-22T00:00:01Z'), scope: '111111111111' }).get('GetCostAndUsage', { A: 2, B: 1 })).toBeUndefined()
    // No temporary files are left behind.
    expect((await readdir(join(dir, 'cost-explorer', '2026-08-21'))).every((f) => f.endsWith('.json'))).toBe(true)
  })

  it('treats a damaged or foreign entry as a miss', async () => {
    const c = diskCache(dir, { now })
    await c.put('GetCostAndUsage', { A: 1 }, { ok: true })
    const folder = join(dir, 'cost-explorer', '2026-08-21')
    const [file] = await readdir(folder)
    await writeFile(join(folder, file!), '{"tagwardenCostExplorerCache": 1, "operation": "GetCostAndUsage", "request": {"A": 2}, "response": {"ok": false}}')
    expect(await c.get('GetCostAndUsage', { A: 1 })).toBeUndefined()
    await writeFile(join(folder, file!), '{ not json')
    expect(await c.get('GetCostAndUsage', { A: 1 })).toBeUndefined()
  })
})
