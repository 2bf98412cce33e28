{
  # Empty: Linux builds the inotify backend. scripts/test-kqueue.mjs sets it (node-gyp
  # --taillight-kqueue-prefix=DIR) to build the kqueue backend against libkqueue installed in DIR,
  # so the code macOS and the BSDs run is compiled and tested on Linux too.
  "variables": {
    "taillight_kqueue_prefix%": ""
  },
  "targets": [
    {
      "target_name": "taillight",
      "sources": [
        "native/addon.cc",
        "native/Notifier.cc",
        "native/BackwardReader.cc",
        "native/ErrnoName.cc",
        "native/SocketWrite.cc",
        "native/SendPool.cc"
      ],
      # node_addon_api (not _except) defines NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS (the new name of
      # NAPI_DISABLE_CPP_EXCEPTIONS) and -fno-exceptions, for our code too: every error path returns
      # a status and throws into JS explicitly.
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api"
      ],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED"
      ],
      "cflags!": ["-O3"],
      "cflags_cc!": ["-O3"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "cflags_cc": ["-O2", "-std=c++17", "-fno-exceptions", "-fstack-protector-strong"],
      "xcode_settings": {
        "GCC_OPTIMIZATION_LEVEL": "2",
        "GCC_ENABLE_CPP_EXCEPTIONS": "NO",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "CLANG_CXX_LIBRARY": "libc++",
        "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
        "MACOSX_DEPLOYMENT_TARGET": "10.15"
      },
      "conditions": [
        ["OS=='linux' and taillight_kqueue_prefix==''", {
          "sources": ["native/linux/InotifyBackend.cc"],
          "defines": ["TAILLIGHT_INOTIFY"]
        }],
        ["OS=='linux' and taillight_kqueue_prefix!=''", {
          "sources": ["native/kqueue/KqueueBackend.cc"],
          "defines": ["TAILLIGHT_KQUEUE"],
          "include_dirs": ["<(taillight_kqueue_prefix)/include/kqueue"],
          "libraries": [
            "-L<(taillight_kqueue_prefix)/lib",
            "-lkqueue",
            "-Wl,-rpath,<(taillight_kqueue_prefix)/lib"
          ],
          # libkqueue starts a process-wide monitoring thread that it never stops. When the last
          # Worker that loaded the addon exits, Node unloads it and libkqueue with it, and that
          # thread crashes in unmapped code: pin the addon (and so libkqueue) once loaded.
          "ldflags": ["-Wl,-z,nodelete"]
        }],
        ["OS=='mac' or OS=='freebsd' or OS=='openbsd'", {
          "sources": ["native/kqueue/KqueueBackend.cc"],
          "defines": ["TAILLIGHT_KQUEUE"]
        }]
      ]
    }
  ]
}
