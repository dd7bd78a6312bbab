/** A gate pointed at a path with no IaC must not pass silently; a PR that changed no template must. */
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { REPO, scanIac } from './helpers.js'

describe('--iac on a path without templates', () => {
  it('is an incomplete result (iac-not-scannable) naming the path', async () => {
    const report = await scanIac([join(REPO, 'package.json')])
    expect(report.errors.map((e) => e.code)).toEqual(['iac-not-scannable'])
    expect(report.errors[0]!.message).toMatch(/package\.json is not IaC/)
    const folder = await scanIac([join(REPO, 'docs/rules')])
    expect(folder.errors.map((e) => e.code)).toEqual(['iac-not-scannable'])
    expect(folder.errors[0]!.message).toMatch(/docs\/rules: no CloudFormation template, CDK cloud assembly \(with stacks\), Terraform plan JSON or Terraform sources found/)
  })

  it('is not an error when the path does hold templates', async () => {
    const report = await scanIac([join(REPO, 'examples/iac/cloudformation')])
    expect(report.errors).toEqual([])
  })
})
