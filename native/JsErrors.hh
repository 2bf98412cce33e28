#ifndef TAILLIGHT_JS_ERRORS_HH
#define TAILLIGHT_JS_ERRORS_HH

// Argument checks and Node-style errors (code, errno, syscall, path) for addon.cc.
#include <math.h>
#include <napi.h>
#include <string.h>

#include <string>

#include "ErrnoName.hh"

inline Napi::Error codeError(Napi::Error error, const char *code) {
  error.Value().Set("code", code);
  return error;
}

inline Napi::Error sysError(Napi::Env env, int err, const char *syscall, const std::string &path) {
  std::string message = std::string(errnoName(err)) + ": " + strerror(err) + ", " + syscall;
  if (!path.empty()) message += " '" + path + "'";
  Napi::Error error = codeError(Napi::Error::New(env, message), errnoName(err));
  error.Value().Set("errno", -err); // negative, like Node's own fs errors
  error.Value().Set("syscall", syscall);
  if (!path.empty()) error.Value().Set("path", path);
  return error;
}

// Reads an integer argument in [min, max]; on failure throws TypeError/RangeError with a code.
inline bool intArg(const Napi::CallbackInfo &info, size_t i, const char *name, double min,
                   double max, int64_t *out) {
  Napi::Env env = info.Env();
  if (!info[i].IsNumber()) {
    std::string message = std::string("The \"") + name + "\" argument must be a number";
    codeError(Napi::TypeError::New(env, message), "ERR_INVALID_ARG_TYPE")
        .ThrowAsJavaScriptException();
    return false;
  }
  double value = info[i].As<Napi::Number>().DoubleValue();
  if (!(value >= min && value <= max) || floor(value) != value) {
    std::string message = std::string("The \"") + name + "\" argument must be an integer in [" +
                          std::to_string(static_cast<int64_t>(min)) + ", " +
                          std::to_string(static_cast<int64_t>(max)) + "]";
    codeError(Napi::RangeError::New(env, message), "ERR_OUT_OF_RANGE").ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<int64_t>(value);
  return true;
}

inline bool stringArg(const Napi::CallbackInfo &info, size_t i, const char *name,
                      std::string *out) {
  if (!info[i].IsString()) {
    std::string message = std::string("The \"") + name + "\" argument must be a string";
    codeError(Napi::TypeError::New(info.Env(), message), "ERR_INVALID_ARG_TYPE")
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = info[i].As<Napi::String>().Utf8Value();
  return true;
}

// Checks that an argument is a typed array of `type` (Uint8Array or Int32Array).
inline bool typedArg(const Napi::CallbackInfo &info, size_t i, const char *name,
                     napi_typedarray_type type) {
  if (info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == type) {
    return true;
  }
  const char *kind = type == napi_int32_array ? "an Int32Array" : "a Uint8Array";
  std::string message = std::string("The \"") + name + "\" argument must be " + kind;
  codeError(Napi::TypeError::New(info.Env(), message), "ERR_INVALID_ARG_TYPE")
      .ThrowAsJavaScriptException();
  return false;
}

#endif
