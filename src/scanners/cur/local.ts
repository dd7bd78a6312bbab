/**
 * A CUR 2.0 export on disk: a file (Parquet, CSV, CSV.gz) or a folder (walked, sorted by name; dot
 * folders skipped), planned like an S3 prefix (manifests, re-deliveries) and read file by file.
 */
import { createReadStream } from 'node:fs'
import { open, readFile, readdir, stat } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { ScanErrorEntry } from '../../model/finding.js'
import { CurErrorCode, curError } from './errors.js'
import { formatByName, planExport, type ExportObject, type ExportPlan, type PlannedFile } from './export-plan.js'
import { fileAsyncBuffer } from './parquet.js'
import type { ExportIo } from './read.js'

const toKey = (p: string): string => p.split(sep).join('/')

/** Every file under `root` (or `root` itself), with sizes and times, keys relative to `root`. */
export async function listLocal(root: string): Promise<{ objects: ExportObject[]; base: string; single: boolean; errors: ScanErrorEntry[] }> {
  const errors: ScanErrorEntry[] = []
  let st
  try {
    st = await stat(root)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    errors.push(curError(CurErrorCode.Unreadable, root, `--cur ${root}: ${code === 'ENOENT' ? 'not found' : (e as Error).message}.`, 'give the folder of the CUR 2.0 export (or one of its files), or its S3 prefix as s3://bucket/prefix/'))
    return { objects: [], base: root, single: false, errors }
  }
  if (st.isFile()) return { objects: [{ key: toKey(root), size: st.size, lastModified: st.mtimeMs }], base: '', single: true, errors }
  const objects: ExportObject[] = []
  const walk = async (dir: string): Promise<void> => {
    let entries
    try {
      entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    } catch (e) {
      errors.push(curError(CurErrorCode.Unreadable, dir, `${dir}: cannot be listed: ${(e as Error).message}.`, 'check the folder’s permissions'))
      return
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else if (entry.isFile()) {
        try {
          const s = await stat(path)
          objects.push({ key: toKey(relative(root, path)), size: s.size, lastModified: s.mtimeMs })
        } catch (e) {
          errors.push(curError(CurErrorCode.Unreadable, path, `${path}: ${(e as Error).message}.`, 'check the file’s permissions'))
        }
      }
    }
  }
  await walk(root)
  return { objects, base: root, single: false, errors }
}

/** The plan for a local export; a single file given on its own is always read (its bytes decide the format). */
export async function planLocal(root: string): Promise<{ plan: ExportPlan; io: ExportIo; errors: ScanErrorEntry[] }> {
  const listed = await listLocal(root)
  const pathOf = (key: string): string => (listed.single ? key : join(listed.base, ...key.split('/')))
  const io: ExportIo = {
    display: (f) => pathOf(f.key),
    async head(f, bytes) {
      const fh = await open(pathOf(f.key), 'r')
      try {
        const buf = new Uint8Array(bytes)
        const { bytesRead } = await fh.read(buf, 0, bytes, 0)
        return buf.subarray(0, bytesRead)
      } finally {
        await fh.close()
      }
    },
    buffer: (f) => fileAsyncBuffer(pathOf(f.key)),
    stream: (f) => Promise.resolve(createReadStream(pathOf(f.key), { highWaterMark: 1 << 20 })),
    localPath: (f) => pathOf(f.key),
  }
  if (listed.single) {
    const only = listed.objects[0]
    const format = only ? formatByName(only.key) : 'other'
    const file: PlannedFile | undefined = only ? { ...only, ...(format !== 'other' ? { format } : {}) } : undefined
    const plan: ExportPlan = { data: file ? [file] : [], manifests: [], superseded: [], missing: [], badManifests: [], ignored: [], notes: [] }
    return { plan, io, errors: listed.errors }
  }
  const plan = await planExport(listed.objects, async (key) => JSON.parse(await readFile(pathOf(key), 'utf8')) as unknown)
  return { plan, io, errors: listed.errors }
}
