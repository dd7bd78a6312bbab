import { describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadRulesConfig, loadRulesConfigFromFiles, BUNDLED_RULES_PATH } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import { ConfigError } from '../../src/errors.js'

function userFile(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tw-config-'))
  const f = join(dir, 'tagwarden.yaml')
  writeFileSync(f, text)
  return f
}

function load(text: string) {
  return loadRulesConfig({ builtins: RULE_META, rulesPath: userFile(text) })
}

function configError(text: string): ConfigError {
  try {
    load(text)
  } catch (e) {
    if (e instanceof ConfigError) return e
    throw e
  }
  throw new Error('expected a ConfigError')
}

describe('bundled rules.yaml', () => {
  it('loads and enables every built-in rule with its default severity', () => {
    const cfg = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
    expect(cfg.settings.requiredTags.map((t) => t.key)).toEqual(['team'])
    expect(cfg.settings.inferenceActions).toContain('bedrock-mantle:CreateInference')
    expect(cfg.settings.gateways.namePatterns).toEqual(['*llm-gateway*'])
    for (const [id, meta] of RULE_META) {
      const inst = cfg.rules.find((r) => r.id === id)
      expect(inst, id).toBeDefined()
      expect(inst!.enabled).toBe(true)
      expect(inst!.severity).toBe(meta.defaultSeverity)
    }
  })

  it('uses ./tagwarden.yaml from the working directory when --rules is not given', () => {
    const f = userFile('version: 1\ntags:\n  required:\n    - key: cost-center\n')
    const cfg = loadRulesConfig({ builtins: RULE_META, cwd: join(f, '..') })
    expect(cfg.settings.requiredTags.map((t) => t.key)).toEqual(['cost-center'])
    expect(cfg.files).toHaveLength(2)
  })
})

describe('layering a user file over the defaults', () => {
  it('changes one rule without copying the rest', () => {
    const cfg = load('version: 1\nrules:\n  bedrock-api-key-long-term: { severity: error }\n')
    expect(cfg.rules.find((r) => r.id === 'bedrock-api-key-long-term')!.severity).toBe('error')
    expect(cfg.rules.find((r) => r.id === 'principal-missing-tag')!.severity).toBe('error')
    expect(cfg.settings.inferenceActions.length).toBeGreaterThan(5)
  })

  it('deep-merges per rule: scope added, severity kept', () => {
    const cfg = load("version: 1\nrules:\n  principal-missing-tag:\n    scope: { paths: ['/ml/*'] }\n")
    const r = cfg.rules.find((x) => x.id === 'principal-missing-tag')!
    expect(r.severity).toBe('error')
    expect(r.scope).toEqual({ paths: ['/ml/*'] })
    expect(r.source).toMatch(/tagwarden\.yaml$/)
  })

  it('disables a rule', () => {
    const cfg = load('version: 1\nrules:\n  federated-role-session-name: { enabled: false }\n')
    expect(cfg.rules.find((r) => r.id === 'federated-role-session-name')!.enabled).toBe(false)
  })

  it('extends: none starts from nothing but the built-in rule list', () => {
    const cfg = load('version: 1\nextends: none\ntags:\n  required: [{ key: owner }]\n')
    expect(cfg.settings.requiredTags).toEqual([{ key: 'owner' }])
    expect(cfg.settings.inferenceActions).toEqual([])
  })

  it('adds a custom rule extending a built-in with its own options, scope and severity', () => {
    const cfg = load(`version: 1
custom:
  - id: ml-roles-cost-center
    extends: principal-missing-tag
    severity: warning
    options: { tagKeys: [cost-center] }
    scope: { paths: ['/ml/*'] }
`)
    const r = cfg.rules.find((x) => x.id === 'ml-roles-cost-center')!
    expect(r).toMatchObject({ base: 'principal-missing-tag', severity: 'warning', options: { tagKeys: ['cost-center'] }, scope: { paths: ['/ml/*'] } })
  })

  it('keeps exceptions with their position', () => {
    const cfg = load(`version: 1
exceptions:
  - rules: principal-missing-tag
    arn: 'arn:aws:iam::111111111111:role/legacy-*'
    reason: migrating to the platform team by Q1
    expires: '2027-01-31'
`)
    expect(cfg.exceptions).toHaveLength(1)
    expect(cfg.exceptions[0]).toMatchObject({ rules: ['principal-missing-tag'], expires: '2027-01-31' })
    expect(cfg.exceptions[0]!.position.line).toBe(3)
  })
})

describe('errors carry file:line:column and a plain explanation', () => {
  it.each([
    ['YAML syntax', 'version: 1\ntags:\n  required:\n    - key: team\n   bad: [\n', /tagwarden\.yaml:\d+:\d+: invalid YAML/],
    ['unknown top-level key', 'version: 1\nrulez: {}\n', /tagwarden\.yaml:2:1: unknown property `rulez`/],
    ['wrong version', 'version: 2\n', /tagwarden\.yaml:1:10: `version` must be 1/],
    ['bad severity', 'version: 1\nrules:\n  principal-missing-tag: { severity: critical }\n', /tagwarden\.yaml:3:38: `rules\.principal-missing-tag\.severity` must be one of "error", "warning", "note"/],
    ['unknown rule with suggestion', 'version: 1\nrules:\n  principal-missing-tags: { enabled: false }\n', /tagwarden\.yaml:3:\d+: unknown rule `principal-missing-tags` — did you mean `principal-missing-tag`\?/],
    ['short exception reason', "version: 1\nexceptions:\n  - rules: principal-missing-tag\n    arn: 'arn:aws:iam::1:role/x'\n    reason: legacy\n", /tagwarden\.yaml:5:13: `exceptions\.0\.reason` must be at least 10 characters/],
    ['exception without target', 'version: 1\nexceptions:\n  - rules: principal-missing-tag\n    reason: because we said so, really\n', /tagwarden\.yaml:3:5: `exceptions\.0` needs a target: `arn`, `account`, `logicalId` or `address`/],
    ['exception for unknown rule', "version: 1\nexceptions:\n  - rules: [nope-rule]\n    arn: 'x'\n    reason: because we said so, really\n", /tagwarden\.yaml:3:\d+: exception names unknown rule `nope-rule`/],
    ['custom extends unknown', 'version: 1\ncustom:\n  - id: my-rule\n    extends: principal-missing\n', /tagwarden\.yaml:4:14: custom rule `my-rule` extends unknown rule `principal-missing` — did you mean `principal-missing-tag`\?/],
    ['custom reuses a built-in ID', 'version: 1\ncustom:\n  - id: principal-missing-tag\n    extends: principal-missing-tag\n', /tagwarden\.yaml:3:9: rule ID `principal-missing-tag` is already taken by a built-in rule/],
    ['invalid regex', "version: 1\ntags:\n  required:\n    - key: team\n      pattern: '^[a-z'\n", /tagwarden\.yaml:5:16: invalid regular expression/],
    ['pattern the linear-time engine cannot run', "version: 1\ntags:\n  required:\n    - key: team\n      pattern: '^(?!test-)[a-z]+$'\n", /tagwarden\.yaml:5:16: negative lookahead `\(\?!…\)` at character 2 is not supported/],
    ['expiry not a date', "version: 1\nexceptions:\n  - rules: principal-missing-tag\n    arn: x\n    reason: because we said so, really\n    expires: next year\n", /tagwarden\.yaml:6:14: `exceptions\.0\.expires` must be a date like 2027-01-31$/],
    ['account ID format', "version: 1\nexceptions:\n  - rules: principal-missing-tag\n    account: '1234'\n    reason: because we said so, really\n", /tagwarden\.yaml:4:14: `exceptions\.0\.account` must be a 12-digit AWS account ID/],
    ['a list where a mapping belongs', 'version: 1\nsettings: [a]\n', /tagwarden\.yaml:2:11: `settings` must be a mapping/],
    ['impossible expiry date', "version: 1\nexceptions:\n  - rules: principal-missing-tag\n    arn: x\n    reason: because we said so, really\n    expires: '2027-02-31'\n", /tagwarden\.yaml:6:14: `expires` must be a real date like 2027-01-31; 2027-02-31 does not exist/],
  ])('%s', (_name, text, pattern) => {
    const e = configError(text)
    expect(e.message).toMatch(pattern)
    expect(e.exitCode).toBe(2)
  })

  it('a missing --rules file is a config error naming the path', () => {
    expect(() => loadRulesConfig({ builtins: RULE_META, rulesPath: '/nonexistent/tw.yaml' })).toThrow(/cannot read rules file \/nonexistent\/tw\.yaml/)
  })
})
