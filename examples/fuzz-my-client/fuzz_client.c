/* The fuzzer of client_dial: connfuzz calls it with malformed addresses while the
 * calls it makes (socket, fcntl, connect, ...) fail as their documentation allows,
 * and holds what it returns to connect()'s contract: a connected descriptor the
 * caller owns, or -1 with errno, within timeout_ms. */
#include <connfuzz/connfuzz.h>

#include "client.h"

CONNFUZZ_DIAL(client_dial)
