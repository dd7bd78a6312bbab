/**
 * IAM Identity Center in IaC (issue 16, item 5): permission sets and the instance's attributes for access
 * control in CloudFormation (YAML and JSON), a CDK cloud assembly, a Terraform plan and Terraform sources,
 * judged by rule identity-center-session-tags.
 */
import { copyFileSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import addFormatsModule from 'ajv-formats'
import { describe, expect, it } from 'vitest'
import { loadRulesConfig } from '../../src/config/load.js'
import type { ScanReport } from '../../src/model/finding.js'
import { runScan } from '../../src/pipeline/scan.js'
import { renderSarif } from '../../src/report/sarif.js'
import { reportRules } from '../../src/report/report-rule.js'
import { RULE_META } from '../../src/rules/index.js'
import { iacSource } from '../../src/sources/iac.js'
import { FIXTURES, NOW, REPO, REQUIRED_TAG_KEYS, inventories, tempTree } from './helpers.js'

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv
const RULE = 'identity-center-session-tags'
const bundled = loadRulesConfig({ builtins: RULE_META })
const config = { ...bundled, rules: bundled.rules.filter((r) => r.base === RULE) }
const DIR = join(FIXTURES, 'identity-center')
const rel = (p: string): string => p.slice(REPO.length + 1)

async function scan(paths: string[], basePath = REPO, inlineSuppressions?: boolean): Promise<ScanReport> {
  return runScan({ config, sources: [iacSource(paths, { basePath, requiredTagKeys: REQUIRED_TAG_KEYS, ...(inlineSuppressions === false ? { inlineSuppressions } : {}) })], now: NOW })
}

/** `messageId name file:line`, sorted. */
function found(r: ScanReport): string[] {
  return r.findings
    .filter((f) => f.ruleId === RULE)
    .map((f) => `${f.messageId} ${f.subject.name} ${f.subject.file}:${f.subject.line}`)
    .sort()
}

/** `resource: reason` of the notEvaluated entries about permission sets. */
function notEvaluated(r: ScanReport): string[] {
  return r.summary.notEvaluated.map((n) => `${n.resource}: ${n.reason}`)
}

const INSTANCE = 'arn:aws:sso:::instance/ssoins-7223a1b2c3d4e5f6'

/** A template with one permission set and, unless `abac` is undefined, an ABAC configuration (YAML lines). */
function template(permissionSet: string, abac?: string): string {
  const lines = ['Resources:']
  if (abac !== undefined) {
    lines.push('  Abac:', '    Type: AWS::SSO::InstanceAccessControlAttributeConfiguration', '    Properties:', `      InstanceArn: ${INSTANCE}`, abac)
  }
  lines.push('  Users:', '    Type: AWS::SSO::PermissionSet', '    Properties:', '      Name: Users', `      InstanceArn: ${INSTANCE}`, permissionSet)
  return lines.join('\n') + '\n'
}

const attrs = (...keys: string[]): string =>
  keys.length === 0 ? '      AccessControlAttributes: []' : ['      AccessControlAttributes:', ...keys.flatMap((k) => [`        - Key: ${k}`, '          Value:', "            Source: ['${path:enterprise.department}']"])].join('\n')
const nested = (...keys: string[]): string =>
  ['      InstanceAccessControlAttributeConfiguration:', '        AccessControlAttributes:', ...keys.flatMap((k) => [`          - Key: ${k}`, '            Value:', "              Source: ['${path:enterprise.department}']"])].join('\n')

const BEDROCK_MANAGED = '      ManagedPolicies: [arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess]'
const BEDROCK_INLINE_STRING = `      InlinePolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"bedrock:InvokeModel","Resource":"*"}]}'`
const READ_ONLY = '      ManagedPolicies: [arn:aws:iam::aws:policy/SecurityAudit]'

describe('CloudFormation permission sets against the attributes for access control of the same template', () => {
  const cases: Array<{ name: string; ps: string; abac?: string; findings: string[]; notEvaluated?: RegExp }> = [
    { name: 'team mapped: no finding', ps: BEDROCK_MANAGED, abac: attrs('team', 'email'), findings: [] },
    { name: 'Team mapped where team is required: a near miss, named', ps: BEDROCK_MANAGED, abac: attrs('Team'), findings: ['nearMiss Users'] },
    { name: 'deprecated nested form, team mapped: no finding', ps: BEDROCK_MANAGED, abac: nested('team'), findings: [] },
    { name: 'deprecated nested form, TEAM mapped: a near miss', ps: BEDROCK_MANAGED, abac: nested('TEAM'), findings: ['nearMiss Users'] },
    { name: 'no attribute at all: no usable mapping', ps: BEDROCK_MANAGED, abac: attrs(), findings: ['abacDisabled Users'] },
    { name: 'other keys only: team missing', ps: BEDROCK_INLINE_STRING, abac: attrs('email'), findings: ['missing Users'] },
    { name: 'not Bedrock-capable: nothing, whatever the mapping', ps: READ_ONLY, abac: attrs('email'), findings: [] },
    {
      name: 'ABAC not in the template: a note, not a pass',
      ps: BEDROCK_MANAGED,
      findings: [],
      notEvaluated: /^Users: Bedrock-capable permission set Users: the attributes for access control of arn:aws:sso:::instance\/ssoins-7223a1b2c3d4e5f6 were not read \(they are not defined in .*\.yaml;/,
    },
    {
      name: 'ABAC attributes known only at deploy time: a note',
      ps: BEDROCK_MANAGED,
      abac: '      AccessControlAttributes: !Ref Attributes',
      findings: [],
      notEvaluated: /^Users: Bedrock-capable permission set Users: .* were not read \(the attributes for access control of Abac \(.*\) is known only at deploy time\)$/,
    },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const text = template(c.ps, c.abac)
      const dir = tempTree({ 'template.yaml': text })
      const r = await scan([dir], dir)
      expect(found(r).map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(c.findings)
      // The finding is on the permission set resource's line.
      const line = text.split('\n').indexOf('  Users:') + 1
      for (const f of r.findings) expect(`${f.subject.file}:${f.subject.line}:${f.subject.logicalId}`).toBe(`template.yaml:${line}:Users`)
      const notes = notEvaluated(r)
      if (c.notEvaluated) expect(notes.some((n) => c.notEvaluated!.test(n)), notes.join('\n')).toBe(true)
      else expect(notes).toEqual([])
      expect(r.errors).toEqual([])
    })
  }

  it('ABAC defined for another instance only: the permission set is not judged against it', async () => {
    const other = template(BEDROCK_MANAGED, attrs('email')).replace(`InstanceArn: ${INSTANCE}\n      AccessControl`, 'InstanceArn: arn:aws:sso:::instance/ssoins-0000aaaa1111bbbb\n      AccessControl')
    const dir = tempTree({ 'template.yaml': other })
    const r = await scan([dir], dir)
    expect(found(r)).toEqual([])
    expect(notEvaluated(r)).toEqual([
      expect.stringMatching(/^Users: .*not defined in template\.yaml, which defines them for arn:aws:sso:::instance\/ssoins-0000aaaa1111bbbb only;/),
    ])
  })

  it('names the near miss and the exact edit in the message and the fix', async () => {
    const dir = tempTree({ 'template.yaml': template(BEDROCK_MANAGED, attrs('Team')) })
    const [f] = (await scan([dir], dir)).findings
    expect(f?.message).toContain('maps `Team`, not `team`')
    expect(f?.fix).toBe('In Abac (template.yaml:2), rename the AccessControlAttributes key Team to team (Key: team): session tag keys are case-sensitive.')
    expect(f?.subject).toMatchObject({ kind: 'permission-set', name: 'Users', tagKey: 'team', logicalId: 'Users' })
  })

  it('gives the attribute to add when none matches', async () => {
    const dir = tempTree({ 'template.yaml': template(BEDROCK_MANAGED, attrs('email')) })
    const [f] = (await scan([dir], dir)).findings
    expect(f?.fix).toBe("Add to the AccessControlAttributes of Abac (template.yaml:2):\n  - Key: team\n    Value:\n      Source:\n        - '${path:enterprise.department}'")
  })

  it('honours an inline suppression on the permission set, unless inline suppressions are off', async () => {
    const t = template(BEDROCK_MANAGED, attrs('Team')).replace('    Type: AWS::SSO::PermissionSet\n', `    Type: AWS::SSO::PermissionSet\n    Metadata:\n      tagwarden:\n        ignore:\n          - { rule: ${RULE}, reason: "ABAC is being migrated (TICKET-1)" }\n`)
    const dir = tempTree({ 'template.yaml': t })
    const [f] = (await scan([dir], dir)).findings
    expect(f?.suppressed).toMatchObject({ kind: 'inline', reason: 'ABAC is being migrated (TICKET-1)' })
    // --no-inline-suppressions: a pull request's author cannot hide the finding.
    const [g] = (await scan([dir], dir, false)).findings
    expect(g?.suppressed).toBeUndefined()
  })
})

describe('the CloudFormation fixtures', () => {
  it('flags the Bedrock-capable permission sets (inline JSON string, AWS managed under a boundary, customer managed defined in the template)', async () => {
    const r = await scan([join(DIR, 'cloudformation/permission-sets.yaml')])
    const file = rel(join(DIR, 'cloudformation/permission-sets.yaml'))
    expect(found(r)).toEqual([`nearMiss BedrockAnalysts ${file}:24`, `nearMiss BedrockBuilders ${file}:32`, `nearMiss BedrockByReference ${file}:53`])
    // Auditors is read-only; its customer managed policy defined elsewhere is said. Bounded's boundary allows no Bedrock.
    expect(r.summary.notEvaluated).toEqual([
      { file, resource: 'Auditors', reason: 'customer managed policy /audit-extras of permission set Auditors is not defined in this template or plan, so its document is unknown; it grants nothing here' },
    ])
    expect(r.errors).toEqual([])
  })

  it('is silent for a JSON template mapping team in the deprecated nested form', async () => {
    const r = await scan([join(DIR, 'cloudformation/abac-mapped.json')])
    expect(r.findings).toEqual([])
    expect(r.summary.notEvaluated).toEqual([])
  })

  it('says a Bedrock-capable permission set was not evaluated when the ABAC configuration is elsewhere', async () => {
    const r = await scan([join(DIR, 'cloudformation/abac-elsewhere.yaml')])
    expect(r.findings).toEqual([])
    expect(r.summary.notEvaluated).toEqual([
      expect.objectContaining({ file: rel(join(DIR, 'cloudformation/abac-elsewhere.yaml')), resource: 'BedrockUsers', reason: expect.stringContaining('Bedrock-capable permission set BedrockUsers') }),
    ])
  })

  it('keeps two templates of one instance apart: each permission set is judged against its own template', async () => {
    const r = await scan([join(DIR, 'cloudformation/abac-mapped.json'), join(DIR, 'cloudformation/abac-elsewhere.yaml')])
    expect(r.findings).toEqual([])
    expect(r.summary.notEvaluated.map((n) => n.resource)).toEqual(['BedrockUsers'])
  })

  it('reads the CDK cloud assembly: the finding carries the construct path', async () => {
    const r = await scan([join(DIR, 'cdk/cdk.out')])
    const file = rel(join(DIR, 'cdk/cdk.out/IdentityCenterStack.template.json'))
    expect(found(r)).toEqual([`nearMiss BedrockAnalysts ${file}:30`])
    expect(r.findings[0]?.subject.constructPath).toBe('IdentityCenterStack/BedrockAnalysts')
    expect(r.findings[0]?.fix).toContain(`In IdentityCenterStack/Abac (${file}:3)`)
  })
})

describe('Terraform', () => {
  const planDir = join(DIR, 'terraform')
  const tf = rel(join(planDir, 'main.tf'))
  const FLAGGED = [`nearMiss BedrockAnalysts ${tf}:50`, `nearMiss BedrockBuilders ${tf}:70`, `nearMiss BedrockByReference ${tf}:99`, `nearMiss LegacyBedrock ${tf}:134`]
  const AUDITORS = { file: tf, resource: 'aws_ssoadmin_permission_set.auditors', reason: 'customer managed policy /audit-extras of permission set Auditors is not defined in this template or plan, so its document is unknown; it grants nothing here' }

  it('flags the plan\'s Bedrock-capable permission sets on their .tf lines (inline policy, managed + boundary, customer managed, an unchanged one)', async () => {
    const r = await scan([join(planDir, 'plan.json')])
    expect(found(r)).toEqual(FLAGGED)
    expect(r.summary.notEvaluated).toEqual([AUDITORS])
    expect(r.findings.find((f) => f.subject.name === 'LegacyBedrock')?.subject.arn).toBe('arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0a1b2c3d4e5f6a7b')
    expect(r.findings[0]?.fix).toBe(`In aws_ssoadmin_instance_access_control_attributes.this (${tf}:33), rename the attribute key "Team" to "team" (key = "team"): session tag keys are case-sensitive.`)
    expect(r.errors).toEqual([])
  })

  /** The plan with its ABAC resource changed by `edit` (undefined: removed), next to a copy of main.tf. */
  async function planWith(edit: ((attribute: Array<{ key: string; value: unknown[] }>) => Array<{ key: string; value: unknown[] }>) | undefined): Promise<{ r: ScanReport; dir: string }> {
    const plan = JSON.parse(readFileSync(join(planDir, 'plan.json'), 'utf8')) as { resource_changes: Array<{ type: string; change: { after: { attribute: Array<{ key: string; value: unknown[] }> } } }> }
    const abac = plan.resource_changes.findIndex((rc) => rc.type === 'aws_ssoadmin_instance_access_control_attributes')
    if (edit) plan.resource_changes[abac]!.change.after.attribute = edit(plan.resource_changes[abac]!.change.after.attribute)
    else plan.resource_changes.splice(abac, 1)
    const dir = tempTree({ 'plan.json': JSON.stringify(plan) })
    copyFileSync(join(planDir, 'main.tf'), join(dir, 'main.tf'))
    return { r: await scan([join(dir, 'plan.json')], dir), dir }
  }

  const names = ['BedrockAnalysts', 'BedrockBuilders', 'BedrockByReference', 'LegacyBedrock']
  const cases: Array<{ name: string; edit: Parameters<typeof planWith>[0]; findings: string[]; notes: number }> = [
    { name: 'team mapped: no finding', edit: (a) => a.map((x) => (x.key === 'Team' ? { ...x, key: 'team' } : x)), findings: [], notes: 0 },
    { name: 'team missing', edit: (a) => a.filter((x) => x.key !== 'Team'), findings: names.map((n) => `missing ${n}`), notes: 0 },
    { name: 'no attribute: no usable mapping', edit: () => [], findings: names.map((n) => `abacDisabled ${n}`), notes: 0 },
    { name: 'no ABAC resource in the plan: notes for the capable permission sets', edit: undefined, findings: [], notes: 4 },
  ]
  for (const c of cases) {
    it(c.name, async () => {
      const { r } = await planWith(c.edit)
      expect(found(r).map((f) => f.split(' ').slice(0, 2).join(' '))).toEqual(c.findings)
      const capableNotes = r.summary.notEvaluated.filter((n) => /^Bedrock-capable permission set/.test(n.reason))
      expect(capableNotes).toHaveLength(c.notes)
      for (const n of capableNotes) expect(n).toMatchObject({ file: 'main.tf', resource: expect.stringMatching(/^aws_ssoadmin_permission_set\./) })
    })
  }

  it('reads the same configuration from its sources, without a plan', async () => {
    const dir = tempTree({ 'main.tf': readFileSync(join(planDir, 'main.tf'), 'utf8') })
    const r = await scan([dir], dir)
    expect(found(r)).toEqual(FLAGGED.map((f) => f.replace(tf, 'main.tf')))
    expect(r.summary.notEvaluated).toEqual([{ ...AUDITORS, file: 'main.tf' }])
  })

  it('says what an attachment names that the plan does not define', async () => {
    const plan = JSON.parse(readFileSync(join(planDir, 'plan.json'), 'utf8')) as { resource_changes: Array<{ address: string }> }
    plan.resource_changes = plan.resource_changes.filter((rc) => rc.address !== 'aws_ssoadmin_permission_set.legacy')
    const dir = tempTree({ 'plan.json': JSON.stringify(plan) })
    const r = await scan([join(dir, 'plan.json')], dir)
    expect(r.summary.notes).toContain(
      'plan.json: aws_ssoadmin_managed_policy_attachment.legacy applies to permission set arn:aws:sso:::permissionSet/ssoins-7223a1b2c3d4e5f6/ps-0a1b2c3d4e5f6a7b, which this plan does not create or change; not evaluated',
    )
  })
})

describe('inventory and report shape', () => {
  it('records the permission sets on the inventory, with their policies resolved', async () => {
    const { inventories: invs, errors } = await inventories([join(DIR, 'cloudformation/permission-sets.yaml')])
    expect(errors).toEqual([])
    const ic = invs[0]?.iac.identityCenter
    expect(ic?.instances).toHaveLength(1)
    const inst = ic!.instances[0]!
    expect(inst).toMatchObject({ arn: INSTANCE, id: 'ssoins-7223a1b2c3d4e5f6', abac: { state: 'enabled' }, iac: { format: 'cloudformation', abacResource: { id: 'Abac', line: 10 } } })
    const byName = new Map(inst.permissionSets.map((p) => [p.name, p]))
    expect(byName.get('BedrockBuilders')).toMatchObject({ managedPolicyArns: ['arn:aws:iam::aws:policy/AmazonBedrockLimitedAccess'], boundary: { managedPolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' } })
    expect(byName.get('BedrockByReference')?.customerManagedPolicyDocuments).toEqual([{ name: 'bedrock-invoke', path: '/sso/', document: expect.any(Object) }])
    expect(byName.get('Bounded')?.boundary).toMatchObject({ customerManagedPolicyReference: { name: 'no-bedrock', path: '/sso/' }, document: expect.any(Object) })
    expect(byName.get('BedrockAnalysts')?.inlinePolicy?.statements).toHaveLength(1)
  })

  it('puts the SARIF result on the permission set resource\'s line', async () => {
    const report = await scan([join(DIR, 'cloudformation/permission-sets.yaml')])
    const log = JSON.parse(renderSarif(report, reportRules(report, config.rules)).text) as {
      runs: Array<{ results: Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } }; logicalLocations?: Array<{ fullyQualifiedName: string }> }> }> }>
    }
    const results = log.runs[0]!.results
    expect(results).toHaveLength(3)
    const first = results.find((x) => x.locations[0]?.logicalLocations?.[0]?.fullyQualifiedName === 'BedrockAnalysts')
    expect(first?.locations[0]?.physicalLocation).toEqual({ artifactLocation: { uri: rel(join(DIR, 'cloudformation/permission-sets.yaml')) }, region: { startLine: 24, startColumn: 3 } })
  })

  it('validates against schemas/report.schema.json (permission-set subjects in templates, plans and a CDK assembly)', async () => {
    const report = JSON.parse(JSON.stringify(await scan([DIR]))) as { findings: Array<{ subject: { kind: string } }> }
    expect(report.findings.filter((f) => f.subject.kind === 'permission-set').length).toBeGreaterThan(5)
    const ajv = new Ajv({ allErrors: true, strict: false })
    addFormats(ajv)
    const validate = ajv.compile(JSON.parse(readFileSync(join(REPO, 'schemas/report.schema.json'), 'utf8')) as object)
    expect(validate(report) ? [] : validate.errors).toEqual([])
  })

  it('writes the fixture plan the way `terraform show -json` does (format 1.x, configuration references)', () => {
    const plan = JSON.parse(readFileSync(join(DIR, 'terraform/plan.json'), 'utf8')) as { format_version: string; configuration: { root_module: { resources: Array<{ address: string; expressions: Record<string, unknown> }> } } }
    expect(plan.format_version).toMatch(/^1\.\d+$/)
    const attach = plan.configuration.root_module.resources.find((r) => r.address === 'aws_ssoadmin_permission_set_inline_policy.bedrock_analysts')
    expect(attach?.expressions.permission_set_arn).toEqual({ references: ['aws_ssoadmin_permission_set.bedrock_analysts.arn', 'aws_ssoadmin_permission_set.bedrock_analysts'] })
  })
})
