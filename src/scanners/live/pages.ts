/** Paging and the JSON form of SDK outputs: what the scan analyses is exactly what `collect` writes. */

/** An SDK output as the AWS CLI would print it: no `$metadata`, timestamps as ISO strings. */
export function jsonShape<T>(output: T): Record<string, unknown> {
  const { $metadata: _ignored, ...rest } = output as Record<string, unknown>
  return JSON.parse(JSON.stringify(rest)) as Record<string, unknown>
}

/**
 * Every page of a listing. Follows the token until the service stops returning one, even after an empty
 * page (Organizations may return an empty page with a NextToken), and stops on a repeated token rather
 * than looping forever.
 */
export async function allPages<O>(fetch: (token: string | undefined) => Promise<O>, tokenOf: (page: O) => string | undefined): Promise<O[]> {
  const pages: O[] = []
  const seen = new Set<string>()
  let token: string | undefined
  for (;;) {
    const page = await fetch(token)
    pages.push(page)
    token = tokenOf(page)
    if (!token || seen.has(token)) return pages
    seen.add(token)
  }
}
