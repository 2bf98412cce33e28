#ifndef TAILLIGHT_SEND_POOL_HH
#define TAILLIGHT_SEND_POOL_HH

// The same bytes sent to many sockets at once, split over a few threads, for the SSE fan-out:
// at 10,000 clients the kernel's part of the sends (on loopback, the receiver's TCP input too)
// is most of a round, and one thread leaves the other cores idle. The call is synchronous: it
// returns once every send is made, so the JS thread never races the helpers for a descriptor
// and the order of bytes on each socket is the caller's. The helpers call send(2) and nothing
// else (never JS, never libuv). Mechanism only: which sockets, and what to do with a short
// send, is decided in TypeScript (src/server/node-send-batch.ts).
#include <stddef.h>
#include <stdint.h>

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

class SendPool {
public:
  explicit SendPool(unsigned helpers);
  ~SendPool(); // stops and joins the helpers
  SendPool(const SendPool &) = delete;
  SendPool &operator=(const SendPool &) = delete;

  unsigned helpers() const { return static_cast<unsigned>(mThreads.size()); }

  // results[i]: bytes written to fds[i] (0 when its buffer is full), or -errno.
  void sendAll(const int32_t *fds, size_t count, const unsigned char *data, size_t length,
               int32_t *results);

private:
  struct Job {
    const int32_t *fds = nullptr;
    const unsigned char *data = nullptr;
    size_t length = 0;
    int32_t *results = nullptr;
    size_t count = 0;
  };

  void run();
  // Takes chunks of the job until none is left. Shared by claiming, not split in halves: a
  // helper the scheduler leaves waiting (the other cores are busy) then costs the caller
  // nothing, it just sends more itself.
  void sendChunks(const Job &job);

  std::vector<std::thread> mThreads;
  std::mutex mMutex;
  std::condition_variable mWork, mDone;
  Job mJob;
  std::atomic<size_t> mNext{0};
  uint64_t mGeneration = 0;
  unsigned mActive = 0; // helpers inside sendChunks of the open job
  bool mOpen = false;   // a job is being sent: helpers that wake now may join it
  bool mStop = false;
};

#endif
