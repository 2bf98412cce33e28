/**
 * The config file: every error names file, line and key; values go through the flags' checks;
 * flags and the environment win over the file.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseCli, UsageError, type CliOptions } from '../src/cli.js'
import { parseConfig } from '../src/config/load-config.js'
import { ConfigError } from '../src/config/schema.js'
import { useTempDir } from './helpers/fs.js'

const tmp = useTempDir()

function errorOf(text: string): string {
  try {
    parseConfig('/etc/taillight.yml', text)
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError)
    expect((err as ConfigError).code).toBe('E_CONFIG')
    return (err as Error).message
  }
  throw new Error(`no error for:\n${text}`)
}

describe('config errors', () => {
  it.each([
    [
      'files:\n  - a.log\n  - b.log\n  - path: c.log\n    groups: ops\n',
      '/etc/taillight.yml:5: files[2].groups must be a list of strings',
    ],
    ['port: 7878\nhots: x\n', '/etc/taillight.yml:2: hots is not a known key'],
    ['port: "80"\n', '/etc/taillight.yml:1: port must be a number'],
    ['poll: 1\n', '/etc/taillight.yml:1: poll must be true or false'],
    [
      'files: a.log\n',
      '/etc/taillight.yml:1: files must be a list of paths or {path, ...} entries',
    ],
    ['files:\n  - {id: x}\n', '/etc/taillight.yml:2: files[0].path is missing'],
    ['files:\n  - path: a\n    color: red\n', /:3: files\[0\]\.color is not a known key/],
    ['files:\n  - path: a\n    lines: -1\n', /:3: files\[0\]\.lines must be an integer/],
    ['files:\n  - path: a\n    id: "a b"\n', /:3: files\[0\]\.id must be 1 to 128 letters/],
    [
      'files:\n  - {path: a, id: x}\n  - {path: b, id: x}\n',
      /:3: files\[1\]\.id 'x' is used twice/,
    ],
    ['files:\n  - {path: "/l/*.log", id: x}\n', /:2: files\[0\]\.id names one file/],
    ['files:\n  - "/var/log/[ab.log"\n', /:2: files\[0\]\.path is not a well-formed pattern/],
    ['files:\n  - "/var/**/x.log"\n', /:2: files\[0\]\.path '\*\*' is not supported/],
    ['auth:\n  jwks: https://x\n  issue: y\n', /:3: auth\.issue is not a known key/],
    ['alerts:\n  - match: x\n', /:2: alerts\[0\]\.webhook is missing/],
    ['port: 1\nport: 2\n', /:2: port is given twice/],
    ['max_clients: 1\nmax-clients: 2\n', /:2: max-clients is given twice/],
    ['files:\n  - a\n - b\n', /^\/etc\/taillight\.yml:3: not valid YAML: /],
    ['- a\n- b\n', /:1: \(top level\) must be a map of keys/],
  ])('%j', (text, expected) => {
    const msg = errorOf(text)
    if (typeof expected === 'string') expect(msg).toBe(expected)
    else expect(msg).toMatch(expected)
  })

  it('an empty file is an empty config; entries keep their groups, ids and lines', () => {
    expect(parseConfig('/c.yml', '').files).toEqual([])
    const c = parseConfig(
      '/c.yml',
      'files:\n  - /a.log\n  - {path: /b.log, id: bee, groups: [ops, dev], lines: 50}\n'
    )
    expect(c.files).toEqual([
      { path: '/a.log' },
      { path: '/b.log', id: 'bee', groups: ['ops', 'dev'], lines: 50 },
    ])
  })
})

describe('config through parseCli', () => {
  const write = (text: string) => {
    const p = join(tmp.dir, `c-${Math.random().toString(36).slice(2)}.yml`)
    writeFileSync(p, text)
    return p
  }
  const opts = (argv: string[], env: Record<string, string> = {}) =>
    parseCli(argv, env) as CliOptions

  it('takes options and files from the file; flags, then the environment, win', () => {
    writeFileSync(join(tmp.dir, 'token'), 'from-file-token\n')
    const p = write(
      `port: 9001\nlines: 5\nhost: 127.0.0.1\npoll: true\nmax_files: 3\n` +
        `token_file: ${join(tmp.dir, 'token')}\nallowed-hosts: [a.example, .b.example]\n` +
        'files:\n  - /var/log/a.log\n'
    )
    const o = opts(['--config', p, '/var/log/b.log'])
    expect(o).toMatchObject({
      port: 9001,
      lines: 5,
      poll: true,
      maxFiles: 3,
      token: 'from-file-token',
      allowedHosts: ['a.example', '.b.example'],
      config: p,
      check: false,
    })
    expect(o.specs.map((s) => s.path)).toEqual(['/var/log/a.log', '/var/log/b.log'])
    expect(opts(['--config', p, '--port', '9002'], { TAILLIGHT_PORT: '9003' }).port).toBe(9002)
    expect(opts(['--config', p], { TAILLIGHT_PORT: '9003', TAILLIGHT_POLL: '0' })).toMatchObject({
      port: 9003,
      poll: false,
    })
    expect(opts([], { TAILLIGHT_CONFIG: p }).port).toBe(9001)
  })

  it("a value the flag's check rejects names the file and line, without --help", () => {
    const p = write('files: [/a.log]\n\nport: 70000\n')
    let err: unknown
    try {
      parseCli(['--config', p], {})
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(UsageError)
    expect((err as UsageError).config).toBe(true)
    expect((err as Error).message).toBe(
      `${p}:3: port must be an integer from 0 to 65535, got '70000'`
    )
  })

  it('a malformed pattern or a path that is no regular file on the command line is refused', () => {
    expect(() => parseCli([join(tmp.dir, 'x[a.log')], {})).toThrow(/unclosed '\['/)
    expect(() => parseCli([join(tmp.dir, '**', 'a.log')], {})).toThrow(/'\*\*' is not supported/)
    expect(() => parseCli(['/dev/null'], {})).toThrow(/is not a regular file/)
    expect(opts([tmp.dir]).files).toEqual([tmp.dir]) // a directory is every file in it
  })

  it('--edge needs --redis and takes no files; the config may say edge: true', () => {
    expect(() => parseCli(['--edge'], {})).toThrow(/--edge needs --redis/)
    expect(() => parseCli(['--edge', '--redis', 'redis://h', '/a.log'], {})).toThrow(/no files/)
    const p = write(
      'edge: true\nredis: redis://10.0.0.5\nfiles:\n  - {path: /a.log, groups: [x]}\n'
    )
    expect(opts(['--config', p])).toMatchObject({ edge: true, redis: 'redis://10.0.0.5' })
  })

  it('--check-config reads the file without needing any other option', () => {
    const p = write('files:\n  - /var/log/*.log\n')
    expect(opts(['--check-config', p])).toMatchObject({ check: true, config: p })
    expect(() => parseCli(['--check-config', join(tmp.dir, 'missing.yml')], {})).toThrow(
      /missing\.yml: cannot be read \(ENOENT\)/
    )
  })
})
