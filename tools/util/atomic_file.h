// A file that appears whole or not at all: written to a temporary file beside it and
// renamed over it at commit(), so a killed run never leaves half a report or input.
#pragma once

#include <string>
#include <string_view>

namespace connfuzz::tools {

class AtomicFile {
 public:
  // Creates the temporary file now, so a path that cannot be written is known before
  // any work is done. Throws UsageError naming the path.
  explicit AtomicFile(std::string path);
  ~AtomicFile();  // without commit(): the temporary file goes, the old file stays
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void commit();  // flush, fsync, rename over the path

 private:
  std::string path_;
  std::string temporary_;
  int fd_ = -1;
};

// The whole of `data` to `path`, atomically.
void write_file_atomically(const std::string& path, std::string_view data);

}  // namespace connfuzz::tools
