/** What `tagwarden collect` does once its flags are parsed. */
import { liveOptionsFromFlags, type LiveFlagValues } from './live-options.js'

export async function runCollectCommand(
  flags: LiveFlagValues & { output: string; debug?: boolean; verbose?: boolean; 'allow-partial'?: boolean },
  stderr: (s: string) => void = (s) => void process.stderr.write(s),
): Promise<number> {
  const options = liveOptionsFromFlags(flags)
  const { runCollect, collectExitCode, formatCollectSummary } = await import('../collect/run.js')
  const result = await runCollect({
    ...options,
    out: flags.output,
    onNotice: (m) => stderr(`tagwarden: note: ${m}\n`),
    ...(flags.debug ? { debug: (line: string) => stderr(`tagwarden: debug: ${line}\n`) } : {}),
  })
  if (flags.verbose) {
    const { formatCallStats } = await import('../scanners/live/calls.js')
    stderr(formatCallStats(result.stats.calls))
  }
  stderr(formatCollectSummary(result, flags.output))
  return collectExitCode(result, flags['allow-partial'] ?? false)
}
