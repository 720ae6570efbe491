#define _GNU_SOURCE  /* accept4 */
/* The same dial in a bare libFuzzer loop: a loopback listener of its own, each input one
 * connect, the socket closed and the connection accepted and closed, as the harness's
 * listener drains it. No connfuzz. */
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "trivial_dial.h"

static int listener = -1;
static struct sockaddr_in where;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  where.sin_family = AF_INET;
  where.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(where);
  if (listener < 0 || bind(listener, (struct sockaddr *)&where, len) != 0 || listen(listener, 128) != 0 ||
      getsockname(listener, (struct sockaddr *)&where, &len) != 0)
    abort();
  return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  (void)data, (void)size;
  int fd = trivial_dial((const struct sockaddr *)&where, sizeof(where), 2000);
  if (fd >= 0) close(fd);
  for (int peer; (peer = accept4(listener, NULL, NULL, SOCK_CLOEXEC)) >= 0;) close(peer);
  return 0;
}
