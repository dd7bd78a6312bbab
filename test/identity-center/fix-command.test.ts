/**
 * identity-center-session-tags: the fix command keeps the instance's other attributes, whose sources come from
 * the data, shell-quoted (a `'` in a source ends a hand-made '…' argument).
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadRuleCase, runRuleCase } from '../../src/testing/rule-cases.js'

const CASE = join(import.meta.dirname, '../rules/cases/identity-center-session-tags/flags-permission-set-when-team-is-not-mapped.yaml')

describe('identity-center-session-tags fix command', () => {
  it('shell-quotes the attribute configuration', async () => {
    const c = loadRuleCase(CASE)
    const abac = c.inputs.find((i) => i.path.endsWith('describe-instance-access-control-attribute-configuration.json'))!
    abac.content = { Status: 'ENABLED', InstanceAccessControlAttributeConfiguration: { AccessControlAttributes: [{ Key: 'email', Value: { Source: ["it's; rm -rf ~"] } }] } }
    const r = await runRuleCase(c)
    const fix = r.report!.findings.find((f) => f.ruleId === 'identity-center-session-tags')!.fix!
    expect(fix).toContain(`--instance-access-control-attribute-configuration '{"AccessControlAttributes":[{"Key":"email","Value":{"Source":["it'\\''s; rm -rf ~"]}}`)
  })
})
