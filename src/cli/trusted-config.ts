/**
 * `scan --config-from-ref REF`: the rules file (`--rules`, default `./tagwarden.yaml`) and the baseline
 * (`--baseline`) come from REF — the base branch of a pull request, where they were reviewed — instead of
 * the working tree, which the pull request controls. A file missing at REF means the bundled rules / no
 * baseline; a working-tree copy that differs is ignored and said to differ (docs/security.md).
 */
import { lstatSync } from 'node:fs'
import { resolve } from 'node:path'
import { BASELINE_MAX_BYTES, parseBaseline, type BaselineFile } from '../baseline/file.js'
import { openGitRef, type GitRef, type RefBlob } from '../config/git-ref.js'
import { DEFAULT_USER_RULES_FILE, RULES_MAX_BYTES, type RulesText } from '../config/load.js'
import { describeRulesChange } from '../config/rules-change.js'
import { readRegularTextSync } from '../util/read-file.js'

export interface TrustedConfig {
  ref: GitRef
  /** The rules file at REF; null: none there, the bundled rules alone. */
  rules: RulesText | null
  /** Absent without --baseline; null when REF has no such file (every finding is new). */
  baseline?: { file: BaselineFile; shown: string } | null
  /** What was read from where, and what the working tree would have changed: for stderr and summary.notes. */
  notices: string[]
}

/** The working tree's copy, to compare: undefined when absent; a reason instead of text when not comparable. */
function workingCopy(path: string, maxBytes: number): { text: string } | { reason: string } | undefined {
  try {
    const st = lstatSync(path)
    if (st.isSymbolicLink()) return { reason: 'a symbolic link' }
    if (!st.isFile()) return { reason: 'not a regular file' }
    if (st.size > maxBytes) return { reason: `${st.size} bytes, over the size limit` }
    return { text: readRegularTextSync(path, maxBytes) }
  } catch {
    return undefined
  }
}

function baselineChange(atRef: BaselineFile, headText: string): string {
  let head: BaselineFile
  try {
    head = parseBaseline(headText, 'working tree')
  } catch {
    return 'not a valid baseline'
  }
  const base = new Set(atRef.findings.map((e) => e.fingerprint))
  const mine = new Set(head.findings.map((e) => e.fingerprint))
  const added = [...mine].filter((f) => !base.has(f)).length
  const removed = [...base].filter((f) => !mine.has(f)).length
  return `${added} ${added === 1 ? 'entry' : 'entries'} added, ${removed} removed`
}

/** Opens REF (exit 2 with a fetch hint when it is not available) and reads the rules file and baseline from it. */
export function readTrustedConfig(o: { ref: string; cwd: string; rulesPath?: string | undefined; baselinePath?: string | undefined }): TrustedConfig {
  const ref = openGitRef(o.ref, o.cwd)
  const short = ref.commit.slice(0, 12)
  const notices: string[] = []
  const say = (m: string): number => notices.push(`--config-from-ref ${o.ref}: ${m}`)

  const rulesPath = o.rulesPath ?? DEFAULT_USER_RULES_FILE
  const rulesBlob = ref.read(rulesPath, 'rules file', RULES_MAX_BYTES)
  const rulesHead = workingCopy(resolve(o.cwd, rulesPath), RULES_MAX_BYTES)
  const rulesName = ref.repoPath(rulesPath, 'rules file')
  if (rulesBlob) say(`rules file ${rulesBlob.shown} (commit ${short}) is used, not the working tree's`)
  else say(`${rulesName} is not in ${o.ref} (commit ${short}): the bundled rules are used${rulesHead ? `; the working tree's ${rulesName} is ignored` : ''}`)
  if (rulesBlob) {
    if (!rulesHead) say(`${rulesName} is missing from the working tree; the one at ${o.ref} is used`)
    else if ('reason' in rulesHead) say(`${rulesName} in the working tree is ${rulesHead.reason}; it is ignored`)
    else if (rulesHead.text !== rulesBlob.text) say(`${rulesName} differs in the working tree (${describeRulesChange(rulesBlob.text, rulesHead.text)}); that version is ignored`)
  }

  const out: TrustedConfig = { ref, rules: rulesBlob ? { text: rulesBlob.text, path: rulesBlob.shown } : null, notices }
  if (o.baselinePath !== undefined) {
    const blob: RefBlob | undefined = ref.read(o.baselinePath, 'baseline', BASELINE_MAX_BYTES)
    const name = ref.repoPath(o.baselinePath, 'baseline')
    const head = workingCopy(resolve(o.cwd, o.baselinePath), BASELINE_MAX_BYTES)
    if (!blob) {
      say(`baseline ${name} is not in ${o.ref}: no baseline, every finding counts as new${head ? `; the working tree's ${name} is ignored` : ''}`)
      out.baseline = null
    } else {
      out.baseline = { file: parseBaseline(blob.text, blob.shown), shown: blob.shown }
      say(`baseline ${blob.shown} is used, not the working tree's`)
      if (head && 'reason' in head) say(`baseline ${name} in the working tree is ${head.reason}; it is ignored`)
      else if (head && head.text !== blob.text) say(`baseline ${name} differs in the working tree (${baselineChange(out.baseline.file, head.text)}); that version is ignored`)
    }
  }
  return out
}
