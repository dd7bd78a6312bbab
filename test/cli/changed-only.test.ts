/** `scan --iac … --changed-only BASE_REF` from the command line: counts said, an unknown ref refused first. */
import { describe, expect, it } from 'vitest'
import { cfnRole, git, hasGit, tempTree } from '../iac/helpers.js'
import { runCli } from './run-cli.js'

const TEMPLATE = `AWSTemplateFormatVersion: "2010-09-09"\nResources:\n${cfnRole('Untagged')}`

function repo(): string {
  const dir = tempTree({ 'a.yaml': TEMPLATE, 'b.yaml': TEMPLATE.replace('Untagged', 'B'), 'c.yaml': TEMPLATE.replace('Untagged', 'C') })
  git(dir, 'init', '-q', '-b', 'main')
  git(dir, 'add', '.')
  git(dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'base')
  return dir
}

describe.runIf(hasGit())('--changed-only on the command line', () => {
  it('says how many templates were found and how many changed, also when none did', async () => {
    const dir = repo()
    const r = await runCli(['scan', '--iac', '.', '--changed-only', 'HEAD', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(0)
    const report = JSON.parse(r.stdout) as { summary: { notes: string[] } }
    expect(report.summary.notes[0]).toBe('--changed-only HEAD: 3 templates found, 0 changed since the merge base; only the changed ones were scanned')
    const text = await runCli(['scan', '--iac', '.', '--changed-only', 'HEAD'], { cwd: dir })
    expect(text.stdout).toContain('3 templates found, 0 changed')
  })

  it('refuses an unknown base ref with exit 2 before reading any template', async () => {
    const dir = repo()
    const r = await runCli(['scan', '--iac', 'no-such-folder', '--changed-only', 'origin/nope'], { cwd: dir })
    expect(r.status).toBe(2)
    // The missing folder would have been an input error of the scan: the ref is refused before it.
    expect(r.stderr).toMatch(/^tagwarden: error: --changed-only origin\/nope: no such branch, tag or commit in /m)
    expect(r.stderr).toMatch(/hint: .*git fetch origin main/)
    expect(r.stdout).toBe('')
  })
})
