import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import type { IamGroup, IamRole, IamUser } from '../../src/model/inventory.js'
import type { IacInventory } from '../../src/scanners/iac/model.js'
import { parseTemplateText } from '../../src/scanners/iac/cfn/parse.js'
import { templateToInventory } from '../../src/scanners/iac/cfn/template.js'
import { planToInventory } from '../../src/scanners/iac/terraform/plan.js'
import { RESOURCE_HANDLERS, cfnHandler, tfHandler } from '../../src/scanners/iac/resources/registry.js'
import { SAM_ROLE_KINDS } from '../../src/scanners/iac/cfn/sam.js'

/** The resource types docs/iac.md ("Resources read") says tagwarden reads. */
function documentedTypes(): { cfn: string[]; tf: string[] } {
  const doc = readFileSync(new URL('../../docs/iac.md', import.meta.url), 'utf8')
  const table = doc.slice(doc.indexOf('### Resources read'), doc.indexOf('AWS managed policies are resolved'))
  const names = [...table.matchAll(/`([A-Za-z0-9_:]+)`/g)].map((m) => m[1] as string)
  return {
    cfn: [...new Set(names.filter((n) => /^(AWS::[A-Za-z0-9]+|Custom)::[A-Za-z0-9]+$/.test(n)))],
    // `aws_iam_policy_document` is a data source, read through the references that use it.
    tf: [...new Set(names.filter((n) => /^aws_(iam|ssoadmin)_[a-z_]+$/.test(n) && n !== 'aws_iam_policy_document'))],
  }
}

describe('IaC resource handler registry', () => {
  it('has one handler for each documented CloudFormation and Terraform type, and none undocumented', () => {
    const documented = documentedTypes()
    // SAM resources are read through the role the SAM transform generates (cfn/sam.ts), not by a handler.
    const sam = Object.keys(SAM_ROLE_KINDS)
    expect(documented.cfn).toEqual(expect.arrayContaining(sam))
    const { tf } = documented
    const cfn = documented.cfn.filter((t) => !sam.includes(t))
    expect(cfn.length).toBeGreaterThan(5)
    expect(tf.length).toBeGreaterThan(5)
    const cfnTypes = RESOURCE_HANDLERS.flatMap((h) => (h.cfnType ? [h.cfnType] : []))
    const tfTypes = RESOURCE_HANDLERS.flatMap((h) => (h.tfType ? [h.tfType] : []))
    expect(cfnTypes.length).toBe(new Set(cfnTypes).size)
    expect(tfTypes.length).toBe(new Set(tfTypes).size)
    expect([...cfnTypes].sort()).toEqual([...cfn].sort())
    expect([...tfTypes].sort()).toEqual([...tf].sort())
    for (const t of cfn) expect(cfnHandler(t)?.cfnType).toBe(t)
    for (const t of tf) expect(tfHandler(t)?.tfType).toBe(t)
  })

  it('gives every handler a step (or an ARN that references resolve to) and maps only the properties it reads per format', () => {
    for (const h of RESOURCE_HANDLERS) {
      expect(Object.keys(h.steps).length + (h.arn ? 1 : 0), h.cfnType ?? h.tfType).toBeGreaterThan(0)
      if (!h.cfnType) expect(h.props.cfn).toEqual({})
      if (!h.tfType) expect(h.props.tf).toEqual({})
    }
  })
})

const POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'bedrock:InvokeModel', Resource: '*' }] }
const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] }
const BOUNDARY = 'arn:aws:iam::aws:policy/PowerUserAccess'
const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess'

/** The same IAM graph as a CloudFormation template… */
const TEMPLATE = JSON.stringify({
  Resources: {
    Invoke: { Type: 'AWS::IAM::ManagedPolicy', Properties: { ManagedPolicyName: 'invoke', PolicyDocument: POLICY } },
    Worker: {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'worker',
        Path: '/apps/',
        AssumeRolePolicyDocument: TRUST,
        Tags: [{ Key: 'team', Value: 'search' }],
        PermissionsBoundary: BOUNDARY,
        Policies: [{ PolicyName: 'own', PolicyDocument: POLICY }],
        ManagedPolicyArns: [READ_ONLY, { Ref: 'Invoke' }],
      },
    },
    Analysts: { Type: 'AWS::IAM::Group', Properties: { GroupName: 'analysts' } },
    Alice: { Type: 'AWS::IAM::User', Properties: { UserName: 'alice', Tags: [{ Key: 'team', Value: 'research' }] } },
    AliceInAnalysts: { Type: 'AWS::IAM::UserToGroupAddition', Properties: { GroupName: 'analysts', Users: ['alice'] } },
    AnalystsPolicy: { Type: 'AWS::IAM::GroupPolicy', Properties: { GroupName: 'analysts', PolicyName: 'shared', PolicyDocument: POLICY } },
    ExtraPolicy: { Type: 'AWS::IAM::RolePolicy', Properties: { RoleName: 'worker', PolicyName: 'extra', PolicyDocument: POLICY } },
  },
})

/** …and as a Terraform plan. */
function plan(): unknown {
  const rc = (type: string, name: string, after: Record<string, unknown>, expressions: Record<string, unknown> = {}) => ({
    change: { address: `${type}.${name}`, mode: 'managed', type, name, change: { actions: ['create'], after, after_unknown: {} } },
    config: { address: `${type}.${name}`, mode: 'managed', type, name, expressions },
  })
  const json = (v: unknown): string => JSON.stringify(v)
  const all = [
    rc('aws_iam_policy', 'invoke', { name: 'invoke', path: '/', policy: json(POLICY) }),
    rc(
      'aws_iam_role',
      'worker',
      {
        name: 'worker',
        path: '/apps/',
        assume_role_policy: json(TRUST),
        tags: { team: 'search' },
        tags_all: { team: 'search' },
        permissions_boundary: BOUNDARY,
        inline_policy: [{ name: 'own', policy: json(POLICY) }],
        managed_policy_arns: [READ_ONLY, 'arn:aws:iam::000000000000:policy/invoke'],
      },
      { inline_policy: [{}], managed_policy_arns: {} },
    ),
    rc('aws_iam_group', 'analysts', { name: 'analysts', path: '/' }),
    rc('aws_iam_user', 'alice', { name: 'alice', path: '/', tags: { team: 'research' }, tags_all: { team: 'research' }, permissions_boundary: '' }),
    rc('aws_iam_user_group_membership', 'alice', { user: 'alice', groups: ['analysts'] }),
    rc('aws_iam_group_policy', 'shared', { group: 'analysts', name: 'shared', policy: json(POLICY) }),
    rc('aws_iam_role_policy', 'extra', { role: 'worker', name: 'extra', policy: json(POLICY) }),
  ]
  return {
    format_version: '1.2',
    resource_changes: all.map((r) => r.change),
    configuration: { root_module: { resources: all.map((r) => r.config) } },
  }
}

/** The graph nodes without what only says where they come from. */
function nodes(inv: IacInventory): { roles: unknown[]; users: unknown[]; groups: IamGroup[]; managed: unknown[] } {
  const strip = ({ origin: _o, ...rest }: IamRole | IamUser) => rest
  return {
    roles: inv.roles.map(strip),
    users: inv.users.map(strip),
    groups: inv.groups,
    managed: [...inv.managedPolicies.values()],
  }
}

describe('IaC resource handlers', () => {
  it('build identical graph nodes from equivalent CloudFormation and Terraform property bags', async () => {
    const root = parseTemplateText(TEMPLATE).documents[0]
    if (!root) throw new Error('template did not parse')
    const cfn = templateToInventory({ root, file: 't.json', key: 'k', format: 'cloudformation', requiredTagKeys: ['team'] })
    const members = { ...(plan() as object), keys: ['format_version', 'resource_changes', 'configuration'] }
    const tf = await planToInventory({ members, file: 'plan.json', absFile: '/nonexistent/plan.json', key: 'k', basePath: '/nonexistent', changedOnly: false, requiredTagKeys: ['team'] })
    expect(cfn.errors).toEqual([])
    expect(tf.errors).toEqual([])
    if (!tf.inventory) throw new Error('no plan inventory')
    const a = nodes(cfn.inventory)
    const b = nodes(tf.inventory)
    expect(a.roles).toHaveLength(1)
    expect(a.users).toHaveLength(1)
    expect(a.roles[0]).toMatchObject({ name: 'worker', permissionsBoundaryArn: BOUNDARY, attachedPolicyArns: [READ_ONLY, 'arn:aws:iam::000000000000:policy/invoke'] })
    expect((a.roles[0] as IamRole).inlinePolicies.map((p) => p.name)).toEqual(['own', 'extra'])
    expect(a.users[0]).toMatchObject({ name: 'alice', groups: ['analysts'] })
    expect(a.groups[0]?.inlinePolicies.map((p) => p.name)).toEqual(['shared'])
    expect(b).toEqual(a)
    expect(cfn.inventory.iac.notEvaluated).toEqual([])
    expect(tf.inventory.iac.notEvaluated).toEqual([])
  })
})
