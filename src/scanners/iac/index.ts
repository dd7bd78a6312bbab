/**
 * The IaC scanner: `--iac PATH...` → CloudFormation templates, CDK cloud assemblies and Terraform plan
 * JSON → one `IacInventory` per template, CDK stack or plan.
 *
 * Folders are walked (dependencies, dot-folders and `.terraform` skipped) and files recognised by parsing
 * them, never by sniffing bytes: a file is a template when it parses (YAML in any style, JSON with escapes)
 * and has a top-level `Resources` mapping whose entries have a `Type`. Everything is counted
 * (`summary.inputs.iac`); a path named on the command line that yields nothing scannable is an input error,
 * and what a walk could not evaluate (too large, unparsable) is a `notEvaluated` entry. Walks never follow
 * a symlink out of the folder named on the command line, and only regular files within their size limit
 * are read (see files.ts, docs/security.md).
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { IacInputCounts, NotEvaluatedEntry, ScanErrorEntry } from '../../model/finding.js'
import { changedSince } from './changed.js'
import { isAssemblyManifest, readAssembly } from './cdk.js'
import { parseTemplateText, type CNode } from './cfn/parse.js'
import { ResolveBudgetError } from './cfn/resolve.js'
import { templateToInventory } from './cfn/template.js'
import { IAC_HINTS, IacErrorCode, iacError } from './common.js'
import { CFN_MAX_BYTES, PLAN_MAX_BYTES, decodeText, fsMessage, isInside, megabytes, readBounded } from './files.js'
import type { IacInventory } from './model.js'
import { planToInventory } from './terraform/plan.js'
import { readPlanFile } from './terraform/plan-reader.js'
import { terraformRoots } from './terraform/roots.js'
import { isTerraformSource } from './terraform/source/config.js'
import { sourcesToInventory } from './terraform/sources.js'

export * from './model.js'
export { buildPolicy } from './policy.js'
export { iacFixHint, type FixInput, type FixKind } from './fix-hints.js'
export { CFN_MAX_BYTES, PLAN_MAX_BYTES } from './files.js'

export interface IacScanOptions {
  /** Folder that file paths in findings are relative to (SARIF `artifactLocation.uri`). Default: cwd. */
  basePath?: string
  /** Terraform root module folder (for locating resources in `.tf` files). Default: each plan's folder. */
  tfDir?: string
  /** Git ref: only templates changed since its merge base with HEAD, and only resources a plan changes. */
  changedOnly?: string
  /** Keys counted as present on principals whose whole tag set is only known at deploy time. */
  requiredTagKeys?: readonly string[]
  /** Larger CloudFormation templates are rejected (CloudFormation's own limit: 1 MB). */
  maxTemplateBytes?: number
  /** Terraform sources: `--var-file` files, in order (root modules read without a plan). */
  varFiles?: readonly string[]
  /** Terraform sources: the environment `TF_VAR_*` values come from. Default: none. */
  env?: Readonly<Record<string, string | undefined>>
}

export type IacUnitKind = 'cloudformation' | 'cdk-stack' | 'terraform-plan' | 'terraform-sources'

export interface IacUnit {
  kind: IacUnitKind
  /** Absolute path. */
  absFile: string
  /** Path relative to the base path, with `/`. */
  file: string
  /** CDK stack name. */
  stack?: string
  /** Terraform sources (`absFile` is the root module folder): every file its evaluation reads. */
  files?: string[]
}

export interface IacPlan {
  units: IacUnit[]
  errors: ScanErrorEntry[]
  /** Files read or recognised (IaC files, including the ones that produced errors). */
  fileCount: number
  /** Units left out by --changed-only. */
  skippedUnchanged: number
  /** What was read, recognised and skipped (`summary.inputs.iac`). */
  counts: IacInputCounts
  /** Files a walk could not evaluate (too large, unparsable). */
  notEvaluated: NotEvaluatedEntry[]
}

export interface IacLoaded {
  accountId: string
  inventory?: IacInventory
  errors: ScanErrorEntry[]
}

const TEMPLATE_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template', '.cfn'])
/** Files that are never IaC even though they are JSON/YAML: skipped without reading. */
const NOT_IAC_NAMES = new Set(['package.json', 'package-lock.json', 'tree.json', 'cdk.json', 'cdk.context.json', 'tsconfig.json', 'jsconfig.json', 'composer.json', '.eslintrc.json'])
/** Files up to this size are parsed to recognise them (a template over CloudFormation's limit is still reported as one). */
const RECOGNISE_FACTOR = 4

function skipName(name: string): boolean {
  return NOT_IAC_NAMES.has(name) || /^tsconfig\..*\.json$/.test(name) || name.endsWith('.assets.json')
}

function skipFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.')
}

export function toRepoPath(basePath: string, abs: string): string {
  const rel = relative(basePath, abs)
  return (rel === '' || isAbsolute(rel) ? abs : rel).split(sep).join('/')
}

export type Recognised = 'cloudformation' | 'terraform-plan' | 'cdk-manifest' | 'empty' | 'other' | 'unparsable'

const PLAN_KEYS = ['terraform_version', 'resource_changes', 'planned_values', 'prior_state']

function mapKeys(node: CNode | undefined): Map<string, CNode> {
  return new Map(node?.t === 'map' ? node.entries.map((e) => [e.key, e.value]) : [])
}

/** A parsed document is a template when its `Resources` mapping has entries with a `Type` (or that a transform fills in). */
export function isTemplateDocument(root: CNode): boolean {
  const res = mapKeys(root).get('Resources')
  // `Fn::Transform` (AWS::Include) and `Fn::ForEach::…` entries stand for resources added at deploy time (cfn/transforms.ts).
  return res?.t === 'map' && res.entries.some((e) => mapKeys(e.value).has('Type') || e.key === 'Fn::Transform' || e.key.startsWith('Fn::ForEach::'))
}

/**
 * Looks like a template that does not parse: the parse error is then reported, not the file skipped. A
 * top-level `Resources:` key (YAML at column 0, or a JSON member) with a resource type, a `Type:` key or the
 * format version: the word anywhere (a Helm chart's comment, a Kubernetes `resources:`) is not enough.
 */
function looksLikeTemplate(text: string): boolean {
  const resources = /^Resources\s*:/m.test(text) || /"Resources"\s*:/.test(text)
  return resources && /\b(?:AWS|Custom|Alexa)::|AWSTemplateFormatVersion|^\s+Type\s*:|"Type"\s*:/m.test(text)
}

/** Recognise a file by parsing its text (YAML 1.2, which includes JSON). */
export function recognise(text: string, name: string): Recognised {
  if (text.trim() === '') return 'empty'
  const parsed = parseTemplateText(text)
  if (parsed.problems.length > 0) {
    // A cut-off `terraform show -json` or a broken template: the loader reports where it breaks.
    if (/^\s*\{/.test(text) && /"format_version"\s*:/.test(text)) return 'terraform-plan'
    return looksLikeTemplate(text) ? 'cloudformation' : 'unparsable'
  }
  for (const doc of parsed.documents) {
    const keys = mapKeys(doc)
    if (name === 'manifest.json' && keys.has('artifacts') && keys.has('version')) return 'cdk-manifest'
    if (keys.has('format_version') && PLAN_KEYS.some((k) => keys.has(k))) return 'terraform-plan'
    if (isTemplateDocument(doc)) return 'cloudformation'
  }
  return 'other'
}

function emptyCounts(): IacInputCounts {
  return { filesRead: 0, templates: 0, plans: 0, assemblies: 0, notTemplates: 0, skippedSymlinks: 0, skippedTooLarge: 0 }
}

/** Find the IaC inputs under `paths`. Reads and parses candidate files (and CDK manifests). Never throws. */
export async function planIac(paths: readonly string[], opts: IacScanOptions = {}): Promise<IacPlan> {
  const basePath = resolve(opts.basePath ?? process.cwd())
  const cfnMax = opts.maxTemplateBytes ?? CFN_MAX_BYTES
  const units: IacUnit[] = []
  const errors: ScanErrorEntry[] = []
  const notEvaluated: NotEvaluatedEntry[] = []
  const counts = emptyCounts()
  const seen = new Set<string>()
  const assemblyFiles = new Set<string>()
  const rel = (abs: string): string => toRepoPath(basePath, abs)
  /** Units and errors found under the command-line path being processed. */
  let found = 0
  /** Folders holding `.tf` / `.tf.json` files → named on the command line. */
  const tfFolders = new Map<string, boolean>()

  const addAssembly = async (dir: string): Promise<void> => {
    const real = await realpath(dir)
    const asm = await readAssembly(real)
    counts.filesRead++
    counts.assemblies++
    for (const p of asm.problems) errors.push(iacError(IacErrorCode.InvalidManifest, rel(p.file), undefined, `${rel(p.file)}: ${p.message}`, IAC_HINTS.manifest))
    found += asm.problems.length
    for (const s of asm.stacks) {
      if (assemblyFiles.has(s.file)) continue
      assemblyFiles.add(s.file)
      units.push({ kind: 'cdk-stack', absFile: s.file, file: rel(s.file), stack: s.stack })
      found++
    }
    for (const d of asm.dirs) seen.add(`dir:${d}`)
  }

  /** Not evaluated: an error when the file was named, an entry (and a count) in a walk. */
  const skipped = (abs: string, explicit: boolean, code: string, message: string, hint: string): void => {
    if (explicit) {
      errors.push(iacError(code, rel(abs), undefined, message, hint))
      found++
    } else notEvaluated.push({ file: rel(abs), reason: message })
  }

  const considerFile = async (abs: string, explicit: boolean): Promise<void> => {
    const name = basename(abs)
    const real = await realpath(abs).catch(() => abs)
    if (seen.has(real) || assemblyFiles.has(real)) return
    seen.add(real)
    if (isTerraformSource(name)) {
      const dir = dirname(abs)
      tfFolders.set(dir, explicit || (tfFolders.get(dir) ?? false))
      return
    }
    if (!explicit && (skipName(name) || !TEMPLATE_EXTENSIONS.has(extname(name).toLowerCase()))) return
    if (explicit && skipName(name) && name !== 'manifest.json') {
      errors.push(iacError(IacErrorCode.NotScannable, rel(abs), undefined, `${rel(abs)} is not IaC (${name} is never a template, plan or cloud assembly)`, IAC_HINTS.notScannable))
      found++
      return
    }
    const read = await readBounded(abs, cfnMax * RECOGNISE_FACTOR)
    if (!read.ok && read.reason !== 'too-large') {
      if (read.reason === 'not-regular' && !explicit) return
      errors.push(iacError(IacErrorCode.Unreadable, rel(abs), undefined, `${rel(abs)}: ${read.message}`, IAC_HINTS.unreadable))
      found++
      return
    }
    counts.filesRead++
    let kind: Recognised
    if (read.ok) kind = recognise(decodeText(read.buf), name)
    else {
      // Too large to parse whole: a plan is streamed; a JSON object's top-level keys still tell a template.
      // Only the keys: loadPlan parses the members it reads (resource_changes, configuration) once, later.
      const st = await stat(abs)
      const plan = st.size <= PLAN_MAX_BYTES ? await readPlanFile(abs, []) : undefined
      if (plan?.ok && plan.members.keys.includes('format_version') && PLAN_KEYS.some((k) => plan.members.keys.includes(k))) kind = 'terraform-plan'
      else if (plan?.ok && plan.members.keys.includes('Resources')) {
        counts.skippedTooLarge++
        skipped(abs, true, IacErrorCode.TooLarge, `template ${rel(abs)} is ${megabytes(st.size)}; CloudFormation accepts at most ${megabytes(cfnMax)}`, IAC_HINTS.cfnTooLarge)
        return
      } else if (plan?.ok) kind = 'other'
      else {
        counts.skippedTooLarge++
        skipped(abs, explicit, IacErrorCode.TooLarge, `${rel(abs)} is ${megabytes(st.size)}, too large to recognise (templates: at most ${megabytes(cfnMax)}, plan JSON: ${megabytes(PLAN_MAX_BYTES)}); not read`, IAC_HINTS.tooLarge)
        return
      }
    }
    switch (kind) {
      case 'cdk-manifest':
        await addAssembly(dirname(abs))
        return
      case 'cloudformation':
        counts.templates++
        units.push({ kind, absFile: real, file: rel(abs) })
        found++
        return
      case 'terraform-plan':
        counts.plans++
        units.push({ kind, absFile: real, file: rel(abs) })
        found++
        return
      case 'unparsable':
        counts.notTemplates++
        skipped(abs, explicit, IacErrorCode.NotScannable, `${rel(abs)} does not parse as YAML or JSON, so it was not recognised as a template or plan`, IAC_HINTS.notScannable)
        return
      default:
        counts.notTemplates++
        if (explicit) {
          errors.push(
            iacError(
              IacErrorCode.NotScannable,
              rel(abs),
              undefined,
              kind === 'empty'
                ? `${rel(abs)} is empty: no template, plan or cloud assembly to scan`
                : `${rel(abs)} is not a CloudFormation template (no top-level Resources mapping whose entries have a Type), a Terraform plan JSON or a CDK cloud assembly manifest`,
              IAC_HINTS.notScannable,
            ),
          )
          found++
        }
    }
  }

  const walk = async (dir: string, root: string, depth: number): Promise<void> => {
    let real: string
    try {
      real = await realpath(dir)
    } catch (e) {
      errors.push(iacError(IacErrorCode.Unreadable, rel(dir), undefined, `${rel(dir)}: ${fsMessage(e)}`, IAC_HINTS.unreadable))
      return
    }
    if (seen.has(`dir:${real}`) || depth > 40) return
    seen.add(`dir:${real}`)
    let entries
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    } catch (e) {
      errors.push(iacError(IacErrorCode.Unreadable, rel(dir), undefined, `${rel(dir)}: ${fsMessage(e)}`, IAC_HINTS.unreadable))
      return
    }
    // A cloud assembly is read through its manifest, so its stacks carry their names and construct paths.
    if (entries.some((e) => e.name === 'manifest.json' && e.isFile())) {
      const m = await readBounded(join(dir, 'manifest.json'), CFN_MAX_BYTES * RECOGNISE_FACTOR)
      if (m.ok) {
        let manifest: unknown
        try {
          manifest = JSON.parse(decodeText(m.buf))
        } catch {
          manifest = undefined
        }
        if (isAssemblyManifest(manifest)) {
          seen.add(join(real, 'manifest.json'))
          await addAssembly(dir)
          return
        }
      }
    }
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (!skipFolder(e.name)) await walk(p, root, depth + 1)
      } else if (e.isFile()) await considerFile(p, false)
      else if (e.isSymbolicLink()) {
        // Never out of the folder named on the command line: a symlink to `/` would walk the whole disk.
        const target = await realpath(p).catch(() => undefined)
        // A dangling link (or a loop) is skipped as one leading out: counted, never silent.
        if (target === undefined || !isInside(root, target)) {
          counts.skippedSymlinks++
          continue
        }
        const s = await stat(target).catch(() => undefined)
        if (s?.isDirectory()) {
          if (!skipFolder(e.name)) await walk(p, root, depth + 1)
        } else if (s?.isFile()) await considerFile(p, false)
      }
    }
  }

  const named: Array<{ input: string; abs: string; dir: boolean; found: number }> = []
  for (const input of paths) {
    const abs = resolve(input)
    let s
    try {
      s = await stat(abs)
    } catch (e) {
      errors.push(iacError(IacErrorCode.Unreadable, input, undefined, `${input}: ${fsMessage(e)}`, IAC_HINTS.unreadable))
      continue
    }
    found = 0
    if (s.isDirectory()) {
      await walk(abs, await realpath(abs), 0)
      if (tfFolders.has(abs)) tfFolders.set(abs, true)
    } else await considerFile(abs, true)
    named.push({ input, abs, dir: s.isDirectory(), found })
  }

  // Terraform root modules read from their sources; a folder with a plan is left to the plan.
  const tfUnits: IacUnit[] = []
  if (tfFolders.size > 0) {
    const paired = new Set(units.filter((u) => u.kind === 'terraform-plan').map((u) => dirname(u.absFile)))
    if (opts.tfDir !== undefined) paired.add(resolve(opts.tfDir))
    for (const root of await terraformRoots(tfFolders, paired, await realpath(basePath).catch(() => basePath))) {
      const unit: IacUnit = { kind: 'terraform-sources', absFile: root.dir, file: rel(root.dir) || '.', files: root.files }
      units.push(unit)
      tfUnits.push(unit)
      // Counted once they are read as a root module (a plan's .tf files only give it lines, as before).
      counts.filesRead += root.files.length
    }
  }

  // A path named on the command line that yields nothing is not a clean result (except with
  // --changed-only, where a pull request that changes no template is the normal case).
  for (const n of named) {
    if (n.found > 0 || opts.changedOnly !== undefined) continue
    if (tfUnits.some((u) => (n.dir ? isInside(n.abs, u.absFile) : u.files?.includes(n.abs)))) continue
    errors.push(
      iacError(
        IacErrorCode.NotScannable,
        rel(n.abs),
        undefined,
        n.dir
          ? `--iac ${n.input}: no CloudFormation template, CDK cloud assembly (with stacks), Terraform plan JSON or Terraform sources found`
          : `--iac ${n.input}: nothing scannable in this file`,
        IAC_HINTS.notScannable,
      ),
    )
  }

  let skippedUnchanged = 0
  let kept = units
  if (opts.changedOnly !== undefined) {
    // `--var-file` values feed every root module read from sources: a changed one changes them all.
    const varFiles = (opts.varFiles ?? []).map((f) => resolve(f))
    const filesOf = (u: IacUnit): readonly string[] => [...(u.files ?? [u.absFile]), ...(u.kind === 'terraform-sources' ? varFiles : [])]
    const cs = changedSince(opts.changedOnly, basePath, [...new Set(units.flatMap(filesOf))])
    if (!cs.ok) errors.push(iacError(IacErrorCode.ChangedOnly, 'git', undefined, cs.message, 'Run tagwarden inside the repository checkout and pass a ref that exists there (a branch, tag or commit).'))
    else {
      // A root module is checked when any file it reads changed (its own, a local module's, a tfvars file, a --var-file).
      kept = units.filter((u) => filesOf(u).some((f) => !cs.changes.unchanged(f)))
      skippedUnchanged = units.length - kept.length
    }
  }
  return { units: kept, errors, fileCount: counts.filesRead, skippedUnchanged, counts, notEvaluated }
}

/** Read one unit into inventories (a YAML file may hold several templates). Never throws. */
export async function loadIacUnit(unit: IacUnit, opts: IacScanOptions = {}): Promise<IacLoaded[]> {
  try {
    if (unit.kind === 'terraform-sources') return [await loadSources(unit, opts)]
    return unit.kind === 'terraform-plan' ? [await loadPlan(unit, opts)] : await loadTemplate(unit, opts)
  } catch (e) {
    // A bug in tagwarden, not in the input: still an error entry with the file, never a stack trace.
    return [
      {
        accountId: `iac:${unit.file}`,
        errors: [iacError('iac-internal-error', unit.file, undefined, `tagwarden could not analyse ${unit.file}: ${(e as Error)?.message ?? String(e)}`, 'This is a tagwarden bug: please report it with the file (or a reduced copy).')],
      },
    ]
  }
}

async function loadPlan(unit: IacUnit, opts: IacScanOptions): Promise<IacLoaded> {
  const accountId = `iac:${unit.file}`
  const read = await readPlanFile(unit.absFile)
  if (!read.ok) {
    const pos = read.line !== undefined ? { line: read.line, column: read.column ?? 1 } : undefined
    return { accountId, errors: [iacError(IacErrorCode.ParseError, unit.file, pos, `Terraform plan ${unit.file}: ${read.message}`, IAC_HINTS.planParse)] }
  }
  const basePath = resolve(opts.basePath ?? process.cwd())
  const r = await planToInventory({
    members: read.members,
    file: unit.file,
    absFile: unit.absFile,
    key: accountId,
    basePath,
    changedOnly: opts.changedOnly !== undefined,
    requiredTagKeys: opts.requiredTagKeys ?? [],
    ...(opts.tfDir !== undefined ? { tfDir: resolve(opts.tfDir) } : {}),
  })
  return r.inventory ? { accountId, inventory: r.inventory, errors: r.errors } : { accountId, errors: r.errors }
}

async function loadSources(unit: IacUnit, opts: IacScanOptions): Promise<IacLoaded> {
  const accountId = `iac:${unit.file}`
  const r = await sourcesToInventory({
    dir: unit.absFile,
    file: unit.file,
    key: accountId,
    basePath: resolve(opts.basePath ?? process.cwd()),
    requiredTagKeys: opts.requiredTagKeys ?? [],
    ...(opts.varFiles ? { varFiles: opts.varFiles.map((f) => resolve(f)) } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  })
  return r.inventory ? { accountId, inventory: r.inventory, errors: r.errors } : { accountId, errors: r.errors }
}

async function loadTemplate(unit: IacUnit, opts: IacScanOptions): Promise<IacLoaded[]> {
  const accountId = `iac:${unit.file}`
  const max = opts.maxTemplateBytes ?? CFN_MAX_BYTES
  const read = await readBounded(unit.absFile, max)
  if (!read.ok) {
    const error =
      read.reason === 'too-large'
        ? iacError(IacErrorCode.TooLarge, unit.file, undefined, `template ${unit.file} is ${read.size !== undefined ? megabytes(read.size) : 'too large'}; CloudFormation accepts at most ${megabytes(max)}`, IAC_HINTS.cfnTooLarge)
        : iacError(IacErrorCode.Unreadable, unit.file, undefined, `${unit.file}: ${read.message}`, IAC_HINTS.unreadable)
    return [{ accountId, errors: [error] }]
  }
  const parsed = parseTemplateText(decodeText(read.buf))
  if (parsed.problems.length > 0) {
    return [
      {
        accountId,
        errors: parsed.problems.map((p) =>
          iacError(
            p.kind === 'alias-budget' ? IacErrorCode.AliasBudget : /unknown YAML tag/.test(p.message) ? IacErrorCode.UnknownTag : IacErrorCode.ParseError,
            unit.file,
            { line: p.line, column: p.column },
            p.kind === 'alias-budget' ? `template ${unit.file}: ${p.message}` : `template ${unit.file} does not parse: ${p.message}`,
            p.kind === 'alias-budget' ? IAC_HINTS.aliasBudget : IAC_HINTS.cfnParse,
          ),
        ),
      },
    ]
  }
  const templates = parsed.documents.filter(isTemplate)
  if (templates.length === 0) {
    const pos = parsed.documents[0]?.pos
    return [{ accountId, errors: [iacError(IacErrorCode.NotATemplate, unit.file, pos, `${unit.file} looks like a CloudFormation template but has no Resources mapping`, IAC_HINTS.cfnParse)] }]
  }
  const out: IacLoaded[] = []
  for (const [i, root] of templates.entries()) {
    const key = templates.length > 1 ? `${accountId}#${i + 1}` : accountId
    const cdk = unit.kind === 'cdk-stack' || hasCdkPaths(root)
    let r: ReturnType<typeof templateToInventory>
    try {
      r = templateToInventory({
      root,
      file: unit.file,
      key,
      format: cdk ? 'cdk' : 'cloudformation',
      requiredTagKeys: opts.requiredTagKeys ?? [],
      ...(unit.stack !== undefined ? { stack: unit.stack } : {}),
      })
    } catch (e) {
      if (!(e instanceof ResolveBudgetError)) throw e
      // Never a partial (and so possibly too clean) result: the whole template is not evaluated.
      out.push({ accountId: key, errors: [iacError(IacErrorCode.EvaluationBudget, unit.file, root.pos, `template ${unit.file}: ${e.message}; the template was not evaluated`, IAC_HINTS.cfnParse)] })
      continue
    }
    out.push({ accountId: key, inventory: r.inventory, errors: r.errors })
  }
  return out
}

function isTemplate(root: CNode): boolean {
  if (root.t !== 'map') return false
  const res = root.entries.find((e) => e.key === 'Resources')
  return res !== undefined && res.value.t === 'map'
}

function hasCdkPaths(root: CNode): boolean {
  const res = root.t === 'map' ? root.entries.find((e) => e.key === 'Resources')?.value : undefined
  if (res?.t !== 'map') return false
  return res.entries.some((e) => {
    const md = e.value.t === 'map' ? e.value.entries.find((x) => x.key === 'Metadata')?.value : undefined
    return md?.t === 'map' && md.entries.some((x) => x.key === 'aws:cdk:path')
  })
}
