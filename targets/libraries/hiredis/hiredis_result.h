// hiredis 0.14.1's error convention, as a connfuzz Result and a Translation table.
#pragma once

#include <string>
#include <vector>

#include <connfuzz/connfuzz.hpp>

struct redisContext;

namespace connfuzz::hiredis {

// hiredis's own codes (redisContext::err other than REDIS_ERR_IO) are reported negated,
// so that REDIS_ERR_OTHER (2) is never read as ENOENT.
int own_code(int redis_err);

// The TCP connects' convention (redisConnectWithTimeout, redisConnectNonBlock): what
// hiredis reports for the errnos it does not hand on as REDIS_ERR_IO + errno.
const std::vector<connfuzz::Translation>& tcp_convention();

// redisContext::err as a Result. REDIS_ERR_IO's cause is the global errno (hiredis's
// README, "Errors"), so the caller passes errno as it was when hiredis returned.
connfuzz::Result failure_of(int redis_err, const char* errstr, int errno_on_return, const char* call);

}  // namespace connfuzz::hiredis
