// A look inside the file for connfuzz's entry points, then the binary asked in person.
#include "fuzzer_identity.h"

#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "child_spawn.h"
#include "sweep_protocol.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

// A fuzzer answers before it does anything else; a loaded machine may still take a while.
constexpr double kAnswerSeconds = 10;

// The bytes of the ELF file's sections that hold strings: its symbol names (.dynstr,
// .strtab) and constants (.rodata). Empty for a file that is no 64-bit ELF.
std::string string_sections(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  auto read_at = [fd](void* into, std::size_t n, std::uint64_t at) {
    return pread(fd, into, n, static_cast<off_t>(at)) == static_cast<ssize_t>(n);
  };
  std::string out;
  Elf64_Ehdr h{};
  if (read_at(&h, sizeof(h), 0) && std::memcmp(h.e_ident, ELFMAG, SELFMAG) == 0 && h.e_ident[EI_CLASS] == ELFCLASS64 &&
      h.e_shentsize == sizeof(Elf64_Shdr) && h.e_shstrndx < h.e_shnum) {
    std::vector<Elf64_Shdr> sections(h.e_shnum);
    Elf64_Shdr& names = sections[h.e_shstrndx];
    std::string name_table;
    if (read_at(sections.data(), sections.size() * sizeof(Elf64_Shdr), h.e_shoff) && names.sh_size < (64u << 20)) {
      name_table.resize(names.sh_size);
      if (!read_at(name_table.data(), name_table.size(), names.sh_offset)) name_table.clear();
    }
    for (const Elf64_Shdr& section : sections) {
      if (section.sh_name >= name_table.size() || section.sh_type == SHT_NOBITS || section.sh_size > (256u << 20)) continue;
      std::string_view name(name_table.c_str() + section.sh_name);
      if (name != ".dynstr" && name != ".strtab" && name != ".rodata") continue;
      std::string bytes(section.sh_size, '\0');
      if (read_at(bytes.data(), bytes.size(), section.sh_offset)) out += bytes;
    }
  }
  close(fd);
  return out;
}

// The binary's standard output until it ends or the time is up.
std::string answer_of(const std::string& binary) {
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  SpawnRequest request;
  // The replay driver wants an input before it starts; the fuzzer answers before reading it.
  request.argv = {binary, "/dev/null"};
  request.set_environment = {"CONNFUZZ_IDENTIFY=1"};
  request.unset_environment = {"CONNFUZZ_SWEEP"};
  request.descriptors = {{1, out[1]}};
  pid_t child = spawn_child(request);
  close(out[1]);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(kAnswerSeconds);
  std::string text;
  char buffer[4096];
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0 || text.size() > 65536) break;
    pollfd p{out[0], POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = read(out[0], buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  close(out[0]);
  kill_and_reap(child);
  return text;
}

}  // namespace

void check_fuzzer_file(const std::string& binary) {
  struct stat st {};
  if (stat(binary.c_str(), &st) != 0) throw UsageError("'" + binary + "': " + std::strerror(errno));
  if (!S_ISREG(st.st_mode) || access(binary.c_str(), X_OK) != 0)
    throw UsageError("'" + binary + "' is not an executable file");
  // Only a connfuzz fuzzer is run: another program might do anything with its argument.
  std::string strings = string_sections(binary);
  if (strings.find("LLVMFuzzerTestOneInput") == std::string::npos || strings.find("CONNFUZZ_IDENTIFY") == std::string::npos)
    throw UsageError("'" + binary + "' is not a connfuzz fuzzer (it has no LLVMFuzzerTestOneInput built with connfuzz's harness)");
}

FuzzerIdentity identify_fuzzer(const std::string& binary) {
  check_fuzzer_file(binary);
  std::istringstream lines(answer_of(binary));
  for (std::string line; std::getline(lines, line);)
    if (auto id = fuzz::parse_identity_line(line)) return {id->first, id->second, fuzz::identity_targets(line)};
  throw UsageError("'" + binary + "' is not a connfuzz fuzzer (asked with CONNFUZZ_IDENTIFY=1, it did not say '" +
                   std::string(fuzz::kIdentityWord) + " FAMILY FORMAT' within " +
                   std::to_string(static_cast<int>(kAnswerSeconds)) + " s)");
}

}  // namespace connfuzz::tools
