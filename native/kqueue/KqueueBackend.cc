#include "KqueueBackend.hh"

#include <sys/types.h>
#include <sys/event.h>
#include <sys/time.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

// O_EVTONLY (macOS) opens for notifications only, so a watch does not keep a volume busy.
#ifdef O_EVTONLY
static const int DIR_OPEN_FLAGS = O_EVTONLY | O_DIRECTORY | O_CLOEXEC;
#else
static const int DIR_OPEN_FLAGS = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
#endif

// NOTE_REVOKE (revoke(2), forced unmount) exists on macOS, FreeBSD and OpenBSD; libkqueue, the
// emulation the Linux test run uses, has no revoke and leaves it undefined. Where it is missing,
// an unmount shows up as the follower's failed re-check instead.
#ifdef NOTE_REVOKE
static const unsigned REVOKE_FLAG = NOTE_REVOKE;
#else
static const unsigned REVOKE_FLAG = 0;
#endif

static const unsigned VNODE_FLAGS =
    NOTE_DELETE | NOTE_WRITE | NOTE_EXTEND | NOTE_ATTRIB | NOTE_LINK | NOTE_RENAME | REVOKE_FLAG;

std::unique_ptr<Notifier> createNotifier() {
  return std::unique_ptr<Notifier>(new KqueueBackend());
}
const char *notifierBackendName() { return "kqueue"; }

bool KqueueBackend::openQueue(SysError *error) {
  mKqueue = kqueue();
  if (mKqueue < 0) {
    *error = {errno, "kqueue", ""};
    return false;
  }
  fcntl(mKqueue, F_SETFD, FD_CLOEXEC);
  struct kevent change;
  EV_SET(&change, mWakeFd[0], EVFILT_READ, EV_ADD | EV_CLEAR, 0, 0, 0);
  if (kevent(mKqueue, &change, 1, nullptr, 0, nullptr) < 0) {
    *error = {errno, "kevent", ""};
    close(mKqueue);
    mKqueue = -1;
    return false;
  }
  return true;
}

void KqueueBackend::closeQueue() {
  for (auto &entry : mWatches) {
    if (entry.second.handle >= 0) close(entry.second.handle);
    entry.second.handle = -1;
  }
  if (mKqueue >= 0) close(mKqueue);
  mKqueue = -1;
}

bool KqueueBackend::registerVnode(int fd, SysError *error, const std::string &path) {
  struct kevent change;
  // EV_CLEAR makes the filter edge-triggered: one report per burst, no re-arming (libuv re-arms
  // EV_ONESHOT filters instead).
  EV_SET(&change, fd, EVFILT_VNODE, EV_ADD | EV_CLEAR | EV_ENABLE, VNODE_FLAGS, 0, 0);
  if (kevent(mKqueue, &change, 1, nullptr, 0, nullptr) == 0) return true;
  *error = {errno, "kevent", path};
  close(fd);
  return false;
}

int KqueueBackend::addFileHandle(int fd, const std::string &path, SysError *error) {
  // Our own descriptor for the same open file: the caller may close theirs at any time, and
  // the knote lives exactly as long as this one.
  int own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (own < 0) {
    *error = {errno, "fcntl", path};
    return -1;
  }
  return registerVnode(own, error, path) ? own : -1;
}

int KqueueBackend::addDirHandle(const std::string &dir, SysError *error) {
  int fd = open(dir.c_str(), DIR_OPEN_FLAGS);
  if (fd < 0) {
    *error = {errno, "open", dir};
    return -1;
  }
  return registerVnode(fd, error, dir) ? fd : -1;
}

void KqueueBackend::removeHandle(int handle, bool last) {
  if (!last) return;
  // A kernel kqueue drops the knote when its descriptor closes; libkqueue cannot see the close
  // and would keep the knote (and its inotify watch) until the number is reused. Deleting it
  // first costs one call and leaves no stale events for a descriptor number reused later.
  struct kevent change;
  EV_SET(&change, handle, EVFILT_VNODE, EV_DELETE, 0, 0, 0);
  kevent(mKqueue, &change, 1, nullptr, 0, nullptr);
  close(handle);
}

void KqueueBackend::run() {
  struct kevent events[64];
  while (!stopping()) {
    int timeoutMs = retryTimeoutMs();
    struct timespec timeout = {timeoutMs / 1000, (timeoutMs % 1000) * 1000000L};
    int n = kevent(mKqueue, nullptr, 0, events, 64, timeoutMs < 0 ? nullptr : &timeout);
    if (n < 0) {
      if (errno != EINTR) usleep(100 * 1000);
      continue;
    }
    bool woken = false;
    {
      std::lock_guard<std::mutex> lock(mMutex);
      for (int i = 0; i < n; i++) {
        int fd = static_cast<int>(events[i].ident);
        if (events[i].filter == EVFILT_READ && fd == mWakeFd[0]) {
          woken = true;
        } else if (events[i].filter == EVFILT_VNODE) {
          handleEventLocked(fd, events[i].fflags);
        }
      }
    }
    if (woken) consumeWake();
    retryPost();
  }
}

void KqueueBackend::handleEventLocked(int fd, uint32_t fflags) {
  // A descriptor closed by remove() and reused by a new watch may still see a stale event here:
  // a spurious wake-up, which is harmless because the follower re-checks everything.
  for (uint32_t id : idsForHandle(fd)) {
    Watch &watch = mWatches[id];
    uint32_t bits = 0;
    if (watch.kind == FILE_WATCH) {
      if (fflags & (NOTE_WRITE | NOTE_EXTEND)) bits |= WAKE_MODIFY;
      if (fflags & (NOTE_ATTRIB | NOTE_LINK)) bits |= WAKE_ATTRIB;
      if (fflags & NOTE_RENAME) bits |= WAKE_MOVE_SELF;
      // NOTE_DELETE fires at unlink even while the file is open (Linux waits for the last
      // close), so it also carries ATTRIB like inotify's link-count change does.
      if (fflags & NOTE_DELETE) bits |= WAKE_DELETE_SELF | WAKE_ATTRIB;
      if (fflags & REVOKE_FLAG) bits |= WAKE_IGNORED;
    } else {
      // No names on kqueue: any entry change means "re-check the name".
      if (fflags & (NOTE_WRITE | NOTE_EXTEND | NOTE_LINK)) bits |= WAKE_NAME;
      // rmdir posts NOTE_DELETE on the directory itself (XNU VNOP_RMDIR, FreeBSD ufs_rmdir).
      // libkqueue cannot: Linux reports IN_DELETE_SELF only once the last descriptor closes, and
      // the knote holds one, so there only the follower's own re-checks can see it.
      if (fflags & (NOTE_DELETE | NOTE_RENAME | REVOKE_FLAG)) bits |= WAKE_DIR_GONE;
      if (fflags & REVOKE_FLAG) bits |= WAKE_IGNORED;
    }
    markLocked(watch, bits);
  }
}
