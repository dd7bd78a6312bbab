/**
 * SARIF 2.1.0 reporter, shaped for GitHub code scanning (`github/codeql-action/upload-sarif`).
 *
 * GitHub-specific choices (evidence: ../shared/reference/sarif-github.md):
 * - one run per file; `automationDetails.id` only when a category is asked for (upload-sarif fills
 *   in its own otherwise, and a value in the file would override the workflow's `category` input);
 * - every result has exactly one physical location from the grammar in `locations.ts`, because one
 *   result without a location, with an empty URI or with a non-file scheme rejects the whole upload;
 * - `partialFingerprints["tagwarden/v1"]` is the finding's own fingerprint; live/snapshot findings
 *   also get `primaryLocationLineHash`, which upload-sarif cannot compute for a file that does not
 *   exist; IaC findings leave it to upload-sarif (a different value makes it warn on every result);
 * - suppressed findings are left out unless asked for (GitHub ignores `suppressions` and would open
 *   them as alerts); baselined findings stay in with `baselineState: unchanged`, since leaving them
 *   out would close their alerts;
 * - GitHub's hard limits (25,000 results per run, 10 MB gzipped per file) are enforced here: over
 *   them the lowest-severity results are dropped with a warning, never an invalid file.
 */
import { gzipSync } from 'node:zlib'
import type { Finding, NotEvaluatedEntry, ScanReport, Severity } from '../model/finding.js'
import { ruleDocUrl, ruleHelpMarkdown, ruleHelpText } from '../rules/docs.js'
import { compareFindings } from '../model/fingerprint.js'
import { mdCode } from './markdown-text.js'
import type { ReportRule } from './report-rule.js'
import { jsonChunks } from './json.js'
import { findingLocation } from './locations.js'
import { notEvaluatedLine } from './scope.js'

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json'
export const TOOL_INFORMATION_URI = 'https://github.com/tagwarden/tagwarden'
/** The key of our own fingerprint in `partialFingerprints`; bump the version if its meaning changes. */
export const FINGERPRINT_KEY = 'tagwarden/v1'

/** GitHub code scanning limits (a file over any of them is rejected). */
export const GITHUB_LIMITS = {
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  runsPerFile: 20,
  /** "10 MB" gzip-compressed; counted in decimal megabytes to stay on the safe side. */
  gzipBytes: 10_000_000,
  tagsPerRule: 20,
  ruleNameChars: 255,
  descriptionChars: 1024,
} as const

const PROBLEM_SEVERITY: Record<Severity, string> = { error: 'error', warning: 'warning', note: 'recommendation' }

export interface SarifOptions {
  /** `runs[0].automationDetails.id` (a trailing `/` is added: it is a category, not a run ID). */
  category?: string
  /** Keep suppressed (excepted) findings, with `suppressions[]`. */
  includeSuppressed?: boolean
  /** Leave out findings that are in the baseline (`baselineState: unchanged`). */
  newOnly?: boolean
  /** Absolute repository root, to make absolute template paths relative. */
  sourceRoot?: string
  /** Limits (tests lower them); default GitHub's. */
  maxResults?: number
  maxGzipBytes?: number
}

// A minimal typing of the SARIF we write (the full schema is validated in the tests).
interface SarifMessage {
  text: string
  markdown?: string
}
export interface SarifReportingDescriptor {
  id: string
  name: string
  shortDescription: SarifMessage
  fullDescription: SarifMessage
  help: SarifMessage
  helpUri?: string
  defaultConfiguration: { level: Severity }
  properties: Record<string, unknown> & { tags: string[] }
}
export interface SarifResult {
  ruleId: string
  ruleIndex: number
  level: Severity
  message: SarifMessage
  locations: Array<{
    physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn?: number } }
    logicalLocations?: Array<{ name: string; fullyQualifiedName: string; kind: string }>
  }>
  partialFingerprints: Record<string, string>
  baselineState?: 'new' | 'unchanged'
  suppressions?: Array<{ kind: 'inSource' | 'external'; status: 'accepted'; justification: string }>
  properties?: Record<string, unknown>
}
export interface SarifRun {
  tool: { driver: { name: string; version: string; semanticVersion: string; informationUri: string; rules: SarifReportingDescriptor[] } }
  automationDetails?: { id: string }
  invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications?: Array<{ level: 'error' | 'warning' | 'note'; message: { text: string } }> }>
  results: SarifResult[]
  columnKind: 'utf16CodeUnits'
}
export interface SarifLog {
  $schema: string
  version: '2.1.0'
  runs: SarifRun[]
}

export interface SarifRender {
  /** The whole file as one string (joined from `chunks` on first use). */
  readonly text: string
  /**
   * The file in pieces, the same bytes as `text`: what the CLI writes. Written from `log` again on each
   * iteration, so the text of a large run is never held whole.
   */
  chunks: Iterable<string>
  log: SarifLog
  warnings: string[]
  /** Results written, and findings left out because of GitHub's limits. */
  results: number
  truncated: number
}

function clip(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`
}

function pascal(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('')
}

/** `reportingDescriptor`s for `tool.driver.rules`, in the order given. */
export function sarifRules(rules: readonly ReportRule[]): SarifReportingDescriptor[] {
  return rules.map((r) => {
    const custom = r.id !== r.base
    const m = r.meta
    const origin = custom ? `Custom rule \`${r.id}\`, an instance of \`${r.base}\`. ` : ''
    const summary = m?.summary ?? `Rule ${r.id} (not described by this tagwarden version).`
    const tags = [...(m?.tags ?? [])]
    // Rules with a security angle (`meta.securitySeverity`) become security alerts; tagging rules use `problem.severity`.
    const security = m?.securitySeverity
    if (security !== undefined && !tags.includes('security')) tags.push('security')
    const properties: SarifReportingDescriptor['properties'] = {
      tags: tags.slice(0, GITHUB_LIMITS.tagsPerRule),
      precision: m?.precision ?? 'medium',
      'problem.severity': PROBLEM_SEVERITY[r.severity],
    }
    if (security !== undefined) properties['security-severity'] = security
    const d: SarifReportingDescriptor = {
      id: r.id,
      name: clip(pascal(r.id), GITHUB_LIMITS.ruleNameChars),
      shortDescription: { text: clip(summary, GITHUB_LIMITS.descriptionChars) },
      fullDescription: { text: clip(`${origin.replace(/`/g, '')}${summary}${m ? ` ${m.rationale}` : ''}`, GITHUB_LIMITS.descriptionChars) },
      help: m
        ? { text: `${origin.replace(/`/g, '')}${ruleHelpText(m)}`, markdown: `${custom ? `> Custom rule ${mdCode(r.id)}, an instance of ${mdCode(r.base)}.\n\n` : ''}${ruleHelpMarkdown(m)}` }
        : { text: summary },
      defaultConfiguration: { level: r.severity },
      properties,
    }
    if (m) d.helpUri = ruleDocUrl(r.base)
    return d
  })
}

/** `primaryLocationLineHash` for a finding with no file: stable per finding, in GitHub's `<hex>:<n>` form. */
export function syntheticLineHash(fingerprint: string): string {
  return `${fingerprint.slice(0, 16).padEnd(16, '0')}:1`
}

function sarifResult(f: Finding, ruleIndex: number, opts: SarifOptions): SarifResult {
  const loc = findingLocation(f, opts.sourceRoot !== undefined ? { sourceRoot: opts.sourceRoot } : {})
  const arn = f.subject.arn
  // The ARN goes in the message too: it is what a reader searches for, and the URI is only a stand-in.
  const text = arn && !f.message.includes(arn) ? `${f.message}\n\nSubject: ${arn}` : f.message
  const region: { startLine: number; startColumn?: number } = { startLine: loc.startLine }
  if (loc.startColumn !== undefined) region.startColumn = loc.startColumn
  const r: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity,
    message: { text },
    locations: [{ physicalLocation: { artifactLocation: { uri: loc.uri }, region }, ...(loc.logical ? { logicalLocations: [loc.logical] } : {}) }],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint, ...(loc.isFile ? {} : { primaryLocationLineHash: syntheticLineHash(f.fingerprint) }) },
  }
  if (f.baselineState) r.baselineState = f.baselineState
  if (f.suppressed) {
    r.suppressions = [{ kind: f.suppressed.kind === 'inline' ? 'inSource' : 'external', status: 'accepted', justification: f.suppressed.reason }]
  }
  const props: Record<string, unknown> = { subjectKind: f.subject.kind }
  if (f.subject.accountId) props.accountId = f.subject.accountId
  if (arn) props.arn = arn
  if (f.subject.tagKey !== undefined) props.tagKey = f.subject.tagKey
  if (f.fix) props.fix = f.fix
  r.properties = props
  return r
}

/** The findings a GitHub-bound SARIF carries, in severity order. */
export function sarifFindings(findings: readonly Finding[], opts: SarifOptions = {}): Finding[] {
  return findings
    .filter((f) => (opts.includeSuppressed || !f.suppressed) && !(opts.newOnly && f.baselineState === 'unchanged'))
    .sort(compareFindings)
}

/** Not-evaluated entries shown to a SARIF reader (code scanning's tool status), capped, never silently. */
const MAX_NOT_EVALUATED_NOTIFICATIONS = 100

function notEvaluatedNotifications(entries: readonly NotEvaluatedEntry[]): Array<{ level: 'note'; message: { text: string } }> {
  const shown = entries.slice(0, MAX_NOT_EVALUATED_NOTIFICATIONS).map((n) => ({ level: 'note' as const, message: { text: `not evaluated: ${notEvaluatedLine(n)}` } }))
  const left = entries.length - shown.length
  return left > 0 ? [...shown, { level: 'note', message: { text: `not evaluated: ${left} more entries in summary.notEvaluated of the JSON output` } }] : shown
}

function buildRun(report: ScanReport, rules: readonly ReportRule[], findings: readonly Finding[], opts: SarifOptions, notices: string[]): SarifRun {
  const descriptors = sarifRules(rules)
  const index = new Map(descriptors.map((d, i) => [d.id, i]))
  const results = findings.map((f) => {
    let i = index.get(f.ruleId)
    if (i === undefined) {
      // A finding whose rule the caller did not list: describe it rather than emit a dangling ruleIndex.
      i = descriptors.length
      descriptors.push(...sarifRules([{ id: f.ruleId, base: f.ruleId, severity: f.severity, meta: undefined }]))
      index.set(f.ruleId, i)
    }
    return sarifResult(f, i, opts)
  })
  const notifications: NonNullable<SarifRun['invocations'][number]['toolExecutionNotifications']> = [
    ...report.errors.map((e) => ({ level: 'error' as const, message: { text: `${e.code}: ${e.message}${e.accountId ? ` (account ${e.accountId})` : ''}` } })),
    ...notices.map((n) => ({ level: 'warning' as const, message: { text: n } })),
    ...notEvaluatedNotifications(report.summary.notEvaluated ?? []),
  ]
  const run: SarifRun = {
    tool: {
      driver: {
        name: 'tagwarden',
        version: report.tool.version,
        semanticVersion: report.tool.version,
        informationUri: TOOL_INFORMATION_URI,
        rules: descriptors,
      },
    },
    invocations: [{ executionSuccessful: report.errors.length === 0, ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}) }],
    results,
    columnKind: 'utf16CodeUnits',
  }
  if (opts.category !== undefined && opts.category !== '') {
    run.automationDetails = { id: opts.category.endsWith('/') ? opts.category : `${opts.category}/` }
  }
  return run
}

/** `JSON.stringify(log, null, 2)` and a newline, in pieces made on each iteration: no string holds the whole file. */
function serialise(log: SarifLog): Iterable<string> {
  return { [Symbol.iterator]: () => jsonChunks(log) }
}

/** Characters compressed at a time for the gzipped-size bound (pieces gathered to this size, then dropped). */
const GZIP_GROUP_CHARS = 1 << 20

/**
 * The gzipped size of the joined pieces, or an upper bound of it when that is clearly under `limit`:
 * compressing each group of about 1 MB on its own never gains from the groups before it, so the sum of
 * their sizes is at least the size of the whole (a margin of 2 % covers block-boundary effects of a few
 * bytes per group). Only near or over the limit is the whole text compressed, as before.
 */
function gzipSize(chunks: Iterable<string>, limit: number): number {
  let bound = 0
  let group = ''
  for (const c of chunks) {
    group += c
    if (group.length >= GZIP_GROUP_CHARS) {
      bound += gzipSync(group).length
      group = ''
    }
  }
  if (group.length > 0) bound += gzipSync(group).length
  return bound <= limit * 0.98 ? bound : gzipSync([...chunks].join('')).length
}

function render(chunks: Iterable<string>, rest: Omit<SarifRender, 'text' | 'chunks'>): SarifRender {
  let text: string | undefined
  return {
    get text() {
      return (text ??= [...chunks].join(''))
    },
    chunks,
    ...rest,
  }
}

/** SARIF for one report; over GitHub's limits the lowest-severity results are dropped, with warnings. */
export function renderSarif(report: ScanReport, rules: readonly ReportRule[], opts: SarifOptions = {}): SarifRender {
  const maxResults = opts.maxResults ?? GITHUB_LIMITS.resultsPerRun
  const maxGzip = opts.maxGzipBytes ?? GITHUB_LIMITS.gzipBytes
  const all = sarifFindings(report.findings, opts)
  const warnings: string[] = []
  let keep = Math.min(all.length, maxResults)
  if (all.length > maxResults) {
    warnings.push(`SARIF: ${all.length} results exceed GitHub's limit of ${maxResults} per run; kept the ${maxResults} most severe (use --sarif-split-by-account, or the JSON output for the full list)`)
  }
  for (;;) {
    const dropped = all.length - keep
    const notices = dropped > 0 ? [`tagwarden left out ${dropped} of ${all.length} results to stay within GitHub's SARIF limits; see the JSON output for all findings.`] : []
    const log: SarifLog = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [buildRun(report, rules, all.slice(0, keep), opts, notices)] }
    const chunks = serialise(log)
    const size = gzipSize(chunks, maxGzip)
    if (size <= maxGzip || keep === 0) {
      if (size > maxGzip) throw new Error(`SARIF without results is still ${size} bytes gzipped, over the ${maxGzip}-byte limit`)
      if (keep < Math.min(all.length, maxResults)) {
        warnings.push(`SARIF: the file would exceed GitHub's ${maxGzip}-byte gzipped limit; kept the ${keep} most severe of ${all.length} results (use --sarif-split-by-account)`)
      }
      const problems = githubIngestionProblems(log)
      // Never hand GitHub a file it would reject: that is a tagwarden bug, not a user error.
      if (problems.length > 0) throw new Error(`internal: generated SARIF breaks GitHub's ingestion rules: ${problems.slice(0, 5).join('; ')}`)
      return render(chunks, { log, warnings, results: keep, truncated: all.length - keep })
    }
    // Shrink in proportion to the overshoot, with a margin, so this loop runs a few times at most.
    keep = Math.min(keep - 1, Math.floor(keep * (maxGzip / size) * 0.95))
    if (keep < 0) keep = 0
  }
}

/** Grouping key of a finding when splitting per account: its account ID, or `org` for org-wide subjects. */
export function accountKey(f: Finding): string {
  return f.subject.accountId ?? 'org'
}

/**
 * One SARIF per account (and one `org` file for org-wide subjects), each with its own category
 * `<category>/<key>/` so GitHub keeps their alerts apart. Every scanned account gets a file even
 * when it has no findings: uploading an empty run is what closes its fixed alerts.
 */
export function renderSarifByAccount(report: ScanReport, rules: readonly ReportRule[], opts: SarifOptions = {}): Array<{ key: string } & SarifRender> {
  // `org` always gets a file too: an upload without it would leave its fixed alerts open.
  const keys = new Set<string>([...report.summary.accounts.ids, 'org'])
  for (const f of report.findings) keys.add(accountKey(f))
  const base = (opts.category ?? 'tagwarden').replace(/\/+$/, '')
  return [...keys].sort().map((key) => {
    const part: ScanReport = { ...report, findings: report.findings.filter((f) => accountKey(f) === key), errors: report.errors.filter((e) => key === 'org' || e.accountId === undefined || e.accountId === key) }
    // Not a spread: that would join the pieces into one string (`text` is computed on demand).
    return Object.assign(renderSarif(part, rules, { ...opts, category: `${base}/${key}` }), { key })
  })
}

const URI_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/

/**
 * What GitHub rejects that the SARIF schema allows (see sarif-github.md §0 and §2.4): results
 * without a location, empty or non-`file` URIs, whitespace in URIs, `startLine < 1`, bad levels,
 * non-numeric `security-severity`, rule text limits, duplicate categories and the count limits.
 * Returns one message per problem; empty means ingestible.
 */
export function githubIngestionProblems(log: unknown): string[] {
  const problems: string[] = []
  const l = log as Partial<SarifLog>
  if (l.version !== '2.1.0') problems.push(`version must be "2.1.0", got ${JSON.stringify(l.version)}`)
  if (!Array.isArray(l.runs) || l.runs.length === 0) return [...problems, 'runs must be a non-empty array']
  if (l.runs.length > GITHUB_LIMITS.runsPerFile) problems.push(`${l.runs.length} runs exceed the limit of ${GITHUB_LIMITS.runsPerFile} per file`)
  const categories = new Set<string>()
  l.runs.forEach((run, ri) => {
    const at = `runs[${ri}]`
    const category = run.automationDetails?.id
    const cat = category === undefined ? '' : category.slice(0, category.lastIndexOf('/') + 1)
    if (categories.has(cat)) problems.push(`${at}: category ${JSON.stringify(cat)} is used by another run`)
    categories.add(cat)
    const rules = run.tool?.driver?.rules ?? []
    if (!run.tool?.driver?.name) problems.push(`${at}.tool.driver.name is missing`)
    if (rules.length > GITHUB_LIMITS.rulesPerRun) problems.push(`${at}: ${rules.length} rules exceed the limit of ${GITHUB_LIMITS.rulesPerRun}`)
    rules.forEach((r, i) => {
      const rat = `${at}.tool.driver.rules[${i}]`
      if (!r.id) problems.push(`${rat}.id is empty`)
      if (r.name !== undefined && r.name.length > GITHUB_LIMITS.ruleNameChars) problems.push(`${rat}.name is longer than ${GITHUB_LIMITS.ruleNameChars} characters`)
      for (const k of ['shortDescription', 'fullDescription'] as const) {
        const t = r[k]?.text
        if (!t) problems.push(`${rat}.${k}.text is missing`)
        else if (t.length > GITHUB_LIMITS.descriptionChars) problems.push(`${rat}.${k}.text is longer than ${GITHUB_LIMITS.descriptionChars} characters`)
      }
      if (!r.help?.text) problems.push(`${rat}.help.text is missing`)
      const tags = r.properties?.tags
      if (Array.isArray(tags) && tags.length > GITHUB_LIMITS.tagsPerRule) problems.push(`${rat}: ${tags.length} tags exceed the limit of ${GITHUB_LIMITS.tagsPerRule}`)
      const sev = r.properties?.['security-severity']
      if (sev !== undefined && (typeof sev !== 'string' || !/^\d+(\.\d+)?$/.test(sev) || Number(sev) > 10)) {
        problems.push(`${rat}.properties.security-severity must be a string holding a number from 0 to 10, got ${JSON.stringify(sev)}`)
      }
      const lvl = r.defaultConfiguration?.level
      if (lvl !== undefined && !['none', 'note', 'warning', 'error'].includes(lvl)) problems.push(`${rat}.defaultConfiguration.level ${JSON.stringify(lvl)} is not none|note|warning|error`)
    })
    const results = run.results ?? []
    if (results.length > GITHUB_LIMITS.resultsPerRun) problems.push(`${at}: ${results.length} results exceed the limit of ${GITHUB_LIMITS.resultsPerRun}`)
    results.forEach((res, i) => {
      const rat = `${at}.results[${i}]`
      if (!res.message?.text) problems.push(`${rat}.message.text is empty`)
      if (res.level !== undefined && !['none', 'note', 'warning', 'error'].includes(res.level)) problems.push(`${rat}.level ${JSON.stringify(res.level)} is not none|note|warning|error`)
      if (res.ruleIndex !== undefined && (res.ruleIndex < 0 || res.ruleIndex >= rules.length || rules[res.ruleIndex]?.id !== res.ruleId)) {
        problems.push(`${rat}.ruleIndex ${res.ruleIndex} does not point at rule ${res.ruleId}`)
      }
      const loc = res.locations?.[0]?.physicalLocation
      if (!loc) {
        problems.push(`${rat} has no physical location (GitHub rejects the whole file)`)
        return
      }
      if ((res.locations?.length ?? 0) > 1000) problems.push(`${rat}: more than 1000 locations`)
      const uri = loc.artifactLocation?.uri
      if (typeof uri !== 'string' || uri === '') problems.push(`${rat}: artifactLocation.uri is empty`)
      else {
        const scheme = URI_SCHEME.exec(uri)?.[0]
        if (scheme !== undefined && scheme.toLowerCase() !== 'file:') problems.push(`${rat}: URI ${JSON.stringify(uri)} has scheme ${JSON.stringify(scheme.slice(0, -1))}; only relative paths or file: are accepted`)
        if (/\s/.test(uri)) problems.push(`${rat}: URI ${JSON.stringify(uri)} contains whitespace`)
      }
      const line = loc.region?.startLine
      if (typeof line !== 'number' || !Number.isInteger(line) || line < 1) problems.push(`${rat}: region.startLine must be an integer >= 1`)
      const lineHash = res.partialFingerprints?.primaryLocationLineHash
      if (lineHash !== undefined && !/^[0-9a-f]+:\d+$/.test(lineHash)) problems.push(`${rat}: primaryLocationLineHash ${JSON.stringify(lineHash)} is not <hex>:<n>`)
    })
  })
  return problems
}
