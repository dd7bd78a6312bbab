/**
 * JUnit XML reporter, for CI systems that display test reports (GitLab `artifacts:reports:junit`,
 * Jenkins, test-report actions). One `<testsuite>` per rule; one failing `<testcase>` per
 * (rule, subject) with findings; one passing `<testcase>` for a rule that found nothing. Suppressed
 * and baselined findings are `<skipped>` so the report agrees with the gate. Input errors get a
 * suite of their own with `<error>` cases. Uses the attribute subset common to Ant/Jenkins/GitLab.
 */
import { escapeControl } from '../util/escape.js'
import type { Finding, ScanReport } from '../model/finding.js'
import { subjectIdentity } from '../model/fingerprint.js'
import type { ReportRule } from './report-rule.js'
import { subjectLabel } from './locations.js'

/** XML 1.0 text/attribute escaping; characters XML cannot carry at all are dropped. */
export function xmlEscape(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex -- the point is to drop control characters XML 1.0 forbids
    .replace(/[^\u0009\u000A\u000D\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a)
    .map(([k, v]) => ` ${k}="${xmlEscape(escapeControl(String(v)))}"`)
    .join('')
}

interface Case {
  name: string
  findings: Finding[]
}

/** Groups a rule's findings by subject (several tag keys on one principal are one test case). */
function casesOf(findings: readonly Finding[]): Case[] {
  const bySubject = new Map<string, Case>()
  for (const f of findings) {
    // A principal's tag keys are not separate subjects here: one principal is one test case.
    const subject = f.subject.kind === 'tag-key' ? f.subject : { ...f.subject, tagKey: undefined }
    const key = `${f.subject.kind}\u0000${subjectIdentity(subject)}\u0000${f.subject.kind === 'api-key' ? (f.subject.name ?? '') : ''}`
    const c = bySubject.get(key) ?? { name: subjectLabel(subject), findings: [] }
    c.findings.push(f)
    bySubject.set(key, c)
  }
  return [...bySubject.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
}

function caseXml(ruleId: string, c: Case): string[] {
  const open = `    <testcase${attrs({ classname: `tagwarden.${ruleId}`, name: c.name, time: 0 })}`
  const failing = c.findings.filter((f) => !f.suppressed && f.baselineState !== 'unchanged')
  if (failing.length > 0) {
    const worst = failing.some((f) => f.severity === 'error') ? 'error' : failing.some((f) => f.severity === 'warning') ? 'warning' : 'note'
    const body = failing.map((f) => `[${f.severity}] ${escapeControl(f.message)}${f.subject.arn ? `\n${escapeControl(f.subject.arn)}` : ''}${f.fix ? `\nFix: ${f.fix.split('\n').map(escapeControl).join('\n')}` : ''}`).join('\n\n')
    return [`${open}>`, `      <failure${attrs({ message: failing[0]!.message, type: worst })}>${xmlEscape(body)}</failure>`, '    </testcase>']
  }
  const f = c.findings[0]!
  const why = f.suppressed ? `suppressed (${f.suppressed.kind}): ${f.suppressed.reason}` : 'in the baseline (unchanged)'
  return [`${open}>`, `      <skipped${attrs({ message: why })}/>`, '    </testcase>']
}

export function formatJunit(report: ScanReport, rules: readonly ReportRule[]): string {
  const ids: string[] = rules.map((r) => r.id)
  for (const f of report.findings) if (!ids.includes(f.ruleId)) ids.push(f.ruleId)
  const notEvaluated = new Map(report.summary.rulesNotEvaluated.map((n) => [n.ruleId, n.reason]))
  const suites: string[] = []
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 }
  const stamp = report.generatedAt.replace(/\.\d+Z$/, '').replace(/Z$/, '')

  for (const id of ids) {
    const cases = casesOf(report.findings.filter((f) => f.ruleId === id))
    const lines: string[] = []
    let failures = 0
    let skipped = 0
    if (cases.length === 0) {
      const reason = notEvaluated.get(id)
      if (reason !== undefined) {
        skipped = 1
        lines.push(`    <testcase${attrs({ classname: `tagwarden.${id}`, name: `${id}: not evaluated`, time: 0 })}>`, `      <skipped${attrs({ message: reason })}/>`, '    </testcase>')
      } else {
        lines.push(`    <testcase${attrs({ classname: `tagwarden.${id}`, name: `${id}: no findings`, time: 0 })}/>`)
      }
    }
    for (const c of cases) {
      const xml = caseXml(id, c)
      if (xml[1]!.includes('<failure')) failures++
      else skipped++
      lines.push(...xml)
    }
    const tests = Math.max(1, cases.length)
    totals.tests += tests
    totals.failures += failures
    totals.skipped += skipped
    suites.push(`  <testsuite${attrs({ name: id, tests, failures, errors: 0, skipped, time: 0, timestamp: stamp })}>`, ...lines, '  </testsuite>')
  }

  if (report.errors.length > 0) {
    totals.tests += report.errors.length
    totals.errors += report.errors.length
    suites.push(`  <testsuite${attrs({ name: 'tagwarden.inputs', tests: report.errors.length, failures: 0, errors: report.errors.length, skipped: 0, time: 0, timestamp: stamp })}>`)
    for (const e of report.errors) {
      suites.push(
        `    <testcase${attrs({ classname: 'tagwarden.inputs', name: `${e.source}${e.subject ? ` ${e.subject}` : ''}`, time: 0 })}>`,
        `      <error${attrs({ message: e.message, type: e.code })}>${xmlEscape(`${escapeControl(e.message)}${e.hint ? `\nhint: ${escapeControl(e.hint)}` : ''}`)}</error>`,
        '    </testcase>',
      )
    }
    suites.push('  </testsuite>')
  }

  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'tagwarden', tests: totals.tests, failures: totals.failures, errors: totals.errors, skipped: totals.skipped, time: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n')
}
