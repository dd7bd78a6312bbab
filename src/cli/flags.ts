/** Flags shared by several commands. */
import { Flags } from '@oclif/core'
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js'
import type { FailOn } from './exit.js'

export const commonFlags = {
  rules: Flags.string({
    summary: 'Rules file (YAML). Default: ./tagwarden.yaml if present, else the bundled rules.yaml.',
    helpValue: 'FILE',
  }),
  now: Flags.string({
    summary: 'Evaluate as of this date (exception expiry). Also TAGWARDEN_NOW.',
    helpValue: 'YYYY-MM-DD',
  }),
  debug: Flags.boolean({ summary: 'Print stack traces for internal errors. Never prints credentials.' }),
}

export const outputFlags = {
  format: Flags.string({
    char: 'f',
    summary: 'Format of the main output (stdout, or --output).',
    options: [...REPORT_FORMATS],
    default: 'text',
  }),
  output: Flags.string({ char: 'o', summary: 'Write the main output to FILE instead of stdout.', helpValue: 'FILE' }),
  color: Flags.boolean({ summary: 'Colour text output (default: on a TTY unless NO_COLOR is set).', allowNo: true }),
  verbose: Flags.boolean({ char: 'v', summary: 'More detail: the granting statements and the fix of each finding in text output, and on live scans the AWS calls per operation (stderr).' }),
}

/** `--<format>-output FILE` for every format: extra outputs written by the same run. */
export const extraOutputFlags = {
  'text-output': Flags.string({ summary: 'Also write the text report to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUTS' }),
  'json-output': Flags.string({ summary: 'Also write the JSON result (the finding contract) to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUTS' }),
  'sarif-output': Flags.string({
    summary: 'Also write SARIF 2.1.0 for GitHub code scanning to FILE (a folder with --sarif-split-by-account).',
    helpValue: 'FILE',
    helpGroup: 'OUTPUTS',
  }),
  'markdown-output': Flags.string({
    summary: 'Also write the Markdown summary to FILE (appended when FILE is $GITHUB_STEP_SUMMARY).',
    helpValue: 'FILE',
    helpGroup: 'OUTPUTS',
  }),
  'junit-output': Flags.string({ summary: 'Also write JUnit XML to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUTS' }),
  'github-output': Flags.string({
    summary: 'Also write GitHub workflow-command annotations to FILE (not $GITHUB_OUTPUT; annotations only work on stdout).',
    helpValue: 'FILE',
    helpGroup: 'OUTPUTS',
  }),
  'html-output': Flags.string({ summary: 'Also write the self-contained HTML report (spend ledger, charts, filterable findings) to FILE.', helpValue: 'FILE', helpGroup: 'OUTPUTS' }),
}

export const sarifFlags = {
  'sarif-category': Flags.string({
    summary: 'SARIF runAutomationDetails.id (category), e.g. tagwarden/prod-org. Overrides upload-sarif\'s `category` input.',
    helpValue: 'CATEGORY',
    helpGroup: 'SARIF',
  }),
  'sarif-include-suppressed': Flags.boolean({
    summary: 'Keep excepted findings in SARIF, with suppressions[] (GitHub ignores suppressions and opens them as alerts).',
    helpGroup: 'SARIF',
  }),
  'sarif-new-only': Flags.boolean({
    summary: 'Leave baselined findings out of SARIF (this closes their alerts on GitHub).',
    helpGroup: 'SARIF',
  }),
  'sarif-split-by-account': Flags.boolean({
    summary: 'Write one SARIF per account (plus org) into the --sarif-output folder, each with its own category.',
    helpGroup: 'SARIF',
  }),
}

export const gateFlags = {
  'fail-on': Flags.string({
    summary: 'Lowest severity that makes the exit code 1.',
    options: ['error', 'warning', 'note', 'never'],
    default: 'error',
    helpGroup: 'GATE',
  }),
  'fail-on-rule': Flags.string({
    summary: 'Findings of this rule make the exit code 1 whatever their severity. Repeatable.',
    multiple: true,
    helpValue: 'RULE-ID',
    helpGroup: 'GATE',
  }),
  strict: Flags.boolean({
    summary: 'Anything read but not evaluated (summary.notEvaluated) makes the result incomplete: exit code 2.',
    helpGroup: 'GATE',
  }),
  'skip-rule': Flags.string({
    summary: 'Do not run this rule (absent from every output). Repeatable.',
    multiple: true,
    helpValue: 'RULE-ID',
    helpGroup: 'GATE',
  }),
  baseline: Flags.string({
    summary: 'Fail only on findings not in this baseline file; the rest are marked unchanged.',
    helpValue: 'FILE',
    helpGroup: 'GATE',
  }),
}

/** The parsed values of the output, gate, SARIF and common flags (shared by `scan` and `merge`). */
interface ReportingFlagValues {
  format: string
  output?: string | undefined
  'text-output'?: string | undefined
  'json-output'?: string | undefined
  'sarif-output'?: string | undefined
  'markdown-output'?: string | undefined
  'junit-output'?: string | undefined
  'github-output'?: string | undefined
  'html-output'?: string | undefined
  'fail-on': string
  'fail-on-rule'?: string[] | undefined
  strict?: boolean | undefined
  'skip-rule'?: string[] | undefined
  baseline?: string | undefined
  'sarif-category'?: string | undefined
  'sarif-include-suppressed'?: boolean | undefined
  'sarif-new-only'?: boolean | undefined
  'sarif-split-by-account'?: boolean | undefined
  rules?: string | undefined
  now?: string | undefined
  color?: boolean | undefined
  verbose?: boolean | undefined
}

/** Translates those flags into the reporting part of `ScanCommandInput`. */
export function reportingOptions(flags: ReportingFlagValues) {
  return {
    format: flags.format as ReportFormat,
    output: flags.output,
    extraOutputs: {
      text: flags['text-output'],
      json: flags['json-output'],
      sarif: flags['sarif-output'],
      markdown: flags['markdown-output'],
      junit: flags['junit-output'],
      github: flags['github-output'],
      html: flags['html-output'],
    },
    failOn: flags['fail-on'] as FailOn,
    failOnRules: flags['fail-on-rule'],
    strict: flags.strict,
    skipRules: flags['skip-rule'],
    baseline: flags.baseline,
    sarif: {
      category: flags['sarif-category'],
      includeSuppressed: flags['sarif-include-suppressed'],
      newOnly: flags['sarif-new-only'],
      splitByAccount: flags['sarif-split-by-account'],
    },
    rules: flags.rules,
    now: flags.now,
    color: flags.color,
    verbose: flags.verbose,
  }
}
