/**
 * Bounded, confined file access for the IaC scanner. Pull-request content is hostile input (docs/security.md):
 * every file is read only when it is a regular file within its size limit, and paths taken from file contents
 * (CDK manifests) or from symlinks are resolved with realpath and must stay inside the folder they belong to.
 */
import { realpath } from 'node:fs/promises'
import { isAbsolute, relative, sep } from 'node:path'
import { openNonBlocking } from '../../util/read-file.js'

/** CloudFormation's own limit for a template (also the largest YAML/JSON file parsed to recognise it). */
export const CFN_MAX_BYTES = 1024 * 1024
/** Terraform plan JSON is streamed; V8 cannot hold a larger string for its largest member anyway. */
export const PLAN_MAX_BYTES = 512 * 1024 * 1024
/** A CDK `manifest.json` or asset manifest. */
export const MANIFEST_MAX_BYTES = 10 * 1024 * 1024

export type ReadBounded = { ok: true; buf: Buffer } | { ok: false; reason: 'not-regular' | 'too-large' | 'unreadable'; message: string; size?: number }

export function fsMessage(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code
  return code === 'ENOENT' ? 'not found' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error)?.message ?? e)
}

/** A size for messages: whole megabytes as `1 MB` (limits), others with one decimal (`1.0 MB` for just over a limit). */
export function megabytes(n: number): string {
  const mib = 1024 * 1024
  if (n < mib) return `${n} bytes`
  return n % mib === 0 ? `${n / mib} MB` : `${(n / mib).toFixed(1)} MB`
}

/** The whole file, when it is a regular file of at most `max` bytes (checked on the open handle). Never throws. */
export async function readBounded(file: string, max: number): Promise<ReadBounded> {
  let handle
  try {
    handle = await openNonBlocking(file)
    const st = await handle.stat()
    if (!st.isFile()) return { ok: false, reason: 'not-regular', message: 'not a regular file' }
    if (st.size > max) return { ok: false, reason: 'too-large', message: `${megabytes(st.size)}, over the ${megabytes(max)} limit`, size: st.size }
    // Read at most max + 1 bytes, so a file growing while it is read cannot exceed the limit unnoticed.
    const buf = Buffer.alloc(Math.min(st.size, max) + 1)
    let filled = 0
    for (;;) {
      const { bytesRead } = await handle.read(buf, filled, buf.length - filled, filled)
      if (bytesRead === 0) break
      filled += bytesRead
      if (filled >= buf.length) break
    }
    if (filled > max) return { ok: false, reason: 'too-large', message: `over the ${megabytes(max)} limit` }
    return { ok: true, buf: buf.subarray(0, filled) }
  } catch (e) {
    return { ok: false, reason: 'unreadable', message: fsMessage(e) }
  } finally {
    await handle?.close()
  }
}

/** Text of file bytes: UTF-8, or UTF-16 with a byte order mark; a UTF-8 BOM is dropped. */
export function decodeText(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2))
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2))
  return new TextDecoder('utf-8').decode(buf).replace(/^\uFEFF/, '')
}

/** Is `inner` the folder `root` or inside it (both real paths)? */
export function isInside(root: string, inner: string): boolean {
  const rel = relative(root, inner)
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel))
}

/** The real path of `p` when it resolves inside `root` (a real path), else undefined. Never throws. */
export async function realInside(root: string, p: string): Promise<string | undefined> {
  try {
    const real = await realpath(p)
    return isInside(root, real) ? real : undefined
  } catch {
    return undefined
  }
}
