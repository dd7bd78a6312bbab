/**
 * Expand `--input` paths into a deterministic list of JSON files: inputs in the order given, each folder
 * walked depth-first with entries sorted by name (code-unit order, not locale), the same file only once.
 */
import { readdir, realpath, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { ScanErrorEntry } from '../../model/finding.js'
import { HINTS, SnapshotErrorCode, snapshotError } from './errors.js'

/** Folders never walked: dependencies and dot-folders (.git, .tagwarden-cache, …). */
function skipFolder(name: string): boolean {
  return name === 'node_modules' || name.startsWith('.')
}

function isJsonName(name: string): boolean {
  return !name.startsWith('.') && name.toLowerCase().endsWith('.json')
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export async function walkInputs(inputs: readonly string[]): Promise<{ files: string[]; errors: ScanErrorEntry[] }> {
  const files: string[] = []
  const errors: ScanErrorEntry[] = []
  const seenFiles = new Set<string>()
  const seenDirs = new Set<string>()

  const unreadable = (path: string, e: unknown) => {
    const code = (e as NodeJS.ErrnoException)?.code
    const why = code === 'ENOENT' ? 'not found' : code === 'EACCES' ? 'permission denied' : String((e as Error)?.message ?? e)
    errors.push(snapshotError(SnapshotErrorCode.UnreadableFile, path, `${path}: ${why}.`, HINTS.unreadable))
  }

  const addFile = async (path: string) => {
    let key = path
    try {
      key = await realpath(path)
    } catch {
      // keep the given path as the key; reading it later reports the problem
    }
    if (seenFiles.has(key)) return
    seenFiles.add(key)
    files.push(path)
  }

  const walkDir = async (dir: string): Promise<void> => {
    let entries
    try {
      const real = await realpath(dir)
      if (seenDirs.has(real)) return // a symlink loop or the same folder given twice
      seenDirs.add(real)
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byName(a.name, b.name))
    } catch (e) {
      unreadable(dir, e)
      return
    }
    for (const entry of entries) {
      const path = join(dir, entry.name)
      let isDir = entry.isDirectory()
      let isFile = entry.isFile()
      if (entry.isSymbolicLink()) {
        try {
          const st = await stat(path)
          isDir = st.isDirectory()
          isFile = st.isFile()
        } catch (e) {
          unreadable(path, e)
          continue
        }
      }
      if (isDir) {
        if (!skipFolder(entry.name)) await walkDir(path)
      } else if (isFile && isJsonName(entry.name)) {
        await addFile(path)
      }
    }
  }

  for (const input of inputs) {
    let st
    try {
      st = await stat(input)
    } catch (e) {
      unreadable(input, e)
      continue
    }
    // An input named explicitly is read whatever its name; only walked folders filter by extension.
    if (st.isDirectory()) await walkDir(input)
    else await addFile(input)
  }
  return { files, errors }
}
