#ifndef TAILLIGHT_KQUEUE_BACKEND_HH
#define TAILLIGHT_KQUEUE_BACKEND_HH

#include "../Notifier.hh"

// kqueue has no names and no inode watches: EVFILT_VNODE needs an open fd per watched file and
// per watched directory, and a directory NOTE_WRITE only says "some entry changed".
class KqueueBackend : public Notifier {
public:
  ~KqueueBackend() override { stop(); }

protected:
  bool openQueue(SysError *error) override;
  void closeQueue() override;
  int addFileHandle(int fd, const std::string &path, SysError *error) override;
  int addDirHandle(const std::string &dir, SysError *error) override;
  void removeHandle(int handle, bool last) override;
  void run() override;

private:
  bool registerVnode(int fd, SysError *error, const std::string &path);
  void handleEventLocked(int fd, uint32_t fflags);
  int mKqueue = -1;
};

#endif
