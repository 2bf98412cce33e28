#ifndef TAILLIGHT_BACKWARD_READER_HH
#define TAILLIGHT_BACKWARD_READER_HH

#include <napi.h>
#include <stddef.h>
#include <stdint.h>

#include <vector>

struct BackwardRead {
  int64_t start = 0;
  bool hitLimit = false;
  // The bytes [start, end) are data[offset, offset + (end - start)).
  std::vector<char> data;
  size_t offset = 0;
  int err = 0;          // errno of the failed pread
  bool changed = false; // a short read: the file shrank below `end` (ECHANGED)
};

// See NativeBinding.readBackward in src/follow/native-types.ts for the exact contract; the
// TypeScript twin in src/follow/read-backward.ts must stay byte-for-byte identical.
// Plain C++, no Node-API: runs on a pool thread.
void readBackward(int fd, int64_t end, int64_t maxLines, int64_t maxBytes, int64_t chunkSize,
                  BackwardRead *out);

// readBackward as async work that settles a Promise. Arguments are checked by addon.cc.
class ReadBackwardWorker : public Napi::AsyncWorker {
public:
  ReadBackwardWorker(Napi::Env env, int fd, int64_t end, int64_t maxLines, int64_t maxBytes,
                     int64_t chunkSize)
      : Napi::AsyncWorker(env, "taillight:readBackward"),
        mDeferred(Napi::Promise::Deferred::New(env)), mFd(fd), mEnd(end), mMaxLines(maxLines),
        mMaxBytes(maxBytes), mChunkSize(chunkSize) {}

  Napi::Promise Promise() { return mDeferred.Promise(); }

protected:
  void Execute() override;
  void OnOK() override;

private:
  Napi::Promise::Deferred mDeferred;
  int mFd;
  int64_t mEnd, mMaxLines, mMaxBytes, mChunkSize;
  BackwardRead mResult;
};

#endif
