#include "BackwardReader.hh"

#include "JsErrors.hh"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <algorithm>

// memrchr is a GNU/BSD extension that macOS lacks.
static const char *findLastNewline(const char *begin, const char *end) {
#if defined(__GLIBC__) || defined(__FreeBSD__) || defined(__OpenBSD__)
  return static_cast<const char *>(memrchr(begin, '\n', end - begin));
#else
  while (end > begin) {
    if (*--end == '\n') return end;
  }
  return nullptr;
#endif
}

// Returns false with out->err or out->changed set.
static bool preadFull(int fd, char *buf, size_t len, int64_t offset, BackwardRead *out) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = pread(fd, buf + got, len - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      out->err = errno;
      return false;
    }
    if (n == 0) {
      out->changed = true;
      return false;
    }
    got += static_cast<size_t>(n);
  }
  return true;
}

void readBackward(int fd, int64_t end, int64_t maxLines, int64_t maxBytes, int64_t chunkSize,
                  BackwardRead *out) {
  // The newline just before start may sit one byte below the maxBytes window.
  const int64_t lowest = std::max<int64_t>(0, end - maxBytes - 1);
  const int64_t wanted = maxLines + 1;
  int64_t found = -1;
  int64_t seen = 0;
  int64_t pos = end;
  // Bytes [pos, end) live at the back of `buf`, growing towards the front with each chunk, so
  // every chunk is read straight into place and the result needs no reassembly.
  std::vector<char> &buf = out->data;
  size_t used = 0;
  while (pos > lowest && found < 0) {
    // Every read after the first is chunk-aligned; only the window's lower edge is not.
    int64_t chunkStart = std::max(lowest, ((pos - 1) / chunkSize) * chunkSize);
    size_t len = static_cast<size_t>(pos - chunkStart);
    if (used + len > buf.size()) {
      std::vector<char> bigger(std::max(buf.size() * 2, used + len));
      std::copy(buf.end() - used, buf.end(), bigger.end() - used);
      buf.swap(bigger);
    }
    char *chunk = buf.data() + buf.size() - used - len;
    if (!preadFull(fd, chunk, len, chunkStart, out)) return;
    used += len;
    for (const char *p = chunk + len; (p = findLastNewline(chunk, p)) != nullptr;) {
      if (++seen == wanted) {
        found = chunkStart + (p - chunk);
        break;
      }
    }
    pos = chunkStart;
  }
  if (found >= 0) {
    out->start = found + 1;
  } else if (end - maxBytes > 0) {
    out->start = end - maxBytes;
    out->hitLimit = true;
  } else {
    out->start = 0;
  }
  out->offset = buf.size() - static_cast<size_t>(end - out->start);
}

void ReadBackwardWorker::Execute() {
  readBackward(mFd, mEnd, mMaxLines, mMaxBytes, mChunkSize, &mResult);
}

void ReadBackwardWorker::OnOK() {
  Napi::Env env = Env();
  if (mResult.changed) {
    const char *message = "ECHANGED: file is shorter than the requested end, pread";
    Napi::Error error = codeError(Napi::Error::New(env, message), "ECHANGED");
    error.Value().Set("syscall", "pread");
    mDeferred.Reject(error.Value());
    return;
  }
  if (mResult.err != 0) {
    mDeferred.Reject(sysError(env, mResult.err, "pread", "").Value());
    return;
  }
  size_t length = static_cast<size_t>(mEnd - mResult.start);
  // A copy, never an external buffer: Electron's memory cage rejects those.
  Napi::Buffer<char> data =
      length == 0 ? Napi::Buffer<char>::New(env, 0)
                  : Napi::Buffer<char>::Copy(env, mResult.data.data() + mResult.offset, length);
  std::vector<char>().swap(mResult.data);
  if (env.IsExceptionPending()) {
    mDeferred.Reject(env.GetAndClearPendingException().Value());
    return;
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("start", Napi::Number::New(env, static_cast<double>(mResult.start)));
  result.Set("data", data);
  result.Set("hitLimit", Napi::Boolean::New(env, mResult.hitLimit));
  mDeferred.Resolve(result);
}
