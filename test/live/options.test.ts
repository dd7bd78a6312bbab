/** The live flags, as the lead wires them into `scan`, `collect` and `merge`. */
import { describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { DEFAULT_ROLE_NAME, isLiveScan, LIVE_FLAGS, liveOptionsFromFlags } from '../../src/cli/live-options.js'
import { DEFAULT_CONCURRENCY, DEFAULT_MAX_ATTEMPTS, DEFAULT_ROLE_NAME as SCANNER_ROLE_NAME } from '../../src/pipeline/live-source.js'
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
    // The SDK packages are CommonJS: whatever loads them lands in the require cache.
    const script = `
      await import('./src/cli/live-options.ts');
      const { createRequire } = await import('node:module');
      const req = createRequire(import.meta.url);
      console.log(JSON.stringify(Object.keys(req.cache).filter((k) => k.includes('@aws-sdk') || k.includes('@smithy'))));
    `
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: new URL('../../', import.meta.url), encoding: 'utf8' })
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual([])
  })
})
