/**
 * `tagwarden demo`: the bundled examples, from an installed copy as from a checkout, as three labelled
 * parts — the organization audit, the Bedrock spend report, the pre-deploy gate on infrastructure as
 * code — with the machine-readable reports and the HTML report written to ./tagwarden-demo/, and what to do next with a
 * real AWS account.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ExitCode, UsageError } from '../errors.js'
import { wrapText } from '../report/wrap.js'
import { terminalWidth } from './outputs.js'
import { runScanCommand } from './scan-command.js'
import { runSpendCommand } from './spend-command.js'

/** The package root (two levels above src/cli or dist/cli). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url))

export const DEFAULT_DEMO_DIR = 'tagwarden-demo'

export interface DemoInput {
  /** Folder for the reports (default ./tagwarden-demo). */
  output?: string | undefined
  color?: boolean | undefined
  cwd?: string
  stdout?: (s: string) => void
  stderr?: (s: string) => void
}

export async function runDemo(i: DemoInput): Promise<number> {
  const stdout = i.stdout ?? ((s: string) => void process.stdout.write(s))
  const stderr = i.stderr ?? ((s: string) => void process.stderr.write(s))
  const cwd = i.cwd ?? process.cwd()
  const org = join(PACKAGE_ROOT, 'examples/demo-org')
  const iac = join(PACKAGE_ROOT, 'examples/iac')
  if (!existsSync(org) || !existsSync(iac)) {
    throw new UsageError('demo-missing', `the bundled examples are missing from ${PACKAGE_ROOT}`, 'reinstall tagwarden (the package ships examples/demo-org and examples/iac)')
  }
  const out = resolve(cwd, i.output ?? DEFAULT_DEMO_DIR)
  mkdirSync(out, { recursive: true })
  const shownOut = relative(cwd, out) || '.'
  const color = i.color ?? (process.stdout.isTTY === true && !process.env.NO_COLOR)
  const bold = (s: string): string => (color ? `\u001b[1m${s}\u001b[0m` : s)
  const width = terminalWidth()
  const say = (s: string): void => stdout(width !== undefined ? wrapText(s, width) : s)
  const part = (n: number, title: string, what: string): void => {
    say(`${n > 1 ? '\n' : ''}${bold(`━━ Part ${n} of 3 — ${title}`)}\n  ${what}\n\n`)
  }
  const codes: number[] = []
  // Paths in the reports relative to the package (`examples/iac/…`), as in the README.
  const common = { cwd: PACKAGE_ROOT, stdout, stderr, color, failOn: 'never' as const, format: 'text' as const }

  part(1, 'Organization audit', 'IAM of a three-account AWS Organization (saved AWS CLI output in examples/demo-org), with its CUR 2.0 Bedrock spend.')
  codes.push(
    await runScanCommand({
      ...common,
      inputs: [org],
      cur: join(org, 'cur/parquet'),
      rules: join(org, 'tagwarden.yaml'),
      extraOutputs: { json: join(out, 'org.json'), sarif: join(out, 'org.sarif'), markdown: join(out, 'org.md'), html: join(out, 'org.html') },
    }),
  )

  part(2, 'Bedrock spend by team', 'The same organization from the Cost Explorer side: which share of the Bedrock bill carries a team.')
  codes.push(await runSpendCommand({ inputs: [org], rules: join(org, 'tagwarden.yaml'), format: 'text', color, cwd: PACKAGE_ROOT, stdout, stderr }))
  codes.push(await runSpendCommand({ inputs: [org], rules: join(org, 'tagwarden.yaml'), format: 'json', output: join(out, 'spend.json'), htmlOutput: join(out, 'spend.html'), cwd: PACKAGE_ROOT, stdout, stderr }))

  part(3, 'Pre-deploy gate on infrastructure as code', 'CloudFormation, a CDK cloud assembly and Terraform in examples/iac, checked before anything is deployed.')
  codes.push(
    await runScanCommand({
      ...common,
      inputs: [],
      iac: { paths: [iac], basePath: PACKAGE_ROOT },
      extraOutputs: { json: join(out, 'iac.json'), sarif: join(out, 'iac.sarif'), markdown: join(out, 'iac.md') },
    }),
  )

  say(
    [
      '',
      bold('Next steps with your own AWS account'),
      '  1. Credentials: any profile that can read IAM (for SSO, first',
      '     `aws sso login --profile my-profile`):',
      '       export AWS_PROFILE=my-profile',
      '  2. Audit that account live (read-only calls only):',
      '       tagwarden scan --live',
      '  3. The whole organization, through a read-only role in every account',
      '     (template: docs/iam/audit-role-stackset.yaml in the package):',
      '       tagwarden scan --org --role-name tagwarden-audit',
      '  4. Your own required tags and gateways: tagwarden init',
      '',
      `The demo's reports (JSON, SARIF, Markdown, HTML) are in ${shownOut}/; open ${shownOut}/org.html in a browser for the spend ledger and the findings (${shownOut}/spend.html: the Cost Explorer view).`,
      '',
    ].join('\n'),
  )
  return codes.includes(ExitCode.Incomplete) ? ExitCode.Incomplete : ExitCode.Clean
}
