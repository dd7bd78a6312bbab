/**
 * Runs every rule case under test/rules/cases/<rule-id>/*.yaml through the shared runner, one `it` per
 * file, and checks that every registered rule has both a case that flags and a case that passes.
 */
import { describe, expect, it } from 'vitest'
import { compareFindings, loadRuleCase, runRuleCase, type RuleCase } from '../../src/testing/rule-cases.js'
import { RULE_REGISTRY } from '../../src/rules/index.js'
import { CASES_DIR, caseFiles } from './case-files.js'
import { relative } from 'node:path'

const files = caseFiles()
const cases = files.map((f) => loadRuleCase(f))

function caseByName(name: string): RuleCase {
  const c = cases.find((x) => relative(CASES_DIR, x.file) === name)
  if (!c) throw new Error(`no case file ${name}`)
  return c
}

describe('rule cases', () => {
  it('finds the case files', () => {
    expect(files.length).toBeGreaterThan(40)
  })

  for (const c of cases) {
    it(`${relative(CASES_DIR, c.file)}: ${c.description}`, async () => {
      const result = await runRuleCase(c)
      expect(result.problems).toEqual([])
      expect(result.passed).toBe(true)
    })
  }
})

describe('case coverage', () => {
  const flagging = (id: string): RuleCase[] => cases.filter((c) => c.expect.some((e) => e.ruleId === id))
  const passing = (id: string): RuleCase[] => cases.filter((c) => c.only.includes(id) && !c.expect.some((e) => e.ruleId === id))

  for (const id of RULE_REGISTRY.keys()) {
    it(`${id} has a case that flags and a case that passes`, () => {
      expect(flagging(id).length, `no case expects a ${id} finding`).toBeGreaterThan(0)
      expect(passing(id).length, `no case runs ${id} and expects nothing of it`).toBeGreaterThan(0)
    })
  }

  it('keeps every case in the folder of a rule it tests', () => {
    for (const c of cases) {
      const folder = relative(CASES_DIR, c.file).split(/[\\/]/)[0] ?? ''
      expect(RULE_REGISTRY.has(folder), `${c.file}: folder ${folder} is not a rule ID`).toBe(true)
      expect(c.only, c.file).toContain(folder)
    }
  })

  it('has no two cases with the same description', () => {
    const seen = new Map<string, string>()
    for (const c of cases) {
      const prior = seen.get(c.description)
      expect(prior, `${c.file} repeats the description of ${prior}`).toBeUndefined()
      seen.set(c.description, c.file)
    }
  })
})

describe('details the case format cannot express', () => {
  it('puts both attribution paths in the evidence of a role reached by a workload and by federation', async () => {
    const r = await runRuleCase(caseByName('principal-missing-tag/flags-role-with-workload-and-federation-paths.yaml'))
    const f = r.report!.findings.find((x) => x.ruleId === 'principal-missing-tag')
    expect(f?.evidence.paths).toEqual(['workload', 'federation'])
  })

  it('records the case near miss of the tag key in the evidence', async () => {
    const r = await runRuleCase(caseByName('principal-missing-tag/flags-tag-key-in-another-case.yaml'))
    const f = r.report!.findings.find((x) => x.ruleId === 'principal-missing-tag')
    expect(f?.evidence).toMatchObject({ tagState: 'missing', nearMiss: 'Team' })
  })

  it('gives the custom rule instance its own ID and the severity it was configured with', async () => {
    const r = await runRuleCase(caseByName('principal-missing-tag/custom-rule-extends-with-options-and-scope.yaml'))
    const f = r.report!.findings.find((x) => x.ruleId === 'ml-cost-center')
    expect(f?.severity).toBe('warning')
    expect(f?.subject.tagKey).toBe('cost-center')
  })

  it('keeps a suppressed finding out of the active count', async () => {
    const r = await runRuleCase(caseByName('principal-missing-tag/exception-suppresses-finding.yaml'))
    expect(r.report!.summary.findings.suppressed).toBe(1)
    expect(r.report!.summary.findings.byRule['principal-missing-tag']).toBe(1)
    const suppressed = r.report!.findings.find((f) => f.suppressed)
    expect(suppressed?.suppressed).toMatchObject({ kind: 'exception', expires: '2027-03-31', reason: expect.stringContaining('legacy batch roles') })
  })

  it('reports an expired exception as a notice', async () => {
    const r = await runRuleCase(caseByName('principal-missing-tag/exception-expired-counts-again.yaml'))
    expect(r.report!.summary.exceptions.map((n) => n.kind)).toEqual(['expired'])
    expect(r.report!.summary.findings.byRule['principal-missing-tag']).toBe(1)
  })
})

describe('the case runner', () => {
  const base = (): RuleCase => ({ ...caseByName('principal-missing-tag/flags-user-without-tag.yaml') })

  it('passes the case as written', async () => {
    expect((await runRuleCase(base())).problems).toEqual([])
  })

  it('reports a missing finding when a case expects nothing but the rule flags', async () => {
    const r = await runRuleCase({ ...base(), expect: [] })
    expect(r.passed).toBe(false)
    expect(r.problems.join('\n')).toMatch(/^unexpected finding: principal-missing-tag \| arn:aws:iam::111111111111:user\/maria \| team$/m)
  })

  it('reports a finding that did not happen', async () => {
    const c = base()
    const r = await runRuleCase({ ...c, expect: [...c.expect, { ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::111111111111:user/nobody', tagKey: 'team' }] })
    expect(r.passed).toBe(false)
    expect(r.problems).toEqual(['missing finding: principal-missing-tag | arn:aws:iam::111111111111:user/nobody | team'])
  })

  it('reports a message that lacks an expected substring, and a wrong suppression state', async () => {
    const c = base()
    const [first] = c.expect
    const r = await runRuleCase({ ...c, expect: [{ ...first!, messageIncludes: ['no such text'], suppressed: true }] })
    expect(r.passed).toBe(false)
    expect(r.problems).toHaveLength(2)
    expect(r.problems[0]).toMatch(/message does not contain "no such text"/)
    expect(r.problems[1]).toMatch(/expected suppressed=true/)
  })

  it('checks messageId and severity when the case gives them', async () => {
    const c = base()
    const [first] = c.expect
    const run = await runRuleCase(c)
    const actual = run.report!.findings.find((f) => f.ruleId === first!.ruleId)!
    expect((await runRuleCase({ ...c, expect: [{ ...first!, messageId: actual.messageId, severity: actual.severity }] })).problems).toEqual([])
    const wrong = await runRuleCase({ ...c, expect: [{ ...first!, messageId: 'noSuchMessage', severity: actual.severity === 'error' ? 'note' : 'error' }] })
    expect(wrong.passed).toBe(false)
    expect(wrong.problems).toEqual([
      `finding principal-missing-tag | arn:aws:iam::111111111111:user/maria | team: expected messageId noSuchMessage; got ${actual.messageId}`,
      `finding principal-missing-tag | arn:aws:iam::111111111111:user/maria | team: expected severity ${actual.severity === 'error' ? 'note' : 'error'}; got ${actual.severity}`,
    ])
  })

  it('fails on a finding reported twice with the same data, even when the case expects it', async () => {
    const c = base()
    const findings = (await runRuleCase(c)).report!.findings
    expect(compareFindings(c, findings)).toEqual([])
    const twice = findings.find((f) => f.ruleId === 'principal-missing-tag')!
    const problems = compareFindings(c, [...findings, structuredClone(twice)])
    expect(problems).toHaveLength(1)
    expect(problems[0]).toMatch(/^duplicated finding \(2 times\): principal-missing-tag \| arn:aws:iam::111111111111:user\/maria \| team \| /)
    // Same rule and subject but other message data: not a duplicate.
    const other = { ...structuredClone(twice), data: { ...twice.data, extra: 'x' } }
    expect(compareFindings(c, [...findings, other])).toEqual([])
  })

  it('reports an expected error code that did not occur', async () => {
    const r = await runRuleCase({ ...base(), expectErrors: ['invalid-json'] })
    expect(r.passed).toBe(false)
    expect(r.problems).toEqual(['expected an error with code invalid-json; got none'])
  })
})
