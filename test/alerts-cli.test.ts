/**
 * Alerts through the command: the config's `alerts:` key (checked with file, line and key),
 * --public-url, a file that appears later through a pattern, and the /metrics counters.
 */
import { appendFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { parseConfig } from '../src/config/load-config.js'
import { parseCli } from '../src/cli-options.js'
import { ensureBuilt, killAll, runCli } from './helpers/cli.js'
import { useTempDir, waitFor } from './helpers/fs.js'
import { receiver } from './helpers/webhook.js'

const t = useTempDir()
beforeAll(ensureBuilt, 180_000)
afterEach(killAll)

describe('alerts: config', () => {
  it('reads rules with defaults', () => {
    const c = parseConfig(
      'c.yml',
      'alerts:\n  - match: "ERR(OR)?"\n    webhook: http://127.0.0.1:9/h\n    files: [app]\n'
    )
    expect(c.alerts).toEqual([
      {
        name: 'rule-1',
        match: 'ERR(OR)?',
        webhook: 'http://127.0.0.1:9/h',
        every: 60,
        files: ['app'],
      },
    ])
  })

  it.each([
    ['  - match: "a(b"\n    webhook: http://x/h\n', 'c.yml:2: alerts[0].match is not a valid RE2'],
    [
      '  - match: "(?=x)"\n    webhook: http://x/h\n',
      'c.yml:2: alerts[0].match is not a valid RE2',
    ],
    ['  - match: x\n    webhook: ftp://x/h\n', 'c.yml:3: alerts[0].webhook must be an http://'],
    ['  - match: x\n', 'c.yml:2: alerts[0].webhook is missing'],
    ['  - match: x\n    webhook: http://x/h\n    every: 0\n', 'c.yml:4: alerts[0].every must be'],
    [
      '  - match: x\n    webhook: http://x/h\n    when: 1\n',
      'c.yml:4: alerts[0].when is not a known key',
    ],
    [
      '  - {match: x, webhook: "http://x/h", name: a}\n  - {match: y, webhook: "http://x/h", name: a}\n',
      "c.yml:3: alerts[1].name 'a' is used twice",
    ],
  ])('rejects %j', (rules, message) => {
    expect(() => parseConfig('c.yml', `alerts:\n${rules}`)).toThrow(message)
  })

  it('checks --public-url', () => {
    expect(() => parseCli(['--public-url', 'javascript:x', 'a.log'], {})).toThrow(
      '--public-url must be an http:// or https:// URL'
    )
    expect(parseCli(['--public-url', 'https://l.example/logs/', 'a.log'], {})).toMatchObject({
      publicUrl: 'https://l.example/logs/',
    })
  })
})

describe('alerts: the command', () => {
  it('POSTs lines of a file that appears later, with permalinks, and counts them in /metrics', async () => {
    const r = await receiver()
    try {
      const pattern = join(t.dir, '*.log')
      const config = join(t.dir, 'taillight.yml')
      await writeFile(
        config,
        `files:\n  - ${JSON.stringify(pattern)}\nalerts:\n` +
          `  - name: fatal\n    match: "FATAL"\n    webhook: ${r.url}\n    every: 1\n`
      )
      const cli = runCli(['--config', config, '--port', '0', '--public-url', 'http://logs.test/'])
      const url = await cli.url
      const path = join(t.dir, 'later.log')
      await writeFile(path, '')
      const res = async () => (await (await fetch(`${url}api/files`)).json()) as { path: string }[]
      await waitFor(() => cli.stderr().includes(`following ${path}`), 'the new file', 5000)
      expect((await res()).map((f) => f.path)).toContain(path)
      const wrote = Date.now()
      await appendFile(path, 'hello\nFATAL out of memory\n')
      await waitFor(() => r.got.length === 1, 'the POST', 1500)
      expect(r.got[0]!.at - wrote).toBeLessThan(1000)
      expect(r.got[0]!.body).toMatchObject({
        rule: 'fatal',
        line: 'FATAL out of memory',
        suppressed: 0,
      })
      expect(String(r.got[0]!.body.url)).toMatch(/^http:\/\/logs\.test\/\?file=[^#]+#file=.+&line=/)
      let metrics = ''
      for (
        let i = 0;
        i < 50 && !metrics.includes('taillight_alerts_sent_total{rule="fatal"} 1');
        i++
      ) {
        metrics = await (await fetch(`${url}metrics`)).text()
      }
      expect(metrics).toContain('taillight_alerts_sent_total{rule="fatal"} 1')
      expect(metrics).toContain('taillight_alerts_failed_total{rule="fatal"} 0')
      expect(metrics).toContain('taillight_alerts_suppressed_total{rule="fatal"} 0')
    } finally {
      await r.close()
    }
  }, 30_000)

  it('takes new rules on SIGHUP, and keeps them when the new config is broken', async () => {
    const r = await receiver()
    try {
      const path = join(t.dir, 'app.log')
      await writeFile(path, '')
      const config = join(t.dir, 'taillight.yml')
      const rules = (match: string) =>
        `files:\n  - ${JSON.stringify(path)}\nalerts:\n` +
        `  - match: ${JSON.stringify(match)}\n    webhook: ${r.url}\n    every: 1\n`
      await writeFile(config, rules('^OLD'))
      const cli = runCli(['--config', config, '--port', '0'])
      // An answer means main() has run to its end, SIGHUP handler included.
      await fetch(`${await cli.url}health`)
      await writeFile(config, rules('^NEW'))
      cli.child.kill('SIGHUP')
      await waitFor(() => cli.stderr().includes('alerts: 1 rule in force'), 'the reload line', 8000)
      await appendFile(path, 'OLD one\nNEW one\n')
      await waitFor(() => r.got.length === 1, 'the POST of the new rule', 1500)
      expect(r.got[0]!.body.line).toBe('NEW one')
      await writeFile(config, rules('a(b'))
      cli.child.kill('SIGHUP')
      await waitFor(() => cli.stderr().includes('alerts[0].match is not a valid RE2'), 'the error')
      await new Promise((res) => setTimeout(res, 1100)) // past the rule's window
      await appendFile(path, 'NEW two\n')
      await waitFor(() => r.got.length === 2, 'the kept rule still posts', 1500)
      expect(r.got[1]!.body.line).toBe('NEW two')
    } finally {
      await r.close()
    }
  }, 30_000)

  it('with --workers 2, only worker 1 posts: one POST per alert', async () => {
    const r = await receiver()
    try {
      const path = join(t.dir, 'app.log')
      await writeFile(path, '')
      const config = join(t.dir, 'taillight.yml')
      await writeFile(
        config,
        `files:\n  - ${JSON.stringify(path)}\nalerts:\n` +
          `  - name: w\n    match: "^BOOM"\n    webhook: ${r.url}\n    every: 1\n`
      )
      const cli = runCli(['--config', config, '--port', '0', '--workers', '2'])
      const url = await cli.url
      await fetch(`${url}health`)
      await appendFile(path, 'BOOM\n')
      // Latency is the single-process test's; here the count matters (two processes, a busy box).
      await waitFor(() => r.got.length === 1, 'the POST', 8000)
      await new Promise((res) => setTimeout(res, 1000)) // a second worker's POST would be here
      expect(r.attempts).toBe(1)
      let metrics = ''
      for (
        let i = 0;
        i < 50 && !/taillight_alerts_sent_total\{[^}]*rule="w"\} 1/.test(metrics);
        i++
      ) {
        metrics = await (await fetch(`${url}metrics`)).text()
      }
      expect(metrics).toMatch(/taillight_alerts_sent_total\{worker="1",rule="w"\} 1/)
      expect(metrics).not.toMatch(/worker="2",rule="w"/)
    } finally {
      await r.close()
    }
  }, 30_000)
})
