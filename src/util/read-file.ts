/**
 * Reading a file named by a user or found in a repository, bounded: only a regular file (not a FIFO, which
 * would block the open, nor `/dev/zero` or another device, which never ends — a symbolic link to one can be
 * committed), at most `maxBytes` bytes. The checks are made on the open descriptor, opened non-blocking.
 * Throws an Error whose message says why ("not a regular file", "… bytes, over the … limit") or the fs error.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

/** Opens a file for reading without blocking on a FIFO; the caller checks `isFile()` on the handle's stat. */
export function openNonBlocking(path: string): Promise<FileHandle> {
  return open(path, constants.O_RDONLY | constants.O_NONBLOCK)
}

export function readRegularFileSync(path: string, maxBytes: number): Buffer {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new Error('not a regular file')
    if (st.size > maxBytes) throw new Error(`the file is ${st.size} bytes, over the ${maxBytes}-byte limit`)
    // Read at most maxBytes + 1, so a file growing while it is read cannot pass the limit unnoticed.
    const buf = Buffer.alloc(st.size + 1)
    let filled = 0
    for (let n = 1; n > 0 && filled < buf.length; filled += n) n = readSync(fd, buf, filled, buf.length - filled, filled)
    if (filled > st.size) throw new Error('the file grew while it was read')
    return buf.subarray(0, filled)
  } finally {
    closeSync(fd)
  }
}

/** The file as UTF-8 text (see readRegularFileSync). */
export function readRegularTextSync(path: string, maxBytes: number): string {
  return readRegularFileSync(path, maxBytes).toString('utf8')
}
