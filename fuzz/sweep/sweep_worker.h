// A fuzzer binary as `connfuzz sweep`'s in-process worker, and its answer to "which
// fuzzer are you". The fuzzer's own initialize_fuzzer asks first thing.
#pragma once

namespace connfuzz::fuzz {

// With CONNFUZZ_IDENTIFY set: prints "connfuzz-fuzzer <family> scenario" and exits 0.
// With CONNFUZZ_SWEEP set: runs every cell it reads (sweep_protocol.h), each through the
// harness and the one verdict engine, writes each one's outcome, and exits 0 when the
// cells end. Otherwise returns at once and the fuzzer goes on as a fuzzer.
void serve_sweep_if_asked(const char* family);

}  // namespace connfuzz::fuzz
