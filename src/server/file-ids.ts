/**
 * @module Ids for followed files: what URLs use (?file=ID) instead of paths.
 */

/** One id per path, from its base name (URL-safe characters only), unique in the list. */
export function fileIds(paths: readonly string[]): string[] {
  const used = new Set<string>()
  return paths.map((p) => {
    const base = (p.split(/[\\/]/).filter(Boolean).pop() ?? '').replace(/[^A-Za-z0-9._-]/g, '_')
    const stem = base === '' || /^\.+$/.test(base) ? 'file' : base
    let id = stem
    for (let n = 2; used.has(id); n++) id = `${stem}-${n}`
    used.add(id)
    return id
  })
}
