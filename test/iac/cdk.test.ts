import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { planIac, type IacOrigin } from '../../src/scanners/iac/index.js'
import { EXAMPLES, REPO, findingKeys, inventories, scanIac } from './helpers.js'

const CDK_OUT = join(EXAMPLES, 'cdk/cdk.out')

describe('CDK cloud assembly (examples/iac/cdk/cdk.out, synthesised by aws-cdk-lib)', () => {
  it('reads every stack through manifest.json: stages and nested stacks included, asset files skipped', async () => {
    const plan = await planIac([join(EXAMPLES, 'cdk')], { basePath: REPO })
    expect(plan.errors).toEqual([])
    expect(plan.units.map((u) => [u.stack, u.file])).toEqual([
      ['Prod/AccessStack', 'examples/iac/cdk/cdk.out/assembly-Prod/ProdAccessStackF7E8C7B1.template.json'],
      ['WorkloadsStack', 'examples/iac/cdk/cdk.out/WorkloadsStack.template.json'],
      ['WorkloadsStack/WorkloadsStackJobsB828073F', 'examples/iac/cdk/cdk.out/WorkloadsStackJobsB828073F.nested.template.json'],
    ])
  })

  it('flags exactly the wrong half of the four access patterns, naming constructs', async () => {
    const report = await scanIac([CDK_OUT])
    expect(report.errors).toEqual([])
    expect(findingKeys(report.findings)).toEqual([
      'federated-role-session-name analysts-sso',
      'federated-role-session-tags analysts-sso',
      'gateway-direct-invoke legacy-llm-gateway',
      'gateway-target-session-tags Prod/AccessStack/BedrockShared',
      'gateway-target-source-identity Prod/AccessStack/BedrockShared',
      'principal-missing-tag WorkloadsStack/BatchWorkerRole',
      'principal-missing-tag WorkloadsStack/CiBot',
      'principal-missing-tag WorkloadsStack/Jobs/NightlyReportRole',
    ])
    const nightly = report.findings.find((f) => f.subject.name === 'WorkloadsStack/Jobs/NightlyReportRole')
    expect(nightly?.subject).toMatchObject({
      constructPath: 'WorkloadsStack/Jobs/NightlyReportRole/Resource',
      logicalId: expect.stringMatching(/^NightlyReportRole[0-9A-F]{8}$/),
      file: 'examples/iac/cdk/cdk.out/WorkloadsStackJobsB828073F.nested.template.json',
      line: 3,
      column: 3,
    })
  })

  it('marks the inventory and origins as CDK, with the stack name', async () => {
    const { inventories: invs } = await inventories([CDK_OUT])
    expect(invs.map((i) => i.iac.format)).toEqual(['cdk', 'cdk', 'cdk'])
    const access = invs.find((i) => i.iac.file.includes('assembly-Prod'))
    const gateway = access?.roles.find((r) => r.name === 'llm-gateway-exec')?.origin as IacOrigin
    expect(gateway).toMatchObject({ format: 'cdk', stack: 'Prod/AccessStack', constructPath: 'Prod/AccessStack/LlmGateway/Resource', nameKnown: true })
    // A role without roleName: named by its construct path, its ARN by its logical ID.
    const perUser = access?.roles.find((r) => r.name === 'Prod/AccessStack/BedrockPerUser')
    expect(perUser?.arn).toMatch(/^arn:aws:iam::000000000000:role\/BedrockPerUser[0-9A-F]{8}$/)
    expect((perUser?.origin as IacOrigin).nameKnown).toBe(false)
  })

  it('accepts a single stack template passed on its own', async () => {
    const report = await scanIac([join(CDK_OUT, 'WorkloadsStack.template.json')])
    expect(findingKeys(report.findings)).toEqual(['principal-missing-tag WorkloadsStack/BatchWorkerRole', 'principal-missing-tag WorkloadsStack/CiBot'])
  })
})
