/** An empty or mistyped --input must not look like a clean audit. */
import { describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from './run-cli.js'

describe('scan --input on a folder without JSON', () => {
  it('exits 2 with a no-input-files error and a hint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-empty-'))
    const r = await runCli(['scan', '--input', dir, '--format', 'json'])
    expect(r.status).toBe(2)
    const report = JSON.parse(r.stdout) as { errors: Array<{ code: string; hint?: string }> }
    expect(report.errors.map((e) => e.code)).toEqual(['no-input-files'])
    expect(report.errors[0]!.hint).toMatch(/get-account-authorization-details/)
  })
})
