#include "ErrnoName.hh"

#include <errno.h>

// strerrorname_np is glibc >= 2.32 only; a table of what file and watch calls can return is
// portable and small.
const char *errnoName(int err) {
  switch (err) {
#define NAME(e)                                                                                    \
  case e:                                                                                          \
    return #e;
    NAME(EACCES) NAME(EAGAIN) NAME(EBADF) NAME(EBUSY) NAME(EEXIST) NAME(EFAULT) NAME(EFBIG)
    NAME(EINTR) NAME(EINVAL) NAME(EIO) NAME(EISDIR) NAME(ELOOP) NAME(EMFILE) NAME(ENAMETOOLONG)
    NAME(ENFILE) NAME(ENODEV) NAME(ENOENT) NAME(ENOMEM) NAME(ENOSPC) NAME(ENOSYS) NAME(ENOTDIR)
    NAME(ENXIO) NAME(EOVERFLOW) NAME(EPERM) NAME(EROFS) NAME(ESPIPE) NAME(ESTALE) NAME(ETIMEDOUT)
    NAME(EXDEV) NAME(ENOTSUP)
#if defined(EOPNOTSUPP) && EOPNOTSUPP != ENOTSUP
    NAME(EOPNOTSUPP)
#endif
#if defined(EWOULDBLOCK) && EWOULDBLOCK != EAGAIN
    NAME(EWOULDBLOCK)
#endif
#undef NAME
  default:
    return "UNKNOWN";
  }
}
