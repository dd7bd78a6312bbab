import { Flags } from '@oclif/core'
import { TagwardenCommand } from '../cli/command.js'
import { commonFlags } from '../cli/flags.js'
import { liveFlagsFor } from '../cli/live-flags.js'

export default class Collect extends TagwardenCommand {
  static override summary = 'Read IAM (and the Organization) live from AWS and save it as a snapshot for `scan --input`.'

  static override description = `Makes exactly the read-only calls a live scan makes and writes what they returned as raw JSON — per-account folders, the Organization's accounts and SCPs, and a manifest (time, caller, scope, tool version). \`tagwarden scan --input DIR\` on the folder gives the findings the live scan would have given, without AWS access: audit later, diff over time, or hand the folder to someone without credentials.

Exit codes: 0 written; 2 usage error, missing credentials, or some accounts/calls failed (unless --allow-partial; they are listed in the manifest).`

  static override examples = [
    { description: 'Snapshot the caller\'s account', command: '<%= config.bin %> <%= command.id %> -o snap/' },
    { description: 'Snapshot the whole Organization', command: '<%= config.bin %> <%= command.id %> --org --role-name tagwarden-audit --output snap/' },
  ]

  static override flags = {
    ...liveFlagsFor('collect'),
    verbose: Flags.boolean({ char: 'v', summary: 'More detail: the AWS calls per operation, on stderr.' }),
    debug: commonFlags.debug,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Collect)
    const { runCollectCommand } = await import('../cli/collect-command.js')
    process.exitCode = await runCollectCommand({ ...flags, output: flags.output as string })
  }
}
