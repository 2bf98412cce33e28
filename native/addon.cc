// The Node-API surface: argument checks, Init, the notifier object and its TSFN. Besides this,
// only ReadBackwardWorker (BackwardReader.cc) and JsErrors.hh touch Node-API; the backends are
// plain C++. No libuv calls, so the addon also loads in Bun and Deno.
#include <napi.h>

#include "BackwardReader.hh"
#include "JsErrors.hh"
#include "Notifier.hh"
#include "SendPool.hh"
#include "SocketWrite.hh"

#include <memory>

namespace {

const double MAX_SAFE = 9007199254740991.0;

void callJs(Napi::Env env, Napi::Function onWake, Notifier *notifier, void *) {
  if (env == nullptr || notifier == nullptr) return; // env teardown: nothing to deliver to
  std::vector<uint32_t> ids, flags;
  notifier->drain(&ids, &flags);
  if (ids.empty()) return; // unwatched or closed since the post
  // Raw calls with status checks: a Worker calling process.exit() in onWake leaves the env
  // terminating, and node-addon-api's wrappers would turn the failed calls into fatal errors.
  napi_value argv[2];
  for (int k = 0; k < 2; k++) {
    const std::vector<uint32_t> &values = k == 0 ? ids : flags;
    if (napi_create_array_with_length(env, values.size(), &argv[k]) != napi_ok) return;
    for (uint32_t i = 0; i < values.size(); i++) {
      napi_value number;
      if (napi_create_uint32(env, values[i], &number) != napi_ok ||
          napi_set_element(env, argv[k], i, number) != napi_ok) {
        return;
      }
    }
  }
  napi_value undefined;
  if (napi_get_undefined(env, &undefined) != napi_ok) return;
  // A throw stays pending and surfaces as an uncaught exception; the TS side wraps listeners.
  napi_call_function(env, undefined, onWake, 2, argv, nullptr);
}

using WakeTsfn = Napi::TypedThreadSafeFunction<Notifier, void, callJs>;

class NotifierWrap : public Napi::ObjectWrap<NotifierWrap> {
public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Notifier",
                       {InstanceMethod<&NotifierWrap::WatchFd>("watchFd"),
                        InstanceMethod<&NotifierWrap::WatchDir>("watchDir"),
                        InstanceMethod<&NotifierWrap::Unwatch>("unwatch"),
                        InstanceMethod<&NotifierWrap::JsRef>("ref"),
                        InstanceMethod<&NotifierWrap::JsUnref>("unref"),
                        InstanceMethod<&NotifierWrap::Close>("close")});
  }

  NotifierWrap(const Napi::CallbackInfo &info) : Napi::ObjectWrap<NotifierWrap>(info) {
    Napi::Env env = info.Env();
    mEnv = env;
    if (!info[0].IsFunction()) {
      codeError(Napi::TypeError::New(env, "The \"onWake\" argument must be a function"),
                "ERR_INVALID_ARG_TYPE")
          .ThrowAsJavaScriptException();
      return;
    }
    Notifier *notifier = createNotifier().release();
    // The TSFN finalizer owns the Notifier: a queued callJs may still run after close().
    mTsfn = WakeTsfn::New(env, info[0].As<Napi::Function>(), "taillight:notifier", 2, 1, notifier,
                          [](Napi::Env, void *, Notifier *n) { delete n; }, (void *)nullptr);
    mTsfn.Unref(env); // no watches yet
    SysError error;
    napi_threadsafe_function raw = mTsfn;
    if (!notifier->start(&NotifierWrap::post, raw, &error)) {
      mTsfn.Release();
      sysError(env, error.err, error.syscall, error.path).ThrowAsJavaScriptException();
      return;
    }
    mNotifier = notifier;
    // Added after the TSFN so it runs before Node tears the TSFN down (hooks run in reverse).
    // Without it a Worker exit would unload the addon under a running thread (parcel watcher#264).
    napi_add_env_cleanup_hook(env, &NotifierWrap::onEnvCleanup, this);
    mHooked = true;
  }

  ~NotifierWrap() override {
    mPinned = false; // being finalized: the reference is going away anyway
    close();
  }

private:
  static bool post(void *tsfn) {
    return napi_call_threadsafe_function(static_cast<napi_threadsafe_function>(tsfn), nullptr,
                                         napi_tsfn_nonblocking) == napi_ok;
  }

  static void onEnvCleanup(void *self) {
    NotifierWrap *wrap = static_cast<NotifierWrap *>(self);
    wrap->mHooked = false;
    wrap->mPinned = false; // the env drops every reference itself; don't touch JS state now
    wrap->close();
  }

  void close() {
    if (mNotifier == nullptr) return;
    if (mHooked) napi_remove_env_cleanup_hook(mEnv, &NotifierWrap::onEnvCleanup, this);
    mHooked = false;
    mNotifier->stop(); // joins the thread: nothing posts after this
    mNotifier = nullptr;
    if (mPinned) Unref();
    mPinned = false;
    mTsfn.Release();
  }

  bool checkOpen(Napi::Env env) {
    if (mNotifier != nullptr) return true;
    codeError(Napi::Error::New(env, "The notifier is closed"), "ERR_NOTIFIER_CLOSED")
        .ThrowAsJavaScriptException();
    return false;
  }

  // Two separate things: the TSFN ref keeps the event loop alive (ref()/unref()), and the pin
  // keeps this object from being collected (and closed) while it has watches, like an active
  // fs.watch handle, whether or not it is unref()ed.
  void updateRef(Napi::Env env) {
    bool active = mNotifier != nullptr && mNotifier->watchCount() > 0;
    if (active != mPinned) {
      if (active) {
        Ref();
      } else {
        Unref();
      }
      mPinned = active;
    }
    bool want = mUserRef && active;
    if (want == mTsfnRefd || mNotifier == nullptr) return;
    if (want) {
      mTsfn.Ref(env);
    } else {
      mTsfn.Unref(env);
    }
    mTsfnRefd = want;
  }

  Napi::Value WatchFd(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    int64_t fd;
    std::string path;
    if (!intArg(info, 0, "fd", 0, 2147483647.0, &fd) || !stringArg(info, 1, "path", &path) ||
        !checkOpen(env)) {
      return env.Undefined();
    }
    SysError error;
    uint32_t id = mNotifier->addFile(static_cast<int>(fd), path, &error);
    if (id == 0) {
      sysError(env, error.err, error.syscall, error.path).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    updateRef(env);
    return Napi::Number::New(env, id);
  }

  Napi::Value WatchDir(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    std::string dir, name;
    if (!stringArg(info, 0, "dir", &dir) || !stringArg(info, 1, "name", &name) || !checkOpen(env)) {
      return env.Undefined();
    }
    SysError error;
    uint32_t id = mNotifier->addDir(dir, name, &error);
    if (id == 0) {
      sysError(env, error.err, error.syscall, error.path).ThrowAsJavaScriptException();
      return env.Undefined();
    }
    updateRef(env);
    return Napi::Number::New(env, id);
  }

  void Unwatch(const Napi::CallbackInfo &info) {
    if (mNotifier == nullptr || !info[0].IsNumber()) return; // unknown ids are ignored
    double id = info[0].As<Napi::Number>().DoubleValue();
    if (id >= 1 && id <= 4294967295.0) mNotifier->remove(static_cast<uint32_t>(id));
    updateRef(info.Env());
  }

  void JsRef(const Napi::CallbackInfo &info) {
    mUserRef = true;
    updateRef(info.Env());
  }

  void JsUnref(const Napi::CallbackInfo &info) {
    mUserRef = false;
    updateRef(info.Env());
  }

  void Close(const Napi::CallbackInfo &) { close(); }

  napi_env mEnv = nullptr;
  Notifier *mNotifier = nullptr; // null once closed; deleted by the TSFN finalizer
  WakeTsfn mTsfn;
  bool mHooked = false;
  bool mUserRef = true;
  bool mTsfnRefd = false;
  bool mPinned = false;
};

// Per-env state lives here (instance data), never in globals: main thread and every Worker load
// the addon separately.
class TaillightAddon : public Napi::Addon<TaillightAddon> {
public:
  TaillightAddon(Napi::Env env, Napi::Object exports) {
    mNotifierClass = Napi::Persistent(NotifierWrap::Define(env));
    DefineAddon(exports,
                {InstanceValue("backend", Napi::String::New(env, notifierBackendName()),
                               napi_enumerable),
                 InstanceMethod<&TaillightAddon::CreateNotifier>("createNotifier", napi_enumerable),
                 InstanceMethod<&TaillightAddon::ReadBackward>("readBackward", napi_enumerable),
                 InstanceMethod<&TaillightAddon::WriteSocket>("writeSocket", napi_enumerable),
                 InstanceMethod<&TaillightAddon::SendMany>("sendMany", napi_enumerable),
                 InstanceMethod<&TaillightAddon::SendHelpers>("sendHelpers", napi_enumerable)});
  }

private:
  Napi::Value CreateNotifier(const Napi::CallbackInfo &info) {
    return mNotifierClass.New({info[0]});
  }

  Napi::Value ReadBackward(const Napi::CallbackInfo &info) {
    int64_t fd, end, maxLines, maxBytes, chunkSize;
    if (!intArg(info, 0, "fd", 0, 2147483647.0, &fd) ||
        !intArg(info, 1, "end", 0, MAX_SAFE, &end) ||
        !intArg(info, 2, "maxLines", 0, MAX_SAFE - 1, &maxLines) ||
        !intArg(info, 3, "maxBytes", 0, MAX_SAFE, &maxBytes) ||
        !intArg(info, 4, "chunkSize", 1, 1073741824.0, &chunkSize)) {
      return info.Env().Undefined();
    }
    ReadBackwardWorker *worker =
        new ReadBackwardWorker(info.Env(), static_cast<int>(fd), end, maxLines, maxBytes,
                               chunkSize);
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  }

  // Synchronous on purpose: a non-blocking send of one event is cheaper than any hand-off.
  Napi::Value WriteSocket(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    int64_t fd;
    if (!intArg(info, 0, "fd", 0, 2147483647.0, &fd) ||
        !typedArg(info, 1, "bytes", napi_uint8_array)) {
      return env.Undefined();
    }
    Napi::Uint8Array bytes = info[1].As<Napi::Uint8Array>();
    long n = socketWrite(static_cast<int>(fd), bytes.Data(), bytes.ByteLength());
    return Napi::Number::New(env, static_cast<double>(n));
  }

  // sendMany(fds: Int32Array, count, bytes: Uint8Array, results: Int32Array): `bytes` to the
  // first `count` descriptors, each result as writeSocket's; split over the helper threads.
  Napi::Value SendMany(const Napi::CallbackInfo &info) {
    Napi::Env env = info.Env();
    int64_t count;
    if (!typedArg(info, 0, "fds", napi_int32_array) ||
        !intArg(info, 1, "count", 0, 2147483647.0, &count) ||
        !typedArg(info, 2, "bytes", napi_uint8_array) ||
        !typedArg(info, 3, "results", napi_int32_array)) {
      return env.Undefined();
    }
    Napi::Int32Array fds = info[0].As<Napi::Int32Array>();
    Napi::Int32Array results = info[3].As<Napi::Int32Array>();
    if (static_cast<size_t>(count) > fds.ElementLength() ||
        static_cast<size_t>(count) > results.ElementLength()) {
      codeError(Napi::RangeError::New(env, "\"count\" is past the end of fds or results"),
                "ERR_OUT_OF_RANGE")
          .ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Uint8Array bytes = info[2].As<Napi::Uint8Array>();
    if (!mPool) mPool = std::make_unique<SendPool>(0);
    mPool->sendAll(fds.Data(), static_cast<size_t>(count), bytes.Data(), bytes.ByteLength(),
                   results.Data());
    return env.Undefined();
  }

  // sendHelpers(n): how many threads besides the caller's sendMany uses (the old ones joined).
  Napi::Value SendHelpers(const Napi::CallbackInfo &info) {
    int64_t n;
    if (!intArg(info, 0, "helpers", 0, 64, &n)) return info.Env().Undefined();
    if (!mPool || mPool->helpers() != n) {
      mPool.reset();
      mPool = std::make_unique<SendPool>(static_cast<unsigned>(n));
    }
    return info.Env().Undefined();
  }

  Napi::FunctionReference mNotifierClass;
  // Its destructor, at env teardown (the addon's instance data), stops and joins the helpers.
  std::unique_ptr<SendPool> mPool;
};

} // namespace

NODE_API_ADDON(TaillightAddon)
