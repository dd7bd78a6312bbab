import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'

export default class Init extends TagwardenCommand {
  static override summary = 'Write a starter rules file (tagwarden.yaml), or derive one from your AWS Organizations tag policy.'

  static override description = `Writes a commented tagwarden.yaml with the $schema line for editor help. On a terminal it asks for the required tag keys, their allowed values and your LLM gateways' role names; without a terminal (CI) or with --yes it asks nothing and writes the defaults.

--from-tag-policy derives the required tags from a tag policy instead — the keys, their capitalisation (tag_key) and allowed values (tag_value; a * matches any characters, and * alone any value) — so the linter and the organization's tag policy cannot drift. Give a file (the policy JSON, or the output of aws organizations describe-policy / describe-effective-policy), or aws to read it live: with --account, that account's effective tag policy (organizations:DescribeEffectivePolicy); without, every tag policy of the organization (ListPolicies + DescribePolicy, merged).

Exit codes: 0 written; 2 usage error (the file exists without --force, an unreadable or invalid tag policy, AWS access denied).`

  static override examples = [
    { description: 'A starter file', command: '<%= config.bin %> <%= command.id %>' },
    { description: 'From a tag policy file', command: '<%= config.bin %> <%= command.id %> --from-tag-policy tag-policy.json' },
    { description: "From one account's effective tag policy", command: '<%= config.bin %> <%= command.id %> --from-tag-policy aws --account 111111111111 --force' },
  ]

  static override flags = {
    output: Flags.string({ char: 'o', summary: 'File to write (- for stdout).', default: 'tagwarden.yaml', helpValue: 'FILE' }),
    force: Flags.boolean({ summary: 'Overwrite the file if it exists.' }),
    yes: Flags.boolean({ char: 'y', summary: 'Ask nothing; write the defaults.' }),
    'from-tag-policy': Flags.string({ summary: 'Derive the required tags from a tag policy: a JSON FILE, or `aws` to read it from AWS Organizations.', helpValue: 'FILE|aws' }),
    account: Flags.string({ summary: 'With `--from-tag-policy aws`: use this account\'s effective tag policy.', helpValue: 'ACCOUNT-ID' }),
    'policy-id': Flags.string({ summary: 'With `--from-tag-policy aws`: only this tag policy (p-…). Repeatable.', multiple: true, helpValue: 'POLICY-ID' }),
    key: Flags.string({ summary: 'Only this tag key of the tag policy. Repeatable.', multiple: true, helpValue: 'TAG-KEY' }),
    profile: Flags.string({ summary: 'AWS profile for `--from-tag-policy aws`.', helpValue: 'PROFILE' }),
    region: Flags.string({ summary: 'AWS region for `--from-tag-policy aws`.', helpValue: 'REGION' }),
    debug: Flags.boolean({ summary: 'Print stack traces for internal errors. Never prints credentials.' }),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Init)
    const { runInit } = await import('../cli/rules-init.js')
    process.exitCode = await runInit({
      output: flags.output,
      force: flags.force,
      yes: flags.yes,
      fromTagPolicy: flags['from-tag-policy'],
      account: flags.account,
      policyIds: flags['policy-id'],
      keys: flags.key,
      profile: flags.profile,
      region: flags.region,
      interactive: process.stdin.isTTY === true && process.stderr.isTTY === true,
    })
  }
}
