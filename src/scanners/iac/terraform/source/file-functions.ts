/**
 * `file()`, `fileexists()` and `templatefile()`: policies are often kept next to the module
 * (`policy = file("${path.module}/policy.json")`). Paths resolve like Terraform's (relative to the root
 * module folder, where `terraform` runs); nothing outside the base path is read (pull request content must
 * not make tagwarden read the runner's files), and files are bounded in size.
 */
import { realpathSync, statSync } from 'node:fs'
import { resolve } from 'node:path'
import { readRegularTextSync } from '../../../../util/read-file.js'
import { isInside } from '../../files.js'
import { Unknown, display, hasUnknownPiece, isRecord, isUnknown, type Value } from '../../values.js'
import { EvalError, Evaluator, type Budget, type FunctionTable } from './eval.js'
import { parseTemplateString, type Pos } from './hcl.js'

export const MAX_FUNCTION_FILE_BYTES = 1024 * 1024

export function fileFunctions(rootDir: string, basePath: string, budget: Budget): FunctionTable {
  let baseReal: string | undefined
  /** The real path of an existing file inside the base path, or the unknown the path is. */
  const locate = (v: Value | undefined, name: string, pos: Pos): string | Unknown => {
    if (isUnknown(v)) return v
    if (typeof v !== 'string') throw new EvalError(`${name}() needs a path`, pos)
    if (hasUnknownPiece(v)) return new Unknown(`${name}(${display(v)})`)
    const abs = resolve(rootDir, v)
    let real: string
    try {
      real = realpathSync(abs)
    } catch {
      throw new EvalError(`${name}(): no file ${v}`, pos)
    }
    baseReal ??= realpathSync(basePath)
    if (!isInside(baseReal, real)) throw new EvalError(`${name}(): ${v} is outside ${basePath}, which tagwarden does not read`, pos)
    return real
  }
  const read = (v: Value | undefined, name: string, pos: Pos): string | Unknown => {
    const real = locate(v, name, pos)
    if (isUnknown(real)) return real
    // Checked on the open descriptor (a regular file within the limit), not by a stat before the read.
    try {
      return readRegularTextSync(real, MAX_FUNCTION_FILE_BYTES)
    } catch (e) {
      throw new EvalError(`${name}(): ${String(v)}: ${(e as Error).message}`, pos)
    }
  }
  return {
    file: (args, { pos }) => read(args[0], 'file', pos),
    fileexists: (args, { pos }) => {
      try {
        const r = locate(args[0], 'fileexists', pos)
        return isUnknown(r) ? r : statSync(r).isFile()
      } catch (e) {
        if (e instanceof EvalError && /no file/.test(e.message)) return false
        throw e
      }
    },
    templatefile: (args, { pos }) => {
      const text = read(args[0], 'templatefile', pos)
      if (isUnknown(text)) return text
      const vars = args[1] ?? {}
      if (isUnknown(vars)) return vars
      if (!isRecord(vars)) throw new EvalError('templatefile() needs a map of variables', pos)
      // Only the given variables are in scope, as in Terraform.
      const ev = new Evaluator({ resolve: () => undefined }, budget)
      return ev.eval(parseTemplateString(text, pos), { vars: new Map(Object.entries(vars)) })
    },
  }
}
