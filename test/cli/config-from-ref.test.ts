/**
 * `scan --config-from-ref REF` and `--no-inline-suppressions` from the command line, in a temporary git
 * repository: the base branch holds the reviewed rules file (and baseline), the working tree is the pull
 * request's.
 */
import { existsSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeRulesChange } from '../../src/config/rules-change.js'
import { fetchHint } from '../../src/config/git-ref.js'
import { createBaseline, formatBaseline } from '../../src/baseline/file.js'
import type { ScanReport } from '../../src/model/finding.js'
import { cfnRole, tempTree } from '../iac/helpers.js'
import { STRICT_RULES, TEMPLATE, git, hasGit, prRepo } from './pr-repo.js'
import { runCli } from './run-cli.js'

const json = (stdout: string): ScanReport => JSON.parse(stdout) as ScanReport

describe.runIf(hasGit())('scan --config-from-ref', () => {
  it('uses the rules file at REF when the pull request relaxes it, and names the change', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 'tagwarden.yaml': 'version: 1\nextends: none\n' })
    // Without the flag the pull request's own rules file switches the gate off.
    expect((await runCli(['scan', '--iac', 't.yaml'], { cwd: dir })).status).toBe(0)
    const r = await runCli(['scan', '--iac', 't.yaml', '--config-from-ref', 'main', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(1)
    expect(json(r.stdout).findings.map((f) => f.ruleId)).toContain('principal-missing-tag')
    expect(r.stderr).toContain('tagwarden: note: --config-from-ref main: rules file main:tagwarden.yaml (commit ')
    expect(r.stderr).toContain('tagwarden: note: --config-from-ref main: tagwarden.yaml differs in the working tree (added: extends; removed: rules); that version is ignored\n')
    // The same notes in the report, for every output, and the rules file named as read.
    expect(json(r.stdout).summary.notes.filter((n) => n.startsWith('--config-from-ref main: '))).toHaveLength(2)
    expect(json(r.stdout).summary.rulesFiles).toEqual(['<bundled>', 'main:tagwarden.yaml'])
  })

  it('reads --rules relative to a subfolder, and positions problems as REF:path:line:column', async () => {
    const broken = 'version: 1\nrules:\n  principal-missing-tag:\n    severity: bogus\n'
    const dir = prRepo({ 'infra/t.yaml': TEMPLATE, 'config/rules.yaml': broken }, { 'config/rules.yaml': STRICT_RULES })
    const r = await runCli(['scan', '--iac', 't.yaml', '--rules', '../config/rules.yaml', '--config-from-ref', 'main'], { cwd: join(dir, 'infra') })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: main:config\/rules\.yaml:4:15: `rules\.principal-missing-tag\.severity` must be one of/m)
    expect(r.stderr).toContain('hint: `git show main:config/rules.yaml > rules.yaml && tagwarden rules validate rules.yaml`')
    expect(r.stdout).toBe('')
  })

  it('a rules file missing at REF means the bundled rules, with a notice', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE }, { 'tagwarden.yaml': 'version: 1\nextends: none\n' })
    const r = await runCli(['scan', '--iac', 't.yaml', '--config-from-ref', 'main', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/note: --config-from-ref main: tagwarden\.yaml is not in main \(commit [0-9a-f]{12}\): the bundled rules are used; the working tree's tagwarden\.yaml is ignored\n/)
    expect(json(r.stdout).summary.rulesFiles).toEqual(['<bundled>'])
  })

  it('ignores a baseline the pull request adds or extends', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES })
    // The baseline that would accept the finding, written by the pull request.
    const scan = json((await runCli(['scan', '--iac', 't.yaml', '--format', 'json'], { cwd: dir })).stdout)
    writeFileSync(join(dir, '.tagwarden-baseline.json'), formatBaseline(createBaseline(scan, 'scan')))
    expect((await runCli(['scan', '--iac', 't.yaml', '--baseline', '.tagwarden-baseline.json'], { cwd: dir })).status).toBe(0)

    const added = await runCli(['scan', '--iac', 't.yaml', '--baseline', '.tagwarden-baseline.json', '--config-from-ref', 'main'], { cwd: dir })
    expect(added.status).toBe(1)
    expect(added.stderr).toContain("baseline .tagwarden-baseline.json is not in main: no baseline, every finding counts as new; the working tree's .tagwarden-baseline.json is ignored")

    // A baseline on main that the pull request extends: main's is used.
    const empty = formatBaseline(createBaseline({ ...scan, findings: [] }, 'scan'))
    const dir2 = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES, '.tagwarden-baseline.json': empty }, { '.tagwarden-baseline.json': formatBaseline(createBaseline(scan, 'scan')) })
    const extended = await runCli(['scan', '--iac', 't.yaml', '--baseline', '.tagwarden-baseline.json', '--config-from-ref', 'main', '--format', 'json'], { cwd: dir2 })
    expect(extended.status).toBe(1)
    expect(extended.stderr).toContain('baseline .tagwarden-baseline.json differs in the working tree (1 entry added, 0 removed); that version is ignored')
    expect(json(extended.stdout).summary.baseline).toMatchObject({ file: 'main:.tagwarden-baseline.json', new: 1, unchanged: 0 })
  })

  it('a baseline at REF still accepts its findings', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES })
    const scan = json((await runCli(['scan', '--iac', 't.yaml', '--format', 'json'], { cwd: dir })).stdout)
    writeFileSync(join(dir, 'b.json'), formatBaseline(createBaseline(scan, 'scan')))
    git(dir, 'add', 'b.json')
    git(dir, 'commit', '-q', '-m', 'baseline')
    const r = await runCli(['scan', '--iac', 't.yaml', '--baseline', 'b.json', '--config-from-ref', 'HEAD'], { cwd: dir })
    expect(r.status).toBe(0)
    expect(r.stderr).toContain('note: --config-from-ref HEAD: baseline HEAD:b.json is used')
  })

  it('refuses a ref that is not available with exit 2 and a fetch hint, before reading anything', async () => {
    const dir = prRepo({ 'tagwarden.yaml': STRICT_RULES })
    const r = await runCli(['scan', '--iac', 'no-such-folder', '--config-from-ref', 'origin/main'], { cwd: dir })
    expect(r.status).toBe(2)
    // The missing folder would have been an input error of the scan: the ref is refused before it.
    expect(r.stderr).toMatch(/^tagwarden: error: --config-from-ref origin\/main: no such branch, tag or commit in /m)
    expect(r.stderr).toContain('hint: fetch it first, e.g. `git fetch --depth=1 origin main`')
    expect(r.stderr).not.toMatch(/no-such-folder/)
    expect(r.stdout).toBe('')
  })

  it('refuses a folder outside a git checkout', async () => {
    const dir = tempTree({ 't.yaml': TEMPLATE })
    const r = await runCli(['scan', '--iac', 't.yaml', '--config-from-ref', 'main'], { cwd: dir, env: { GIT_CEILING_DIRECTORIES: join(dir, '..') } })
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: --config-from-ref needs a git checkout: /m)
  })

  it('refuses a ref that is an option in disguise, and writes nothing', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE })
    const out = join(dir, 'x.txt')
    const r = await runCli(['scan', '--iac', 't.yaml', `--config-from-ref=--output=${out}`], { cwd: dir })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`tagwarden: error: --config-from-ref --output=${out}: not a git ref`)
    expect(existsSync(out)).toBe(false)
  })

  it('refuses rules and baseline paths outside the repository, a folder and a symbolic link at REF', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'conf/r.yaml': STRICT_RULES })
    symlinkSync('conf/r.yaml', join(dir, 'link.yaml'))
    git(dir, 'add', 'link.yaml')
    git(dir, 'commit', '-q', '-m', 'link')
    const cases: Array<[string[], RegExp]> = [
      [['--rules', '../outside.yaml'], /error: --config-from-ref HEAD: the rules file \.\.\/outside\.yaml is outside the repository /],
      [['--rules', '/etc/passwd'], /error: --config-from-ref HEAD: the rules file \/etc\/passwd is outside the repository /],
      [['--baseline', '../../b.json'], /error: --config-from-ref HEAD: the baseline \.\.\/\.\.\/b\.json is outside the repository /],
      [['--rules', 'conf'], /error: --config-from-ref: HEAD:conf is a folder, not a file/],
      [['--rules', 'link.yaml'], /error: --config-from-ref: HEAD:link\.yaml is a symbolic link, not a file/],
    ]
    for (const [flags, message] of cases) {
      const r = await runCli(['scan', '--iac', 't.yaml', '--config-from-ref', 'HEAD', ...flags], { cwd: dir })
      expect(r.status, flags.join(' ')).toBe(2)
      expect(r.stderr).toMatch(message)
      expect(r.stdout).toBe('')
    }
  })

  it('reads paths literally: a pathspec-looking name is that file, not a pattern', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES })
    const r = await runCli(['scan', '--iac', 't.yaml', '--config-from-ref', 'HEAD', '--rules', ':(glob)*.yaml'], { cwd: dir })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('note: --config-from-ref HEAD: :(glob)*.yaml is not in HEAD')
  })
})

describe('--no-inline-suppressions', () => {
  const SUPPRESSED = `Resources:\n${cfnRole('Quiet', '    Metadata:\n      tagwarden:\n        ignore:\n          - rule: principal-missing-tag\n            reason: sandbox role, spend attributed by account\n')}`
  const TF = `provider "aws" {
  region = "us-east-1"
}

# tagwarden:ignore principal-missing-tag sandbox role, spend attributed by account
resource "aws_iam_role" "quiet" {
  name = "quiet"
  assume_role_policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = { Service = "lambda.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess"]
}
`

  it.each([
    ['CloudFormation Metadata', 's.yaml', SUPPRESSED],
    ['a Terraform comment', 'tf/main.tf', TF],
  ])('reports the finding an inline suppression (%s) hides, and says so', async (_what, file, text) => {
    const dir = tempTree({ [file]: text })
    const path = file.split('/')[0]!
    const honoured = json((await runCli(['scan', '--iac', path, '--format', 'json'], { cwd: dir })).stdout)
    expect(honoured.findings.filter((f) => !f.suppressed)).toEqual([])
    expect(honoured.summary.findings.suppressed).toBe(1)
    const r = await runCli(['scan', '--iac', path, '--no-inline-suppressions', '--format', 'json'], { cwd: dir })
    expect(r.status).toBe(1)
    const report = json(r.stdout)
    expect(report.findings.filter((f) => f.ruleId === 'principal-missing-tag').map((f) => f.suppressed)).toEqual([undefined])
    expect(report.summary.findings.suppressed).toBe(0)
    const note = '--no-inline-suppressions: inline suppressions were ignored (1 found); the findings they would hide are reported'
    expect(report.summary.notes).toContain(note)
    expect(r.stderr).toContain(`tagwarden: note: ${note}\n`)
  })
})

describe('describeRulesChange', () => {
  it.each([
    ['version: 1\n', 'version: 1\n', ''],
    ['version: 1\n', '# a comment\nversion:   1\n', 'formatting and comments only'],
    ['version: 1\nrules: {a: {severity: error}, b: {}}\n', 'version: 1\nextends: none\nrules: {a: {severity: note}, c: {}}\n', 'changed: rules.a; added: rules.c, extends; removed: rules.b'],
    ['version: 1\nexceptions: []\n', 'version: 1\nexceptions: [{rules: x, reason: because I can}]\n', 'changed: exceptions'],
    ['version: 1\n', 'version: [\n', 'not comparable: one of them is not a valid YAML mapping'],
  ])('%j → %j', (base, head, expected) => {
    expect(describeRulesChange(base, head)).toBe(expected)
  })

  it('lists at most eight names and cuts long keys', () => {
    const head = `version: 1\nrules:\n  ${'k'.repeat(60)}: {}\n${Array.from({ length: 12 }, (_, i) => `  r${i}: {}\n`).join('')}`
    const d = describeRulesChange('version: 1\nrules: {}\n', head)
    expect(d).toBe(`added: rules.${'k'.repeat(39)}…, ${Array.from({ length: 7 }, (_, i) => `rules.r${i}`).join(', ')}; and 5 more`)
  })

  it('names the fetch for origin/<branch> and for other refs', () => {
    expect(fetchHint('origin/main')).toContain('`git fetch --depth=1 origin main`')
    expect(fetchHint('v1.2')).toContain('`git fetch --depth=1 origin v1.2`')
    expect(fetchHint('x$(id)')).toContain("`git fetch --depth=1 origin 'x$(id)'`")
  })
})
