// The seccomp backend (`--backend seccomp`) as a user runs it: the same plans, log and
// verdicts as the preload backend, and it reaches what the preload cannot (a static
// binary, a direct syscall()), with the guard in front of every connect.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <string>

#include "connfuzz_command.h"

namespace {

using connfuzz::testing::connfuzz;
using connfuzz::testing::connfuzz_stdout;
using connfuzz::testing::quote;
using connfuzz::testing::run_shell;

const std::string kClient = quote(EXAMPLE_CLIENT);

TEST(SeccompRun, InjectsThePlannedFaultAndLogsItAsThePreloadDoes) {
  for (const char* backend : {"preload", "seccomp"}) {
    auto result = connfuzz(std::string("run --backend ") + backend + " --plan connect@1=ECONNREFUSED -- " + kClient +
                           " blocking");
    EXPECT_EQ(result.status, 1) << backend << ": " << result.output;
    EXPECT_TRUE(result.says("= -1 ECONNREFUSED (INJECTED connect@1=ECONNREFUSED)")) << backend << ": " << result.output;
  }
}

TEST(SeccompRun, AnInjectedEintrStartsTheRealAttemptSoTheWaitSucceeds) {
  auto result = connfuzz("run --backend seccomp --plan connect@1=EINTR -- " + kClient + " blocking");
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(result.says("= -1 EINTR (INJECTED connect@1=EINTR)")) << result.output;
  EXPECT_TRUE(result.says("connected and sent a message")) << result.output;
}

// The supervisor reads which signals the program catches (/proc/PID/status SigCgt):
// in a program that catches none, a blocking connect without SO_SNDTIMEO gets no EINTR.
TEST(SeccompRun, InjectsNoEintrIntoAProgramThatCatchesNoSignal) {
  for (const char* backend : {"preload", "seccomp"}) {
    auto result = connfuzz(std::string("run --backend ") + backend + " --plan connect@1=EINTR -- " +
                           quote(NO_HANDLER_CLIENT) + " blocking");
    EXPECT_EQ(result.status, 0) << backend << ": " << result.output;
    EXPECT_TRUE(result.says("= 0 (NOT INJECTED connect@1=EINTR: no signal handler is installed: Linux cannot return EINTR here)"))
        << backend << ": " << result.output;
  }
}

// A connect made with syscall(), past the C library: the preload never sees it, the
// filter does, and the guard answers it before it reaches the kernel.
TEST(SeccompRun, GuardsADirectSyscallThePreloadCannotSee) {
  std::string script =
      "import ctypes, socket, struct\n"
      "libc = ctypes.CDLL(None, use_errno=True)\n"
      "s = socket.socket()\n"
      "addr = struct.pack('!HH4s8x', socket.AF_INET, 80, socket.inet_aton('192.0.2.1'))\n"
      "addr = struct.pack('=H', socket.AF_INET) + addr[2:]\n"
      "r = libc.syscall(42, s.fileno(), addr, len(addr))\n"
      "print('raw connect', r, ctypes.get_errno())\n";
  auto guarded = connfuzz("run --backend seccomp -- /usr/bin/python3 -c " + quote(script));
  EXPECT_TRUE(guarded.says("(GUARD IPv4 destination outside 127.0.0.0/8)")) << guarded.output;
  EXPECT_TRUE(guarded.says("raw connect -1 101")) << guarded.output;  // ENETUNREACH from the guard
  auto unseen = connfuzz("run -- /usr/bin/python3 -c " + quote(script));
  EXPECT_FALSE(unseen.says("192.0.2.1")) << "the preload saw a direct syscall: " << unseen.output;
}

// connfuzz makes the socket and installs it in the program (SECCOMP_IOCTL_NOTIF_ADDFD);
// a program with no descriptor left under its RLIMIT_NOFILE cannot take it, and its
// socket() must fail with EMFILE, as the kernel's would, not wait for ever.
TEST(SeccompRun, ASocketTheProgramHasNoRoomForFailsWithEmfileInsteadOfHanging) {
  std::string script =
      "import os, resource, socket\n"
      "resource.setrlimit(resource.RLIMIT_NOFILE, (32, 32))\n"
      "for _ in range(64):\n"
      "    try: os.open('/dev/null', os.O_RDONLY)\n"
      "    except OSError: break\n"
      "try:\n"
      "    socket.socket()\n"
      "    print('socket made')\n"
      "except OSError as e:\n"
      "    print('socket failed', e.errno)\n";
  auto result = connfuzz("run --backend seccomp --timeout 5 -- /usr/bin/python3 -c " + quote(script));
  EXPECT_NE(result.status, 124) << "the program's socket() was never answered\n" << result.output;
  EXPECT_TRUE(result.says("socket failed 24")) << result.output;  // EMFILE
  EXPECT_TRUE(result.says("= -1 EMFILE (connfuzz's socket could not be installed in the program")) << result.output;
}

// The program's address length is anything it likes; connfuzz reads at most its own
// buffer, and a length past sockaddr_un is the kernel's EINVAL (connfuzz used to make
// a relative path absolute with a fresh, valid length, and connect).
TEST(SeccompRun, AnAddressLengthPastItsBufferIsTheKernelsEinval) {
  std::string pattern = (std::filesystem::temp_directory_path() / "connfuzz-seccomp-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  std::string script =
      "import ctypes, os, socket, struct\n"
      "libc = ctypes.CDLL(None, use_errno=True)\n"
      "os.chdir(" + quote(pattern) + ")\n"
      "server = socket.socket(socket.AF_UNIX)\n"
      "server.bind('sock')\n"
      "server.listen(8)\n"
      "for length, fill in ((7, b'\\0'), (120, b'\\0'), (200, b'\\0'), (200, b'x'), (4096, b'x')):\n"
      "    s = socket.socket(socket.AF_UNIX)\n"
      "    body = b'sock' + fill * 4100 if fill == b'\\0' else fill * 4100\n"
      "    addr = ctypes.create_string_buffer(struct.pack('=H', socket.AF_UNIX) + body[:4094], 4096)\n"
      "    r = libc.syscall(42, s.fileno(), addr, length)\n"
      "    print('length', length, fill, r, ctypes.get_errno() if r else 0)\n"
      "    s.close()\n";
  auto result = connfuzz("run --backend seccomp --timeout 10 -- /usr/bin/python3 -c " + quote(script));
  std::filesystem::remove_all(pattern);
  EXPECT_EQ(result.status, 0) << result.output;
  EXPECT_TRUE(result.says("length 7 b'\\x00' 0 0")) << "a relative path no longer reaches its socket\n" << result.output;
  for (const char* line : {"length 120 b'\\x00' -1 22", "length 200 b'\\x00' -1 22", "length 200 b'x' -1 22",
                           "length 4096 b'x' -1 22"})
    EXPECT_TRUE(result.says(line)) << line << "\n" << result.output;
}

TEST(SeccompRun, RefusesAPlanForACallItDoesNotIntercept) {
  auto result = connfuzz("run --backend seccomp --plan 'connect@1=EINTR; poll@1=EINTR' -- " + kClient + " blocking");
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_TRUE(result.says("intercepts socket, connect and close only; the rule 'poll@1=EINTR' needs the preload"))
      << result.output;
}

TEST(SeccompRun, RefusesToRunWithoutThePrivateNetwork) {
  auto result = connfuzz("run --backend seccomp --no-netns -- " + kClient + " blocking");
  EXPECT_EQ(result.status, 2);
  EXPECT_TRUE(result.says("--backend seccomp needs the private network namespace")) << result.output;
}

#ifdef EXAMPLE_CLIENT_STATIC
const std::string kStatic = quote(EXAMPLE_CLIENT_STATIC);

TEST(SeccompMatrix, FindsTheBugOfAStaticBinaryThePreloadCannotReach) {
  auto preload = connfuzz("matrix -- " + kStatic + " leak_on_refused");
  EXPECT_EQ(preload.status, 2);
  EXPECT_TRUE(preload.says("statically linked")) << preload.output;

  auto seccomp = connfuzz_stdout("matrix --backend seccomp -- " + kStatic + " leak_on_refused");
  EXPECT_EQ(seccomp.status, 1) << seccomp.output;
  EXPECT_TRUE(seccomp.says("socket-leak (")) << seccomp.output;
  // The descriptor's number depends on what the test runner left open; the rest does not.
  // The client tries again on a new socket, which connects: it goes on holding the leaked one.
  auto cell = seccomp.output.find("  connect@1=ECONNREFUSED  exit 0: fd ");
  ASSERT_NE(cell, std::string::npos) << seccomp.output;
  std::string line = seccomp.output.substr(cell, seccomp.output.find('\n', cell) - cell);
  EXPECT_NE(line.find("(socket#2): connect#1 failed with ECONNREFUSED and it was never closed, while the program went on"),
            std::string::npos)
      << line;
  for (const char* other : {"crash (", "hang (", "spin (", "false-success (", "still-connecting-failure (", "misuse ("})
    EXPECT_FALSE(seccomp.says(other)) << seccomp.output;
}

TEST(SeccompMatrix, AStaticCorrectClientGetsNoFinding) {
  for (const char* style : {"blocking", "nonblocking", "backoff"}) {
    auto result = connfuzz_stdout(std::string("matrix --backend seccomp -- ") + kStatic + " " + style);
    EXPECT_EQ(result.status, 0) << style << ": " << result.output;
    EXPECT_TRUE(result.says("every cell ok")) << style << ": " << result.output;
  }
}
#endif

}  // namespace
