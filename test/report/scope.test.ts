/** The summary's scope line: accounts for snapshots and live scans, templates/plans/assemblies for IaC (issue 18, item 6). */
import { describe, expect, it } from 'vitest'
import type { IacInputCounts, ScanSummary } from '../../src/model/finding.js'
import { scopeLines } from '../../src/report/scope.js'

const NO_IAC: IacInputCounts = { filesRead: 0, templates: 0, plans: 0, assemblies: 0, notTemplates: 0, skippedSymlinks: 0, skippedTooLarge: 0 }

function summary(ids: string[], iac?: Partial<IacInputCounts>, failed = 0): ScanSummary {
  return { accounts: { scanned: ids.length, failed, ids, notCovered: [] }, inputs: { files: 0, errors: 0, ...(iac ? { iac: { ...NO_IAC, ...iac } } : {}) } } as unknown as ScanSummary
}

describe('scopeLines', () => {
  it('says accounts for snapshots and live scans', () => {
    expect(scopeLines(summary(['111111111111', '222222222222'], undefined, 1))).toEqual([{ label: 'accounts', text: '2 scanned, 1 failed' }])
  })

  it('says templates, plans and CDK assemblies for IaC, with what changed under --changed-only', () => {
    expect(scopeLines(summary(['iac:a.yaml', 'iac:plan.json', 'iac:cdk.out/App.template.json', 'iac:cdk.out/Db.template.json'], { templates: 1, plans: 1, assemblies: 1 }))).toEqual([
      { label: 'IaC', text: '1 template, 1 plan, 1 CDK assembly found; 4 scanned' },
    ])
    expect(scopeLines(summary([], { templates: 5, changed: 0 }))).toEqual([{ label: 'IaC', text: '5 templates found, 0 changed' }])
    // A multi-document template: more templates scanned than files changed.
    expect(scopeLines(summary(['iac:a.yaml#1', 'iac:a.yaml#2'], { templates: 5, changed: 1 }))).toEqual([{ label: 'IaC', text: '5 templates found, 1 changed (2 scanned)' }])
    expect(scopeLines(summary(['iac:infra'], {}))).toEqual([{ label: 'IaC', text: 'Terraform sources; 1 scanned' }])
    expect(scopeLines(summary([], {}))).toEqual([{ label: 'IaC', text: '0 templates found; 0 scanned' }])
  })

  it('gives both lines when snapshots and IaC are scanned together', () => {
    expect(scopeLines(summary(['111111111111', 'iac:a.yaml'], { templates: 1 }, 1))).toEqual([
      { label: 'accounts', text: '1 scanned, 1 failed' },
      { label: 'IaC', text: '1 template found; 1 scanned' },
    ])
  })
})
