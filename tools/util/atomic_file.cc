// Writes a temporary file beside the target and renames it into place at commit().
#include "atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "usage_error.h"

namespace connfuzz::tools {

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  temporary_ = path_ + ".tmp-XXXXXX";
  fd_ = mkstemp(temporary_.data());
  if (fd_ < 0) throw UsageError("cannot write " + path_ + ": " + std::strerror(errno));
  fchmod(fd_, 0644);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    close(fd_);
    unlink(temporary_.c_str());
  }
}

void AtomicFile::write(std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd_, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw UsageError("cannot write " + path_ + ": " + std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void AtomicFile::commit() {
  if (fsync(fd_) != 0 || close(fd_) != 0) {
    int err = errno;
    fd_ = -1;
    unlink(temporary_.c_str());
    throw UsageError("cannot write " + path_ + ": " + std::strerror(err));
  }
  fd_ = -1;
  if (std::rename(temporary_.c_str(), path_.c_str()) != 0) {
    int err = errno;
    unlink(temporary_.c_str());
    throw UsageError("cannot write " + path_ + ": " + std::strerror(err));
  }
}

void write_file_atomically(const std::string& path, std::string_view data) {
  AtomicFile file(path);
  file.write(data);
  file.commit();
}

}  // namespace connfuzz::tools
