/** Real pagination for the fake services: opaque tokens, page sizes taken from the request. */
import { AwsFault } from './protocols.js'

const PREFIX = 'tw-page:'

export function encodeToken(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`).toString('base64')
}

export function decodeToken(token: unknown, errorCode: string): number {
  if (token === undefined || token === null || token === '') return 0
  const text = Buffer.from(String(token), 'base64').toString('utf8')
  const offset = Number(text.slice(PREFIX.length))
  if (!text.startsWith(PREFIX) || !Number.isInteger(offset) || offset < 0) {
    throw new AwsFault(errorCode, `Invalid pagination token ${String(token)}`)
  }
  return offset
}

/** One page of `items` and the token of the next page (undefined on the last page). */
export function page<T>(
  items: readonly T[],
  opts: { token: unknown; size: unknown; defaultSize: number; maxSize: number; tokenError: string },
): { items: T[]; next?: string } {
  const offset = decodeToken(opts.token, opts.tokenError)
  const requested = opts.size === undefined || opts.size === '' ? opts.defaultSize : Number(opts.size)
  if (!Number.isInteger(requested) || requested < 1 || requested > opts.maxSize) {
    throw new AwsFault('ValidationError', `page size ${String(opts.size)} is outside 1..${opts.maxSize}`)
  }
  const slice = items.slice(offset, offset + requested)
  const end = offset + slice.length
  return end < items.length ? { items: slice, next: encodeToken(end) } : { items: slice }
}
