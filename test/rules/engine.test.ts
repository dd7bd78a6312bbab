/**
 * The rules engine: which rule instances run on which principals (scope, enabled, severity), what happens
 * when a rule throws, and that finding order and fingerprints depend on nothing but the findings.
 */
import { describe, expect, it } from 'vitest'
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PrincipalFacts } from '../../src/analysis/facts.js'
import { emptyIndex, type OrgIndex } from '../../src/analysis/org-index.js'
import type { ResolvedConfig, RuleInstance, RuleScope } from '../../src/config/types.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { inScope, principalSubject, renderMessage, runRules } from '../../src/rules/engine.js'
import { fingerprintOf } from '../../src/model/fingerprint.js'
import { RULE_META } from '../../src/rules/index.js'
import type { OrgRule, PrincipalRule, RuleMeta, RuleModule } from '../../src/rules/types.js'
import type { Finding } from '../../src/model/finding.js'
import { runScan } from '../../src/pipeline/scan.js'
import { snapshotSource } from '../../src/sources/snapshot.js'
import { costExplorerFileSource } from '../../src/scanners/cost-explorer/files.js'
import { DEMO_INPUTS, demoFindingKey, expectedDemoKeys } from '../report/helpers.js'

const DEMO = fileURLToPath(new URL('../../examples/demo-org', import.meta.url))
const NOW = new Date('2026-11-26T00:00:00Z')
const SETTINGS = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META).settings

function meta(id: string, messages: Record<string, string>): RuleMeta {
  return {
    id,
    summary: `${id} test rule.`,
    rationale: 'test',
    remediation: 'test',
    defaultSeverity: 'warning',
    appliesTo: ['user', 'role'],
    messages,
    tags: ['test'],
    precision: 'high',
    examples: { compliant: 'a', nonCompliant: 'b' },
  }
}

/** Reports every principal it sees, with the options it was given. */
const probe: PrincipalRule = {
  scope: 'principal',
  meta: meta('probe', { seen: '{kind} {name} seen with {keys}' }),
  check: (p, ctx) => [{ messageId: 'seen', data: { kind: p.kind, name: p.name, keys: JSON.stringify(ctx.options.keys ?? null) } }],
}

/** Reports one tag key per principal, for ordering and fingerprint tests. */
const perKey: PrincipalRule = {
  scope: 'principal',
  meta: meta('per-key', { key: '{name} lacks {tagKey}' }),
  check: (p) => ['team', 'cost-center'].map((k) => ({ messageId: 'key', tagKey: k, data: { name: p.name, tagKey: k } })),
}

/** Throws on one principal only. */
const fragile: PrincipalRule = {
  scope: 'principal',
  meta: meta('fragile', { ok: '{name} ok' }),
  check: (p) => {
    if (p.name === 'bad') throw new TypeError("Cannot read properties of undefined (reading 'statements')")
    return [{ messageId: 'ok', data: { name: p.name } }]
  },
}

const unknownMessage: PrincipalRule = {
  scope: 'principal',
  meta: meta('unknown-message', { ok: 'ok' }),
  check: () => [{ messageId: 'nope', data: {} }],
}

const orgBoom: OrgRule = {
  scope: 'org',
  meta: meta('org-boom', { x: 'x' }),
  check: () => {
    throw new Error('index is inconsistent')
  },
}

/** A fix from the rule's fix template (the command the message shows as code), or the report's own. */
const fixing: PrincipalRule = {
  scope: 'principal',
  meta: { ...meta('fixing', { run: '{name}: run `{command}`', code: '{name}: run {command}' }), fixes: { run: '{command}', code: '{command|bare}' } },
  check: (p) => [
    { messageId: 'run', data: { name: p.name, command: `tag ${p.name}` }, spend: { total: 1, unattributed: 1, currency: 'USD', period: { start: '2026-08-01', end: '2026-09-01' } } },
    { messageId: 'code', data: { name: p.name, command: `\`tag '${p.name}\`'\`` } },
    { messageId: 'run', data: { name: p.name, command: 'not this' }, fix: 'its own' },
  ],
}

const REGISTRY: ReadonlyMap<string, RuleModule> = new Map(
  [probe, perKey, fragile, unknownMessage, orgBoom, fixing].map((r) => [r.meta.id, r] as [string, RuleModule]),
)

function principal(accountId: string, name: string, extra: Partial<PrincipalFacts> = {}): PrincipalFacts {
  const kind = extra.kind ?? 'role'
  const path = extra.path ?? '/'
  return {
    kind,
    arn: `arn:aws:iam::${accountId}:${kind}${path}${name}`,
    accountId,
    partition: 'aws',
    name,
    path,
    tags: [],
    capability: { capable: true, actions: ['bedrock:InvokeModel'], grants: [], removed: [] },
    paths: kind === 'user' ? ['iam-user'] : ['workload'],
    apiKeys: [],
    apiKeysCollected: false,
    notes: [],
    ...extra,
  }
}

function instance(base: string, extra: Partial<RuleInstance> = {}): RuleInstance {
  return { id: base, base, enabled: true, severity: 'warning', options: {}, source: '<test>', ...extra }
}

function config(rules: RuleInstance[]): ResolvedConfig {
  return { settings: SETTINGS, rules, exceptions: [], files: ['<test>'] }
}

const FACTS: PrincipalFacts[] = [
  principal('111111111111', 'chat-lambda'),
  principal('111111111111', 'training', { path: '/ml/' }),
  principal('111111111111', 'alice', { kind: 'user' }),
  principal('222222222222', 'ranker', { path: '/ml/ranking/' }),
  principal('333333333333', 'etl'),
]

function seen(scope: RuleScope | undefined, index: OrgIndex = emptyIndex()): string[] {
  const r = runRules(FACTS, index, config([instance('probe', scope ? { scope } : {})]), REGISTRY)
  return r.findings.map((f) => f.principalArn!).sort()
}

describe('scope', () => {
  const all = FACTS.map((f) => f.arn).sort()
  const arn = (name: string): string => FACTS.find((f) => f.name === name)!.arn

  it('runs on every principal without a scope', () => {
    expect(seen(undefined)).toEqual(all)
    expect(seen({})).toEqual(all)
  })

  it.each<[string, RuleScope, string[]]>([
    ['accounts', { accounts: ['222222222222', '333333333333'] }, ['ranker', 'etl']],
    ['paths (a `*` spans nested paths)', { paths: ['/ml/*'] }, ['training', 'ranker']],
    ['paths are case-sensitive', { paths: ['/ML/*'] }, []],
    ['arns', { arns: ['arn:aws:iam::111111111111:role/*'] }, ['chat-lambda', 'training']],
    ['excludeAccounts', { excludeAccounts: ['111111111111'] }, ['ranker', 'etl']],
    ['excludePaths', { excludePaths: ['/ml/*'] }, ['chat-lambda', 'alice', 'etl']],
    ['excludeArns', { excludeArns: ['*:user/*', '*/etl'] }, ['chat-lambda', 'training', 'ranker']],
    ['includes and excludes together', { accounts: ['111111111111'], excludePaths: ['/ml/*'] }, ['chat-lambda', 'alice']],
  ])('%s', (_label, scope, names) => {
    expect(seen(scope)).toEqual(names.map(arn).sort())
  })

  it('matches OUs through the index, and no OU path means out of scope', () => {
    const index = emptyIndex()
    index.ouPaths.set('222222222222', ['r-ab12', 'ou-ab12-11111111'])
    index.ouPaths.set('333333333333', ['r-ab12', 'ou-ab12-22222222'])
    expect(seen({ ous: ['ou-ab12-11111111'] }, index)).toEqual([arn('ranker')])
    expect(seen({ ous: ['r-ab12'] }, index)).toEqual([arn('ranker'), arn('etl')].sort())
  })

  it('inScope reads the principal path and ARN, not the name', () => {
    expect(inScope({ paths: ['/ml/*'] }, { accountId: '1', path: '/', arn: 'arn:aws:iam::1:role/ml-thing' }, emptyIndex())).toBe(false)
  })
})

describe('rule instances', () => {
  it('skips disabled rules', () => {
    const r = runRules(FACTS, emptyIndex(), config([instance('probe', { enabled: false }), instance('per-key')]), REGISTRY)
    expect(new Set(r.findings.map((f) => f.ruleId))).toEqual(new Set(['per-key']))
  })

  it('gives findings the severity of the instance', () => {
    const r = runRules(FACTS, emptyIndex(), config([instance('probe', { severity: 'error' })]), REGISTRY)
    expect(r.findings.map((f) => f.severity)).toEqual(FACTS.map(() => 'error'))
  })

  it('runs a custom instance under its own ID with its own options next to the built-in', () => {
    const r = runRules(
      FACTS.slice(0, 1),
      emptyIndex(),
      config([instance('probe'), instance('probe', { id: 'probe-strict', options: { keys: ['cost-center'] }, severity: 'note' })]),
      REGISTRY,
    )
    expect(r.findings.map((f) => [f.ruleId, f.severity, f.message])).toEqual([
      ['probe', 'warning', 'role chat-lambda seen with null'],
      ['probe-strict', 'note', 'role chat-lambda seen with ["cost-center"]'],
    ])
    expect(r.findings[0]!.fingerprint).not.toBe(r.findings[1]!.fingerprint)
  })

  it('renders a fix from the rule’s fix template when read, in the place a stored fix had, unless the report gives its own', () => {
    const r = runRules(FACTS.slice(0, 1), emptyIndex(), config([instance('fixing')]), REGISTRY)
    expect(r.findings.map((f) => f.fix)).toEqual(['tag chat-lambda', "tag 'chat-lambda`'", 'its own'])
    const stored = (f: Finding): string => JSON.stringify({ ...JSON.parse(JSON.stringify(f)) })
    const [lazy] = r.findings
    // The keys in the order a stored fix gave them: after principalArn, before spend.
    expect(Object.keys(lazy!)).toEqual(['ruleId', 'severity', 'message', 'messageId', 'data', 'subject', 'evidence', 'fingerprint', 'principalArn', 'fix', 'spend'])
    expect(JSON.stringify(lazy)).toBe(stored(lazy!))
    // Made by a constructor (fields in the object), still a plain object as a literal was.
    expect(Object.getPrototypeOf(lazy)).toBe(Object.prototype)
    expect(lazy).toStrictEqual(Object.defineProperties({}, Object.getOwnPropertyDescriptors(lazy)))
    expect(JSON.parse(JSON.stringify(lazy)).fix).toBe('tag chat-lambda')
    // A later writer (IaC fix hints) replaces it with a stored string.
    lazy!.fix = 'replaced'
    expect(lazy!.fix).toBe('replaced')
    expect(Object.keys(lazy!).indexOf('fix')).toBe(9)
  })

  it('lists an instance whose base rule does not exist as not evaluated', () => {
    const r = runRules(FACTS, emptyIndex(), config([instance('gone', { id: 'mine' })]), REGISTRY)
    expect(r.findings).toEqual([])
    expect(r.rulesNotEvaluated).toEqual([{ ruleId: 'mine', reason: 'no built-in rule gone' }])
  })
})

describe('a rule that throws', () => {
  it('becomes a rule-failure error on that subject; its other subjects and other rules still report', () => {
    const facts = [...FACTS, principal('111111111111', 'bad')]
    const r = runRules(facts, emptyIndex(), config([instance('fragile'), instance('probe')]), REGISTRY)
    expect(r.errors).toEqual([
      expect.objectContaining({
        code: 'rule-failure',
        source: 'rule fragile',
        subject: 'arn:aws:iam::111111111111:role/bad',
        accountId: '111111111111',
        message: expect.stringContaining("Cannot read properties of undefined (reading 'statements')"),
        hint: expect.stringContaining('tagwarden bug'),
      }),
    ])
    expect(r.findings.filter((f) => f.ruleId === 'fragile')).toHaveLength(FACTS.length)
    expect(r.findings.filter((f) => f.ruleId === 'probe')).toHaveLength(facts.length)
  })

  it('treats a report with an unknown messageId as a failure of the rule, not a finding', () => {
    const r = runRules(FACTS.slice(0, 1), emptyIndex(), config([instance('unknown-message')]), REGISTRY)
    expect(r.findings).toEqual([])
    expect(r.errors[0]?.message).toMatch(/unknown messageId nope/)
  })

  it('reports an org-scope rule failure on the org', () => {
    const r = runRules(FACTS, emptyIndex(), config([instance('org-boom'), instance('probe')]), REGISTRY)
    expect(r.errors.map((e) => [e.code, e.subject])).toEqual([['rule-failure', 'org']])
    expect(r.findings).toHaveLength(FACTS.length)
  })
})

describe('order and fingerprints', () => {
  const rules = config([instance('per-key', { severity: 'warning' }), instance('probe', { severity: 'error' })])
  const run = (facts: PrincipalFacts[]): Finding[] => runRules(facts, emptyIndex(), rules, REGISTRY).findings

  it('sorts by severity, rule, account, subject and tag key', () => {
    const fs = run(FACTS)
    const keys = fs.map((f) => [f.severity === 'error' ? 0 : 1, f.ruleId, f.subject.accountId, f.subject.arn, f.subject.tagKey ?? ''].join('|'))
    expect(keys).toEqual([...keys].sort())
    expect(fs[0]!.severity).toBe('error')
    expect(fs.at(-1)!.severity).toBe('warning')
  })

  it('gives the same findings in the same order whatever the input order', () => {
    const forward = run(FACTS)
    for (const order of [[...FACTS].reverse(), [FACTS[2]!, FACTS[4]!, FACTS[0]!, FACTS[3]!, FACTS[1]!]]) expect(run(order)).toEqual(forward)
  })

  it('derives a fingerprint from rule, subject and tag key only', () => {
    const fs = run(FACTS)
    expect(new Set(fs.map((f) => f.fingerprint)).size).toBe(fs.length)
    const subject = { kind: 'user' as const, arn: 'arn:aws:iam::333333333333:user/bob', accountId: '333333333333', name: 'bob' }
    // sha256("principal-missing-tag\0<arn>\0team")[:32]. Baselines store fingerprints, so changing the algorithm breaks every user's baseline.
    expect(fingerprintOf('principal-missing-tag', subject, 'team')).toBe('bcb493d55e1ff8c683622083764cb659')
    expect(fingerprintOf('principal-missing-tag', { ...subject, name: 'renamed', line: 4 }, 'team')).toBe(fingerprintOf('principal-missing-tag', subject, 'team'))
    expect(fingerprintOf('principal-missing-tag', subject, 'cost-center')).not.toBe(fingerprintOf('principal-missing-tag', subject, 'team'))
    expect(fingerprintOf('tag-value-not-allowed', subject, 'team')).not.toBe(fingerprintOf('principal-missing-tag', subject, 'team'))
  })

  it('keeps a fingerprint when the severity changes', () => {
    const warn = runRules(FACTS, emptyIndex(), config([instance('probe', { severity: 'warning' })]), REGISTRY).findings
    const err = runRules(FACTS, emptyIndex(), config([instance('probe', { severity: 'error' })]), REGISTRY).findings
    expect(err.map((f) => f.fingerprint)).toEqual(warn.map((f) => f.fingerprint))
  })
})

describe('finding subjects', () => {
  it('build a principal subject whole, tag key last, in the key order of the report', () => {
    const p = principal('111111111111', 'etl')
    expect(Object.keys(principalSubject(p, undefined, 'team'))).toEqual(['kind', 'arn', 'name', 'accountId', 'tagKey'])
    expect(principalSubject(p)).toEqual({ kind: 'role', arn: p.arn, name: 'etl', accountId: '111111111111' })
    const iac = principal('iac:stack.yaml', 'Etl', { origin: { file: 'stack.yaml', line: 3, column: 5, logicalId: 'Etl', tagsAt: { line: 9, column: 7 } } })
    expect(Object.keys(principalSubject(iac, 'tags', 'team'))).toEqual(['kind', 'arn', 'name', 'file', 'line', 'column', 'logicalId', 'tagKey'])
    expect(principalSubject(iac, 'tags', 'team')).toMatchObject({ line: 9, column: 7 })
  })

  it('give each finding its tag key in its own subject', () => {
    const fs = runRules(FACTS.slice(0, 1), emptyIndex(), config([instance('per-key')]), REGISTRY).findings
    expect(fs.map((f) => f.subject.tagKey).sort()).toEqual(['cost-center', 'team'])
    expect(fs[0]!.subject).not.toBe(fs[1]!.subject)
  })
})

describe('renderMessage', () => {
  it('fills placeholders and leaves unknown ones visible', () => {
    expect(renderMessage('{a} and {b} and {a}', { a: 1, b: 'x' })).toBe('1 and x and 1')
    expect(renderMessage('{a} {missing}', { a: 'y' })).toBe('y {missing}')
  })
})

describe('the whole pipeline on shuffled input files', () => {
  function demoFiles(dirs: readonly string[]): string[] {
    return dirs.flatMap((dir) =>
      readdirSync(dir).flatMap((name) => {
        const p = join(dir, name)
        return statSync(p).isDirectory() ? demoFiles([p]) : name.endsWith('.json') ? [p] : []
      }),
    )
  }

  /** Deterministic shuffle (mulberry32), so a failure can be reproduced. */
  function shuffled<T>(xs: T[], seed: number): T[] {
    let a = seed
    const rand = (): number => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
    const out = [...xs]
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1))
      ;[out[i], out[j]] = [out[j]!, out[i]!]
    }
    return out
  }

  // The demo's own rules (allowed values included) and its saved Cost Explorer outputs, as `npm run demo` scans it.
  async function scan(inputs: string[]): Promise<{ findings: Array<[string, string, string]>; keys: string[]; files: number }> {
    const cfg = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, join(DEMO, 'tagwarden.yaml')], RULE_META)
    const report = await runScan({ config: cfg, sources: [snapshotSource(inputs)], spend: costExplorerFileSource(), now: NOW })
    expect(report.errors).toEqual([])
    return { findings: report.findings.map((f) => [f.ruleId, f.fingerprint, f.message]), keys: report.findings.map(demoFindingKey).sort(), files: report.summary.inputs.files }
  }

  it('reports the same findings, fingerprints and order for every order of the files, run after run', async () => {
    const files = demoFiles(DEMO_INPUTS)
    const reference = await scan(DEMO_INPUTS)
    // Every file the scanner reads (IAM exports and the Cost Explorer pages) is shuffled, and the scan finds what the demo must report.
    expect(files).toHaveLength(reference.files)
    expect(files.filter((f) => f.includes(`${sep}billing${sep}`)).length).toBeGreaterThan(1)
    expect(reference.keys).toEqual(expectedDemoKeys({ demoRules: true, spend: true, identityCenter: false }))
    expect((await scan(DEMO_INPUTS)).findings).toEqual(reference.findings)
    expect((await scan(files)).findings).toEqual(reference.findings)
    expect((await scan([...files].reverse())).findings).toEqual(reference.findings)
    for (const seed of [1, 2, 3]) expect((await scan(shuffled(files, seed))).findings).toEqual(reference.findings)
  })

  it('lists the accounts whose users had no API-key data as not evaluated for bedrock-api-key-long-term', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-keys-'))
    try {
      // 111 keeps its key listing; 333 has users but loses its listing.
      cpSync(join(DEMO, '111111111111'), join(dir, '111111111111'), { recursive: true })
      cpSync(join(DEMO, '333333333333', 'get-account-authorization-details.json'), join(dir, '333333333333', 'get-account-authorization-details.json'))
      const cfg = loadRulesConfigFromFiles([BUNDLED_RULES_PATH], RULE_META)
      const partial = await runScan({ config: cfg, sources: [snapshotSource([dir])], now: NOW })
      expect(partial.summary.rulesNotEvaluated).toEqual([
        { ruleId: 'bedrock-api-key-long-term', reason: expect.stringContaining('for account(s) 333333333333, so their API keys were not checked') },
      ])
      const complete = await runScan({ config: cfg, sources: [snapshotSource([DEMO])], now: NOW })
      expect(complete.summary.rulesNotEvaluated).toEqual([])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
