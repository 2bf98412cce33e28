#include "SocketWrite.hh"

#include <errno.h>
#include <sys/socket.h>

long socketWrite(int fd, const unsigned char *data, size_t length) {
#ifdef MSG_NOSIGNAL
  const int flags = MSG_NOSIGNAL | MSG_DONTWAIT; // a reset peer is an EPIPE, never a SIGPIPE
#else
  const int flags = MSG_DONTWAIT; // macOS: Node ignores SIGPIPE process-wide
#endif
  for (;;) {
    ssize_t n = send(fd, data, length, flags);
    if (n >= 0) return static_cast<long>(n);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
    return -errno;
  }
}
