/**
 * One Terraform root module from its sources: variable values (defaults, `terraform.tfvars`,
 * `*.auto.tfvars`, `--var-file`, `TF_VAR_*`), module folders (local paths, and registry modules that
 * `terraform init` put in `.terraform/modules`), then every resource instance evaluated.
 */
import { realpath } from 'node:fs/promises'
import { basename, join, relative, resolve as resolvePath } from 'node:path'
import { readdir } from 'node:fs/promises'
import { HclError, parseHcl, type Body } from './hcl.js'
import { decodeText, isInside, readBounded } from '../../files.js'
import { MAX_TF_FILE_BYTES, isLocalModuleSource, loadModule, type ModuleCallConfig, type ModuleConfig, type SourceProblem } from './config.js'
import { EvalError, EvalLimitError, Evaluator, Budget } from './eval.js'
import { ModuleInstance, SourceRun, type EvalNote, type ResourceInstance } from './instances.js'
import { Unknown, type Value } from '../../values.js'

export interface RootOptions {
  /** Absolute root module folder. */
  dir: string
  /** Absolute base (repository) folder: nothing outside it is read. */
  basePath: string
  /** `--var-file` files (absolute), in order. */
  varFiles?: readonly string[]
  /** The environment (for `TF_VAR_*`). */
  env?: Readonly<Record<string, string | undefined>>
  parseJson: (text: string, file: string) => Body
}

export interface RootResult {
  instances: ResourceInstance[]
  problems: SourceProblem[]
  notes: EvalNote[]
  /** Every file the evaluation read (module sources, tfvars), absolute. */
  files: string[]
}

/** Literal-only evaluation for tfvars files. */
function literalEvaluator(): Evaluator {
  return new Evaluator({ resolve: () => undefined }, new Budget())
}

async function readTfvars(file: string, problems: SourceProblem[], files: string[]): Promise<Map<string, Value>> {
  const out = new Map<string, Value>()
  // Bounded like the .tf files: a committed `terraform.tfvars` can be a FIFO or a link to /dev/zero.
  const read = await readBounded(file, MAX_TF_FILE_BYTES)
  if (!read.ok) {
    problems.push({ file, message: `${basename(file)}: ${read.message}` })
    return out
  }
  const text = decodeText(read.buf)
  files.push(file)
  if (file.endsWith('.json')) {
    try {
      const obj = JSON.parse(text) as Record<string, unknown>
      for (const [k, v] of Object.entries(obj)) out.set(k, v as Value)
    } catch (e) {
      problems.push({ file, message: `${basename(file)} is not valid JSON: ${(e as Error).message}` })
    }
    return out
  }
  try {
    const parsed = parseHcl(text)
    const ev = literalEvaluator()
    for (const a of parsed.body.attrs.values()) {
      try {
        out.set(a.name, ev.eval(a.expr))
      } catch (e) {
        if (!(e instanceof EvalError)) throw e
        problems.push({ file, pos: a.pos, message: `${a.name}: a variable value must be a literal (${e.message})` })
      }
    }
  } catch (e) {
    if (!(e instanceof HclError)) throw e
    problems.push({ file, pos: e.pos, message: e.message })
  }
  return out
}

/** A `TF_VAR_x` value: a string, or HCL for variables of a collection type. */
function envValue(raw: string, complex: boolean): Value {
  if (!complex) return raw
  try {
    const parsed = parseHcl(`v = ${raw}\n`)
    const a = parsed.body.attrs.get('v')
    if (a) return literalEvaluator().eval(a.expr)
  } catch {
    // not HCL: unknown
  }
  return new Unknown(`TF_VAR value`)
}

export async function evaluateRoot(opts: RootOptions): Promise<RootResult> {
  const problems: SourceProblem[] = []
  const files: string[] = []
  const cache = new Map<string, Promise<ModuleConfig>>()
  const baseReal = await realpath(opts.basePath).catch(() => opts.basePath)
  const load = (dir: string): Promise<ModuleConfig> => {
    let p = cache.get(dir)
    if (!p)
      cache.set(
        dir,
        (p = loadModule(dir, opts.parseJson, baseReal).then((m) => {
          problems.push(...m.problems)
          files.push(...m.files)
          return m
        })),
      )
    return p
  }
  const rootConfig = await load(opts.dir)

  // registry modules installed by `terraform init`
  let installed: Array<{ Key?: string; Dir?: string; Source?: string }> = []
  try {
    const read = await readBounded(join(opts.dir, '.terraform', 'modules', 'modules.json'), MAX_TF_FILE_BYTES)
    const raw = (read.ok ? JSON.parse(decodeText(read.buf)) : {}) as { Modules?: unknown }
    if (Array.isArray(raw.Modules)) installed = raw.Modules as typeof installed
  } catch {
    // not initialised
  }
  const keyOf = (m: ModuleInstance, call: ModuleCallConfig): string => {
    const calls = [...m.address.matchAll(/module\.([A-Za-z0-9_-]+)/g)].map((x) => x[1])
    return [...calls, call.name].join('.')
  }
  const run = new SourceRun(
    {
      async childDir(parent, call) {
        const src = call.source
        if (src === undefined) return { reason: 'its source is not a literal string' }
        const fromInit = installed.find((x) => x.Key === keyOf(parent, call))
        let dir: string | undefined
        if (fromInit?.Dir) dir = resolvePath(opts.dir, fromInit.Dir)
        else if (isLocalModuleSource(src)) dir = resolvePath(parent.config.dir, src)
        else return { reason: `source ${JSON.stringify(src)} is not downloaded (run \`terraform init -backend=false\`, which needs no credentials, so .terraform/modules holds it)` }
        const real = await realpath(dir).catch(() => undefined)
        if (!real) return { reason: `its folder ${relative(opts.basePath, dir) || dir} does not exist` }
        if (!isInside(baseReal, real)) return { reason: `its folder is outside ${opts.basePath}, which tagwarden does not read` }
        return { dir: real }
      },
      load,
    },
    opts.basePath,
    opts.dir,
  )

  // Root variable values, lowest precedence first: default < TF_VAR_ < terraform.tfvars(.json) < *.auto.tfvars(.json) < --var-file.
  const given = new Map<string, Value>()
  const env = opts.env ?? {}
  for (const [name, v] of rootConfig.variables) {
    const raw = env[`TF_VAR_${name}`]
    if (raw === undefined) continue
    const t = v.type
    const complex = t !== undefined && (t.k === 'call' || (t.k === 'var' && /^(list|map|set|object|tuple)$/.test(t.name)))
    given.set(name, envValue(raw, complex))
  }
  let names: string[] = []
  try {
    names = (await readdir(opts.dir)).sort()
  } catch {
    // unreadable: no tfvars
  }
  const tfvars = [
    ...names.filter((n) => n === 'terraform.tfvars' || n === 'terraform.tfvars.json'),
    ...names.filter((n) => n.endsWith('.auto.tfvars') || n.endsWith('.auto.tfvars.json')),
  ].map((n) => join(opts.dir, n))
  for (const f of [...tfvars, ...(opts.varFiles ?? [])]) {
    for (const [k, v] of await readTfvars(f, problems, files)) {
      if (!rootConfig.variables.has(k)) continue
      given.set(k, v)
    }
  }

  const root: ModuleInstance = new ModuleInstance(
    run,
    rootConfig,
    '',
    (name) => given.get(name),
    (key): { owner: ModuleInstance; key: string } | undefined => (rootConfig.providers.has(key) ? { owner: root, key } : undefined),
    0,
  )
  for (const n of rootConfig.notes) run.note({ file: opts.dir, message: n })
  try {
    await root.expandChildren()
    for (const m of [...run.modules]) {
      for (const n of m !== root ? m.config.notes : []) run.note({ file: m.config.dir, message: n })
      m.evaluateAll()
    }
  } catch (e) {
    if (!(e instanceof EvalLimitError)) throw e
    problems.push({ file: e.file ?? opts.dir, pos: e.pos, message: `the configuration is too expensive to evaluate (${e.message}); the root module is not scanned` })
    return { instances: [], problems, notes: run.notes, files: [...new Set(files)] }
  }
  return { instances: run.instances, problems, notes: run.notes, files: [...new Set(files)] }
}
