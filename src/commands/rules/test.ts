import { Args, Flags } from '@oclif/core'
import { TagwardenCommand } from '../../cli/command.js'

export default class RulesTest extends TagwardenCommand {
  static override summary = 'Run rule test cases: a small snapshot plus the findings it must produce, per file.'

  static override description = `Each case file (YAML or JSON, anywhere under DIR) holds:

  description: what the case shows
  rules: { … }          # optional: rules-file content for this case only
  only: [rule-id, …]     # the rules under test (default: those in expect)
  inputs:               # AWS CLI JSON written to a temporary folder and scanned
    - path: 111111111111/get-account-authorization-details.json
      content: { UserDetailList: […], RoleDetailList: […], GroupDetailList: [], Policies: [] }
  expect:               # exactly these findings of the rules under test ([] for none)
    - { ruleId: rule-id, subject: <principal ARN>, tagKey: team, messageIncludes: [text] }
                        # optional per finding: messageId, severity, suppressed
                        # (a finding reported twice fails the case)

--rules FILE layers your rules file under every case, so the custom rules you run in production are the ones under test. Worked examples: examples/rules-test/ in the package (a rules file and two case files).

Exit codes: 0 every case passed; 1 a case failed; 2 usage error (no cases, a case file or rules file that does not load).`

  static override examples = [
    { description: 'Test your custom rules in CI', command: '<%= config.bin %> <%= command.id %> rules-tests/ --rules tagwarden.yaml' },
    { description: 'The bundled example, one case as JSON', command: '<%= config.bin %> <%= command.id %> examples/rules-test/cases/ml-cost-center.yaml --rules examples/rules-test/tagwarden.yaml --format json' },
  ]

  static override args = {
    dir: Args.string({ description: 'Folder of case files (walked recursively), or one case file.', required: true }),
  }

  static override flags = {
    rules: Flags.string({ summary: 'Rules file every case runs with (layered over the bundled rules).', helpValue: 'FILE' }),
    format: Flags.string({ char: 'f', summary: 'Output format.', options: ['text', 'json'], default: 'text' }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors.' }),
  }

  async run(): Promise<void> {
    const { args, flags } = await this.parse(RulesTest)
    const { runRulesTest } = await import('../../cli/rules-test.js')
    process.exitCode = await runRulesTest({ path: args.dir, rules: flags.rules, format: flags.format as 'text' | 'json' })
  }
}
