/**
 * Alerts on followed files, in process: a real follower, a real webhook receiver on loopback,
 * the rate limit with its suppressed count, retries, and a webhook that never answers.
 */
import { appendFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { Alerts } from '../src/alerts/alerts.js'
import type { AlertSpec } from '../src/alerts/rule.js'
import { createFileSource } from '../src/follow/file-source.js'
import { sleep, useTempDir, waitFor } from './helpers/fs.js'
import { receiver, type Receiver } from './helpers/webhook.js'

const t = useTempDir()
const open: { close(): unknown }[] = []
afterEach(async () => {
  for (const x of open.splice(0).reverse()) await x.close()
})

async function setup(rules: AlertSpec[], o: ConstructorParameters<typeof Alerts>[1] = {}) {
  const path = join(t.dir, 'app.log')
  await writeFile(path, 'old ERROR before start\n')
  const source = t.track(await createFileSource('app', path))
  const alerts = new Alerts(rules, o)
  open.push(alerts)
  alerts.watch(source)
  return { path, source, alerts }
}

const rule = (r: Receiver, more: Partial<AlertSpec> = {}): AlertSpec => ({
  name: 'errors',
  match: 'ERROR|FATAL',
  webhook: r.url,
  every: 60,
  ...more,
})

describe('alerts', () => {
  it('POSTs a matching line to the webhook within a second of the append', async () => {
    const r = await receiver()
    open.push(r)
    const { path, alerts } = await setup([rule(r)], { publicUrl: 'https://logs.example/view' })
    const wrote = Date.now()
    await appendFile(path, 'ok\nERROR disk full\nok again\n')
    await waitFor(() => r.got.length === 1, 'the POST', 1000)
    const { body, at } = r.got[0]!
    expect(at - wrote).toBeLessThan(1000)
    expect(body).toMatchObject({
      rule: 'errors',
      file: 'app',
      line: 'ERROR disk full',
      suppressed: 0,
    })
    expect(typeof body.cursor).toBe('string')
    // The page's permalink: the batch's cursor and one whole line after this one.
    const url = new URL(body.url as string)
    expect(url.origin + url.pathname).toBe('https://logs.example/view')
    expect(url.searchParams.get('file')).toBe('app')
    const hash = new URLSearchParams(url.hash.slice(1))
    expect(hash.get('line')).toBe(body.cursor)
    expect(hash.get('back')).toBe('1')
    await waitFor(() => alerts.metrics.rule('errors').sent === 1, 'sent counted')
    // Lines already in the file when following began are not alerted.
    expect(r.got.some((g) => String(g.body.line).includes('before start'))).toBe(false)
    expect(alerts.metrics.render()).toContain('taillight_alerts_sent_total{rule="errors"} 1')
  })

  it('sends at most one POST per window, the next one carrying the suppressed count', async () => {
    const r = await receiver()
    open.push(r)
    const { path, alerts } = await setup([rule(r, { every: 2 })])
    await appendFile(path, 'ERROR 1\n')
    await waitFor(() => r.got.length === 1, 'the first POST', 1000)
    await appendFile(path, 'ERROR 2\nfine\nERROR 3\n')
    await sleep(50)
    await appendFile(path, 'FATAL 4\n')
    await sleep(700)
    expect(r.got).toHaveLength(1)
    await waitFor(() => r.got.length === 2, 'the trailing POST', 3000)
    expect(r.got[1]!.at - r.got[0]!.at).toBeGreaterThanOrEqual(1900)
    expect(r.got[1]!.body).toMatchObject({ line: 'FATAL 4', suppressed: 2 })
    await waitFor(() => alerts.metrics.rule('errors').sent === 2, 'sent counted')
    expect(alerts.metrics.rule('errors')).toMatchObject({ suppressed: 2, failed: 0 })
    expect(alerts.metrics.render()).toContain('taillight_alerts_suppressed_total{rule="errors"} 2')
  })

  it('retries a webhook that fails twice, then succeeds', async () => {
    const r = await receiver([500, 503])
    open.push(r)
    const { path, alerts } = await setup([rule(r)], { sender: { baseDelayMs: 50 } })
    await appendFile(path, 'ERROR retry me\n')
    await waitFor(() => r.got.length === 1, 'the delivered POST', 3000)
    expect(r.attempts).toBe(3)
    expect(r.got[0]!.body.line).toBe('ERROR retry me')
    await waitFor(() => alerts.metrics.rule('errors').sent === 1, 'sent counted')
    expect(alerts.metrics.rule('errors').failed).toBe(0)
  })

  it('counts a POST as failed once its retries are spent, and does not retry a 4xx', async () => {
    const r = await receiver([404])
    open.push(r)
    const { path, alerts } = await setup([rule(r)], { sender: { baseDelayMs: 20 } })
    await appendFile(path, 'ERROR nobody home\n')
    await waitFor(() => alerts.metrics.rule('errors').failed === 1, 'failed counted')
    expect(r.attempts).toBe(1)
    expect(alerts.metrics.render()).toContain('taillight_alerts_failed_total{rule="errors"} 1')
  })

  it('a webhook that never answers holds back neither the following nor another rule', async () => {
    const dead = await receiver(['hang'])
    const live = await receiver()
    open.push(dead, live)
    const { path, source } = await setup(
      [rule(dead, { name: 'dead', every: 1 }), rule(live, { name: 'live', every: 1 })],
      { sender: { timeoutMs: 30_000 } }
    )
    const seen: string[] = []
    source.subscribe((e) => {
      if (e.type === 'lines') for (const l of e.lines) seen.push(l.text)
    })
    await appendFile(path, 'ERROR one\n')
    await waitFor(() => live.got.length === 1 && dead.attempts === 1, 'both webhooks asked', 1000)
    // The dead lane is stuck in its first attempt; lines still arrive and the live rule still posts.
    for (let i = 0; i < 20; i++) await appendFile(path, `line ${i}\n`)
    await appendFile(path, 'ERROR two\n')
    await waitFor(() => seen.includes('ERROR two'), 'following goes on', 1000)
    await waitFor(() => live.got.length === 2, 'the live rule posts again', 2500)
    expect(live.got[1]!.body.line).toBe('ERROR two')
    expect(dead.attempts).toBe(1)
  })

  it('applies a rule only to the files it names, and takes new rules on reload', async () => {
    const r = await receiver()
    open.push(r)
    const { path, alerts } = await setup([rule(r, { files: ['other'] })])
    await appendFile(path, 'ERROR not for this rule\n')
    await sleep(300)
    expect(r.attempts).toBe(0)
    alerts.setRules([rule(r, { files: [join(t.dir, '*.log')] })])
    await appendFile(path, 'ERROR now it is\n')
    await waitFor(() => r.got.length === 1, 'the POST after reload', 1000)
    expect(r.got[0]!.body.line).toBe('ERROR now it is')
  })
})
