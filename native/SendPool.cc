#include "SendPool.hh"

#include "SocketWrite.hh"

// Sockets per claim: a claim is an atomic add, a send a few microseconds.
static const size_t CHUNK = 16;
// Below this many sockets a hand-off costs more than it saves (a wake-up is tens of
// microseconds here).
static const size_t MIN_SHARED = 128;

SendPool::SendPool(unsigned helpers) {
  for (unsigned i = 0; i < helpers; i++) mThreads.emplace_back(&SendPool::run, this);
}

SendPool::~SendPool() {
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mStop = true;
  }
  mWork.notify_all();
  for (std::thread &t : mThreads) t.join();
}

void SendPool::sendChunks(const Job &job) {
  for (;;) {
    size_t from = mNext.fetch_add(CHUNK, std::memory_order_relaxed);
    if (from >= job.count) return;
    size_t to = from + CHUNK < job.count ? from + CHUNK : job.count;
    for (size_t i = from; i < to; i++) {
      job.results[i] = static_cast<int32_t>(socketWrite(job.fds[i], job.data, job.length));
    }
  }
}

void SendPool::sendAll(const int32_t *fds, size_t count, const unsigned char *data, size_t length,
                       int32_t *results) {
  Job job{fds, data, length, results, count};
  mNext.store(0, std::memory_order_relaxed);
  if (mThreads.empty() || count < MIN_SHARED) return sendChunks(job);
  {
    std::lock_guard<std::mutex> lock(mMutex);
    mJob = job;
    mOpen = true;
    mGeneration++;
  }
  mWork.notify_all();
  sendChunks(job);
  // Every chunk is claimed; wait for the helpers still sending theirs (the job's arrays are
  // the caller's, valid only until this returns).
  std::unique_lock<std::mutex> lock(mMutex);
  mOpen = false;
  mDone.wait(lock, [this] { return mActive == 0; });
}

void SendPool::run() {
  uint64_t seen = 0;
  for (;;) {
    Job job;
    {
      std::unique_lock<std::mutex> lock(mMutex);
      mWork.wait(lock, [&] { return mStop || mGeneration != seen; });
      if (mStop) return;
      seen = mGeneration;
      if (!mOpen) continue; // woke after the caller had sent it all
      job = mJob;
      mActive++;
    }
    sendChunks(job);
    std::lock_guard<std::mutex> lock(mMutex);
    if (--mActive == 0) mDone.notify_one();
  }
}
