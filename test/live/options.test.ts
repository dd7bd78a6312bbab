/** The live flags, as the lead wires them into `scan`, `collect` and `merge`. */
import { describe, expect, it } from 'vitest'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { DEFAULT_ROLE_NAME, isLiveScan, LIVE_FLAGS, liveOptionsFromFlags } from '../../src/cli/live-options.js'
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, DEFAULT_ROLE_NAME as SCANNER_ROLE_NAME } from '../../src/sources/live.js'
import { isTagwardenError } from '../../src/errors.js'

const code = (f: () => unknown): string => {
  try {
    f()
  } catch (e) {
    return isTagwardenError(e) ? e.code : String(e)
  }
  return 'ok'
}

describe('live flags', () => {
  it('describe every flag with a summary, and defaults where the issue sets them', () => {
    const byName = new Map(LIVE_FLAGS.map((f) => [f.name, f]))
    expect(byName.get('role-name')?.default).toBe('OrganizationAccountAccessRole')
    expect(byName.get('concurrency')?.default).toBe(8)
    // The flags file repeats the scanner's defaults so it need not import the scanner (and the SDK).
    expect([DEFAULT_ROLE_NAME, byName.get('concurrency')?.default, byName.get('max-attempts')?.default]).toEqual([
      SCANNER_ROLE_NAME,
      DEFAULT_CONCURRENCY,
      DEFAULT_MAX_ATTEMPTS,
    ])
    expect(new Set(LIVE_FLAGS.map((f) => f.name)).size).toBe(LIVE_FLAGS.length)
    for (const f of LIVE_FLAGS) expect(f.summary.length, f.name).toBeGreaterThan(20)
  })

  it('build the live scanner’s options', () => {
    expect(
      liveOptionsFromFlags({ org: true, accounts: ['111111111111,222222222222', '111111111111'], ou: ['ou-ab12-abcdefgh'], shard: '2/4', 'external-id': 'x', scps: false }),
    ).toEqual({
      org: true,
      accounts: ['111111111111', '222222222222'],
      ous: ['ou-ab12-abcdefgh'],
      shard: { k: 2, n: 4 },
      externalId: 'x',
      roleName: 'OrganizationAccountAccessRole',
      concurrency: 8,
      maxAttempts: 5,
      scps: false,
      quiet: false,
    })
    expect(isLiveScan({ org: true })).toBe(true)
    expect(isLiveScan({ live: true })).toBe(true)
    expect(isLiveScan({})).toBe(false)
  })

  it('reject what cannot work, as usage errors', () => {
    expect(code(() => liveOptionsFromFlags({ accounts: ['111111111111'] }))).toBe('flag-needs-org')
    expect(code(() => liveOptionsFromFlags({ shard: '1/2' }))).toBe('flag-needs-org')
    expect(code(() => liveOptionsFromFlags({ org: true, accounts: ['12345'] }))).toBe('invalid-account-id')
    expect(code(() => liveOptionsFromFlags({ org: true, ou: ['engineering'] }))).toBe('invalid-ou')
    expect(code(() => liveOptionsFromFlags({ org: true, shard: '3/2' }))).toBe('invalid-shard')
  })

  it('do not load the AWS SDK (tagwarden --help stays fast)', () => {
    expect(staticPackages('src/cli/live-options.ts').filter(isSdk)).toEqual([])
    // The walk does find the SDK where it is loaded.
    expect(staticPackages('src/sources/live.ts').filter(isSdk)).not.toEqual([])
  })
})

const SRC_ROOT = fileURLToPath(new URL('../../', import.meta.url))
const isSdk = (p: string): boolean => p.startsWith('@aws-sdk/') || p.startsWith('@smithy/')

/**
 * The packages a module loads when imported: its static value imports and re-exports, followed through
 * relative imports (`import type` is erased, and `import()` is deferred until called).
 */
function staticPackages(entry: string): string[] {
  const seen = new Set<string>()
  const packages = new Set<string>()
  const visit = (file: string): void => {
    if (seen.has(file)) return
    seen.add(file)
    const text = readFileSync(file, 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)\s+(?!type\s)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!
      if (!spec.startsWith('.')) {
        packages.add(spec)
        continue
      }
      const base = resolve(dirname(file), spec).replace(/\.js$/, '')
      const target = [`${base}.ts`, `${base}/index.ts`].find((f) => existsSync(f))
      if (!target) throw new Error(`${file}: cannot resolve ${spec}`)
      visit(target)
    }
  }
  visit(resolve(SRC_ROOT, entry))
  return [...packages].sort()
}
