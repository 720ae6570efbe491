/* connfuzz's public C API: fuzz your own connect code.
 *
 * A fuzz target is a function that connects the way your code does; connfuzz calls
 * it with malformed addresses and injected syscall failures, and holds what it
 * returns to the contract of connect() (docs/connect-contract.md). One macro defines
 * LLVMFuzzerInitialize and LLVMFuzzerTestOneInput, so the same source builds for
 * libFuzzer (-fsanitize=fuzzer), AFL++ (afl-clang-fast and its driver), OSS-Fuzz's
 * $LIB_FUZZING_ENGINE and connfuzz's replay driver:
 *
 *     #include <connfuzz/connfuzz.h>
 *     int dial(const struct sockaddr *sa, socklen_t len, int timeout_ms);
 *     CONNFUZZ_DIAL(dial)
 *
 * Every name here starts with connfuzz_ or CONNFUZZ_. C99 and C++. */
#ifndef CONNFUZZ_CONNFUZZ_H
#define CONNFUZZ_CONNFUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The version of this API; connfuzz_initialize refuses a target built for another. */
#define CONNFUZZ_API_VERSION 1

/* What a target promises: bits of connfuzz_target.traits. The verdicts hold it to them. */
#define CONNFUZZ_DEADLINE 0x01u        /* gives up within request->timeout_ms */
#define CONNFUZZ_EVERY_ADDRESS 0x02u   /* tries each address in turn; fails only when all did */
#define CONNFUZZ_THREADS 0x04u         /* connects on threads of its own (a CANCEL can reach them) */
#define CONNFUZZ_NO_SIGNAL_HANDLERS 0x08u /* the program around it catches no signal, so realistic
                                            mode injects no EINTR (the fuzz engine's own handlers do
                                            not count) */

/* One address as the target is given it: the length may lie about the structure. */
struct connfuzz_address {
  const struct sockaddr *addr;
  socklen_t len;
};

struct connfuzz_request {
  int domain, type, protocol; /* the socket the scenario asks for */
  const struct connfuzz_address *addresses;
  size_t address_count;       /* at least 1 */
  int timeout_ms;             /* the deadline, for a target with CONNFUZZ_DEADLINE */
  void *context;              /* connfuzz_target.context */
};

/* What the target fills in. connfuzz sets fd = -1 and everything else to zero first. */
struct connfuzz_result {
  int fd;              /* >= 0: a connected socket; connfuzz checks it, then closes it
                          (or calls release when owner is set) */
  int error;           /* fd < 0: the error, as the target reports it (see translations) */
  char message[160];   /* the error as the target words it, for the report */
  int rejected_input;  /* nonzero: it refused the input before any connect (a path too long) */
  void *owner;         /* nonzero: the socket stays the target's; release(owner) ends it */
};

/* One row of a target's error convention: the errno that the target reports as `reported`
 * (Asio's EAGAIN is ENOBUFS; a library's own codes). An errno without a row is reported as
 * itself. */
struct connfuzz_translation {
  int from_errno;
  int reported;
};

typedef void (*connfuzz_connect_fn)(const struct connfuzz_request *request, struct connfuzz_result *result);

struct connfuzz_target {
  const char *name;              /* [A-Za-z0-9_]; the name in reports and scenario text */
  connfuzz_connect_fn connect;
  unsigned traits;               /* CONNFUZZ_DEADLINE | ... */
  const struct connfuzz_translation *translations;
  size_t translation_count;
  void (*release)(void *owner);  /* ends what result->owner holds (the socket among it) */
  void *context;                 /* handed to connect in request->context */
};

/* What the macros below call: a fuzzer's targets (their order is their mode in inputs:
 * append new ones), then one input at a time. connfuzz_initialize prints a message and
 * exits with status 2 on a malformed target table. */
int connfuzz_initialize(const char *fuzzer, const struct connfuzz_target *targets, size_t count, int api_version);
int connfuzz_test_one_input(const uint8_t *data, size_t size);

/* The adapters of the two common shapes (their contract: README, "fuzz your own connect
 * code"): dial returns a connected descriptor, or -1 with errno set. */
typedef int (*connfuzz_dial_fn)(const struct sockaddr *sa, socklen_t len, int timeout_ms);
typedef int (*connfuzz_dial_list_fn)(const struct sockaddr *const *sas, const socklen_t *lens, size_t n,
                                     int timeout_ms);
void connfuzz_call_dial(connfuzz_dial_fn dial, const struct connfuzz_request *request, struct connfuzz_result *result);
void connfuzz_call_dial_list(connfuzz_dial_list_fn dial, const struct connfuzz_request *request,
                             struct connfuzz_result *result);

#ifdef __cplusplus
}
#define CONNFUZZ_EXTERN_C_ extern "C"
#else
#define CONNFUZZ_EXTERN_C_
#endif

/* The fuzzer: `targets` is an array of struct connfuzz_target, `name` names the fuzzer. */
#define CONNFUZZ_TARGETS(name, targets)                                                              \
  CONNFUZZ_EXTERN_C_ int LLVMFuzzerInitialize(int *argc, char ***argv) {                             \
    (void)argc;                                                                                      \
    (void)argv;                                                                                      \
    return connfuzz_initialize(name, targets, sizeof(targets) / sizeof((targets)[0]), CONNFUZZ_API_VERSION); \
  }                                                                                                  \
  CONNFUZZ_EXTERN_C_ int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {                 \
    return connfuzz_test_one_input(data, size);                                                      \
  }

/* int fn(const struct sockaddr *sa, socklen_t len, int timeout_ms): one address, a deadline. */
#define CONNFUZZ_DIAL(fn)                                                                           \
  static void connfuzz_dial_target_(const struct connfuzz_request *rq, struct connfuzz_result *rs) { \
    connfuzz_call_dial(fn, rq, rs);                                                                 \
  }                                                                                                 \
  static const struct connfuzz_target connfuzz_dial_targets_[] = {                                  \
      {#fn, connfuzz_dial_target_, CONNFUZZ_DEADLINE, NULL, 0, NULL, NULL}};                        \
  CONNFUZZ_TARGETS(#fn, connfuzz_dial_targets_)

/* int fn(const struct sockaddr *const *sas, const socklen_t *lens, size_t n, int timeout_ms):
 * an address list as getaddrinfo gives it, each tried in turn, within the deadline. */
#define CONNFUZZ_DIAL_LIST(fn)                                                                      \
  static void connfuzz_dial_target_(const struct connfuzz_request *rq, struct connfuzz_result *rs) { \
    connfuzz_call_dial_list(fn, rq, rs);                                                            \
  }                                                                                                 \
  static const struct connfuzz_target connfuzz_dial_targets_[] = {                                  \
      {#fn, connfuzz_dial_target_, CONNFUZZ_DEADLINE | CONNFUZZ_EVERY_ADDRESS, NULL, 0, NULL, NULL}}; \
  CONNFUZZ_TARGETS(#fn, connfuzz_dial_targets_)

#endif /* CONNFUZZ_CONNFUZZ_H */
