#include "InotifyBackend.hh"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

// IN_MASK_ADD: one inode can back several watches (a file watched twice, or a directory fd that
// is also watched as a directory); adding must widen the kernel mask, never replace it.
static const uint32_t FILE_MASK =
    IN_MODIFY | IN_ATTRIB | IN_MOVE_SELF | IN_DELETE_SELF | IN_MASK_ADD;
static const uint32_t DIR_MASK = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB |
                                 IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_MASK_ADD;
static const uint32_t NAME_EVENTS = IN_CREATE | IN_DELETE | IN_MOVED_TO | IN_MOVED_FROM | IN_ATTRIB;

std::unique_ptr<Notifier> createNotifier() {
  return std::unique_ptr<Notifier>(new InotifyBackend());
}
const char *notifierBackendName() { return "inotify"; }

bool InotifyBackend::openQueue(SysError *error) {
  mInotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (mInotify < 0) {
    *error = {errno, "inotify_init1", ""};
    return false;
  }
  return true;
}

void InotifyBackend::closeQueue() {
  if (mInotify >= 0) close(mInotify);
  mInotify = -1;
}

int InotifyBackend::addFileHandle(int fd, const std::string &path, SysError *error) {
  if (fcntl(fd, F_GETFD) < 0) {
    *error = {errno, "fcntl", path};
    return -1;
  }
  // Through /proc the watch lands on the inode we hold open, whatever the name points to now.
  char proc[40];
  snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
  int wd = inotify_add_watch(mInotify, proc, FILE_MASK);
  if (wd < 0 && errno == ENOENT && access("/proc/self/fd", F_OK) != 0) {
    wd = inotify_add_watch(mInotify, path.c_str(), FILE_MASK);
  }
  if (wd < 0) *error = {errno, "inotify_add_watch", path};
  return wd;
}

int InotifyBackend::addDirHandle(const std::string &dir, SysError *error) {
  int wd = inotify_add_watch(mInotify, dir.c_str(), DIR_MASK);
  if (wd < 0) *error = {errno, "inotify_add_watch", dir};
  return wd;
}

void InotifyBackend::removeHandle(int handle, bool last) {
  // The IN_IGNORED this queues finds no watch any more and is dropped by the thread.
  if (last) inotify_rm_watch(mInotify, handle);
}

void InotifyBackend::run() {
  struct pollfd fds[2] = {{mInotify, POLLIN, 0}, {mWakeFd[0], POLLIN, 0}};
  while (!stopping()) {
    int n = poll(fds, 2, retryTimeoutMs());
    if (n < 0) {
      if (errno != EINTR) usleep(100 * 1000); // ENOMEM: back off rather than spin
      continue;
    }
    if (fds[1].revents != 0) consumeWake();
    if (fds[0].revents != 0) readEvents();
    retryPost();
  }
}

void InotifyBackend::readEvents() {
  alignas(struct inotify_event) char buf[16 * 1024];
  for (;;) {
    ssize_t len = read(mInotify, buf, sizeof(buf));
    if (len <= 0) {
      if (len < 0 && errno == EINTR) continue;
      return; // EAGAIN: drained
    }
    std::lock_guard<std::mutex> lock(mMutex);
    for (char *p = buf; p < buf + len;) {
      const struct inotify_event *event = reinterpret_cast<const struct inotify_event *>(p);
      handleEventLocked(event);
      p += sizeof(struct inotify_event) + event->len;
    }
  }
}

void InotifyBackend::handleEventLocked(const struct inotify_event *event) {
  uint32_t mask = event->mask;
  if (mask & IN_Q_OVERFLOW) {
    markAllLocked(WAKE_OVERFLOW);
    return;
  }
  for (uint32_t id : idsForHandle(event->wd)) {
    Watch &watch = mWatches[id];
    uint32_t bits = 0;
    if (watch.kind == FILE_WATCH) {
      if (event->len > 0) continue; // about an entry of a directory fd, not the inode itself
      if (mask & IN_MODIFY) bits |= WAKE_MODIFY;
      if (mask & IN_ATTRIB) bits |= WAKE_ATTRIB;
      if (mask & IN_MOVE_SELF) bits |= WAKE_MOVE_SELF;
      if (mask & IN_DELETE_SELF) bits |= WAKE_DELETE_SELF;
      if (mask & (IN_IGNORED | IN_UNMOUNT)) bits |= WAKE_IGNORED;
    } else if (event->len > 0) {
      if ((mask & NAME_EVENTS) && strcmp(event->name, watch.name.c_str()) == 0) bits |= WAKE_NAME;
    } else {
      if (mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) bits |= WAKE_DIR_GONE;
      // The kernel only drops a directory watch when the directory is gone or unmounted.
      if (mask & IN_IGNORED) bits |= WAKE_IGNORED | WAKE_DIR_GONE;
    }
    markLocked(watch, bits);
  }
  if (mask & IN_IGNORED) forgetHandleLocked(event->wd);
}
