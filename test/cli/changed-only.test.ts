/** `scan --iac … --changed-only BASE_REF` from the command line: counts said, an unknown ref refused first. */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
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
    const report = JSON.parse(r.stdout) as { summary: { notes: string[]; inputs: { iac: { templates: number; changed: number } } } }
    expect(report.summary.notes[0]).toBe('--changed-only HEAD: 3 templates found, 0 changed since the merge base; only the changed ones were scanned')
    expect(report.summary.inputs.iac).toMatchObject({ templates: 3, changed: 0 })
    const text = await runCli(['scan', '--iac', '.', '--changed-only', 'HEAD'], { cwd: dir })
    // The summary's scope line says it in the words of IaC, never "accounts 0 scanned".
    expect(text.stdout).toMatch(/^ {2}IaC {10}3 templates found, 0 changed$/m)
    expect(text.stdout).not.toMatch(/accounts|sources/)
    const md = await runCli(['scan', '--iac', '.', '--changed-only', 'HEAD', '--format', 'markdown'], { cwd: dir })
    expect(md.stdout).toContain('| IaC | 3 templates found, 0 changed |')
    expect(md.stdout).not.toContain('| Accounts |')
  })

  it('counts what changed since the base and scans only that', async () => {
    const dir = repo()
    writeFileSync(join(dir, 'b.yaml'), `${TEMPLATE.replace('Untagged', 'B')}\n`)
    const text = await runCli(['scan', '--iac', '.', '--changed-only', 'HEAD'], { cwd: dir })
    expect(text.status).toBe(1)
    expect(text.stdout).toMatch(/^ {2}IaC {10}3 templates found, 1 changed$/m)
    expect(text.stdout).toContain('b.yaml')
    expect(text.stdout).not.toContain('a.yaml')
  })

  it('an IaC scan without --changed-only says templates and plans found, and how many were scanned', async () => {
    const dir = repo()
    const text = await runCli(['scan', '--iac', '.'], { cwd: dir })
    expect(text.stdout).toMatch(/^ {2}IaC {10}3 templates found; 3 scanned$/m)
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
