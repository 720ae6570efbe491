/* Dials that break the contract of CONNFUZZ_DIAL, one per build (BREACH names it): each
 * must be named by the breach, not crash the harness. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>

#include <connfuzz/connfuzz.h>

int breach_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms) {
  (void)sa, (void)len, (void)timeout_ms;
#if BREACH == 1 /* a descriptor that is no socket */
  return open("/dev/null", O_RDONLY | O_CLOEXEC);
#elif BREACH == 2 /* -1 with errno 0 */
  errno = 0;
  return -1;
#elif BREACH == 3 /* exit() instead of a result */
  exit(3);
#else /* a descriptor that is not open */
  return 1000;
#endif
}

CONNFUZZ_DIAL(breach_dial)
