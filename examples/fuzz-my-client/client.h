/* A small client library: what the example fuzzes (see README.md beside it). */
#ifndef CLIENT_H
#define CLIENT_H

#include <sys/socket.h>

/* Connects a stream socket to `sa` within `timeout_ms`: returns the connected
 * descriptor, which the caller owns, or -1 with errno set. */
int client_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms);

#endif
