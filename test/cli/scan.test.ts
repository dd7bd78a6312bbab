/** `tagwarden scan` end to end: the CLI (in-process) on the demo organization and on broken inputs. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { ScanReport } from '../../src/model/finding.js'
import { ANSI, DEMO, REPO, STACK_FRAME, runCli } from './run-cli.js'
import { DEMO_SPEND_FINDINGS, demoFindingKey, expectedDemoKeys } from '../report/helpers.js'

// ajv-formats is CommonJS: under NodeNext its default import is the module object, whose `default` is the plugin.
const addFormats = addFormatsModule.default

let tmp: string

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'tw-cli-'))
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

/** A lazily started run shared by several tests. */
function once<T>(f: () => Promise<T>): () => Promise<T> {
  let p: Promise<T> | undefined
  return () => (p ??= f())
}

function json(stdout: string): ScanReport {
  return JSON.parse(stdout) as ScanReport
}

describe.concurrent('scan of the demo organization', () => {
  // Shared runs: each spawn costs a Node start-up and a scan.
  const textRun = once(() => runCli(['scan', '--input', 'examples/demo-org']))
  const jsonRun = once(() => runCli(['scan', '--input', DEMO, '--format', 'json', '--now', '2026-11-26'], { env: { TAGWARDEN_NOW: '2027-01-01' } }))

  it('prints the findings and a summary, and exits 1', async () => {
    const [r, j] = await Promise.all([textRun(), jsonRun()])
    expect(r.status).toBe(1)
    expect(r.stdout).toMatch(/^error {3}principal-missing-tag {2}arn:aws:iam::333333333333:user\/bob$/m)
    expect(r.stdout).toMatch(/^warning bedrock-api-key-long-term {2}arn:aws:iam::333333333333:user\/BedrockAPIKey-7f3k$/m)
    expect(r.stdout).toMatch(/^warning tag-key-case-drift {2}tag key team$/m)
    expect(r.stdout).toMatch(/^error {3}untagged-bedrock-spend {2}account 222222222222 \(team\)$/m)
    expect(r.stdout).toMatch(/^warning untagged-bedrock-spend {2}organization \(team\)$/m)
    // One headline per finding, and a summary that counts what the JSON output lists.
    const findings = json(j.stdout).findings
    const count = (sev: string): number => findings.filter((f) => f.severity === sev).length
    expect(r.stdout.match(/^(error {3}|warning |note {4})[a-z-]+ {2}\S/gm)).toHaveLength(findings.length)
    expect(r.stdout).toMatch(/^Summary$/m)
    expect(r.stdout).toContain(`findings     ${count('error')} error, ${count('warning')} warning, ${count('note')} note`)
    expect(r.stdout).toMatch(/^ {2}spend {8}checked \(Cost Explorer files\): USD [\d,.]+ Bedrock .*team: `iamPrincipal\/team` active, [\d.]+% untagged$/m)
    expect(r.stderr).toBe('')
  })

  it('exits 0 with --fail-on never', async () => {
    expect((await runCli(['scan', '-i', DEMO, '--fail-on', 'never'])).status).toBe(0)
  })

  it('prints JSON that validates against schemas/report.schema.json', async () => {
    const r = await jsonRun()
    expect(r.status).toBe(1)
    const report = json(r.stdout)
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')))
    expect(validate(report), ajv.errorsText(validate.errors)).toBe(true)
    expect(report.errors).toEqual([])
    // test/fixtures/demo-expected.json (less tag-value-not-allowed: the bundled rules set no allowed values) plus billing/'s spend findings.
    expect(report.findings.map(demoFindingKey).sort()).toEqual(expectedDemoKeys({ demoRules: false, spend: true }))
    for (const e of DEMO_SPEND_FINDINGS) expect(report.findings.find((f) => demoFindingKey(f) === e.key)?.severity, e.key).toBe(e.severity)
    expect(report.summary.spend).toMatchObject({ checked: true, source: 'cost-explorer-files' })
    // --now wins over TAGWARDEN_NOW.
    expect(report.generatedAt).toBe('2026-11-26T00:00:00.000Z')
    // The schema is strict enough to catch a broken report.
    const broken = structuredClone(report) as unknown as { findings: Array<Record<string, unknown>> }
    delete broken.findings[0]!.fingerprint
    expect(validate(broken)).toBe(false)
  })

  it('writes --output FILE and nothing to stdout', async () => {
    const out = join(tmp, 'results.json')
    const r = await runCli(['scan', '--input', DEMO, '--format', 'json', '--output', out, '--now', '2026-11-26'], { env: { TAGWARDEN_NOW: '2027-01-01' } })
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    expect(r.stderr).toBe('')
    expect(readFileSync(out, 'utf8')).toBe((await jsonRun()).stdout)
  })

  it('uses no colour when stdout is not a terminal or NO_COLOR is set, and colour when asked', async () => {
    const [plain, noColor, forced] = await Promise.all([
      textRun(),
      runCli(['scan', '--input', DEMO], { env: { NO_COLOR: '1' } }),
      runCli(['scan', '--input', DEMO, '--color']),
    ])
    expect(plain.stdout).not.toMatch(ANSI)
    expect(noColor.stdout).not.toMatch(ANSI)
    expect(forced.stdout).toMatch(ANSI)
  })
})

describe.concurrent('--now and TAGWARDEN_NOW', () => {
  const generatedAt = async (args: string[], env: Record<string, string> = {}): Promise<string> =>
    json((await runCli(['scan', '--input', DEMO, '--format', 'json', ...args], { env })).stdout).generatedAt

  it('accept a timestamp, UTC unless it names a zone (the flag winning over the variable is checked above)', async () => {
    const [env, zoneless] = await Promise.all([
      generatedAt([], { TAGWARDEN_NOW: '2027-03-04T05:06:07+02:00' }),
      generatedAt(['--now', '2027-03-04T05:06:07'], { TZ: 'America/New_York' }),
    ])
    expect(env).toBe('2027-03-04T03:06:07.000Z')
    expect(zoneless).toBe('2027-03-04T05:06:07.000Z')
  })

  it.each([
    ['--now', '2026-02-30'],
    ['TAGWARDEN_NOW', 'garbage'],
  ])('reject %s %s with exit 2', async (where, value) => {
    const r = where === '--now' ? await runCli(['scan', '--input', DEMO, '--now', value]) : await runCli(['scan', '--input', DEMO], { env: { TAGWARDEN_NOW: value } })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain(`tagwarden: error: --now/TAGWARDEN_NOW is not a date: ${value}`)
    expect(r.stderr).toMatch(/hint: use YYYY-MM-DD/)
    expect(r.stdout).toBe('')
  })

  it('decide whether an exception has expired', async () => {
    const rules = join(tmp, 'expiring.yaml')
    writeFileSync(
      rules,
      ['version: 1', 'exceptions:', '  - rules: [principal-missing-tag, bedrock-api-key-long-term]', "    account: '333333333333'", '    reason: data science keys are rotated in December', "    expires: '2026-12-31'", ''].join('\n'),
    )
    const run = async (now: string): Promise<ScanReport> => json((await runCli(['scan', '--input', DEMO, '--format', 'json', '--rules', rules, '--now', now])).stdout)
    const [before, after] = await Promise.all([run('2026-12-31'), run('2027-01-01')])
    expect(before.summary.findings.suppressed).toBe(4)
    expect(before.summary.exceptions.map((n) => n.kind)).toEqual(['expiring-soon'])
    expect(after.summary.findings.suppressed).toBe(0)
    expect(after.summary.exceptions.map((n) => n.kind)).toEqual(['expired'])
  })
})

describe.concurrent('scan of broken inputs next to good ones', () => {
  let input: string

  beforeAll(() => {
    input = join(tmp, 'mixed')
    cpSync(join(DEMO, '222222222222'), join(input, '222222222222'), { recursive: true })
    // Cut off mid-download.
    mkdirSync(join(input, '444444444444'), { recursive: true })
    writeFileSync(
      join(input, '444444444444', 'get-account-authorization-details.json'),
      '{\n  "UserDetailList": [],\n  "RoleDetailList": [\n    {"RoleName": "x", "Arn": "arn:aws:iam::444444444444:role/x"',
    )
    // An SDK export (URL-encoded documents) with one document whose encoding is broken.
    const enc = (doc: unknown): string => encodeURIComponent(JSON.stringify(doc))
    mkdirSync(join(input, '555555555555'), { recursive: true })
    writeFileSync(
      join(input, '555555555555', 'get-account-authorization-details.json'),
      JSON.stringify({
        UserDetailList: [],
        GroupDetailList: [],
        RoleDetailList: [
          {
            Path: '/',
            RoleName: 'summaries-lambda',
            RoleId: 'AROAQPNO57YE6SCMEJVQT',
            Arn: 'arn:aws:iam::555555555555:role/summaries-lambda',
            CreateDate: '2026-01-01T00:00:00.000Z',
            AssumeRolePolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
            RolePolicyList: [
              { PolicyName: 'bedrock-invoke', PolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] }) },
              { PolicyName: 'half-encoded', PolicyDocument: `${enc({ Version: '2012-10-17', Statement: [] }).slice(0, 40)}%E0%A4%A` },
            ],
            AttachedManagedPolicies: [],
            Tags: [],
          },
        ],
        Policies: [],
      }),
    )
    // A stray JSON file that is no AWS export.
    mkdirSync(join(input, 'notes'), { recursive: true })
    writeFileSync(join(input, 'notes', 'settings.json'), '{"editor.tabSize": 2}\n')
  })

  it('exits 2, names each broken file (and principal and policy), keeps the good findings, prints no stack trace', async () => {
    const missing = join(tmp, 'nope')
    const r = await runCli(['scan', '--input', input, '--input', missing, '--format', 'json'])
    expect(r.status).toBe(2)
    expect(r.stderr).not.toMatch(STACK_FRAME)
    const report = json(r.stdout)
    const byCode = new Map(report.errors.map((e) => [e.code, e]))
    expect([...byCode.keys()].sort()).toEqual(['invalid-json', 'invalid-policy-document', 'unreadable-file', 'unrecognised-input'])
    expect(byCode.get('unreadable-file')!.message).toBe(`${missing}: not found.`)
    expect(byCode.get('invalid-json')!.message).toContain(join(input, '444444444444', 'get-account-authorization-details.json'))
    expect(byCode.get('invalid-json')!.message).toMatch(/:\d+:\d+: not valid JSON/)
    const policy = byCode.get('invalid-policy-document')!
    expect(policy.message).toContain(join(input, '555555555555', 'get-account-authorization-details.json'))
    expect(policy.message).toContain('half-encoded')
    expect(policy.message).toContain('arn:aws:iam::555555555555:role/summaries-lambda')
    expect(byCode.get('unrecognised-input')!.message).toContain(join(input, 'notes', 'settings.json'))
    for (const e of report.errors) expect(e.hint, e.code).toBeTruthy()
    const flagged = report.findings.map((f) => `${f.ruleId} ${f.principalArn}`)
    expect(flagged).toContain('principal-missing-tag arn:aws:iam::222222222222:role/summarizer-ecs-task')
    expect(flagged).toContain('principal-missing-tag arn:aws:iam::222222222222:role/ads-ranker-irsa')
    // The readable policy of the partly broken role still counts.
    expect(flagged).toContain('principal-missing-tag arn:aws:iam::555555555555:role/summaries-lambda')
  })

  it('says in text output that the result is incomplete, file by file', async () => {
    const r = await runCli(['scan', '--input', input, '--fail-on', 'never'])
    expect(r.status).toBe(2)
    expect(r.stdout).toMatch(/^Errors \(3\) — the result is incomplete$/m)
    expect(r.stdout).toMatch(/^ {2}unrecognised-input {2}.*notes\/settings\.json/m)
    expect(r.stdout).toMatch(/input errors 3 \(exit code 2: the result is incomplete\)/)
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })
})

describe.concurrent('a malformed rules file', () => {
  const rulesFile = (name: string, text: string): string => {
    const f = join(tmp, name)
    writeFileSync(f, text)
    return f
  }

  it.each([
    ['broken YAML', 'version: 1\nrules:\n  principal-missing-tag:\n    severity: [error\n', /:\d+:\d+: invalid YAML/],
    ['an unknown property', 'version: 1\ntags:\n  requried:\n    - key: team\n', /:3:3: unknown property `requried` in `tags` — did you mean `required`\?/],
    ['an unknown rule', 'version: 1\nrules:\n  principal-missing-tagg: { severity: error }\n', /:3:3: unknown rule `principal-missing-tagg` — did you mean `principal-missing-tag`\?/],
  ])('with %s exits 2 and points at file:line:column', async (name, text, message) => {
    const f = rulesFile(`${name.replace(/\W+/g, '-')}.yaml`, text)
    const r = await runCli(['scan', '--input', DEMO, '--rules', f])
    expect(r.status).toBe(2)
    expect(r.stdout).toBe('')
    const first = r.stderr.split('\n')[0]!
    expect(first.startsWith(`tagwarden: error: ${f}:`)).toBe(true)
    expect(first).toMatch(message)
    expect(r.stderr).toMatch(/^\s+hint: /m)
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })

  it('with several problems lists every one, in file order, as `rules validate` does, and points at it', async () => {
    const text = [
      'version: 1',
      'tags:',
      '  requried:',
      '    - key: team',
      'rules:',
      '  principal-missing-tagg: { severity: error }',
      '  principal-missing-tag: { severity: fatal }',
      'exceptions:',
      '  - rules: principal-missing-tag',
      '    arn: arn:aws:iam::111111111111:role/x',
      '    reason: migrating off this role in Q3',
      '    expires: next year',
      '',
    ].join('\n')
    const f = rulesFile('several.yaml', text)
    const r = await runCli(['scan', '--input', DEMO, '--rules', f])
    expect(r.status).toBe(2)
    const listed = r.stderr.split('\n').filter((l) => l.startsWith(`  ${f}:`)).map((l) => l.trim())
    expect(listed).toEqual([
      `${f}:3:3: unknown property \`requried\` in \`tags\` — did you mean \`required\`?`,
      `${f}:6:3: unknown rule \`principal-missing-tagg\` — did you mean \`principal-missing-tag\`?; a rule of your own goes under \`custom:\` with \`extends:\``,
      `${f}:7:38: \`rules.principal-missing-tag.severity\` must be one of "error", "warning", "note"`,
      `${f}:12:14: \`exceptions.0.expires\` must be a date like 2027-01-31`,
    ])
    expect(r.stderr).toMatch(new RegExp(`^tagwarden: error: ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} has 4 problems:$`, 'm'))
    expect(r.stderr).toContain(`hint: \`tagwarden rules validate ${f}\` checks the file on its own`)
    expect(r.stderr).not.toContain('schema.json')
    // The same problems as `rules validate` (which names the file relative to the working directory).
    const validate = await runCli(['rules', 'validate', f], { cwd: tmp })
    expect(validate.status).toBe(1)
    expect(validate.stdout.split('\n').filter((l) => l.startsWith('several.yaml:'))).toEqual(listed.map((l) => l.slice(tmp.length + 1)))
  })

  it('exits 2 when the rules file does not exist', async () => {
    const r = await runCli(['scan', '--input', DEMO, '--rules', join(tmp, 'missing.yaml')])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/cannot read rules file .*missing\.yaml/)
  })
})

describe('an inference action the Service Authorization Reference table does not know', () => {
  it('is judged against its whole service and listed in summary.notEvaluated (issue 15); --strict makes that exit 2', async () => {
    const dir = mkdtempSync(join(tmp, 'sar-'))
    writeFileSync(join(dir, 'tagwarden.yaml'), 'version: 1\nsettings:\n  inferenceActions: [bedrock:InvokeModel, bedrock:InvokeSomethingNew]\n')
    const r = await runCli(['scan', '--input', DEMO, '--format', 'json', '--now', '2026-11-26'], { cwd: dir })
    expect(r.status).toBe(1)
    expect(json(r.stdout).summary.notEvaluated).toEqual([
      { resource: 'settings.inferenceActions: bedrock:InvokeSomethingNew', reason: expect.stringMatching(/does not list bedrock:InvokeSomethingNew, so its resource types are unknown; it was judged against any bedrock resource$/) },
    ])
    expect((await runCli(['scan', '--input', DEMO, '--strict', '--now', '2026-11-26'], { cwd: dir })).status).toBe(2)
  })
})
