/**
 * The reporter registry: one entry point that renders a report in any format. Reporters are pure:
 * `(report, rules, options) → text`; writing files is `src/cli/outputs.ts`'s job.
 */
import type { ReportFormat } from './formats.js'
import type { ScanReport } from '../model/finding.js'
import { formatGithub, type GithubOptions } from './github.js'
import { jsonReportChunks } from './json.js'
import { formatJunit } from './junit.js'
import { renderMarkdown, type MarkdownOptions } from './markdown.js'
import { renderSarif, type SarifOptions } from './sarif.js'
import type { ReportRule } from './report-rule.js'
import { formatText, type TextOptions } from './text.js'
import { formatHtml } from './html.js'

export interface RenderOptions {
  text?: TextOptions
  sarif?: SarifOptions
  markdown?: MarkdownOptions
  github?: GithubOptions
}

export interface Rendered {
  readonly text: string
  /**
   * The same text in pieces, for the formats that can be large (JSON, SARIF): what the CLI writes, so
   * no string ever holds a whole report. `text` of those is joined from them on first use.
   */
  chunks?: Iterable<string>
  /** Things the user should know (truncation, limits); printed on stderr by the CLI. */
  warnings: string[]
}

function streamed(chunks: () => Iterable<string>, warnings: string[]): Rendered {
  let text: string | undefined
  return {
    get text() {
      return (text ??= [...chunks()].join(''))
    },
    get chunks() {
      return chunks()
    },
    warnings,
  }
}

export function renderReport(format: ReportFormat, report: ScanReport, rules: readonly ReportRule[], opts: RenderOptions = {}): Rendered {
  switch (format) {
    case 'text':
      return { text: formatText(report, opts.text ?? { color: false }), warnings: [] }
    case 'json':
      return streamed(() => jsonReportChunks(report), [])
    case 'sarif': {
      const r = renderSarif(report, rules, opts.sarif)
      return streamed(() => r.chunks, r.warnings)
    }
    case 'markdown':
      return renderMarkdown(report, rules, opts.markdown)
    case 'junit':
      return { text: formatJunit(report, rules), warnings: [] }
    case 'github':
      return { text: formatGithub(report, rules, opts.github), warnings: [] }
    case 'html':
      return { text: formatHtml(report, rules), warnings: [] }
  }
}
