/* The dial under connfuzz's macro: every input through the harness and its verdicts. */
#include <connfuzz/connfuzz.h>

#include "trivial_dial.h"

CONNFUZZ_DIAL(trivial_dial)
