/** The rules commands and `init`, in-process as a user runs them (their --help is smoke-tested in test/smoke/). */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { STACK_FRAME, runCli } from '../cli/run-cli.js'
import { RULE_META } from '../../src/rules/index.js'
import { ruleHelpMarkdown } from '../../src/rules/docs.js'

describe.concurrent('tagwarden rules / init', () => {
  it('rules list --format json lists every rule with its source', async () => {
    const r = await runCli(['rules', 'list', '--format', 'json'])
    expect(r.status).toBe(0)
    const ids = (JSON.parse(r.stdout) as Array<{ id: string; source: string }>).map((e) => e.id)
    expect(ids).toEqual([...RULE_META.keys()])
  })

  it('rules explain prints the rule help', async () => {
    const r = await runCli(['rules', 'explain', 'tag-key-case-drift'])
    expect(r.status).toBe(0)
    expect(r.stdout).toBe(ruleHelpMarkdown(RULE_META.get('tag-key-case-drift')!))
    const bad = await runCli(['rules', 'explain', 'tag-key-case-drfit'])
    expect(bad.status).toBe(2)
    expect(bad.stderr).toMatch(/^tagwarden: error: no rule tag-key-case-drfit — did you mean `tag-key-case-drift`\?$/m)
    expect(bad.stderr).not.toMatch(STACK_FRAME)
  })

  it('rules validate exits 0 for a good file, 1 with problems, 2 for a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-cli-validate-'))
    try {
      writeFileSync(join(dir, 'good.yaml'), 'version: 1\ntags:\n  prohibited: [{ key: cost_center, replacement: cost-center }]\n')
      writeFileSync(join(dir, 'bad.yaml'), 'version: 1\nrules:\n  tag-prohibted: { severity: error }\n')
      const good = await runCli(['rules', 'validate', 'good.yaml', '--input', join(process.cwd(), 'examples/demo-org')], { cwd: dir })
      expect([good.status, good.stdout]).toEqual([0, 'good.yaml: valid (every glob, account and exception matches the input)\n'])
      const bad = await runCli(['rules', 'validate', 'bad.yaml'], { cwd: dir })
      expect(bad.status).toBe(1)
      expect(bad.stdout).toMatch(/^bad\.yaml:3:3: unknown rule `tag-prohibted` — did you mean `tag-prohibited`\?/m)
      const missing = await runCli(['rules', 'validate', 'nope.yaml'], { cwd: dir })
      expect(missing.status).toBe(2)
      expect(missing.stderr).toMatch(/^tagwarden: error: .*nope\.yaml: no such file$/m)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('rules test runs the README example and the built-in cases of a rule (exit 0), and exits 1 on a failing case', async () => {
    const example = await runCli(['rules', 'test', 'examples/rules-test/cases', '--rules', 'examples/rules-test/tagwarden.yaml'])
    expect([example.status, example.stdout.trimEnd().split('\n').at(-1)]).toEqual([0, '2 passed, 0 failed (2 cases)'])
    const builtin = await runCli(['rules', 'test', 'test/rules/cases/tag-value-near-duplicate'])
    expect(builtin.status).toBe(0)
    expect(builtin.stdout).toContain('3 passed, 0 failed (3 cases)')
    const failing = await runCli(['rules', 'test', 'examples/rules-test/cases'])
    expect(failing.status).toBe(1)
    expect(failing.stdout).toMatch(/^FAIL {2}examples\/rules-test\/cases\/ml-cost-center\.yaml/m)
    const usage = await runCli(['rules', 'test', 'no/such/dir'])
    expect(usage.status).toBe(2)
  })

  it('init writes the starter to stdout without asking when stdin is not a terminal, and derives one from a tag policy', async () => {
    const starter = await runCli(['init', '--output', '-'])
    expect(starter.status).toBe(0)
    expect(parseYaml(starter.stdout)).toEqual({ version: 1, tags: { required: [{ key: 'team' }] } })
    const fromPolicy = await runCli(['init', '--output', '-', '--from-tag-policy', 'test/tag-policy/fixtures/org-tag-policy.json', '--key', 'costcenter'])
    expect(fromPolicy.status).toBe(0)
    expect(parseYaml(fromPolicy.stdout)).toEqual({ version: 1, tags: { required: [{ key: 'CostCenter', pattern: '^(?:100|200|300.*)$' }] } })
  })
})
