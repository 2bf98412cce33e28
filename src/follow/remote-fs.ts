/**
 * @module Is a path on a file system where inotify cannot see writes?
 *
 * inotify only reports changes made through the local kernel: writes by another NFS/SMB client,
 * a FUSE daemon or the lower layer of an overlay are invisible to it. GNU tail's list
 * (coreutils src/stat.c, "remote" types) is the reference; like tail we poll on those.
 */
import { statfs } from 'node:fs/promises'

/** Linux statfs f_type magic numbers of file systems where inotify misses writes. */
const REMOTE_LINUX: ReadonlyMap<number, string> = new Map([
  [0x6969, 'nfs'],
  [0x6e667364, 'nfsd'],
  [0x517b, 'smb'],
  [0xfe534d42, 'smb2'],
  [0xff534d42, 'cifs'],
  [0x65735546, 'fuse'],
  [0x794c7630, 'overlayfs'],
  [0x61756673, 'aufs'],
  [0x01021997, 'v9fs'],
  [0x00c36400, 'ceph'],
  [0x5346414f, 'afs'],
  [0x6b414653, 'kafs'],
  [0x01161970, 'gfs2'],
  [0x47504653, 'gpfs'],
  [0x0bd00bd0, 'lustre'],
  [0x7461636f, 'ocfs2'],
  [0xaad7aaea, 'panfs'],
  [0x73757245, 'coda'],
  [0xa501fcf5, 'vxfs'],
  [0x786f4256, 'vboxsf'],
  [0xbacbacbc, 'vmhgfs'],
  [0x7c7c6673, 'prl_fs'],
  [0x50495045, 'pipefs'],
])

/** Name of the remote file system type, or null when local. Pure, for tests. */
export function remoteFsName(platform: string, type: number): string | null {
  if (platform !== 'linux') return null
  return REMOTE_LINUX.get(type >>> 0) ?? null
}

/**
 * Checks `path` (a file or directory that exists); null when local or when statfs is unavailable.
 * TAILLIGHT_FAKE_FSTYPE (hex) stands in for the real type so tests can exercise the fallback.
 */
export async function remoteFsOf(path: string): Promise<string | null> {
  const fake = process.env.TAILLIGHT_FAKE_FSTYPE
  if (fake) return remoteFsName(process.platform, Number.parseInt(fake, 16))
  try {
    const st = await statfs(path)
    return remoteFsName(process.platform, st.type)
  } catch {
    return null
  }
}
