/** `tagwarden rules test`: per-case results, exit codes, and the traps a user can fall into. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { findCaseFiles, runRulesTest } from '../../src/cli/rules-test.js'

const REPO = fileURLToPath(new URL('../../', import.meta.url))
const PASSING = readFileSync(join(REPO, 'test/rules/cases/principal-missing-tag/flags-user-without-tag.yaml'), 'utf8')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-rules-test-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function run(path: string, extra: { rules?: string; format?: 'text' | 'json' } = {}): Promise<{ code: number; out: string }> {
  const out: string[] = []
  const code = await runRulesTest({ path, format: extra.format ?? 'text', cwd: dir, stdout: (s) => out.push(s), ...(extra.rules ? { rules: extra.rules } : {}) })
  return { code, out: out.join('') }
}

function write(rel: string, text: string): string {
  const p = join(dir, rel)
  mkdirSync(join(p, '..'), { recursive: true })
  writeFileSync(p, text)
  return p
}

describe('rules test', () => {
  it('walks the folder (hidden folders skipped) and passes every case', async () => {
    write('ok/a/one.yaml', PASSING)
    write('ok/two.yml', PASSING.replace(/^description: .*$/m, 'description: the same case again'))
    write('ok/.git/ignored.yaml', 'not: a case')
    write('ok/notes.txt', 'ignored')
    expect(findCaseFiles(join(dir, 'ok')).map((f) => f.slice(dir.length + 1))).toEqual(['ok/a/one.yaml', 'ok/two.yml'])
    const r = await run('ok')
    expect(r.code).toBe(0)
    expect(r.out).toMatch(/^PASS {2}ok\/a\/one\.yaml {2}flags an IAM user/m)
    expect(r.out).toMatch(/^PASS {2}ok\/two\.yml {2}the same case again$/m)
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('2 passed, 0 failed (2 cases)')
  })

  it('exits 1 and prints each problem under the failing case', async () => {
    write('bad/wrong.yaml', PASSING.replace('subject: arn:aws:iam::111111111111:user/maria', 'subject: arn:aws:iam::111111111111:user/nobody'))
    write('bad/right.yaml', PASSING)
    const r = await run('bad')
    expect(r.code).toBe(1)
    expect(r.out).toContain('FAIL  bad/wrong.yaml')
    expect(r.out).toMatch(/^ {6}missing finding: principal-missing-tag \| arn:aws:iam::111111111111:user\/nobody \| team$/m)
    expect(r.out).toMatch(/^ {6}unexpected finding: principal-missing-tag \| arn:aws:iam::111111111111:user\/maria \| team$/m)
    expect(r.out).toContain('1 passed, 1 failed (2 cases)')
  })

  it('fails a case that names a rule that does not exist instead of passing it vacuously', async () => {
    write('typo/case.yaml', PASSING.replace(/^only: .*$/m, 'only: [principal-missing-tags]').replace(/^expect:[\s\S]*$/m, 'expect: []\n'))
    const r = await run('typo/case.yaml')
    expect(r.code).toBe(1)
    expect(r.out).toContain('names unknown rule principal-missing-tags')
  })

  it('layers --rules under every case, and reports results as JSON', async () => {
    const rules = write('rules/tagwarden.yaml', 'version: 1\nrules:\n  principal-missing-tag: { enabled: false }\n')
    const r = await run(join(dir, 'ok/a/one.yaml'), { rules, format: 'json' })
    expect(r.code).toBe(1)
    const json = JSON.parse(r.out) as { passed: number; failed: number; cases: Array<{ passed: boolean; problems: string[] }> }
    expect(json).toMatchObject({ passed: 0, failed: 1 })
    expect(json.cases[0]!.problems[0]).toMatch(/^missing finding: principal-missing-tag/)
  })

  it('treats a missing folder, a folder without cases, a broken case file and a broken rules file as usage errors (exit 2)', async () => {
    await expect(run('no-such-dir')).rejects.toMatchObject({ exitCode: 2, message: 'no-such-dir: no such file or folder' })
    mkdirSync(join(dir, 'empty'), { recursive: true })
    await expect(run('empty')).rejects.toMatchObject({ exitCode: 2, code: 'no-rule-cases' })
    write('broken/case.yaml', 'description: x\ninputs: []\nexpect: []\n')
    await expect(run('broken')).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/1 case file could not be loaded:\n {2}.*case\.yaml: `inputs` must list at least one input file/) })
    const badRules = write('rules/bad.yaml', 'version: 1\nrules:\n  no-such-rule: { enabled: false }\n')
    await expect(run('ok', { rules: badRules })).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('unknown rule `no-such-rule`') })
    await expect(run('ok', { rules: 'missing.yaml' })).rejects.toMatchObject({ exitCode: 2, message: '--rules missing.yaml: no such file' })
  })
})
