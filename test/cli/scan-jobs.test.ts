/** `scan --jobs N`: worker threads for the snapshot accounts; the same report either way, bad values are usage errors. */
import { describe, expect, it } from 'vitest'
import { DEMO, runCli } from './run-cli.js'

const NOW = ['--now', '2026-11-26']

describe('scan --jobs', () => {
  it('gives the same JSON report on 2 worker threads as in the main thread', async () => {
    const one = await runCli(['scan', '-i', DEMO, '--format', 'json', '--jobs', '1', ...NOW])
    const two = await runCli(['scan', '-i', DEMO, '--format', 'json', '--jobs', '2', ...NOW])
    expect(one.status).toBe(1)
    expect(two.status).toBe(one.status)
    expect(two.stdout).toBe(one.stdout)
    expect(two.stderr).toBe('')
  })

  it.each([['0'], ['-1'], ['two'], ['1.5'], ['65']])('rejects --jobs %s as a usage error (exit 2)', async (value) => {
    const r = await runCli(['scan', '-i', DEMO, `--jobs=${value}`, ...NOW])
    expect(r.status).toBe(2)
    expect(r.stderr).toBe(`tagwarden: error: --jobs ${value}: expected a whole number of worker threads from 1 to 64\n  hint: e.g. --jobs 2 (--jobs 1 reads the accounts in the main thread)\n`)
    expect(r.stdout).toBe('')
  })

  it('is in the help, with an example', async () => {
    const r = await runCli(['scan', '--help'])
    expect(r.stdout).toMatch(/--jobs=N\s+Worker threads that read and analyse the --input accounts/)
    expect(r.stdout).toContain('--jobs 2')
  })
})
