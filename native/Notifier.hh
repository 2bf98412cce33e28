#ifndef TAILLIGHT_NOTIFIER_HH
#define TAILLIGHT_NOTIFIER_HH

#include <pthread.h>
#include <stdint.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

// Bits of native-types.ts `Wake`; keep the two in sync.
enum WakeBits : uint32_t {
  WAKE_MODIFY = 1,
  WAKE_ATTRIB = 2,
  WAKE_MOVE_SELF = 4,
  WAKE_DELETE_SELF = 8,
  WAKE_NAME = 16,
  WAKE_DIR_GONE = 32,
  WAKE_OVERFLOW = 64,
  WAKE_IGNORED = 128,
};

// Where a failed call came from; turned into a JS Error with code/errno/syscall/path by addon.cc.
struct SysError {
  int err = 0;
  const char *syscall = "";
  std::string path;
};

// Asks the JS thread to call drain() soon. Runs on the notifier thread with mMutex held, so it
// must not block; returns false when the request could not be queued (it is retried later).
typedef bool (*PostFn)(void *ctx);

// One kernel notification queue plus one thread that waits on it. Watches are added and removed
// from the JS thread under mMutex; the thread only ORs bits into per-watch pending words and asks
// for a single JS call when the first bit appears, so bursts coalesce and nothing queues up.
class Notifier {
public:
  enum Kind { FILE_WATCH, DIR_WATCH };

  virtual ~Notifier();
  // Creates the kernel queue and the wake-up fd and starts the thread.
  bool start(PostFn post, void *ctx, SysError *error);
  // Wakes, joins the thread and closes every descriptor. Idempotent; drain() returns nothing after.
  void stop();

  uint32_t addFile(int fd, const std::string &path, SysError *error);
  uint32_t addDir(const std::string &dir, const std::string &name, SysError *error);
  void remove(uint32_t id);
  size_t watchCount();

  // JS thread: takes every pending word (exchanging it with 0) and re-arms the post.
  void drain(std::vector<uint32_t> *ids, std::vector<uint32_t> *flags);

protected:
  struct Watch {
    Kind kind;
    std::string name; // DIR_WATCH only: the basename we report NAME for
    int handle;       // inotify wd or kqueue fd; -1 once the kernel dropped it
    uint32_t pending;
  };

  // Backend hooks, called with mMutex held except run().
  virtual bool openQueue(SysError *error) = 0;
  virtual void closeQueue() = 0;
  virtual int addFileHandle(int fd, const std::string &path, SysError *error) = 0;
  virtual int addDirHandle(const std::string &dir, SysError *error) = 0;
  // `last` is true when no other watch shares the handle any more.
  virtual void removeHandle(int handle, bool last) = 0;
  // The thread body: wait on the queue and mWakeFd until stopping() is true.
  virtual void run() = 0;

  bool stopping() const { return mStopping.load(std::memory_order_acquire); }
  // Empties the wake-up fd after poll/kevent reported it readable.
  void consumeWake();
  // Returns the poll/kevent timeout in ms: -1 normally, short while a failed post needs a retry.
  int retryTimeoutMs();
  void retryPost();

  // With mMutex held: OR bits into the watch and post if this is the first pending bit.
  void markLocked(Watch &watch, uint32_t bits);
  void markAllLocked(uint32_t bits);
  // With mMutex held: watches sharing a kernel handle.
  std::vector<uint32_t> idsForHandle(int handle);
  // With mMutex held: the kernel forgot `handle`; later removes must not touch it again.
  void forgetHandleLocked(int handle);

  std::mutex mMutex;
  std::unordered_map<uint32_t, Watch> mWatches;
  std::unordered_multimap<int, uint32_t> mByHandle;
  int mWakeFd[2] = {-1, -1};

private:
  uint32_t addWatch(Kind kind, int handle, const std::string &name);
  static void *threadMain(void *self);
  void wake();

  PostFn mPost = nullptr;
  void *mPostCtx = nullptr;
  bool mPosted = false;    // a JS call is queued and has not drained yet
  bool mRetry = false;     // a post failed; the thread retries on its next timeout
  bool mStarted = false;
  bool mStopped = false;
  uint32_t mNextId = 1;
  pthread_t mThread;
  std::atomic<bool> mStopping{false};
};

// Defined by the backend compiled in (linux/ or kqueue/).
std::unique_ptr<Notifier> createNotifier();
const char *notifierBackendName();

#endif
