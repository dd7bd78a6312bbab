import { beforeAll, describe, expect, it } from 'vitest'
import type { ScanReport, Severity } from '../../src/model/finding.js'
import { escapeData, escapeProperty, formatGithub } from '../../src/report/github.js'
import type { ReportRule } from '../../src/report/report-rule.js'
import { renderReport } from '../../src/report/index.js'
import { formatJunit, xmlEscape } from '../../src/report/junit.js'
import { subjectLabel } from '../../src/report/locations.js'
import { findingSpendCell } from '../../src/report/reading-order.js'
import { formatMarkdown, renderMarkdown } from '../../src/report/markdown.js'
import { mdText } from '../../src/report/markdown-text.js'
import { formatHtml, HTML_MAX_ROWS } from '../../src/report/html.js'
import { formatText } from '../../src/report/text.js'
import { finding, reportWith, scanDemo } from './helpers.js'

let demo: ScanReport
let rules: ReportRule[]

beforeAll(async () => {
  ;({ report: demo, rules } = await scanDemo())
})

interface XmlNode {
  name: string
  attrs: Record<string, string>
  children: XmlNode[]
  text: string
}

/** A strict little XML reader: enough to prove well-formedness and read the JUnit structure. */
function parseXml(xml: string): XmlNode {
  const body = xml.replace(/^<\?xml[^?]*\?>\s*/, '')
  const root: XmlNode = { name: '#root', attrs: {}, children: [], text: '' }
  const stack = [root]
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/gy
  let m: RegExpExecArray | null
  let pos = 0
  while ((m = re.exec(body))) {
    pos = re.lastIndex
    const [, close, name, attrText, selfClose, text] = m
    const top = stack[stack.length - 1]!
    if (text !== undefined) {
      expect(text).not.toMatch(/&(?!(amp|lt|gt|quot|apos);)/)
      top.text += text
      continue
    }
    if (close) {
      expect(top.name).toBe(name)
      stack.pop()
      continue
    }
    const attrs: Record<string, string> = {}
    for (const a of attrText!.matchAll(/([\w:.-]+)="([^"]*)"/g)) attrs[a[1]!] = a[2]!
    const node: XmlNode = { name: name!, attrs, children: [], text: '' }
    top.children.push(node)
    if (!selfClose) stack.push(node)
  }
  expect(pos).toBe(body.length)
  expect(stack).toHaveLength(1)
  expect(root.children).toHaveLength(1)
  return root.children[0]!
}

it('scans the demo without input errors (the golden files below would pin them, with this machine\'s paths)', () => {
  expect(demo.errors).toEqual([])
})

describe('markdown', () => {
  it('summarises the demo: counts per rule and account, top findings, collapsible details', () => {
    const md = formatMarkdown(demo, rules)
    const count = (sev: Severity, of = demo.findings): number => of.filter((f) => f.severity === sev).length
    expect(count('error')).toBeGreaterThan(0)
    expect(md).toMatch(new RegExp(`^## tagwarden: ${count('error')} errors, ${count('warning')} warnings, ${count('note')} notes\n`))
    expect(md).toContain('| [`principal-missing-tag`](https://github.com/tagwarden/tagwarden/blob/main/docs/rules/principal-missing-tag.md) | 4 | 0 | 0 |')
    // Counted per severity: one of the three untagged-bedrock-spend findings is an error, two are warnings.
    const ubs = demo.findings.filter((f) => f.ruleId === 'untagged-bedrock-spend')
    expect(md).toContain(`| [\`untagged-bedrock-spend\`](https://github.com/tagwarden/tagwarden/blob/main/docs/rules/untagged-bedrock-spend.md) | ${count('error', ubs)} | ${count('warning', ubs)} | 0 |`)
    expect(count('warning', ubs)).toBeGreaterThan(0)
    // One row per account with findings, and one for org-wide subjects (a tag key, the organization's spend).
    const accounts = new Set(demo.findings.map((f) => f.subject.accountId ?? 'org-wide'))
    expect(accounts).toEqual(new Set(['111111111111', '222222222222', '333333333333', 'org-wide']))
    for (const acct of accounts) {
      const of = demo.findings.filter((f) => (f.subject.accountId ?? 'org-wide') === acct)
      expect(md).toContain(`| ${acct} | ${count('error', of)} | ${count('warning', of)} | ${count('note', of)} |`)
    }
    expect(md).toMatch(/^\| Spend \| checked \(Cost Explorer files\): USD [\d,.]+ Bedrock .*`iamPrincipal\/team` active, [\d.]+% untagged \|$/m)
    expect(md).toContain('### Top findings')
    expect(md).toContain(`<details>\n<summary>All ${demo.findings.length} findings</summary>`)
    expect(md.split('<details>').length).toBe(md.split('</details>').length)
    for (const f of demo.findings) expect(md).toContain(`\`${subjectLabel(f.subject)}\`${f.spend ? ` (${findingSpendCell(f)})` : ''}: ${mdText(f.message).slice(0, 40)}`)
  })

  it('escapes Markdown and HTML that comes from AWS data, outside code spans', () => {
    expect(mdText('role *x* <img src=x> [a](b) `a<b>*c*`')).toBe('role \\*x\\* &lt;img src=x&gt; \\[a\\](b) `a<b>*c*`')
    const evil = finding({ message: 'Tag value `a|b` is <script>alert(1)</script>.', subject: { kind: 'role', arn: 'arn:aws:iam::111111111111:role/x', accountId: '111111111111', name: 'x' } })
    const md = formatMarkdown(reportWith(demo, [evil]), rules)
    expect(md).not.toContain('<script>')
    expect(md).toContain('`a\\|b`')
  })

  it('shows baseline counts, new findings first, and baseline entries now fixed', () => {
    const [a, ...rest] = demo.findings
    const r: ScanReport = {
      ...demo,
      findings: [...rest.map((f) => ({ ...f, baselineState: 'unchanged' as const })), { ...a!, baselineState: 'new' as const }],
      summary: { ...demo.summary, baseline: { file: '.tagwarden-baseline.json', new: 1, unchanged: 10, fixed: [{ fingerprint: 'f'.repeat(32), ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::1:role/gone' }] } },
    }
    const md = formatMarkdown(r, rules)
    expect(md).toContain('**Baseline** `.tagwarden-baseline.json`: 1 new, 10 unchanged, 1 fixed.')
    const topRow = md.split('### Top findings')[1]!.split('\n').find((l) => l.startsWith('| error'))
    expect(topRow).toContain('(new)')
    expect(topRow).toContain(a!.subject.arn!)
    expect(md).toContain('Baseline entries now fixed (1)')
    expect(md).toContain('arn:aws:iam::1:role/gone')
  })

  it('shows a baseline file name and its fixed entries escaped in the text report (the baseline is committed, so hostile)', () => {
    const r: ScanReport = {
      ...demo,
      summary: { ...demo.summary, baseline: { file: 'b\n::add-mask::x.json', new: 0, unchanged: 0, fixed: [{ fingerprint: 'f'.repeat(32), ruleId: 'principal-missing-tag', subject: 'arn:aws:iam::1:role/gone\n::error::pwned' }] } },
    }
    const text = formatText(r, { color: false })
    expect(text).toContain('fixed  principal-missing-tag  arn:aws:iam::1:role/gone\\n::error::pwned')
    expect(text.split('\n').some((l) => l.startsWith('::'))).toBe(false)
  })

  it('stays under the byte budget and says what it left out', () => {
    const many = Array.from({ length: 3000 }, (_, i) =>
      finding({ message: `Role r${i} lacks team. ${'x'.repeat(200)}`, subject: { kind: 'role', arn: `arn:aws:iam::111111111111:role/r${i}`, accountId: '111111111111', name: `r${i}` } }),
    )
    const out = renderMarkdown(reportWith(demo, many), rules, { maxBytes: 100_000 })
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(100_000)
    expect(out.text).toMatch(/_\d+ more lines not shown \(size limit\)/)
    expect(out.text.split('<details>').length).toBe(out.text.split('</details>').length)
    expect(out.warnings.join()).toMatch(/left out/)
    // The default budget is GitHub's step-summary limit.
    expect(Buffer.byteLength(formatMarkdown(reportWith(demo, [...many, ...many, ...many]), rules))).toBeLessThan(1024 * 1024)
  })

  it('says when the result is incomplete', () => {
    const md = formatMarkdown(reportWith(demo, demo.findings, [{ source: 'a.json', code: 'bad-json', message: 'Unexpected token' }]), rules)
    expect(md).toContain('The result is incomplete')
    expect(md).toContain('Input errors (1)')
  })

  it('says what was not evaluated, and lists the notes, even when there are no findings (never a silent clean)', () => {
    const base = reportWith(demo, [])
    const report: ScanReport = {
      ...base,
      summary: { ...base.summary, notes: ['inline <b>suppressions</b> were ignored (2 found)'], notEvaluated: [{ file: 'template.yaml', resource: 'Deploy`er', reason: 'Custom::Thing is not modelled' }] },
    }
    const md = formatMarkdown(report, rules)
    expect(md).toContain('no findings')
    expect(md).toContain('> 1 item not evaluated (see "Not evaluated" below); `--strict` makes them fail the gate.')
    expect(md).toContain('<summary>Not evaluated (1)</summary>')
    expect(md).toContain('Custom::Thing is not modelled')
    expect(md).toContain('<summary>Notes (1)</summary>')
    expect(md).not.toContain('<b>suppressions</b>')
    const nothingSkipped = reportWith(demo, [])
    expect(formatMarkdown({ ...nothingSkipped, summary: { ...nothingSkipped.summary, notEvaluated: [] } }, rules)).not.toContain('not evaluated (see')
  })

  it('matches the golden file', async () => {
    await expect(formatMarkdown(demo, rules)).toMatchFileSnapshot('./__golden__/demo.md')
  })
})

describe('junit', () => {
  it('has a suite per rule, a failing case per (rule, subject), a passing case per clean rule', () => {
    const root = parseXml(formatJunit(demo, rules))
    expect(root.name).toBe('testsuites')
    const suites = root.children
    expect(suites.map((s) => s.attrs.name)).toEqual(rules.map((r) => r.id))
    const byName = new Map(suites.map((s) => [s.attrs.name!, s]))
    const pmt = byName.get('principal-missing-tag')!
    expect(pmt.attrs).toMatchObject({ tests: '4', failures: '4', skipped: '0' })
    expect(pmt.children.map((c) => c.attrs.name).sort()).toEqual(demo.findings.filter((f) => f.ruleId === 'principal-missing-tag').map((f) => f.subject.arn).sort())
    // Account and org subjects have no ARN: each still gets its own case, named after the account or the organization.
    const spend = byName.get('untagged-bedrock-spend')!
    const spendFindings = demo.findings.filter((f) => f.ruleId === 'untagged-bedrock-spend').length
    expect(spend.attrs).toMatchObject({ tests: String(spendFindings), failures: String(spendFindings) })
    expect(spend.children.map((c) => c.attrs.name).sort()).toEqual(['account 222222222222', 'account 333333333333', 'organization'])
    const clean = byName.get('tag-value-not-allowed')!
    expect(clean.attrs).toMatchObject({ tests: '1', failures: '0' })
    expect(clean.children).toHaveLength(1)
    expect(clean.children[0]!.children).toHaveLength(0)
    // One test case per subject: two findings on bedrock-shared-invoke come from two rules, so two suites.
    const total = suites.reduce((n, s) => n + Number(s.attrs.failures), 0)
    expect(Number(root.attrs.failures)).toBe(total)
    expect(total).toBe(demo.findings.length)
  })

  it('groups several tag keys on one principal into one case and skips suppressed/baselined ones', () => {
    const s = { kind: 'role' as const, arn: 'arn:aws:iam::111111111111:role/x', accountId: '111111111111', name: 'x' }
    const r = reportWith(demo, [
      finding({ subject: { ...s, tagKey: 'team' } }),
      finding({ subject: { ...s, tagKey: 'cost-center' } }),
      finding({ subject: { ...s, arn: 'arn:aws:iam::111111111111:role/y', name: 'y' }, suppressed: { kind: 'exception', reason: 'legacy & <odd>' } }),
      finding({ subject: { ...s, arn: 'arn:aws:iam::111111111111:role/z', name: 'z' }, baselineState: 'unchanged' }),
    ])
    const suite = parseXml(formatJunit(r, rules)).children.find((x) => x.attrs.name === 'principal-missing-tag')!
    expect(suite.attrs).toMatchObject({ tests: '3', failures: '1', skipped: '2' })
    const y = suite.children.find((c) => c.attrs.name?.endsWith('role/y'))!
    expect(y.children[0]!.name).toBe('skipped')
    expect(y.children[0]!.attrs.message).toBe('suppressed (exception): legacy &amp; &lt;odd&gt;')
  })

  it('reports input errors as <error> cases and rules not evaluated as skipped', () => {
    const r: ScanReport = { ...demo, errors: [{ source: 'a.json', code: 'bad-json', message: 'Unexpected\u0001 token' }], summary: { ...demo.summary, rulesNotEvaluated: [{ ruleId: 'tag-value-not-allowed', reason: 'no allowed values' }] } }
    const root = parseXml(formatJunit(r, rules))
    const inputs = root.children.find((s) => s.attrs.name === 'tagwarden.inputs')!
    expect(inputs.children[0]!.children[0]!.name).toBe('error')
    expect(root.attrs.errors).toBe('1')
    const tv = root.children.find((s) => s.attrs.name === 'tag-value-not-allowed')!
    expect(tv.children[0]!.children[0]!.name).toBe('skipped')
  })

  it('escapes XML and drops characters XML cannot carry', () => {
    expect(xmlEscape('a<b>&"\'\u0000\u0008c')).toBe('a&lt;b&gt;&amp;&quot;&apos;c')
  })

  it('matches the golden file', async () => {
    await expect(formatJunit(demo, rules)).toMatchFileSnapshot('./__golden__/demo.junit.xml')
  })
})

describe('github workflow commands', () => {
  // The demo scan leaves two Identity Center roles not evaluated; these tests are about findings.
  const evaluated = (findings: ScanReport['findings'], errors: ScanReport['errors'] = []): ScanReport => {
    const r = reportWith(demo, findings, errors)
    return { ...r, summary: { ...r.summary, notEvaluated: [] } }
  }
  const role = (i: number, severity: 'error' | 'warning' | 'note') =>
    finding({ severity, message: `m${i}`, subject: { kind: 'role', arn: `arn:aws:iam::111111111111:role/r${i}`, accountId: '111111111111', name: `r${i}` } })

  it('writes one annotation per finding, errors first, without file= for live subjects', () => {
    const out = formatGithub(evaluated(demo.findings), rules).trimEnd().split('\n')
    expect(out).toHaveLength(demo.findings.length)
    const kinds = out.map((l) => /^::(\w+)/.exec(l)![1])
    expect(kinds).toEqual([...kinds].sort((a, b) => ['error', 'warning', 'notice'].indexOf(a!) - ['error', 'warning', 'notice'].indexOf(b!)))
    expect(kinds.filter((k) => k === 'error')).toHaveLength(demo.findings.filter((f) => f.severity === 'error').length)
    for (const l of out) expect(l).not.toContain('file=')
    expect(out[0]).toMatch(/^::error title=federated-role-session-tags%3A arn%3Aaws%3Aiam%3A%3A333333333333%3Arole\/okta-analysts::Role okta-analysts/)
  })

  it('uses file=, line= and col= for template findings', () => {
    const iac = finding({ subject: { kind: 'iac-resource', file: 'infra/a,b.yaml', line: 4, column: 3, logicalId: 'R' }, message: 'line1\nline2 100%' })
    expect(formatGithub(evaluated([iac]), rules)).toBe('::error file=infra/a%2Cb.yaml,line=4,col=3,title=principal-missing-tag::line1%0Aline2 100%25\n')
  })

  it('keeps within 10 per type and 50 per job, and closes with a note when truncated', () => {
    const many = [...Array.from({ length: 15 }, (_, i) => role(i, 'error')), ...Array.from({ length: 12 }, (_, i) => role(100 + i, 'warning')), ...Array.from({ length: 30 }, (_, i) => role(200 + i, 'note'))]
    const out = formatGithub(evaluated(many), rules).trimEnd().split('\n')
    const count = (k: string): number => out.filter((l) => l.startsWith(`::${k}`)).length
    expect(count('error')).toBe(10)
    expect(count('warning')).toBe(10)
    // Nine findings plus the closing note.
    expect(count('notice')).toBe(10)
    expect(out.length).toBeLessThanOrEqual(50)
    expect(out.at(-1)).toMatch(/^::notice title=tagwarden%3A more findings::28 of 57 annotations were not written/)
    // The most severe come first within a type (input order does not matter).
    expect(out[0]).toContain('::m0')
  })

  it('respects a lower per-job budget', () => {
    const many = Array.from({ length: 8 }, (_, i) => role(i, 'error')).concat(Array.from({ length: 8 }, (_, i) => role(50 + i, 'warning')))
    const out = formatGithub(evaluated(many), rules, { maxTotal: 10 }).trimEnd().split('\n')
    expect(out).toHaveLength(10)
    expect(out.filter((l) => l.startsWith('::error'))).toHaveLength(8)
    expect(out.at(-1)).toMatch(/^::notice/)
  })

  it('leaves out suppressed and baselined findings and puts input errors first', () => {
    const [a, b, c] = demo.findings
    const r = evaluated([{ ...a!, suppressed: { kind: 'exception', reason: 'x' } }, { ...b!, baselineState: 'unchanged' }, { ...c!, baselineState: 'new' }], [{ source: 's.json', code: 'bad-json', message: 'oops' }])
    const out = formatGithub(r, rules).trimEnd().split('\n')
    expect(out).toHaveLength(2)
    expect(out[0]).toBe('::error title=tagwarden input error%3A bad-json::oops')
    expect(out[1]).toContain(c!.message.slice(0, 30))
  })

  it('escapes like @actions/core', () => {
    expect(escapeData('a%b\r\nc:d,e')).toBe('a%25b%0D%0Ac:d,e')
    expect(escapeProperty('a%b\nc:d,e')).toBe('a%25b%0Ac%3Ad%2Ce')
  })

  it('writes nothing for a clean report', () => {
    expect(formatGithub(evaluated([]), rules)).toBe('')
  })

  it('says in one notice, first among the notices, what was not evaluated: no clean-looking run without it', () => {
    const r = evaluated([])
    const one: ScanReport = { ...r, summary: { ...r.summary, notEvaluated: [{ file: 't.yaml', resource: 'R\n::error::x', reason: 'Custom::X is not modelled' }] } }
    expect(formatGithub(one, rules)).toBe('::notice title=tagwarden%3A not evaluated::1 item was not evaluated, so the result does not cover it: t.yaml R%0A::error::x: Custom::X is not modelled. The step summary and the JSON output (summary.notEvaluated) list them; --strict fails the gate on them.\n')
    const lines = formatGithub(demo, rules).trimEnd().split('\n')
    expect(lines.filter((l) => l.startsWith('::notice title=tagwarden%3A not evaluated::2 items were not evaluated'))).toHaveLength(1)
    expect(lines).toHaveLength(demo.findings.length + 1)
  })

  it('matches the golden file', async () => {
    await expect(formatGithub(demo, rules)).toMatchFileSnapshot('./__golden__/demo.github.txt')
  })
})

describe('html', () => {
  it('escapes every string from the data, and has no ledger section without CUR (saying why)', () => {
    const evil = finding({ message: 'Tag `a` is <script>alert(1)</script> & "quoted"', fix: '</td><img src=x onerror=alert(1)>', subject: { kind: 'role', arn: 'arn:aws:iam::111111111111:role/<b>x</b>', accountId: '111111111111"><x', name: 'x' } })
    const html = renderReport('html', reportWith(demo, [evil]), rules).text
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<img src=x')
    expect(html).not.toContain('<b>x</b>')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quoted&quot;')
    expect(html).toContain('data-account="111111111111&quot;&gt;&lt;x"')
    expect(html).toMatch(/Content-Security-Policy" content="default-src 'none'/)
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\/(?!github\.com\/tagwarden)/)
    expect(html).toContain('No spend ledger')
  })

  it('lists what was not evaluated and the notes, escaped', () => {
    const base = reportWith(demo, [])
    const report: ScanReport = { ...base, summary: { ...base.summary, notes: ['<img src=x>'], notEvaluated: [{ file: 't.yaml', resource: 'R', reason: 'Custom::<i>X</i> is not modelled' }] } }
    const html = renderReport('html', report, rules).text
    expect(html).toContain('<h2 id="h-not-evaluated">Not evaluated (1)</h2><ul><li>t.yaml R: Custom::&lt;i&gt;X&lt;/i&gt; is not modelled</li></ul>')
    expect(html).toContain('<h2 id="h-notes">Notes (1)</h2><ul><li>&lt;img src=x&gt;</li></ul>')
    expect(html).not.toContain('<img src=x>')
  })

  it('caps the findings table, with a note pointing to the JSON output', () => {
    const many = Array.from({ length: 7 }, (_, i) => finding({ message: `m${i}`, subject: { kind: 'role', arn: `arn:aws:iam::111111111111:role/r${i}`, accountId: '111111111111', name: `r${i}` } }))
    const html = formatHtml(reportWith(demo, many), rules, { maxRows: 5 })
    expect(html.match(/<tr data-rule=/g)).toHaveLength(5)
    expect(html).toContain('<p class="note" id="capped">2 more findings are not shown here: the JSON output (<code>--format json</code>) has every finding.</p>')
    expect(HTML_MAX_ROWS).toBe(2000)
  })
})

describe('renderReport', () => {
  it('renders every format from the demo', () => {
    for (const f of ['text', 'json', 'sarif', 'markdown', 'junit', 'github', 'html'] as const) {
      const out = renderReport(f, demo, rules)
      expect(out.text.length, f).toBeGreaterThan(100)
      expect(out.warnings, f).toEqual([])
    }
    expect(JSON.parse(renderReport('json', demo, rules).text)).toEqual(JSON.parse(JSON.stringify(demo)))
  })
})
