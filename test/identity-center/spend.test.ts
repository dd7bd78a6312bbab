/**
 * Spend ownership: with CUR 2.0, the untagged Bedrock spend of a permission set's AWSReservedSSO_* sessions is
 * carried by its identity-center-session-tags finding (the ledger's `session-tags-not-passed`), not reported
 * again by principal-unattributed-spend.
 */
import { describe, expect, it } from 'vitest'
import { fileURLToPath } from 'node:url'
import { loadRuleCase, runRuleCase } from '../../src/testing/rule-cases.js'

const CASE = fileURLToPath(new URL('../rules/cases/identity-center-session-tags/flags-and-owns-the-spend-of-its-sessions.yaml', import.meta.url))

describe('identity-center-session-tags and the bill', () => {
  it('puts the sessions\' spend on the permission set finding and owns it in the ledger', async () => {
    const result = await runRuleCase(loadRuleCase(CASE))
    expect(result.problems).toEqual([])
    const report = result.report!
    const f = report.findings.find((x) => x.ruleId === 'identity-center-session-tags')!
    expect(f.spend).toMatchObject({ total: 150, unattributed: 150, currency: 'USD' })
    expect(f.spend?.recoverable).toBe(150)
    expect(f.spend?.cause).toBe('session-tags-not-passed')
    expect(report.findings.filter((x) => x.ruleId === 'principal-unattributed-spend')).toEqual([])
  })
})
