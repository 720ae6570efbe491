// The datagram fuzzer: datagram connect, re-connect and AF_UNSPEC dissolve.
#include "fuzzer_entry.h"

CONNFUZZ_FUZZER("datagram")
