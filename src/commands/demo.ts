import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'

export default class Demo extends TagwardenCommand {
  static override summary = 'Run the bundled demo: an organization audit, its Bedrock spend, and a pre-deploy gate on IaC.'

  static override description = `Runs tagwarden on the examples it ships with, in three labelled parts: the IAM of a three-account AWS Organization with its CUR 2.0 spend, the Bedrock spend report, and infrastructure as code (CloudFormation, CDK, Terraform). Nothing is read from AWS. The JSON, SARIF and Markdown reports go to ./tagwarden-demo/ (or --output DIR); it ends with the next steps for your own account.

Exit codes: 0 the demo ran; 2 the bundled examples could not be read.`

  static override examples = [
    { description: 'The demo, reports in ./tagwarden-demo/', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'Reports elsewhere', command: '<%= config.bin %> <%= command.id %> --output /tmp/tw-demo' },
  ]

  static override flags = {
    output: Flags.string({ char: 'o', summary: 'Folder for the demo\'s reports.', default: 'tagwarden-demo', helpValue: 'DIR' }),
    color: Flags.boolean({ summary: 'Colour text output (default: on a TTY unless NO_COLOR is set).', allowNo: true }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Demo)
    const { runDemo } = await import('../cli/demo-command.js')
    process.exitCode = await runDemo({ output: flags.output, color: flags.color })
  }
}
