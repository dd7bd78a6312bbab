/**
 * Process entry: runs oclif and owns the last word on exit codes. oclif would exit 1 on an uncaught
 * error, which CI reads as "findings"; every error here becomes exit 2 with a one-line message and a
 * hint (a stack trace only with --debug). Ctrl-C exits 130.
 */
import { fileURLToPath } from 'node:url'
import { Config, flush, Errors } from '@oclif/core'
import { ExitCode, isTagwardenError } from '../errors.js'
import { runTagwarden } from './dispatch.js'
import { escapeControl } from '../util/escape.js'

export async function main(argv: string[], binUrl: string): Promise<void> {
  // The SDK warns on every run that its 2027 releases need Node 22; tagwarden pins SDK versions that
  // support Node 20, so the warning is noise on stderr (which CI logs and users read).
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const debug = argv.includes('--debug') || process.env.TAGWARDEN_DEBUG === '1'
  process.once('SIGINT', () => {
    process.stderr.write('\ntagwarden: interrupted\n')
    process.exit(ExitCode.Interrupted)
  })
  try {
    const config = await Config.load(fileURLToPath(binUrl))
    await runTagwarden(argv, config)
    await flush()
  } catch (e) {
    process.exitCode = reportFatal(e, debug)
  }
}

/**
 * A message on stderr: control characters shown escaped line by line (a message may list several problems,
 * one per line), and every line after the first indented, so no line that data split off can begin a
 * workflow command.
 */
function safeLines(message: string): string {
  return message
    .split('\n')
    .map((l, i) => (i > 0 && !/^\s/.test(l) ? `  ${escapeControl(l)}` : escapeControl(l)))
    .join('\n')
}

export function reportFatal(e: unknown, debug: boolean): number {
  // oclif's own exit (e.g. `this.exit(n)`) and help/version display.
  if (e instanceof Errors.ExitError) return e.oclif.exit ?? ExitCode.Clean
  const err = e as { oclif?: { exit?: number }; message?: string; code?: string }
  if (isTagwardenError(e)) {
    const loc = 'location' in e && typeof e.location === 'string' && !e.message.startsWith(e.location) ? `${e.location}: ` : ''
    process.stderr.write(`tagwarden: error: ${safeLines(`${loc}${e.message}`)}\n`)
    if ('usage' in e && typeof e.usage === 'string' && e.usage !== '') process.stderr.write(`usage:\n  ${e.usage.split('\n').join('\n  ')}\n`)
    if (e.hint) process.stderr.write(`  hint: ${escapeControl(e.hint)}\n`)
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`)
    return e.exitCode
  }
  if (err?.oclif?.exit !== undefined && e instanceof Error) {
    // Flag parsing and other usage errors from oclif.
    process.stderr.write(`tagwarden: error: ${escapeControl(e.message.replace(/\n\s*See more help with --help$/, ''))}\n  hint: see \`tagwarden --help\` or \`tagwarden <command> --help\`\n`)
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`)
    return ExitCode.Incomplete
  }
  process.stderr.write(`tagwarden: internal error: ${escapeControl(err?.message ?? String(e))}\n  hint: re-run with --debug and report it at https://github.com/tagwarden/tagwarden/issues\n`)
  if (debug && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`)
  return ExitCode.Incomplete
}
