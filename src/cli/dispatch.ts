/**
 * From argv to a command, the way users type it: `tagwarden rules list`, `tagwarden help scan`,
 * `tagwarden scan --help`, a bare topic (`tagwarden rules`) for its help. A mistyped command or topic
 * gets a suggestion and exit 2; the guess is never run and nothing is asked. Messages show commands as
 * typed (`rules list`), never oclif's internal IDs (`rules:list`).
 */
import type { Config } from '@oclif/core'
import { UsageError } from '../errors.js'
import { closest } from '../util/text.js'
import { createHelp } from './help.js'

const HELP_FLAGS = new Set(['--help', '-h'])

/** `rules:list` → `rules list`. */
export function displayId(id: string): string {
  return id.split(':').join(' ')
}

/** The words before the first flag: the command (and its arguments). */
function leadingWords(argv: readonly string[]): string[] {
  const end = argv.findIndex((a) => a.startsWith('-'))
  return [...(end < 0 ? argv : argv.slice(0, end))]
}

type Resolved = { kind: 'command'; id: string; consumed: number } | { kind: 'topic'; name: string; consumed: number } | { kind: 'none' }

/** Topics that group commands (oclif also lists each command as a topic). */
function topicNames(config: Config): string[] {
  const ids = config.commands.map((c) => c.id)
  return config.topics.map((t) => t.name).filter((n) => ids.some((id) => id.startsWith(`${n}:`)))
}

/** The command or topic the leading words name, longest match first. */
export function resolveWords(words: readonly string[], config: Config): Resolved {
  for (let n = Math.min(words.length, 2); n > 0; n--) {
    const id = words.slice(0, n).join(':')
    if (config.findCommand(id)) return { kind: 'command', id, consumed: n }
  }
  const topics = topicNames(config)
  for (let n = Math.min(words.length, 2); n > 0; n--) {
    const name = words.slice(0, n).join(':')
    if (topics.includes(name)) return { kind: 'topic', name, consumed: n }
  }
  return { kind: 'none' }
}

/** The command or topic a mistyped one probably meant (as typed: `rules list`), if any is close. */
export function suggestCommand(words: readonly string[], config: Config): string | undefined {
  const commands = config.commands.filter((c) => !c.hidden).map((c) => displayId(c.id))
  const candidates = [...commands, ...topicNames(config).map(displayId)]
  for (let n = Math.min(words.length, 2); n > 0; n--) {
    const phrase = words.slice(0, n).join(' ')
    const sameLength = candidates.filter((c) => c.split(' ').length === n)
    const best = closest(phrase, sameLength, Math.max(2, Math.floor(phrase.length / 4)))
    if (best) return best
  }
  // A subcommand named without its topic: `list` → `rules list`.
  const bare = commands.filter((c) => c.split(' ').length === 2 && c.split(' ')[1] === words[0]?.toLowerCase())
  return bare.length === 1 ? bare[0] : undefined
}

/** A printable form of what the user typed (no control characters reach the terminal). */
function shown(words: readonly string[]): string {
  // eslint-disable-next-line no-control-regex
  return words.join(' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function unknownCommand(words: readonly string[], config: Config, viaHelp: boolean): UsageError {
  const suggestion = suggestCommand(words, config)
  const bin = config.bin
  const typed = shown(words.slice(0, 2))
  const kind = words.length > 1 && resolveWords(words.slice(0, 1), config).kind === 'topic' ? `no \`${shown(words.slice(0, 1))}\` command` : 'unknown command'
  return new UsageError(
    'unknown-command',
    `${kind} \`${typed}\`${suggestion ? ` — did you mean \`${bin} ${viaHelp ? 'help ' : ''}${suggestion}\`?` : ''}`,
    `\`${bin} help\` lists the commands`,
  )
}

/** `tagwarden help [words…]`, `tagwarden [words…] --help`: the root, a topic or a command. */
export async function showHelpFor(words: readonly string[], config: Config): Promise<void> {
  const help = createHelp(config)
  if (words.length === 0) return help.showHelp([])
  const r = resolveWords(words, config)
  // Extra words after a command are its arguments (`help rules explain some-rule`).
  if (r.kind === 'command') return help.showHelp([r.id])
  if (r.kind === 'topic' && r.consumed === words.length) return help.showHelp([r.name])
  throw unknownCommand(words, config, true)
}

/** Runs one tagwarden invocation (everything but process-level error reporting, see main.ts). */
export async function runTagwarden(argv: readonly string[], config: Config): Promise<void> {
  const beforeDashDash = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv
  if (argv.length === 1 && argv[0] === '--version') {
    process.stdout.write(`${config.userAgent}\n`)
    return
  }
  const words = leadingWords(argv)
  if (words[0] === 'help') return showHelpFor(words.slice(1), config)
  if (argv.length === 0 || beforeDashDash.some((a) => HELP_FLAGS.has(a))) return showHelpFor(words, config)
  if (words.length === 0) {
    throw new UsageError('no-command', `no command given before \`${shown(argv.slice(0, 1))}\``, `name a command first, e.g. \`${config.bin} scan ${shown(argv.slice(0, 2))}\`; \`${config.bin} help\` lists them`)
  }
  const r = resolveWords(words, config)
  if (r.kind === 'command') {
    await config.runCommand(r.id, argv.slice(r.consumed))
    return
  }
  if (r.kind === 'topic' && r.consumed === words.length) return showHelpFor(words, config)
  throw unknownCommand(words, config, false)
}
