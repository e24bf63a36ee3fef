// Output paths of the command line (--json, --trace, --out, --cache) checked before a run starts,
// so a typo in a path fails in a second, not after an hour of simulation.
#pragma once

#include <string>

namespace acv {

enum class OutputKind { File, Folder };

// Contract: throws InputError("PATH: --option: cannot write ...") unless `path` can be written as
// a file (its folder exists; it is not a folder; it is writable) or as a folder (created if missing,
// writable). A file that did not exist is not left behind; a folder that did not exist is.
void check_writable_output(const std::string& path, const std::string& option,
                           OutputKind kind = OutputKind::File);

}  // namespace acv
