/**
 * Rule options are declared once, in each rule's `meta.options`: validated when the rules file loads
 * (`scan` exits 2 with file:line:column, `rules validate` lists the problem at the same place), their
 * defaults merged before the rule runs, and the rules section of schemas/rules.schema.json generated
 * from them.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Ajv } from 'ajv'
import { parse as parseYaml } from 'yaml'
import { readFileSync } from 'node:fs'
import { runScanCommand } from '../../src/cli/scan-command.js'
import { runRulesValidate } from '../../src/cli/rules-validate.js'
import { ExitCode, isTagwardenError } from '../../src/errors.js'
import { RULES_SCHEMA_PATH } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { effectiveOptions, optionDefaults, optionProblems } from '../../src/rules/options.js'
import { generateRulesSchema, rulesSchemaIsCurrent } from '../../scripts/gen-rules-schema.js'
import { DEMO_INPUTS } from '../report/helpers.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tagwarden-rule-options-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const BAD_OPTIONS: Array<[string, string, string]> = [
  [
    'a string where a list is expected',
    'version: 1\nrules:\n  principal-missing-tag:\n    options:\n      tagKeys: team\n',
    ':5:16: option `tagKeys` of rule principal-missing-tag must be a list of strings',
  ],
  [
    'an unknown option',
    'version: 1\nrules:\n  tag-value-whitespace:\n    options: { key: [team] }\n',
    ':4:16: rule tag-value-whitespace has no option `key` — did you mean `keys`? (options: keys)',
  ],
  [
    'a value outside the allowed ones, in a custom rule',
    'version: 1\ncustom:\n  - id: drift-everywhere\n    extends: tag-key-case-drift\n    options: { principals: everyone }\n',
    ':5:28: option `principals` of custom rule drift-everywhere (extends tag-key-case-drift) must be one of "bedrock-capable", "all"',
  ],
  [
    'a threshold percent above 100',
    'version: 1\nrules:\n  untagged-bedrock-spend:\n    options:\n      warning: { percent: 120 }\n',
    ':5:27: option `warning.percent` of rule untagged-bedrock-spend must be <= 100',
  ],
]

describe('a wrong rule option', () => {
  it.each(BAD_OPTIONS)('(%s) makes scan exit 2 at file:line:column, before scanning', async (name, text, message) => {
    const f = join(dir, `${name.replace(/\W+/g, '-')}.yaml`)
    writeFileSync(f, text)
    let stdout = ''
    const run = runScanCommand({ inputs: DEMO_INPUTS, rules: f, format: 'json', failOn: 'error', now: '2026-01-01', cwd: dir, env: {}, stdout: (s) => (stdout += s), stderr: () => {} })
    const e = await run.then(
      () => undefined,
      (err: unknown) => err,
    )
    expect(isTagwardenError(e), String(e)).toBe(true)
    if (!isTagwardenError(e)) return
    expect(e.exitCode).toBe(ExitCode.Incomplete)
    expect(e.exitCode).toBe(2)
    expect(e.message).toBe(`${f}${message}`)
    expect(stdout).toBe('')
  })

  it.each(BAD_OPTIONS)('(%s) is a problem at the same position in rules validate (exit 1)', async (name, text, message) => {
    const file = `${name.replace(/\W+/g, '-')}.yaml`
    writeFileSync(join(dir, file), text)
    let stdout = ''
    const code = await runRulesValidate({ file, format: 'text', cwd: dir, stdout: (s) => (stdout += s), stderr: () => {} })
    expect(code).toBe(1)
    expect(stdout.split('\n')[0]).toBe(`${file}${message}`)
    expect(stdout).toMatch(/^1 problem in /m)
  })
})

describe('option schemas in meta', () => {
  it('accept the options of the bundled rules file and the examples', () => {
    const files = ['rules.yaml', 'examples/rules-test/tagwarden.yaml']
    for (const f of files) {
      const raw = parseYaml(readFileSync(f, 'utf8')) as { rules?: Record<string, { options?: unknown }>; custom?: Array<{ id: string; extends: string; options?: unknown }> }
      for (const [id, s] of Object.entries(raw.rules ?? {})) expect(optionProblems(RULE_META.get(id)!, s.options, id), `${f} ${id}`).toEqual([])
      for (const c of raw.custom ?? []) expect(optionProblems(RULE_META.get(c.extends)!, c.options, c.id), `${f} ${c.id}`).toEqual([])
    }
  })

  it('merge their constant defaults under the configured options', () => {
    const drift = RULE_META.get('tag-key-case-drift')!
    expect(optionDefaults(drift)).toEqual({ principals: 'bedrock-capable' })
    expect(effectiveOptions(drift, { principals: 'all', keys: ['team'] })).toEqual({ principals: 'all', keys: ['team'] })
    expect(effectiveOptions(RULE_META.get('untagged-bedrock-spend')!, { warning: { percent: 5 } })).toEqual({
      warning: { percent: 5 },
      error: { percent: 25, usd: 1000 },
    })
    // A default that depends on the rules file (the required tag keys) is not a constant: the rule computes it.
    expect(optionDefaults(RULE_META.get('principal-missing-tag')!)).toEqual({})
  })

  it('give every default a value its own schema accepts', () => {
    for (const meta of RULE_META.values()) expect(optionProblems(meta, optionDefaults(meta), meta.id), meta.id).toEqual([])
  })
})

describe('schemas/rules.schema.json', () => {
  it('has the rules section generated from the rule metadata (run `npm run docs:update` when this fails)', () => {
    expect(rulesSchemaIsCurrent()).toBe(true)
  })

  it('changes when a rule option changes (the check above can fail)', () => {
    const schema = JSON.parse(readFileSync(RULES_SCHEMA_PATH, 'utf8')) as Record<string, unknown>
    const meta = RULE_META.get('tag-value-whitespace')!
    const changed = new Map(RULE_META)
    changed.set(meta.id, { ...meta, options: { keys: { type: 'string', description: 'changed' } } })
    expect(generateRulesSchema(schema, changed)).not.toEqual(generateRulesSchema(schema))
  })

  it('gives an editor the same verdict on rule options as the loader', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(RULES_SCHEMA_PATH, 'utf8')))
    for (const [, text] of BAD_OPTIONS) expect(validate(parseYaml(text)), text).toBe(false)
    expect(validate(parseYaml(readFileSync('rules.yaml', 'utf8')))).toBe(true)
    expect(validate(parseYaml('version: 1\ncustom:\n  - { id: drift-all, extends: tag-key-case-drift, options: { principals: all } }\n'))).toBe(true)
  })
})
