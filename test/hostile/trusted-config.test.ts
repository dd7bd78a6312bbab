/**
 * Hostile input, item 3: a pull request cannot relax its own gate. With `--config-from-ref` the rules file
 * and the baseline come from the base branch, and `--no-inline-suppressions` ignores the suppressions the
 * pull request writes next to its resources. Each bypass below exits 0 without them.
 */
import { existsSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createBaseline, formatBaseline } from '../../src/baseline/file.js'
import type { ScanReport } from '../../src/model/finding.js'
import { STRICT_RULES, TEMPLATE, hasGit, prRepo } from '../cli/pr-repo.js'
import { runCli } from './helpers.js'

const GATE = ['scan', '--iac', 't.yaml', '--format', 'json']
const FROM_BASE = [...GATE, '--config-from-ref', 'main']

/** The pull request's findings as a baseline that accepts them all. */
async function acceptAll(dir: string): Promise<string> {
  const r = await runCli(GATE, { cwd: dir })
  return formatBaseline(createBaseline(JSON.parse(r.stdout) as ScanReport, 'scan'))
}

/** No stderr line begins a workflow command, and no raw control character other than LF is left. */
function assertInert(text: string): void {
  for (const line of text.split('\n')) expect(line.trimStart()).not.toMatch(/^(::|##\[)/)
  // eslint-disable-next-line no-control-regex -- looking for raw control characters
  expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/)
}

describe.runIf(hasGit())('hostile input: trusted configuration for the pull-request gate', () => {
  it.each([
    ['drops the bundled rules (extends: none)', 'version: 1\nextends: none\n'],
    ['disables the rule', 'version: 1\nrules:\n  principal-missing-tag:\n    enabled: false\n'],
    ['lowers its severity below --fail-on', 'version: 1\nrules:\n  principal-missing-tag:\n    severity: note\n'],
    ['adds an exception', 'version: 1\nexceptions:\n  - rules: principal-missing-tag\n    logicalId: Untagged\n    reason: nothing to see here, move along\n'],
  ])('a rules file that %s: the one on the base branch decides (exit 1)', async (_what, relaxed) => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 'tagwarden.yaml': relaxed })
    expect((await runCli(GATE, { cwd: dir })).status).toBe(0)
    const r = await runCli(FROM_BASE, { cwd: dir })
    expect(r.status).toBe(1)
    expect(r.stderr).toMatch(/note: --config-from-ref main: tagwarden\.yaml differs in the working tree \(.+\); that version is ignored\n/)
  })

  it('a rules file added by the pull request where the base has none: the bundled rules decide (exit 1)', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE }, { 'tagwarden.yaml': 'version: 1\nextends: none\n' })
    expect((await runCli(GATE, { cwd: dir })).status).toBe(0)
    expect((await runCli(FROM_BASE, { cwd: dir })).status).toBe(1)
  })

  it('a baseline the pull request writes is ignored (exit 1)', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES })
    writeFileSync(join(dir, 'baseline.json'), await acceptAll(dir))
    expect((await runCli([...GATE, '--baseline', 'baseline.json'], { cwd: dir })).status).toBe(0)
    const r = await runCli([...FROM_BASE, '--baseline', 'baseline.json'], { cwd: dir })
    expect(r.status).toBe(1)
    expect((JSON.parse(r.stdout) as ScanReport).summary.notes).toContain(
      "--config-from-ref main: baseline baseline.json is not in main: no baseline, every finding counts as new; the working tree's baseline.json is ignored",
    )
  })

  it('an inline suppression the pull request writes is ignored with --no-inline-suppressions (exit 1)', async () => {
    const suppressed = TEMPLATE.replace('    Properties:', '    Metadata:\n      tagwarden:\n        ignore: [{rule: principal-missing-tag, reason: "trust me, it is fine"}]\n    Properties:')
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 't.yaml': suppressed })
    expect((await runCli(FROM_BASE, { cwd: dir })).status).toBe(0)
    const r = await runCli([...FROM_BASE, '--no-inline-suppressions'], { cwd: dir })
    expect(r.status).toBe(1)
    expect((JSON.parse(r.stdout) as ScanReport).summary.findings.suppressed).toBe(0)
  })

  it('a ref that is an option in disguise is refused (exit 2), and nothing is written', async () => {
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES })
    const out = join(dir, 'pwned.txt')
    for (const ref of [`--output=${out}`, '-o', '--upload-pack=touch pwned.txt']) {
      const r = await runCli([...GATE, `--config-from-ref=${ref}`], { cwd: dir })
      expect(r.status).toBe(2)
      // Refused by tagwarden, or already by the flag parser (`-o` looks like a flag, not a value).
      expect(r.stderr).toMatch(/^tagwarden: error: (--config-from-ref .*: not a git ref|Flag --config-from-ref expects a value)$/m)
      expect(r.stdout).toBe('')
    }
    expect(existsSync(out)).toBe(false)
  })

  it('rules-file keys with control characters are shown escaped in the change notice', async () => {
    const evil = 'version: 1\nrules:\n  "x\\r\\n::error file=a::pwned\\u001b[31m": {}\n  "::add-mask::y": {}\n'
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 'tagwarden.yaml': evil })
    const r = await runCli(FROM_BASE, { cwd: dir })
    expect(r.status).toBe(1)
    assertInert(r.stderr)
    expect(r.stderr).toContain('added: rules.x\\r\\n::error file=a::pwned\\x1b[31m, rules.::add-mask::y')
  })

  it('a working-tree rules file that is an alias bomb, a symbolic link or over the size limit is only compared, never expanded or followed', async () => {
    const bomb = `version: 1\na: &a [x, x, x, x, x, x, x, x, x]\n${'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(', ')}]`).join('\n')}\n`
    for (const [head, said] of [
      [bomb, 'not comparable: one of them is not a valid YAML mapping'],
      [`version: 1\n#${'x'.repeat(1024 * 1024)}\n`, 'over the size limit'],
    ] as const) {
      const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 'tagwarden.yaml': head })
      const r = await runCli(FROM_BASE, { cwd: dir })
      expect(r.status).toBe(1)
      expect(r.stderr).toContain(said)
    }
    const dir = prRepo({ 't.yaml': TEMPLATE, 'tagwarden.yaml': STRICT_RULES }, { 'tagwarden.yaml': null })
    symlinkSync('/etc/passwd', join(dir, 'tagwarden.yaml'))
    const r = await runCli(FROM_BASE, { cwd: dir })
    expect(r.status).toBe(1)
    expect(r.stderr).toContain('tagwarden.yaml in the working tree is a symbolic link; it is ignored')
  })
})
