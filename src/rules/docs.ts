/**
 * Rule documentation rendered from rule metadata: one source for `docs/rules/<id>.md`,
 * `tagwarden rules explain`, and SARIF `help`.
 */
import type { RuleMeta } from './types.js'

export const DOCS_BASE_URL = 'https://github.com/tagwarden/tagwarden/blob/main/docs/rules'

export function ruleDocUrl(id: string): string {
  return `${DOCS_BASE_URL}/${id}.md`
}

/** Markdown help: why it matters, what is checked, examples, the fix. */
export function ruleHelpMarkdown(meta: RuleMeta): string {
  const options = meta.options
    ? `\n## Options\n\n| option | type | description |\n| --- | --- | --- |\n${Object.entries(meta.options)
        .map(([k, o]) => `| \`${k}\` | ${o.type}${o.items ? ` of ${o.items.type}` : ''} | ${o.description} |`)
        .join('\n')}\n`
    : ''
  return `# ${meta.id}

${meta.summary}

- Default severity: **${meta.defaultSeverity}**
- Applies to: ${meta.appliesTo.join(', ')}
- Tags: ${meta.tags.join(', ')}

## Why it matters for Bedrock cost attribution

${meta.rationale}

## Non-compliant

\`\`\`
${meta.examples.nonCompliant}
\`\`\`

## Compliant

\`\`\`
${meta.examples.compliant}
\`\`\`

## How to fix

${meta.remediation}
${options}`
}

/** Plain-text help (SARIF `help.text`, terminals). */
export function ruleHelpText(meta: RuleMeta): string {
  return `${meta.summary}\n\nWhy: ${meta.rationale}\n\nFix: ${meta.remediation}`
}
