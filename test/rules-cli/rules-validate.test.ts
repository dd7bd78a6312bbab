/** `tagwarden rules validate`: every problem at once with its position, and the checks against --input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runRulesValidate, validateRulesFile } from '../../src/cli/rules-validate.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const NOW = new Date('2026-11-26T00:00:00Z')
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tw-validate-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}

async function problems(name: string, text: string, inputs?: string[]): Promise<string[]> {
  const r = await validateRulesFile(file(name, text), { displayPath: name, now: NOW, ...(inputs ? { inputs } : {}) })
  return r.problems.map((p) => `${p.location}: ${p.message}`)
}

const BAD = `version: 1
tags:
  required:
    - key: team
      pattern: '^(search|ads'
    - key: team
rules:
  principal-missing-tg: { severity: error }
  tag-value-not-allowed:
    options: { tagKeys: [team] }
  principal-missing-tag:
    options: { tagKeys: team }
custom:
  - id: ml-cost-center
    extends: principal-missing-tagz
  - id: principal-missing-tag
    extends: principal-missing-tag
exceptions:
  - rules: [principal-missing-tag, ml-cost-centre]
    arn: arn:aws:iam::111111111111:role/legacy-*
    reason: legacy roles, retired in Q3
    expires: 2027-02-30
  - rules: principal-missing-tag
    reason: no target given here
settings:
  colour: blue
`

describe('rules validate', () => {
  it('reports every problem of the file at once, in file order, each at its line and column', async () => {
    expect(await problems('bad.yaml', BAD)).toEqual([
      'bad.yaml:5:16: invalid regular expression: Invalid regular expression: /^(search|ads/: Unterminated group',
      'bad.yaml:6:12: required tag `team` is listed twice (also tags.required[0])',
      'bad.yaml:8:3: unknown rule `principal-missing-tg` — did you mean `principal-missing-tag`?; a rule of your own goes under `custom:` with `extends:`',
      'bad.yaml:10:16: rule tag-value-not-allowed has no option `tagKeys` (it takes no options)',
      'bad.yaml:12:25: option `tagKeys` of rule principal-missing-tag must be a list of strings',
      'bad.yaml:15:14: custom rule `ml-cost-center` extends unknown rule `principal-missing-tagz` — did you mean `principal-missing-tag`?',
      'bad.yaml:16:9: rule ID `principal-missing-tag` is already taken by a built-in rule',
      'bad.yaml:19:12: exception names unknown rule `ml-cost-centre` — did you mean `ml-cost-center`?',
      'bad.yaml:22:14: `expires` must be a real date like 2027-01-31; 2027-02-30 does not exist',
      'bad.yaml:23:5: `exceptions.1` needs a target: `arn`, `account`, `logicalId` or `address`',
      'bad.yaml:26:3: unknown property `colour` in `settings` (known: `inferenceActions`, `workloadOidcIssuers`, `gateways`)',
    ])
  })

  it('reports patterns the linear-time engine cannot run, each at its pattern value', async () => {
    const text = "version: 1\ntags:\n  required:\n    - key: team\n      pattern: '^(?=.*[0-9])[a-z0-9]+$'\n    - key: owner\n      pattern: \"^(a)\\\\1$\"\n    - key: cost-center\n      pattern: '^([0-9]+-?)+$'\n"
    expect(await problems('patterns.yaml', text)).toEqual([
      'patterns.yaml:5:16: lookahead `(?=…)` at character 2 is not supported: patterns run on a linear-time engine (RE2), which has no lookaround or backreferences',
      'patterns.yaml:7:16: the backreference `\\1` at character 5 is not supported: patterns run on a linear-time engine (RE2), which has no lookaround or backreferences',
    ])
  })

  it('reports YAML syntax errors, and a file that is not a mapping', async () => {
    expect(await problems('syntax.yaml', 'version: 1\nrules:\n  principal-missing-tag: { severity: error\n')).toEqual([expect.stringMatching(/^syntax\.yaml:\d+:\d+: invalid YAML: /)])
    expect(await problems('list.yaml', '- version: 1\n')).toEqual(['list.yaml:1:1: a rules file must be a YAML mapping with `version: 1`'])
  })

  it('accepts a good file, including custom rules used by exceptions and a file that extends nothing', async () => {
    const good = `version: 1
tags:
  required: [{ key: team, allowedValues: [search, ads] }]
custom:
  - { id: ml-cost-center, extends: principal-missing-tag, options: { tagKeys: [cost-center] } }
exceptions:
  - { rules: ml-cost-center, account: '111111111111', reason: the sandbox account has no cost center }
`
    expect(await problems('good.yaml', good)).toEqual([])
    expect(await problems('none.yaml', 'version: 1\nextends: none\n')).toEqual([])
  })

  it('with --input, finds scope globs, accounts, gateway patterns and exception targets that match nothing, and unused exceptions', async () => {
    const text = `version: 1
settings:
  gateways:
    namePatterns: ['*llm-gateway*', '*no-such-gateway*']
rules:
  principal-missing-tag:
    scope:
      paths: ['/nothing/*', '/']
      excludeArns: ['arn:aws:iam::333333333333:user/*', 'arn:aws:iam::333333333333:user/ghost-*']
      accounts: ['222222222222', '444444444444']
exceptions:
  - rules: principal-missing-tag
    arn: arn:aws:iam::999999999999:role/ghost
    reason: a role that does not exist anywhere
  - rules: principal-missing-tag
    account: '444444444444'
    reason: an account that is not in the input
  - rules: bedrock-api-key-long-term
    arn: arn:aws:iam::222222222222:role/*
    reason: roles never hold API keys, so this suppresses nothing
  - rules: principal-missing-tag
    arn: arn:aws:iam::222222222222:role/summarizer-ecs-task
    reason: this one suppresses a real finding
`
    expect(await problems('scoped.yaml', text, [DEMO])).toEqual([
      'scoped.yaml:4:37: gateway name pattern `*no-such-gateway*` matches no role in the input',
      'scoped.yaml:8:15: scope of principal-missing-tag: path glob `/nothing/*` matches no IAM user or role in the input',
      'scoped.yaml:9:57: scope of principal-missing-tag: ARN glob `arn:aws:iam::333333333333:user/ghost-*` matches no IAM user or role in the input',
      'scoped.yaml:10:34: scope of principal-missing-tag: account 444444444444 is not in the input',
      'scoped.yaml:13:10: exception ARN `arn:aws:iam::999999999999:role/ghost` matches no IAM user or role in the input',
      'scoped.yaml:16:14: exception account 444444444444 is not in the input',
      'scoped.yaml:18:5: exception matches no finding in the input; remove it, or check its rules and target',
    ])
  })

  it('prints the problems with a count, or that the file is valid, and exits 1 or 0', async () => {
    const out: string[] = []
    expect(await runRulesValidate({ file: file('bad2.yaml', BAD), format: 'text', cwd: dir, stdout: (s) => out.push(s) })).toBe(1)
    expect(out.join('')).toMatch(/^bad2\.yaml:5:16: invalid regular expression/)
    expect(out.join('')).toMatch(/\n\n11 problems in bad2\.yaml\n$/)
    const ok: string[] = []
    expect(await runRulesValidate({ file: file('ok.yaml', 'version: 1\n'), inputs: [DEMO], format: 'text', cwd: dir, now: NOW, stdout: (s) => ok.push(s) })).toBe(0)
    expect(ok.join('')).toBe('ok.yaml: valid (every glob, account and exception matches the input)\n')
    const json: string[] = []
    await runRulesValidate({ file: 'bad2.yaml', format: 'json', cwd: dir, stdout: (s) => json.push(s) })
    expect(JSON.parse(json.join(''))).toMatchObject({ file: 'bad2.yaml', valid: false, problems: expect.arrayContaining([{ location: 'bad2.yaml:6:12', code: 'duplicate-key', message: expect.any(String) }]) })
  })

  it('treats a missing file or input as a usage error (exit 2)', async () => {
    await expect(runRulesValidate({ file: 'missing.yaml', format: 'text', cwd: dir, stdout: () => {} })).rejects.toMatchObject({ exitCode: 2, code: 'no-such-path' })
    await expect(runRulesValidate({ file: 'ok.yaml', inputs: ['no-snap'], format: 'text', cwd: dir, stdout: () => {} })).rejects.toMatchObject({ exitCode: 2, message: '--input no-snap: no such file or folder' })
  })
})
