/**
 * The reporter registry: one entry point that renders a report in any format. Reporters are pure:
 * `(report, rules, options) → text`; writing files is `src/cli/outputs.ts`'s job.
 */
import type { ReportFormat } from './formats.js'
import type { ScanReport } from '../model/finding.js'
import { formatGithub, type GithubOptions } from './github.js'
import { formatJson } from './json.js'
import { formatJunit } from './junit.js'
import { renderMarkdown, type MarkdownOptions } from './markdown.js'
import { renderSarif, type SarifOptions } from './sarif.js'
import type { ReportRule } from './report-rule.js'
import { formatText, type TextOptions } from './text.js'

export interface RenderOptions {
  text?: TextOptions
  sarif?: SarifOptions
  markdown?: MarkdownOptions
  github?: GithubOptions
}

export interface Rendered {
  text: string
  /** Things the user should know (truncation, limits); printed on stderr by the CLI. */
  warnings: string[]
}

export function renderReport(format: ReportFormat, report: ScanReport, rules: readonly ReportRule[], opts: RenderOptions = {}): Rendered {
  switch (format) {
    case 'text':
      return { text: formatText(report, opts.text ?? { color: false }), warnings: [] }
    case 'json':
      return { text: formatJson(report), warnings: [] }
    case 'sarif': {
      const r = renderSarif(report, rules, opts.sarif)
      return { text: r.text, warnings: r.warnings }
    }
    case 'markdown':
      return renderMarkdown(report, rules, opts.markdown)
    case 'junit':
      return { text: formatJunit(report, rules), warnings: [] }
    case 'github':
      return { text: formatGithub(report, rules, opts.github), warnings: [] }
  }
}
