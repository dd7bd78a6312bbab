/** What `tagwarden collect` does once its flags are parsed. */
import { liveOptionsFromFlags, type LiveFlagValues } from './live-options.js'

export async function runCollectCommand(
  flags: LiveFlagValues & { out: string; debug?: boolean; 'allow-partial'?: boolean },
  stderr: (s: string) => void = (s) => void process.stderr.write(s),
): Promise<number> {
  const options = liveOptionsFromFlags(flags)
  const { runCollect, collectExitCode, formatCollectSummary } = await import('../collect/run.js')
  const result = await runCollect({
    ...options,
    out: flags.out,
    onNotice: (m) => stderr(`tagwarden: note: ${m}\n`),
    ...(flags.debug ? { debug: (line: string) => stderr(`tagwarden: debug: ${line}\n`) } : {}),
  })
  stderr(formatCollectSummary(result, flags.out))
  return collectExitCode(result, flags['allow-partial'] ?? false)
}
