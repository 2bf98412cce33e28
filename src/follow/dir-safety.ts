/**
 * @module Refusing a log whose directory lets other users swap it, logrotate's check.
 *
 * Whoever may write a directory may replace the file in it, for example by a symlink to
 * /etc/shadow: a taillight running as root would then stream that file to every viewer. So a
 * directory that is world-writable, or group-writable by a group other than root's, makes the
 * path EINSECURE (the follower's error state), unless the operator said --allow-insecure-dir.
 *
 * Decisions: the sticky bit does not make a directory safe (logrotate does not count it either):
 * it keeps others from replacing a file they do not own, but while the log is missing or just
 * rotated away its name is free, and anyone may put a symlink there first. The owner of the
 * directory is trusted like root, as logrotate does; running taillight as an unprivileged user
 * in the log's group is what takes the owner's power away. Only the log's own directory is
 * checked (and, for a symlink, its target's), not every parent: /tmp/x/app.log with /tmp/x
 * mode 0755 is safe from others even though /tmp is 1777.
 */
import { lstat, realpath, stat } from 'node:fs/promises'
import { dirname } from 'node:path'

const WORLD_WRITABLE = 0o002
const GROUP_WRITABLE = 0o020

export class InsecureDirError extends Error {
  readonly code = 'EINSECURE'
  constructor(
    readonly path: string,
    readonly dir: string,
    reason: string
  ) {
    super(
      `refusing to follow ${path}: its directory ${dir} ${reason}, so another user could ` +
        'replace the file by a symlink; fix the mode (chmod o-w,g-w) or pass --allow-insecure-dir'
    )
  }
}

/** Why `dir` lets others replace its files, or undefined when only its owner and root can. */
export async function dirProblem(dir: string): Promise<string | undefined> {
  const st = await stat(dir)
  if (st.mode & WORLD_WRITABLE) {
    return `is writable by every user (mode ${mode(st.mode)}${st.mode & 0o1000 ? ', sticky' : ''})`
  }
  if (st.mode & GROUP_WRITABLE && st.gid !== 0) {
    return `is writable by group ${st.gid} (mode ${mode(st.mode)})`
  }
  return undefined
}

/**
 * Throws InsecureDirError when the path's directory, or for a symlink its target's, is unsafe.
 * A path that does not exist passes: opening it reports that (and the check runs again then).
 */
export async function checkDirSafety(path: string): Promise<void> {
  const dirs = [dirname(path)]
  try {
    if ((await lstat(path)).isSymbolicLink()) dirs.push(dirname(await realpath(path)))
  } catch {
    // Missing or a dangling link: open() says which.
  }
  for (const dir of dirs) {
    let problem: string | undefined
    try {
      problem = await dirProblem(dir)
    } catch {
      continue // the open that follows reports an unreadable directory
    }
    if (problem) throw new InsecureDirError(path, dir, problem)
  }
}

const mode = (m: number) => (m & 0o7777).toString(8).padStart(4, '0')
