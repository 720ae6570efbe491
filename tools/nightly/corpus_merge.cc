// Adds new inputs to a corpus directory by temporary file and rename, skipping duplicates.
#include "corpus_merge.h"

#include <filesystem>
#include <set>

#include "atomic_file.h"
#include "file_contents.h"

namespace connfuzz::tools {
namespace fs = std::filesystem;

namespace {
// What write_file_atomically leaves when it is killed before its rename.
bool stale_temporary(const fs::path& path) {
  std::string name = path.filename().string();
  return name.size() > 11 && name.compare(name.size() - 11, 5, ".tmp-") == 0;
}
}  // namespace

int add_new_inputs(const std::string& corpus, const std::string& from) {
  std::error_code ec;
  fs::create_directories(corpus, ec);
  std::set<std::string> known;
  for (const auto& entry : fs::directory_iterator(corpus, ec)) {
    if (!entry.is_regular_file()) continue;
    if (stale_temporary(entry.path())) fs::remove(entry.path(), ec);  // half an input from a killed merge
    else known.insert(file_contents(entry.path()));
  }
  int added = 0;
  for (const auto& entry : fs::directory_iterator(from, ec)) {
    if (!entry.is_regular_file()) continue;
    std::string data = file_contents(entry.path());
    if (!known.insert(data).second) continue;
    fs::path target = fs::path(corpus) / entry.path().filename();
    for (int n = 1; fs::exists(target, ec); ++n) target = fs::path(corpus) / (entry.path().filename().string() + "-" + std::to_string(n));
    write_file_atomically(target.string(), data);
    ++added;
  }
  return added;
}

}  // namespace connfuzz::tools
