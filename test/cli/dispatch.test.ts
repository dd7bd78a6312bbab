/** Commands as users type them: suggestions for mistyped commands, topics and flags; help; usage errors. */
import { describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/commands/index.js'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, STACK_FRAME, runCli } from './run-cli.js'

describe.concurrent('mistyped commands, topics and flags', () => {
  it('a mistyped command gets a suggestion, is not run, and exits 2', async () => {
    const r = await runCli(['scna', '--input', 'examples/demo-org'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: unknown command `scna` — did you mean `tagwarden scan`\?$/m)
    expect(r.stderr).toMatch(/^\s+hint: `tagwarden help` lists the commands$/m)
    expect(r.stdout).toBe('')
    expect(r.stderr).not.toMatch(STACK_FRAME)
  })

  it('a mistyped topic is named as typed, never as an internal ID', async () => {
    const r = await runCli(['rule', 'list'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('did you mean `tagwarden rules list`?')
    expect(r.stderr).not.toMatch(/rules?:list/)
  })

  it('a mistyped subcommand of a real topic', async () => {
    const r = await runCli(['rules', 'lst'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/no `rules` command `rules lst` — did you mean `tagwarden rules list`\?/)
  })

  it('a subcommand without its topic', async () => {
    const r = await runCli(['validate', 'tagwarden.yaml'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('did you mean `tagwarden rules validate`?')
  })

  it('nothing close: no guess', async () => {
    const r = await runCli(['frobnicate'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: unknown command `frobnicate`$/m)
  })

  it('a mistyped flag gets a suggestion and exits 2 before anything is read', async () => {
    const r = await runCli(['scan', '--inputs', 'examples/demo-org'])
    expect(r.status).toBe(2)
    expect(r.stderr).toMatch(/^tagwarden: error: tagwarden scan has no flag --inputs \(did you mean --input\?\)$/m)
    expect(r.stderr).toMatch(/hint: `tagwarden help scan` shows every flag/)
    expect(r.stdout).toBe('')
  })

  it('a mistyped flag of a subcommand names the command as typed', async () => {
    const r = await runCli(['rules', 'list', '--fromat', 'json'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('tagwarden rules list has no flag --fromat (did you mean --format?)')
  })
})

describe.concurrent('help', () => {
  it('`help <command>` shows the command help', async () => {
    const r = await runCli(['help', 'scan'])
    expect(r.status).toBe(0)
    expect(r.stdout).toMatch(/^USAGE$/m)
    expect(r.stdout).toContain('$ tagwarden scan')
    expect(r.stdout).toContain('--input')
  })

  it('`help <topic>` and `help <topic> <command>`', async () => {
    const topic = await runCli(['help', 'rules'])
    expect(topic.status).toBe(0)
    expect(topic.stdout).toMatch(/rules validate\s+Check a rules file/)
    const sub = await runCli(['help', 'rules', 'explain'])
    expect(sub.status).toBe(0)
    expect(sub.stdout).toContain('$ tagwarden rules explain ID')
  })

  it('`help <mistyped>` suggests the help that exists', async () => {
    const r = await runCli(['help', 'sacn'])
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('did you mean `tagwarden help scan`?')
  })

  it('`<command> --help` and the root help (which lists help itself)', async () => {
    const cmd = await runCli(['rules', 'test', '--help'])
    expect(cmd.status).toBe(0)
    expect(cmd.stdout).toContain('$ tagwarden rules test DIR')
    const root = await runCli(['--help'])
    expect(root.status).toBe(0)
    expect(root.stdout).toMatch(/^\s+help\s+Show help/m)
    expect(root.stdout).toMatch(/^\s+scan\s+Audit IAM principals/m)
  })

  it('rules test --help keeps the case file sample as written', async () => {
    const r = await runCli(['rules', 'test', '--help'])
    expect(r.stdout).toMatch(/^ {6}- path: 111111111111\/get-account-authorization-details\.json$/m)
    expect(r.stdout).toMatch(/^ {8}content: \{ UserDetailList/m)
  })
})

describe.concurrent('missing arguments', () => {
  for (const [args, needs] of [
    [['merge'], 'tagwarden merge needs FILES'],
    [['diff'], 'tagwarden diff needs OLD'],
    [['rules', 'explain'], 'tagwarden rules explain needs ID'],
    [['rules', 'validate'], 'tagwarden rules validate needs FILE'],
    [['rules', 'test'], 'tagwarden rules test needs DIR'],
  ] as const) {
    it(`${args.join(' ')} prints its usage and exits 2`, async () => {
      const r = await runCli([...args])
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(`tagwarden: error: ${needs}`)
      expect(r.stderr).toMatch(new RegExp(`^usage:\\n  \\$ tagwarden ${args.join(' ')} `, 'm'))
      expect(r.stderr).not.toMatch(/multiple values|Note:/)
      expect(r.stdout).toBe('')
    })
  }
})

describe.concurrent('nothing to work on', () => {
  for (const [args, says, example] of [
    [['spend'], 'nothing to report: give --input', 'tagwarden spend --input examples/demo-org'],
    [['baseline', 'create'], 'nothing to make a baseline from: give --from results.json or --input PATH', '--json-output results.json'],
  ] as const) {
    it(`${args.join(' ')} says what it needs, with its usage and an example, and exits 2`, async () => {
      const r = await runCli([...args])
      expect(r.status).toBe(2)
      expect(r.stderr).toContain(`tagwarden: error: ${says}`)
      expect(r.stderr).toMatch(new RegExp(`^usage:\\n  \\$ tagwarden ${args.join(' ')} `, 'm'))
      expect(r.stderr).toMatch(/^\s+hint: /m)
      expect(r.stderr).toContain(example)
      expect(r.stdout).toBe('')
    })
  }
})

describe.concurrent('one flag vocabulary', () => {
  it('collect takes -o/--output like every other command, and --out still works', async () => {
    for (const flag of ['-o', '--output', '--out']) {
      const r = await runCli(['collect', flag, 'snap-never-written'])
      // Past flag parsing: the run stops at the missing credentials, not at the flag.
      expect(r.stderr, flag).toMatch(/^tagwarden: error: no AWS credentials found/m)
      expect(r.status).toBe(2)
    }
    const missing = await runCli(['collect'])
    expect(missing.status).toBe(2)
    expect(missing.stderr).toMatch(/^tagwarden: error: tagwarden collect needs --output$/m)
    expect(missing.stderr).toMatch(/^usage:\n {2}\$ tagwarden collect -o DIR /m)
  })

  it('every command that writes a file takes -o/--output, and -o and -v mean the same everywhere', () => {
    type FlagDef = { char?: string; aliases?: string[] }
    const flagsOf = (id: string): Record<string, FlagDef> => (COMMANDS[id as keyof typeof COMMANDS] as unknown as { flags?: Record<string, FlagDef> }).flags ?? {}
    for (const id of Object.keys(COMMANDS)) {
      for (const [name, f] of Object.entries(flagsOf(id))) {
        if (f.char === 'o') expect(name, id).toBe('output')
        if (f.char === 'v') expect(name, id).toBe('verbose')
        expect(name, id).not.toMatch(/^(out|out-?file|output-?file|dest)$/)
      }
    }
    for (const id of ['scan', 'merge', 'collect', 'spend', 'diff', 'demo', 'init', 'baseline:create']) expect(flagsOf(id).output?.char, id).toBe('o')
    expect(flagsOf('collect').output?.aliases).toEqual(['out'])
  })

  it('-v/--verbose means more detail in scan and collect', async () => {
    for (const cmd of ['scan', 'collect']) {
      const r = await runCli(['help', cmd])
      expect(r.stdout, cmd).toMatch(/-v, --verbose\s+More detail: /)
    }
    // The README says the same.
    expect(readFileSync(join(REPO, 'README.md'), 'utf8')).toMatch(/`-v`\/`--verbose` means more detail everywhere/)
  })
})
