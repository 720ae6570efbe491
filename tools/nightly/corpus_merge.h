// Adding inputs to a corpus directory without ever losing one: each new input is
// written to a temporary file in the directory and renamed into place, existing files
// are never touched, and an input whose content the corpus already has is skipped. A
// run killed at any point leaves every old input and every input added so far whole.
#pragma once

#include <string>

namespace connfuzz::tools {

// Every regular file of `from` whose content `corpus` lacks, added under its own name
// (a name already taken gets a suffix). A killed earlier merge's temporary file is
// removed first. Returns how many were added.
int add_new_inputs(const std::string& corpus, const std::string& from);

}  // namespace connfuzz::tools
