/**
 * A Terraform module folder read from its sources: the `variable`, `locals`, `output`, `resource`, `data`,
 * `module` and `provider` blocks of its `.tf` files (`.tf.json` too), with their positions.
 */
import { readdir, realpath } from 'node:fs/promises'
import { join } from 'node:path'
import { decodeText, isInside, megabytes, readBounded, realInside } from '../../files.js'
import { HclError, parseHcl, type Attribute, type Block, type Body, type Comment, type Expr, type Pos } from './hcl.js'

export interface SourceProblem {
  /** Absolute file. */
  file: string
  pos?: Pos
  message: string
}

export interface ResourceConfig {
  mode: 'managed' | 'data'
  type: string
  name: string
  body: Body
  file: string
  pos: Pos
  count?: Expr
  forEach?: Expr
  /** `provider = aws.west` as written (`aws.west`). */
  provider?: string
}

export interface ModuleCallConfig {
  name: string
  source?: string
  sourcePos?: Pos
  body: Body
  file: string
  pos: Pos
  count?: Expr
  forEach?: Expr
  /** `providers = { aws = aws.west }`: child local name → parent provider key. */
  providers: Map<string, string>
}

export interface ProviderConfig {
  /** `aws` or `aws.west`. */
  key: string
  body: Body
  file: string
}

export interface ModuleConfig {
  /** Absolute folder. */
  dir: string
  /** Absolute files read. */
  files: string[]
  variables: Map<string, { name: string; default?: Expr; type?: Expr; file: string; pos: Pos }>
  locals: Map<string, { expr: Expr; file: string; pos: Pos }>
  outputs: Map<string, { expr: Expr; file: string; pos: Pos }>
  resources: Map<string, ResourceConfig>
  moduleCalls: Map<string, ModuleCallConfig>
  providers: Map<string, ProviderConfig>
  problems: SourceProblem[]
  /** Notes on what is not evaluated in this folder (override files…). */
  notes: string[]
  comments: Map<string, Comment[]>
}

export const MAX_TF_FILE_BYTES = 4 * 1024 * 1024

export function isTerraformSource(name: string): boolean {
  return name.endsWith('.tf') || name.endsWith('.tf.json')
}

function providerKeyOf(e: Expr | undefined): string | undefined {
  if (!e) return undefined
  if (e.k === 'var') return e.name
  if (e.k === 'attr' && e.obj.k === 'var') return `${e.obj.name}.${e.name}`
  return undefined
}

function literalString(e: Expr | undefined): string | undefined {
  if (!e) return undefined
  if (e.k === 'lit' && typeof e.v === 'string') return e.v
  if (e.k === 'tmpl' && e.parts.every((p) => typeof p === 'string')) return e.parts.join('')
  return undefined
}

function attr(body: Body, name: string): Attribute | undefined {
  return body.attrs.get(name)
}

/** Add one parsed file's blocks to the module. */
export function addFile(m: ModuleConfig, file: string, body: Body): void {
  for (const b of body.blocks) addBlock(m, file, b)
}

function addBlock(m: ModuleConfig, file: string, b: Block): void {
  const dup = (what: string): void => {
    m.problems.push({ file, pos: b.pos, message: `${what} is declared twice` })
  }
  switch (b.type) {
    case 'variable': {
      const name = b.labels[0]
      if (name === undefined) return
      if (m.variables.has(name)) return dup(`variable "${name}"`)
      const d = attr(b.body, 'default')
      const t = attr(b.body, 'type')
      m.variables.set(name, { name, ...(d ? { default: d.expr } : {}), ...(t ? { type: t.expr } : {}), file, pos: b.pos })
      return
    }
    case 'locals':
      for (const a of b.body.attrs.values()) {
        if (m.locals.has(a.name)) {
          m.problems.push({ file, pos: a.pos, message: `local.${a.name} is declared twice` })
          continue
        }
        m.locals.set(a.name, { expr: a.expr, file, pos: a.pos })
      }
      return
    case 'output': {
      const name = b.labels[0]
      const v = attr(b.body, 'value')
      if (name !== undefined && v) m.outputs.set(name, { expr: v.expr, file, pos: b.pos })
      return
    }
    case 'resource':
    case 'data': {
      const [type, name] = b.labels
      if (type === undefined || name === undefined) return
      const mode = b.type === 'data' ? 'data' : 'managed'
      const key = `${mode === 'data' ? 'data.' : ''}${type}.${name}`
      if (m.resources.has(key)) return dup(key)
      const count = attr(b.body, 'count')?.expr
      const forEach = attr(b.body, 'for_each')?.expr
      const provider = providerKeyOf(attr(b.body, 'provider')?.expr)
      m.resources.set(key, {
        mode,
        type,
        name,
        body: b.body,
        file,
        pos: b.pos,
        ...(count ? { count } : {}),
        ...(forEach ? { forEach } : {}),
        ...(provider ? { provider } : {}),
      })
      return
    }
    case 'module': {
      const name = b.labels[0]
      if (name === undefined) return
      if (m.moduleCalls.has(name)) return dup(`module "${name}"`)
      const src = attr(b.body, 'source')
      const providers = new Map<string, string>()
      const pe = attr(b.body, 'providers')?.expr
      if (pe?.k === 'object') {
        for (const item of pe.items) {
          const k = providerKeyOf(item.key)
          const v = providerKeyOf(item.value)
          if (k && v) providers.set(k, v)
        }
      }
      const count = attr(b.body, 'count')?.expr
      const forEach = attr(b.body, 'for_each')?.expr
      const source = literalString(src?.expr)
      m.moduleCalls.set(name, {
        name,
        ...(source !== undefined ? { source } : {}),
        ...(src ? { sourcePos: src.pos } : {}),
        body: b.body,
        file,
        pos: b.pos,
        ...(count ? { count } : {}),
        ...(forEach ? { forEach } : {}),
        providers,
      })
      return
    }
    case 'provider': {
      const name = b.labels[0]
      if (name === undefined) return
      const alias = literalString(attr(b.body, 'alias')?.expr)
      const key = alias ? `${name}.${alias}` : name
      m.providers.set(key, { key, body: b.body, file })
      return
    }
    default:
      return
  }
}

export function emptyModule(dir: string): ModuleConfig {
  return {
    dir,
    files: [],
    variables: new Map(),
    locals: new Map(),
    outputs: new Map(),
    resources: new Map(),
    moduleCalls: new Map(),
    providers: new Map(),
    problems: [],
    notes: [],
    comments: new Map(),
  }
}

/** The `.tf` / `.tf.json` file names of a folder, sorted (Terraform reads them in lexical order). */
export async function terraformFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true }))
      // Anything but a folder: a FIFO or device named `x.tf` is read bounded and reported, never skipped silently.
      .filter((e) => !e.isDirectory() && isTerraformSource(e.name))
      .map((e) => e.name)
      .sort()
  } catch {
    return []
  }
}

/** A module `source` Terraform reads from the local file system (`./x`, `../x`), not a registry or a URL. */
export function isLocalModuleSource(source: string | undefined): source is string {
  return source !== undefined && (source.startsWith('./') || source.startsWith('../'))
}

/**
 * Read and parse one module folder. Never throws: problems are collected with their position. `confine`
 * (a real path): a `.tf` file that resolves outside it — a symbolic link out of the repository a pull request
 * controls — is a problem, not read.
 */
export async function loadModule(dir: string, parseJson: (text: string, file: string) => Body, confine?: string): Promise<ModuleConfig> {
  const m = emptyModule(dir)
  // A folder outside the repository (`--iac ../infra` run from elsewhere) confines its files to itself.
  const realDir = confine !== undefined ? await realpath(dir).catch(() => dir) : dir
  const within = confine !== undefined && isInside(confine, realDir) ? confine : realDir
  for (const name of await terraformFiles(dir)) {
    const file = join(dir, name)
    if (/(^|_)override\.tf(\.json)?$/.test(name)) {
      m.notes.push(`${name} is an override file; tagwarden does not merge override files, so its settings are not evaluated`)
      continue
    }
    if (confine !== undefined && (await realInside(within, file)) === undefined) {
      m.problems.push({ file, message: `a symbolic link leading outside ${within}, or one that does not resolve; not read` })
      continue
    }
    // Checked on the open descriptor: a committed `.tf` can be a link to a FIFO or a device.
    const read = await readBounded(file, MAX_TF_FILE_BYTES)
    if (!read.ok) {
      m.problems.push({
        file,
        message:
          read.reason === 'too-large' && read.size !== undefined
            ? `${name} is ${megabytes(read.size)}; tagwarden reads Terraform files up to ${megabytes(MAX_TF_FILE_BYTES)}`
            : `${name}: ${read.message}; not read`,
      })
      continue
    }
    const text = decodeText(read.buf)
    m.files.push(file)
    try {
      if (name.endsWith('.json')) addFile(m, file, parseJson(text, file))
      else {
        const parsed = parseHcl(text)
        m.comments.set(file, parsed.comments)
        addFile(m, file, parsed.body)
      }
    } catch (e) {
      if (e instanceof HclError) m.problems.push({ file, pos: e.pos, message: e.message })
      else throw e
    }
  }
  return m
}
