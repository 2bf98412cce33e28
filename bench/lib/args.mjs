/**
 * @module Command-line options of the benchmark scripts, one parser for all of them, so every
 * script accepts `--name value`, `--name=value` and bare `--flag` the same way.
 */

/** `--k v`, `--k=v` and `--flag` (true) into an object; other words, in order, into `_`. */
export function parseArgs(argv) {
  const out = { _: [] }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) {
      out._.push(a)
      continue
    }
    const [k, v] = a.slice(2).split('=')
    if (v !== undefined) out[k] = v
    else if (argv[i + 1] && !argv[i + 1].startsWith('--')) out[k] = argv[++i]
    else out[k] = true
  }
  return out
}

/** An option that must be a number in [min, max]; a bad value ends the script with code 2. */
export function numberArg(args, name, def, min = -Infinity, max = Infinity, prog = 'bench') {
  const v = args[name] === undefined ? def : Number(args[name])
  if (!Number.isFinite(v) || v < min || v > max) {
    console.error(`${prog}: --${name} must be a number from ${min} to ${max}, got '${args[name]}'`)
    process.exit(2)
  }
  return v
}

/** A comma-separated list of positive numbers (`--clients 1,100`); a bad one ends the script. */
export function numberListArg(args, name, def, prog = 'bench') {
  const raw = String(args[name] ?? def)
  const xs = raw.split(',').map(Number)
  if (!xs.length || xs.some((x) => !Number.isFinite(x) || x <= 0)) {
    console.error(
      `${prog}: --${name} must be a list of positive numbers such as 1,100; got '${raw}'`
    )
    process.exit(2)
  }
  return xs
}
