/**
 * The IaC scanner: `--iac PATH...` → CloudFormation templates, CDK cloud assemblies and Terraform plan
 * JSON → one `IacInventory` per template, CDK stack or plan.
 *
 * Folders are walked (dependencies, dot-folders and `.terraform` skipped) and files recognised by their
 * content; files that are not IaC are skipped silently. Only files that look like IaC but cannot be read
 * are errors, each naming the file, line and column; the other files are still scanned.
 */
import { open, readdir, realpath, stat } from 'node:fs/promises'
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { ScanErrorEntry } from '../../model/finding.js'
import { changedSince } from './changed.js'
import { readAssembly } from './cdk.js'
import { parseTemplateText, type CNode } from './cfn/parse.js'
import { templateToInventory } from './cfn/template.js'
import { IAC_HINTS, IacErrorCode, iacError } from './common.js'
import type { IacInventory } from './model.js'
import { planToInventory } from './terraform/plan.js'
import { readPlanFile } from './terraform/plan-reader.js'
import { terraformRoots } from './terraform/roots.js'
import { isTerraformSource } from './terraform/source/config.js'
import { sourcesToInventory } from './terraform/sources.js'

export * from './model.js'
export { buildPolicy } from './policy.js'
export { iacFixHint, type FixInput, type FixKind } from './fix-hints.js'

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
}

export interface IacLoaded {
  accountId: string
  inventory?: IacInventory
  errors: ScanErrorEntry[]
}

export const CFN_MAX_BYTES = 1024 * 1024
const SNIFF_BYTES = 64 * 1024
const TEMPLATE_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template', '.cfn'])
/** Files that are never IaC even though they are JSON/YAML: skipped without reading. */
const NOT_IAC_NAMES = new Set(['package.json', 'package-lock.json', 'tree.json', 'cdk.json', 'cdk.context.json', 'tsconfig.json', 'jsconfig.json', 'composer.json', '.eslintrc.json'])

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

type Sniffed = 'cloudformation' | 'terraform-plan' | 'cdk-manifest' | 'other'

/** Recognise IaC from the first bytes of a file. */
export function sniff(text: string, name: string): Sniffed {
  const t = text.replace(/^\uFEFF/, '').trimStart()
  if (name === 'manifest.json' && /"artifacts"\s*:/.test(t) && /"version"\s*:/.test(t)) return 'cdk-manifest'
  if (t.startsWith('{')) {
    if (/"format_version"\s*:/.test(t) && /"(terraform_version|resource_changes|planned_values|prior_state)"\s*:/.test(t)) return 'terraform-plan'
    if (/"AWSTemplateFormatVersion"\s*:/.test(t)) return 'cloudformation'
    if (/"Resources"\s*:/.test(t) && /"Type"\s*:\s*"(AWS|Custom|Alexa)::/.test(t)) return 'cloudformation'
    return 'other'
  }
  if (/^\s*"?AWSTemplateFormatVersion"?\s*:/m.test(t)) return 'cloudformation'
  if (/^"?Resources"?\s*:/m.test(t) && /^\s+"?Type"?\s*:\s*["']?(AWS|Custom|Alexa)::/m.test(t)) return 'cloudformation'
  return 'other'
}

async function readPrefix(file: string, bytes: number): Promise<string> {
  const handle = await open(file, 'r')
  try {
    const buf = Buffer.alloc(bytes)
    const { bytesRead } = await handle.read(buf, 0, bytes, 0)
    return decode(buf.subarray(0, bytesRead))
  } finally {
    await handle.close()
  }
}

function decode(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2))
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2))
  return new TextDecoder('utf-8').decode(buf)
}

function fsMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  return code === 'ENOENT' ? 'not found' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String((e as Error)?.message ?? e)
}

/** Find the IaC inputs under `paths`. Reads only file prefixes (and CDK manifests). Never throws. */
export async function planIac(paths: readonly string[], opts: IacScanOptions = {}): Promise<IacPlan> {
  const basePath = resolve(opts.basePath ?? process.cwd())
  const units: IacUnit[] = []
  const errors: ScanErrorEntry[] = []
  const seen = new Set<string>()
  const assemblyFiles = new Set<string>()
  let fileCount = 0
  const rel = (abs: string): string => toRepoPath(basePath, abs)
  /** Folders holding `.tf` / `.tf.json` files → named on the command line. */
  const tfFolders = new Map<string, boolean>()

  const addAssembly = async (dir: string): Promise<void> => {
    const asm = await readAssembly(dir)
    fileCount++
    for (const p of asm.problems) errors.push(iacError(IacErrorCode.InvalidManifest, rel(p.file), undefined, p.message, IAC_HINTS.manifest))
    for (const s of asm.stacks) {
      if (assemblyFiles.has(s.file)) continue
      assemblyFiles.add(s.file)
      units.push({ kind: 'cdk-stack', absFile: s.file, file: rel(s.file), stack: s.stack })
    }
    for (const d of asm.dirs) seen.add(`dir:${d}`)
  }

  const considerFile = async (abs: string, explicit: boolean): Promise<void> => {
    const name = basename(abs)
    if (seen.has(abs) || assemblyFiles.has(abs)) return
    seen.add(abs)
    if (isTerraformSource(name)) {
      const dir = dirname(abs)
      tfFolders.set(dir, explicit || (tfFolders.get(dir) ?? false))
      return
    }
    if (!explicit && (skipName(name) || !TEMPLATE_EXTENSIONS.has(extname(name).toLowerCase()))) return
    if (explicit && skipName(name) && name !== 'manifest.json') return
    let head: string
    try {
      head = await readPrefix(abs, SNIFF_BYTES)
    } catch (e) {
      errors.push(iacError(IacErrorCode.Unreadable, rel(abs), undefined, `${rel(abs)}: ${fsMessage(e)}`, IAC_HINTS.unreadable))
      return
    }
    const kind = sniff(head, name)
    if (kind === 'cdk-manifest') {
      await addAssembly(dirname(abs))
      return
    }
    if (kind === 'other') return
    fileCount++
    units.push({ kind, absFile: abs, file: rel(abs) })
  }

  const walk = async (dir: string, depth: number): Promise<void> => {
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
      try {
        const head = await readPrefix(join(dir, 'manifest.json'), SNIFF_BYTES)
        if (sniff(head, 'manifest.json') === 'cdk-manifest') {
          await addAssembly(dir)
          return
        }
      } catch {
        // unreadable manifest: walk the folder like any other
      }
    }
    for (const e of entries) {
      const p = join(dir, e.name)
      if (e.isDirectory()) {
        if (!skipFolder(e.name)) await walk(p, depth + 1)
      } else if (e.isFile()) await considerFile(p, false)
      else if (e.isSymbolicLink()) {
        try {
          const s = await stat(p)
          if (s.isDirectory()) {
            if (!skipFolder(e.name)) await walk(p, depth + 1)
          } else if (s.isFile()) await considerFile(p, false)
        } catch {
          // dangling link
        }
      }
    }
  }

  for (const input of paths) {
    const abs = resolve(input)
    let s
    try {
      s = await stat(abs)
    } catch (e) {
      errors.push(iacError(IacErrorCode.Unreadable, input, undefined, `${input}: ${fsMessage(e)}`, IAC_HINTS.unreadable))
      continue
    }
    if (s.isDirectory()) {
      await walk(abs, 0)
      if (tfFolders.has(abs)) tfFolders.set(abs, true)
    } else await considerFile(abs, true)
  }

  // Terraform root modules read from their sources; a folder with a plan is left to the plan.
  if (tfFolders.size > 0) {
    const paired = new Set(units.filter((u) => u.kind === 'terraform-plan').map((u) => dirname(u.absFile)))
    if (opts.tfDir !== undefined) paired.add(resolve(opts.tfDir))
    for (const root of await terraformRoots(tfFolders, paired)) {
      units.push({ kind: 'terraform-sources', absFile: root.dir, file: rel(root.dir) || '.', files: root.files })
      // Counted once they are read as a root module (a plan's .tf files only give it lines, as before).
      fileCount += root.files.length
    }
  }

  let skippedUnchanged = 0
  let kept = units
  if (opts.changedOnly !== undefined) {
    const cs = changedSince(opts.changedOnly, basePath, units.flatMap((u) => u.files ?? [u.absFile]))
    if (!cs.ok) errors.push(iacError(IacErrorCode.ChangedOnly, 'git', undefined, cs.message, 'Run tagwarden inside the repository checkout and pass a ref that exists there (a branch, tag or commit).'))
    else {
      // A root module is checked when any file it reads changed (its own, a local module's, a tfvars file).
      kept = units.filter((u) => (u.files ?? [u.absFile]).some((f) => !cs.changes.unchanged(f)))
      skippedUnchanged = units.length - kept.length
    }
  }
  return { units: kept, errors, fileCount, skippedUnchanged }
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
  let buf: Buffer
  try {
    const s = await stat(unit.absFile)
    if (s.size > max) {
      return [
        {
          accountId,
          errors: [
            iacError(
              IacErrorCode.TooLarge,
              unit.file,
              undefined,
              `template ${unit.file} is ${(s.size / 1024 / 1024).toFixed(1)} MB; CloudFormation accepts at most ${max >= 1024 * 1024 ? `${max / 1024 / 1024} MB` : `${max} bytes`}`,
              IAC_HINTS.cfnTooLarge,
            ),
          ],
        },
      ]
    }
    const handle = await open(unit.absFile, 'r')
    try {
      buf = await handle.readFile()
    } finally {
      await handle.close()
    }
  } catch (e) {
    return [{ accountId, errors: [iacError(IacErrorCode.Unreadable, unit.file, undefined, `${unit.file}: ${fsMessage(e)}`, IAC_HINTS.unreadable)] }]
  }
  const text = decode(buf).replace(/^\uFEFF/, '')
  const parsed = parseTemplateText(text)
  if (parsed.problems.length > 0) {
    return [
      {
        accountId,
        errors: parsed.problems.map((p) =>
          iacError(
            /unknown YAML tag/.test(p.message) ? IacErrorCode.UnknownTag : IacErrorCode.ParseError,
            unit.file,
            { line: p.line, column: p.column },
            `template ${unit.file} does not parse: ${p.message}`,
            IAC_HINTS.cfnParse,
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
  templates.forEach((root, i) => {
    const key = templates.length > 1 ? `${accountId}#${i + 1}` : accountId
    const cdk = unit.kind === 'cdk-stack' || hasCdkPaths(root)
    const r = templateToInventory({
      root,
      file: unit.file,
      key,
      format: cdk ? 'cdk' : 'cloudformation',
      requiredTagKeys: opts.requiredTagKeys ?? [],
      ...(unit.stack !== undefined ? { stack: unit.stack } : {}),
    })
    out.push({ accountId: key, inventory: r.inventory, errors: r.errors })
  })
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
