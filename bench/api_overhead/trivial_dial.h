#pragma once
#include <sys/socket.h>
int trivial_dial(const struct sockaddr *sa, socklen_t len, int timeout_ms);
