import { describe, expect, it } from 'vitest'
import { detectLevel } from '../web/src/level.js'

describe('detectLevel', () => {
  it.each([
    ['2025-01-01 12:00:00 ERROR db down', 'error'],
    ['2025-01-01T12:00:00Z [error] db down', 'error'],
    ['Jan 1 12:00 host app[12]: FATAL out of memory', 'error'],
    ['CRIT disk', 'error'],
    ['CRITICAL: disk', 'error'],
    ['npm ERR! code E404', 'error'],
    ['time=2025 level=error msg="boom"', 'error'],
    ['{"level":"fatal","msg":"x"}', 'error'],
    ['{"level":50,"msg":"pino error"}', 'error'],
    ['{"level":60,"msg":"pino fatal"}', 'error'],
    ['E0102 15:04:05.000000 1 main.go:10] glog error', 'error'],
    ['E/ActivityManager: crash', 'error'],
    ['error: expected `;`', 'error'],
    ['PANIC: runtime error', 'error'],
    ['WARN deprecated option', 'warn'],
    ['WARNING: low disk', 'warn'],
    ['[warning] retrying', 'warn'],
    ['level=warn msg=slow', 'warn'],
    ['{"level":40}', 'warn'],
    ['W0102 15:04:05 warn', 'warn'],
    ['2025 INFO started', 'info'],
    ['[info] started', 'info'],
    ['<notice> hello', 'info'],
    ['{"severity":"INFO"}', 'info'],
    ['2025 DEBUG cache miss', 'debug'],
    ['TRACE enter fn', 'debug'],
    ['level=trace', 'debug'],
    ['{"level":20}', 'debug'],
    ['{"level":10}', 'debug'],
    ['VERBOSE details', 'debug'],
  ])('%s → %s', (line, level) => {
    expect(detectLevel(line)).toBe(level)
  })

  it.each([
    'GET /health 200 1ms',
    '<img src=x onerror=alert(1)>',
    'the user reported an error in prose',
    'information overload is no level',
    'terrible INFORMATIONAL_X thing',
    'debugger attached',
    '',
  ])('no level: %s', (line) => {
    expect(detectLevel(line)).toBeUndefined()
  })

  it('only looks at the head of very long lines', () => {
    expect(detectLevel('x'.repeat(1000) + ' ERROR')).toBeUndefined()
  })
})
