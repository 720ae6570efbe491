/* A target table with two targets of one name: the fuzzer must refuse to start, naming it. */
#include <connfuzz/connfuzz.h>

static void nothing(const struct connfuzz_request *request, struct connfuzz_result *result) {
  (void)request;
  result->error = 22;
}

static const struct connfuzz_target kTargets[] = {
    {"twin", nothing, 0, NULL, 0, NULL, NULL},
    {"twin", nothing, 0, NULL, 0, NULL, NULL},
};

CONNFUZZ_TARGETS("bad_table", kTargets)
