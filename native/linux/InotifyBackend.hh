#ifndef TAILLIGHT_INOTIFY_BACKEND_HH
#define TAILLIGHT_INOTIFY_BACKEND_HH

#include <sys/inotify.h>

#include "../Notifier.hh"

class InotifyBackend : public Notifier {
public:
  ~InotifyBackend() override { stop(); }

protected:
  bool openQueue(SysError *error) override;
  void closeQueue() override;
  int addFileHandle(int fd, const std::string &path, SysError *error) override;
  int addDirHandle(const std::string &dir, SysError *error) override;
  void removeHandle(int handle, bool last) override;
  void run() override;

private:
  void readEvents();
  void handleEventLocked(const struct inotify_event *event);
  int mInotify = -1;
};

#endif
