#include "Notifier.hh"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

// Derived destructors call stop(): closeQueue() is virtual and must run on the full object.
Notifier::~Notifier() {}

static bool makeWakePipe(int fds[2]) {
#ifdef __linux__
  return pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0;
#else
  if (pipe(fds) != 0) return false;
  for (int i = 0; i < 2; i++) {
    fcntl(fds[i], F_SETFD, FD_CLOEXEC);
    fcntl(fds[i], F_SETFL, fcntl(fds[i], F_GETFL) | O_NONBLOCK);
  }
  return true;
#endif
}

bool Notifier::start(PostFn post, void *ctx, SysError *error) {
  mPost = post;
  mPostCtx = ctx;
  if (!makeWakePipe(mWakeFd)) {
    *error = {errno, "pipe", ""};
    return false;
  }
  if (!openQueue(error)) {
    close(mWakeFd[0]);
    close(mWakeFd[1]);
    mWakeFd[0] = mWakeFd[1] = -1;
    return false;
  }
  // Signals stay with the JS thread: block them all in ours (the mask is inherited).
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  int rc = pthread_create(&mThread, nullptr, threadMain, this);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (rc != 0) {
    closeQueue();
    close(mWakeFd[0]);
    close(mWakeFd[1]);
    mWakeFd[0] = mWakeFd[1] = -1;
    *error = {rc, "pthread_create", ""};
    return false;
  }
  mStarted = true;
  return true;
}

void *Notifier::threadMain(void *self) {
  static_cast<Notifier *>(self)->run();
  return nullptr;
}

void Notifier::wake() {
  char c = 'x';
  // EAGAIN means the pipe already holds a wake-up, which is just as good.
  while (write(mWakeFd[1], &c, 1) < 0 && errno == EINTR) {
  }
}

void Notifier::consumeWake() {
  char buf[64];
  while (read(mWakeFd[0], buf, sizeof(buf)) > 0) {
  }
}

void Notifier::stop() {
  if (!mStarted || mStopped) return;
  mStopped = true;
  mStopping.store(true, std::memory_order_release);
  wake();
  pthread_join(mThread, nullptr);
  std::lock_guard<std::mutex> lock(mMutex);
  closeQueue();
  close(mWakeFd[0]);
  close(mWakeFd[1]);
  mWakeFd[0] = mWakeFd[1] = -1;
  mWatches.clear();
  mByHandle.clear();
}

uint32_t Notifier::addWatch(Kind kind, int handle, const std::string &name) {
  uint32_t id = mNextId++;
  if (mNextId == 0) mNextId = 1;
  mWatches[id] = Watch{kind, name, handle, 0};
  mByHandle.emplace(handle, id);
  return id;
}

uint32_t Notifier::addFile(int fd, const std::string &path, SysError *error) {
  std::lock_guard<std::mutex> lock(mMutex);
  int handle = addFileHandle(fd, path, error);
  return handle < 0 ? 0 : addWatch(FILE_WATCH, handle, "");
}

uint32_t Notifier::addDir(const std::string &dir, const std::string &name, SysError *error) {
  std::lock_guard<std::mutex> lock(mMutex);
  int handle = addDirHandle(dir, error);
  return handle < 0 ? 0 : addWatch(DIR_WATCH, handle, name);
}

void Notifier::remove(uint32_t id) {
  std::lock_guard<std::mutex> lock(mMutex);
  auto it = mWatches.find(id);
  if (it == mWatches.end()) return;
  int handle = it->second.handle;
  mWatches.erase(it);
  if (handle < 0) return;
  auto range = mByHandle.equal_range(handle);
  for (auto h = range.first; h != range.second; ++h) {
    if (h->second == id) {
      mByHandle.erase(h);
      break;
    }
  }
  removeHandle(handle, mByHandle.count(handle) == 0);
}

size_t Notifier::watchCount() {
  std::lock_guard<std::mutex> lock(mMutex);
  return mWatches.size();
}

void Notifier::drain(std::vector<uint32_t> *ids, std::vector<uint32_t> *flags) {
  std::lock_guard<std::mutex> lock(mMutex);
  // Cleared under the same lock the thread marks under: a bit set after this point posts again.
  mPosted = false;
  for (auto &entry : mWatches) {
    if (entry.second.pending == 0) continue;
    ids->push_back(entry.first);
    flags->push_back(entry.second.pending);
    entry.second.pending = 0;
  }
}

void Notifier::markLocked(Watch &watch, uint32_t bits) {
  if (bits == 0) return;
  watch.pending |= bits;
  if (mPosted) return;
  mPosted = mPost(mPostCtx);
  mRetry = !mPosted;
}

void Notifier::markAllLocked(uint32_t bits) {
  for (auto &entry : mWatches) markLocked(entry.second, bits);
}

int Notifier::retryTimeoutMs() {
  std::lock_guard<std::mutex> lock(mMutex);
  return mRetry ? 10 : -1;
}

void Notifier::retryPost() {
  std::lock_guard<std::mutex> lock(mMutex);
  if (!mRetry || mPosted) return;
  mRetry = false;
  for (auto &entry : mWatches) {
    if (entry.second.pending == 0) continue;
    mPosted = mPost(mPostCtx);
    mRetry = !mPosted;
    return;
  }
}

std::vector<uint32_t> Notifier::idsForHandle(int handle) {
  std::vector<uint32_t> ids;
  auto range = mByHandle.equal_range(handle);
  for (auto it = range.first; it != range.second; ++it) ids.push_back(it->second);
  return ids;
}

void Notifier::forgetHandleLocked(int handle) {
  auto range = mByHandle.equal_range(handle);
  for (auto it = range.first; it != range.second; ++it) {
    auto w = mWatches.find(it->second);
    if (w != mWatches.end()) w->second.handle = -1;
  }
  mByHandle.erase(handle);
}
