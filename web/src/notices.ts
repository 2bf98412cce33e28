/** Human text for the typed gap events, shown as marker rows so no gap is ever silent. */
export function noticeText(type: string, d: Record<string, unknown>): string {
  const why = typeof d.reason === 'string' ? ` (${d.reason})` : ''
  switch (type) {
    case 'rotate':
      if (d.reason === 'appeared') return 'file appeared: following it from its start'
      return `file rotated${why}: following the new file from its start`
    case 'truncate':
      return `file truncated${why}: following what is written from now on`
    case 'reset':
      return `history reset${why}: the previous position could not be resumed; showing the latest lines`
    case 'dropped':
      return `connection dropped by the server${why}: catching up from the last line shown`
    default:
      return `${type}${why}`
  }
}
