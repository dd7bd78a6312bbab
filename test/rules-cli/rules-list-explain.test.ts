/** `tagwarden rules list` and `tagwarden rules explain`. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { RULE_META } from '../../src/rules/index.js'
import { ruleHelpMarkdown } from '../../src/rules/docs.js'
import { formatRuleList, runRulesList, type RuleListEntry } from '../../src/cli/rules-list.js'
import { runRulesExplain } from '../../src/cli/rules-explain.js'

let dir: string
const RULES = `version: 1
rules:
  federated-role-session-name: { severity: error }
  gateway-direct-invoke: { enabled: false }
custom:
  - id: ml-cost-center
    extends: principal-missing-tag
    severity: warning
    options: { tagKeys: [cost-center] }
`

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-list-'))
  writeFileSync(join(dir, 'tagwarden.yaml'), RULES)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function capture(fn: (out: (s: string) => void) => number): { code: number; out: string } {
  const chunks: string[] = []
  const code = fn((s) => chunks.push(s))
  return { code, out: chunks.join('') }
}

describe('rules list', () => {
  it('lists every built-in rule and the custom rules of ./tagwarden.yaml with the file that configured each', () => {
    const { code, out } = capture((stdout) => runRulesList({ format: 'json', cwd: dir, stdout }))
    expect(code).toBe(0)
    const entries = JSON.parse(out) as RuleListEntry[]
    expect(entries.map((e) => e.id)).toEqual([...RULE_META.keys(), 'ml-cost-center'])
    expect(entries.find((e) => e.id === 'principal-missing-tag')).toMatchObject({ severity: 'error', enabled: true, source: '<bundled>', summary: RULE_META.get('principal-missing-tag')!.summary })
    expect(entries.find((e) => e.id === 'federated-role-session-name')).toMatchObject({ severity: 'error', source: 'tagwarden.yaml' })
    expect(entries.find((e) => e.id === 'gateway-direct-invoke')).toMatchObject({ enabled: false, source: 'tagwarden.yaml' })
    expect(entries.find((e) => e.id === 'ml-cost-center')).toEqual({ id: 'ml-cost-center', extends: 'principal-missing-tag', severity: 'warning', enabled: true, source: 'tagwarden.yaml', summary: RULE_META.get('principal-missing-tag')!.summary })
  })

  it('prints an aligned table', () => {
    const table = formatRuleList([
      { id: 'principal-missing-tag', severity: 'error', enabled: true, source: '<bundled>', summary: '' },
      { id: 'ml-cost-center', extends: 'principal-missing-tag', severity: 'warning', enabled: false, source: 'tagwarden.yaml', summary: '' },
    ])
    expect(table).toBe(
      [
        'ID                                              SEVERITY  ENABLED  SOURCE',
        'principal-missing-tag                           error     yes      <bundled>',
        'ml-cost-center (extends principal-missing-tag)  warning   no       tagwarden.yaml',
        '',
      ].join('\n'),
    )
  })

  it('uses --rules over ./tagwarden.yaml', () => {
    const other = join(dir, 'other.yaml')
    writeFileSync(other, 'version: 1\n')
    const { out } = capture((stdout) => runRulesList({ format: 'json', cwd: dir, rules: other, stdout }))
    expect((JSON.parse(out) as RuleListEntry[]).map((e) => e.id)).not.toContain('ml-cost-center')
  })
})

describe('rules explain', () => {
  for (const [id, meta] of RULE_META) {
    it(`prints exactly the help of ${id}`, () => {
      const { code, out } = capture((stdout) => runRulesExplain({ id, stdout }))
      expect(code).toBe(0)
      expect(out).toBe(ruleHelpMarkdown(meta))
    })
  }

  it('explains a custom rule through the rule it extends', () => {
    const { out } = capture((stdout) => runRulesExplain({ id: 'ml-cost-center', cwd: dir, stdout }))
    expect(out).toMatch(/^<!-- ml-cost-center is a custom rule from .*tagwarden\.yaml: an instance of principal-missing-tag with options \{"tagKeys":\["cost-center"\]\}/)
    expect(out.endsWith(ruleHelpMarkdown(RULE_META.get('principal-missing-tag')!))).toBe(true)
  })

  it('refuses an unknown ID with a suggestion (exit 2)', () => {
    expect(() => runRulesExplain({ id: 'principal-missing-tags', cwd: dir, stdout: () => {} })).toThrow(expect.objectContaining({ exitCode: 2, message: 'no rule principal-missing-tags — did you mean `principal-missing-tag`?' }))
  })
})
