/**
 * Where a run's outputs go: the main output (`--format`/`--output`, stdout by default) plus one
 * `--<format>-output FILE` per format. Planned before the scan starts so a usage mistake (two
 * outputs to one path) fails in milliseconds, not after scanning 1,000 accounts. Kept free of
 * reporter imports so `--help` stays fast.
 */
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, realpathSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { UsageError } from '../errors.js'
import { REPORT_FORMATS, type ReportFormat } from '../report/formats.js'
import { wrapText } from '../report/wrap.js'

export interface OutputTarget {
  format: ReportFormat
  /** Absolute path, or undefined for stdout. */
  path: string | undefined
  /** The flag that asked for it, for messages. */
  flag: string
  /** Append rather than overwrite (`$GITHUB_STEP_SUMMARY` collects every step's Markdown). */
  append: boolean
  /** A folder of per-account SARIF files (`--sarif-split-by-account`). */
  splitDir: boolean
}

export interface OutputPlanInput {
  format: ReportFormat
  output?: string | undefined
  extra?: Partial<Record<ReportFormat, string | undefined>>
  sarifSplitByAccount?: boolean
  cwd?: string
  env?: NodeJS.ProcessEnv
}

function identity(path: string): string {
  // Compare real paths where they exist, so `./a.json` and a symlink to it count as one file.
  try {
    return realpathSync(path)
  } catch {
    try {
      return join(realpathSync(dirname(path)), path.slice(dirname(path).length + 1))
    } catch {
      return path
    }
  }
}

/** The outputs of one run, main first; throws a UsageError when two of them would write the same place. */
export function planOutputs(i: OutputPlanInput): OutputTarget[] {
  const cwd = i.cwd ?? process.cwd()
  const env = i.env ?? process.env
  const summary = env.GITHUB_STEP_SUMMARY ? identity(resolve(cwd, env.GITHUB_STEP_SUMMARY)) : undefined
  const target = (format: ReportFormat, raw: string | undefined, flag: string): OutputTarget => {
    const path = raw === undefined || raw === '-' ? undefined : resolve(cwd, raw)
    return { format, path, flag, append: path !== undefined && identity(path) === summary, splitDir: false }
  }
  const targets: OutputTarget[] = [target(i.format, i.output, i.output === undefined ? '--format (stdout)' : '--output')]
  for (const f of REPORT_FORMATS) {
    const raw = i.extra?.[f]
    if (raw === undefined) continue
    if (raw === '') throw new UsageError('output-empty', `--${f}-output needs a file path`, `e.g. --${f}-output results.${f === 'markdown' ? 'md' : f === 'junit' ? 'xml' : f}`)
    targets.push(target(f, raw, `--${f}-output`))
  }
  if (i.sarifSplitByAccount) {
    const sarif = targets.filter((t) => t.format === 'sarif')
    if (sarif.length === 0) throw new UsageError('sarif-split-without-output', '--sarif-split-by-account needs a SARIF output folder', 'add --sarif-output DIR (upload-sarif accepts a folder)')
    for (const t of sarif) {
      if (t.path === undefined) throw new UsageError('sarif-split-stdout', '--sarif-split-by-account cannot write to stdout', 'give a folder: --sarif-output sarif-results/')
      if (existsSync(t.path) && !statSync(t.path).isDirectory()) throw new UsageError('sarif-split-not-dir', `--sarif-split-by-account writes a folder, but ${t.path} is a file`, 'give a folder path for --sarif-output')
      t.splitDir = true
    }
  }
  // A single-file output pointing at a folder fails in milliseconds with a clear message, not after the scan.
  for (const t of targets) {
    if (t.splitDir || t.path === undefined) continue
    if (existsSync(t.path) && statSync(t.path).isDirectory()) {
      throw new UsageError('output-is-directory', `${t.flag} ${t.path} is a folder; ${t.flag === '--output' ? 'the report' : `the ${t.format} output`} is one file`, `give a file path, e.g. ${join(t.path, `tagwarden.${t.format === 'markdown' ? 'md' : t.format === 'junit' ? 'xml' : t.format === 'text' ? 'txt' : t.format}`)}`)
    }
  }
  const seen = new Map<string, OutputTarget>()
  for (const t of targets) {
    const key = t.path === undefined ? '<stdout>' : identity(t.path)
    const prev = seen.get(key)
    if (prev) {
      const where = t.path === undefined ? 'stdout' : t.path
      throw new UsageError('output-collision', `${prev.flag} (${prev.format}) and ${t.flag} (${t.format}) both write to ${where}`, 'give each output its own path (the main output goes to stdout unless --output is set)')
    }
    seen.set(key, t)
  }
  return targets
}

export interface OutputIO {
  stdout: (s: string) => void
  /** Terminal width: text on stdout is wrapped to it (see terminalWidth). */
  width?: number | undefined
}

/** The width to wrap text output to: the terminal's, or none when stdout is a pipe or a file. */
export function terminalWidth(stream: { isTTY?: boolean; columns?: number } = process.stdout): number | undefined {
  return stream.isTTY === true ? stream.columns || 80 : undefined
}

/** Writes one rendered output; parent folders are created (CI paths like `results/x.sarif`). */
export function writeOutput(t: OutputTarget, text: string, io: OutputIO): void {
  if (t.path === undefined) {
    io.stdout(t.format === 'text' && io.width !== undefined ? wrapText(text, io.width) : text)
    return
  }
  mkdirSync(dirname(t.path), { recursive: true })
  if (t.append) appendFileSync(t.path, text)
  else writeFileSync(t.path, text)
}

/**
 * Writes text produced in pieces (the JSON report of a large organization can exceed the longest string
 * V8 allows, ~512 MB), so no single string holds all of it.
 */
export function writeOutputChunks(t: OutputTarget, chunks: Iterable<string>, io: OutputIO): void {
  if (t.path === undefined) {
    for (const c of chunks) io.stdout(c)
    return
  }
  mkdirSync(dirname(t.path), { recursive: true })
  const fd = openSync(t.path, t.append ? 'a' : 'w')
  try {
    for (const c of chunks) writeSync(fd, c)
  } finally {
    closeSync(fd)
  }
}

/** Writes per-account SARIF files into the target folder; returns the paths written. */
export function writeSplitSarif(t: OutputTarget, parts: ReadonlyArray<{ key: string; chunks: Iterable<string> }>): string[] {
  if (t.path === undefined) throw new Error('writeSplitSarif needs a folder')
  mkdirSync(t.path, { recursive: true })
  return parts.map((p) => {
    const file = join(t.path!, `tagwarden-${p.key}.sarif`)
    writeOutputChunks({ ...t, path: file, append: false, splitDir: false }, p.chunks, { stdout: () => undefined })
    return file
  })
}
