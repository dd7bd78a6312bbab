/**
 * Tag policies → rules file: parsing (`@@assign`, `@@append`, `@@remove`, effective policies), the one-`*`
 * wildcard semantics, merging several policies, and `init --from-tag-policy` producing a rules file that
 * validates and reproduces the policy's keys, capitalisation and values.
 */
import { describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { mergeTagPolicies, parseTagPolicy, tagPolicyDocumentsFromFile, type TagPolicyDocument } from '../../src/tag-policy/parse.js'
import { requirementFromPolicyKey, tagPolicyAllows, wildcardToRegex } from '../../src/tag-policy/requirements.js'
import { BUNDLED_RULES_PATH, loadRulesConfigFromFiles } from '../../src/config/load.js'
import { RULE_META } from '../../src/rules/index.js'
import type { TagRequirement } from '../../src/config/types.js'
import { runInit } from '../../src/cli/rules-init.js'
import { validateRulesFile } from '../../src/cli/rules-validate.js'
import { SCHEMA_LINE } from '../../src/cli/rules-file-template.js'

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url))
const ORG_POLICY = join(FIXTURES, 'org-tag-policy.json')
const doc = (content: unknown, source = 'p.json', effective = false): TagPolicyDocument => ({ source, content: JSON.stringify(content), effective })

function tempDir(): { dir: string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'tw-tag-policy-'))
  return { dir, done: () => rmSync(dir, { recursive: true, force: true }) }
}

function accepts(req: TagRequirement, value: string): boolean {
  return (req.allowedValues ? req.allowedValues.includes(value) : true) && (req.pattern ? new RegExp(req.pattern).test(value) : true)
}

describe('parseTagPolicy', () => {
  it('reads the capitalisation, values and enforcement of each key, with lower case when tag_key is absent', () => {
    const p = parseTagPolicy({ source: 'org-tag-policy.json', content: readFileSync(ORG_POLICY, 'utf8'), effective: false })
    expect(p.keys.map((k) => [k.policyKey, k.tagKey, k.values ?? 'any'])).toEqual([
      ['costcenter', 'CostCenter', ['100', '200', '300*']],
      ['team', 'team', ['search', 'ads', 'data-science']],
      ['owner', 'Owner', ['*@example.com']],
      ['project', 'Project', ['*']],
      ['environment', 'environment', ['prod', 'dev']],
    ])
    expect(p.keys[0]!.enforcedFor).toEqual(['secretsmanager:*'])
    // Values child policies may change unless the operators are restricted to @@none.
    expect(p.keys.map((k) => k.childMayChangeValues)).toEqual([true, false, true, true, true])
    expect(p.warnings).toEqual(['org-tag-policy.json: tags.environment has no tag_key; AWS then requires the lower-case key `environment`'])
  })

  it('applies @@append and @@remove inside one policy and says when they refer to a parent it does not have', () => {
    const p = parseTagPolicy(
      doc({
        tags: {
          team: { tag_key: { '@@assign': 'team' }, tag_value: { '@@assign': ['a', 'b', 'c'], '@@append': ['d'], '@@remove': ['b'] } },
          env: { tag_value: { '@@append': ['prod'] } },
          app: { tag_value: { '@@remove': ['x'] } },
        },
      }),
    )
    expect(p.keys.map((k) => k.values)).toEqual([['a', 'c', 'd'], ['prod'], undefined])
    expect(p.warnings.join('\n')).toMatch(/tags\.env\.tag_value only appends \(@@append\)/)
    expect(p.warnings.join('\n')).toMatch(/tags\.app\.tag_value removes \(@@remove\) `x` from inherited values .* ignored/)
  })

  it('reads an effective policy, whose fields carry no operators', () => {
    const [d] = tagPolicyDocumentsFromFile(readFileSync(join(FIXTURES, 'describe-effective-policy.json'), 'utf8'), 'eff.json')
    expect(d).toMatchObject({ source: 'eff.json (effective for 111111111111)', effective: true })
    const p = parseTagPolicy(d!)
    expect(p.keys.map((k) => [k.tagKey, k.values, k.childMayChangeValues])).toEqual([
      ['CostCenter', ['100', '200'], false],
      ['Team', ['search', 'ads'], false],
    ])
  })

  it('reads describe-policy output and refuses other policy types', () => {
    const [d] = tagPolicyDocumentsFromFile(readFileSync(join(FIXTURES, 'describe-policy.json'), 'utf8'), 'dp.json')
    expect(d!.source).toBe('dp.json (ml-ou-tags)')
    expect(parseTagPolicy(d!).keys[0]!.values).toEqual(['ml-platform'])
    const scp = JSON.stringify({ Policy: { PolicySummary: { Type: 'SERVICE_CONTROL_POLICY' }, Content: '{}' } })
    expect(() => tagPolicyDocumentsFromFile(scp, 'scp.json')).toThrow(/policy type is SERVICE_CONTROL_POLICY, not TAG_POLICY/)
  })

  it('rejects what AWS would reject: two wildcards in one value, no tags object, bad JSON', () => {
    expect(() => parseTagPolicy(doc({ tags: { owner: { tag_value: { '@@assign': ['*@*.com'] } } } }))).toThrow(/`\*@\*\.com` has more than one `\*`/)
    expect(() => parseTagPolicy(doc({ Version: '2012-10-17' }))).toThrow(/not a tag policy: expected a top-level "tags" object/)
    expect(() => parseTagPolicy({ source: 'x.json', content: '{', effective: false })).toThrow(/x\.json: not valid JSON/)
    expect(() => parseTagPolicy(doc({ tags: { team: { tag_value: { '@@assign': [1] } } } }))).toThrow(/tag_value must be a string or a list of strings/)
  })

  it('warns when tag_key does not match its policy key', () => {
    expect(parseTagPolicy(doc({ tags: { team: { tag_key: { '@@assign': 'squad' } } } })).warnings[0]).toMatch(/tag_key `squad` does not match its policy key `team`/)
  })
})

describe('the one-* wildcard', () => {
  it('matches any run of characters, possibly none, and escapes everything else', () => {
    expect(wildcardToRegex('*@example.com')).toBe('.*@example\\.com')
    const cases: Array<[string[], string, boolean]> = [
      [['300*'], '300', true],
      [['300*'], '3001', true],
      [['300*'], 'x300', false],
      [['*@example.com'], 'ana@example.com', true],
      [['*@example.com'], 'ana@exampleXcom', false],
      [['a+b(c)'], 'a+b(c)', true],
      [['a+b(c)'], 'aab(c)', false],
      [['*'], '', true],
      [['search'], 'Search', false],
    ]
    for (const [values, v, ok] of cases) expect(tagPolicyAllows(values, v), `${values.join(',')} ~ ${v}`).toBe(ok)
  })

  it('becomes allowedValues when every value is exact, an anchored pattern otherwise, and nothing for *', () => {
    const key = (values?: string[]) => ({ policyKey: 'k', tagKey: 'K', tagKeyExplicit: true, childMayChangeValues: false, sources: [], ...(values ? { values } : {}) })
    expect(requirementFromPolicyKey(key(['a', 'b']))).toEqual({ key: 'K', allowedValues: ['a', 'b'] })
    expect(requirementFromPolicyKey(key(['a', 'b*']))).toEqual({ key: 'K', pattern: '^(?:a|b.*)$' })
    expect(requirementFromPolicyKey(key(['a', '*']))).toEqual({ key: 'K' })
    expect(requirementFromPolicyKey(key())).toEqual({ key: 'K' })
  })
})

describe('mergeTagPolicies', () => {
  it('unites values by policy key, keeps the first spelling and warns about a conflicting one', () => {
    const a = parseTagPolicy(doc({ tags: { team: { tag_key: { '@@assign': 'team' }, tag_value: { '@@assign': ['search'] } } } }, 'root'))
    const b = parseTagPolicy(doc({ tags: { TEAM: { tag_key: { '@@assign': 'Team' }, tag_value: { '@@assign': ['ads'] } }, env: {} } }, 'ml-ou'))
    const m = mergeTagPolicies([a, b])
    expect(m.keys.map((k) => [k.tagKey, k.values ?? 'any', k.sources])).toEqual([
      ['team', ['search', 'ads'], ['root', 'ml-ou']],
      ['env', 'any', ['ml-ou']],
    ])
    expect(m.warnings.some((w) => /`team` is spelt `team` in root but `Team` in ml-ou; using `team`/.test(w))).toBe(true)
  })
})

describe('init --from-tag-policy', () => {
  it('writes a rules file that validates and reproduces the keys, capitalisation and values of the policy', async () => {
    const { dir, done } = tempDir()
    try {
      const err: string[] = []
      const code = await runInit({ fromTagPolicy: ORG_POLICY, output: join(dir, 'tagwarden.yaml'), cwd: dir, stderr: (s) => err.push(s), stdout: () => {} })
      expect(code).toBe(0)
      const file = join(dir, 'tagwarden.yaml')
      const text = readFileSync(file, 'utf8')
      expect(text.startsWith(`${SCHEMA_LINE}\n`)).toBe(true)
      expect(err.join('')).toMatch(/wrote tagwarden\.yaml \(5 required tags from .*org-tag-policy\.json\)/)

      expect((await validateRulesFile(file)).problems).toEqual([])
      const required = loadRulesConfigFromFiles([BUNDLED_RULES_PATH, file], RULE_META).settings.requiredTags
      const policy = parseTagPolicy({ source: 'p', content: readFileSync(ORG_POLICY, 'utf8'), effective: false })
      expect(required.map((r) => r.key).sort()).toEqual(policy.keys.map((k) => k.tagKey).sort())
      const samples = ['100', '200', '300', '3001', 'x300', '1000', 'search', 'Search', 'ads', 'data-science', 'ana@example.com', 'ana@example.org', 'prod', 'dev', 'Prod', 'anything', '']
      for (const k of policy.keys) {
        const req = required.find((r) => r.key === k.tagKey)!
        for (const v of samples) expect(accepts(req, v), `${k.tagKey} = ${JSON.stringify(v)}`).toBe(tagPolicyAllows(k.values, v))
      }
      // The comments say where each key came from and what the policy allows.
      expect(text).toContain('# from tag policy key `costcenter`')
      expect(text).toContain('# no tag_key in the policy: AWS requires the lower-case spelling')
      expect(text).toContain('# tag_value `*`: any value is compliant')
      expect(parseYaml(text)).toMatchObject({ version: 1, tags: { required: expect.any(Array) } })
    } finally {
      done()
    }
  })

  it('keeps only the --key keys and refuses a key the policy does not have', async () => {
    const out: string[] = []
    await runInit({ fromTagPolicy: ORG_POLICY, output: '-', keys: ['costcenter', 'TEAM'], stdout: (s) => out.push(s), stderr: () => {} })
    const doc = parseYaml(out.join('')) as { tags: { required: TagRequirement[] } }
    expect(doc.tags.required).toEqual([
      { key: 'CostCenter', pattern: '^(?:100|200|300.*)$' },
      { key: 'team', allowedValues: ['search', 'ads', 'data-science'] },
    ])
    await expect(runInit({ fromTagPolicy: ORG_POLICY, output: '-', keys: ['colour'], stdout: () => {}, stderr: () => {} })).rejects.toThrow(/--key colour: the tag policy has no such key/)
  })

  it('reads the policy live through the fetcher, and says when several policies were merged', async () => {
    const seen: unknown[] = []
    const out: string[] = []
    const err: string[] = []
    await runInit({
      fromTagPolicy: 'aws',
      output: '-',
      policyIds: ['p-1', 'p-2'],
      stdout: (s) => out.push(s),
      stderr: (s) => err.push(s),
      fetchTagPolicies: async (o) => {
        seen.push(o)
        return [
          { source: 'tag policy root-tags (p-1)', content: JSON.stringify({ tags: { team: { tag_key: { '@@assign': 'team' }, tag_value: { '@@assign': ['search'] } } } }), effective: false },
          { source: 'tag policy ml-tags (p-2)', content: JSON.stringify({ tags: { team: { tag_value: { '@@append': ['ml'] } } } }), effective: false },
        ]
      },
    })
    expect(seen).toEqual([{ policyIds: ['p-1', 'p-2'], profile: undefined, region: undefined }])
    expect((parseYaml(out.join('')) as { tags: { required: TagRequirement[] } }).tags.required).toEqual([{ key: 'team', allowedValues: ['search', 'ml'] }])
    expect(out.join('')).toContain('#   - tag policy root-tags (p-1)')
    expect(err.join('')).toMatch(/2 tag policies were merged; .*\(use --account/)
  })

  it('treats --account without `aws`, a missing file and an existing output as usage errors', async () => {
    const { dir, done } = tempDir()
    try {
      await expect(runInit({ fromTagPolicy: ORG_POLICY, account: '111111111111', output: '-', stdout: () => {} })).rejects.toThrow(/--account and --policy-id need `--from-tag-policy aws`/)
      await expect(runInit({ fromTagPolicy: 'nope.json', cwd: dir, output: '-', stdout: () => {} })).rejects.toThrow(/--from-tag-policy nope\.json: no such file/)
      writeFileSync(join(dir, 'tagwarden.yaml'), 'version: 1\n')
      await expect(runInit({ fromTagPolicy: ORG_POLICY, cwd: dir, stderr: () => {} })).rejects.toMatchObject({ code: 'file-exists', exitCode: 2 })
      expect(readFileSync(join(dir, 'tagwarden.yaml'), 'utf8')).toBe('version: 1\n')
      expect(await runInit({ fromTagPolicy: ORG_POLICY, cwd: dir, force: true, stderr: () => {} })).toBe(0)
      expect(readFileSync(join(dir, 'tagwarden.yaml'), 'utf8')).toContain('CostCenter')
    } finally {
      done()
    }
  })
})
