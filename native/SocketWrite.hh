#ifndef TAILLIGHT_SOCKET_WRITE_HH
#define TAILLIGHT_SOCKET_WRITE_HH

// One non-blocking send(2) of bytes to a connected socket, for the server's SSE fan-out: the same
// event goes to thousands of sockets, and going straight to the descriptor costs a third of a
// write through Node's stream and HTTP layers. Mechanism only: when to use it (the stream's own
// queue empty, plain TCP) and what to do with the rest is decided in TypeScript
// (src/server/node-raw-sink.ts).
#include <stddef.h>

// Bytes written (0 when the socket buffer is full), or -errno for a hard error (EPIPE, ...).
long socketWrite(int fd, const unsigned char *data, size_t length);

#endif
