/**
 * Log level of a line, for colouring. Looks at the start of the line only (where every common
 * format puts it) so a message that merely mentions "error" late in the text is not painted red.
 */
export type Level = 'error' | 'warn' | 'info' | 'debug'

const HEAD = 240

// Upper-case level names anywhere in the head, word-bounded: "ERROR", "[WARN]", "| INFO |".
const UPPER =
  /(?:^|[^A-Za-z0-9_])(FATAL|PANIC|EMERG(?:ENCY)?|ALERT|CRIT(?:ICAL)?|SEVERE|ERROR|ERR|EROR|WARN(?:ING)?|WRN|NOTICE|INFO|INF|INFORMATION|DEBUG|DBG|TRACE|TRC|VERBOSE)(?![A-Za-z0-9_])/
// Any case, but only where the word is clearly a level: a level field (logfmt, JSON), brackets,
// or "error:" opening the line. Lower-case words in prose ("onerror=alert(1)") are not levels.
const FIELD = /\b(?:level|lvl|severity|loglevel)["']?\s*[:=]\s*["']?([A-Za-z]+)/i
const BRACKET = /[[<(]([A-Za-z]+)[\]>)]/
const OPENING = /^([A-Za-z]+):/
// Java/Go style single letters: glog "E0102 15:04:05", Android "E/Tag:", bracketed "[E]".
const LETTER = /^(?:([EWIDFV])\d{4} |([EWIDFV])\/\S|\[([EWIDFV])\] )/
// pino/bunyan numeric levels: 10 trace, 20 debug, 30 info, 40 warn, 50 error, 60 fatal.
const NUMERIC = /"level"\s*:\s*([1-6]0)\b/

const NAMES: Record<string, Level> = {
  fatal: 'error',
  panic: 'error',
  emerg: 'error',
  emergency: 'error',
  alert: 'error',
  crit: 'error',
  critical: 'error',
  severe: 'error',
  error: 'error',
  err: 'error',
  eror: 'error',
  warn: 'warn',
  warning: 'warn',
  wrn: 'warn',
  notice: 'info',
  info: 'info',
  inf: 'info',
  information: 'info',
  debug: 'debug',
  dbg: 'debug',
  trace: 'debug',
  trc: 'debug',
  verbose: 'debug',
}

const LETTERS: Record<string, Level> = {
  E: 'error',
  F: 'error',
  W: 'warn',
  I: 'info',
  D: 'debug',
  V: 'debug',
}

export function detectLevel(line: string): Level | undefined {
  const head = line.length > HEAD ? line.slice(0, HEAD) : line
  const numeric = NUMERIC.exec(head)
  if (numeric) return numericLevel(Number(numeric[1]))
  const letter = LETTER.exec(head)
  if (letter) return LETTERS[(letter[1] ?? letter[2] ?? letter[3]) as string]
  for (const re of [FIELD, UPPER, BRACKET, OPENING]) {
    const level = NAMES[(re.exec(head)?.[1] ?? '').toLowerCase()]
    if (level) return level
  }
  return undefined
}

function numericLevel(n: number): Level {
  if (n >= 50) return 'error'
  if (n === 40) return 'warn'
  if (n === 30) return 'info'
  return 'debug'
}
