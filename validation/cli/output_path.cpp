// Checks that output paths can be written, by writing: permissions alone say nothing to root.
#include "validation/cli/output_path.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "models/common/error.h"

namespace fs = std::filesystem;

namespace acv {

namespace {

// True when a file can be created (and is then removed) or opened for appending at `file`.
bool can_write_file(const fs::path& file) {
  std::error_code ec;
  const bool existed = fs::exists(file, ec);
  {
    std::ofstream probe(file, std::ios::app);
    if (!probe) return false;
  }
  if (!existed) fs::remove(file, ec);
  return true;
}

}  // namespace

void check_writable_output(const std::string& path, const std::string& option, OutputKind kind) {
  const SourceLoc where{path, 0, option};
  if (path.empty()) throw InputError(option + ": empty path");
  std::error_code ec;
  const fs::path p(path);
  const fs::file_status st = fs::status(p, ec);
  if (kind == OutputKind::File) {
    if (fs::is_directory(st)) throw InputError(where, "is a folder, expected a file name");
    const fs::path parent = p.has_parent_path() ? p.parent_path() : fs::path(".");
    if (!fs::is_directory(parent, ec))
      throw InputError(where, "cannot write: folder '" + parent.string() + "' does not exist");
    if (!can_write_file(p)) throw InputError(where, "cannot write file (permission denied?)");
    return;
  }
  if (fs::exists(st) && !fs::is_directory(st)) throw InputError(where, "is a file, expected a folder");
  fs::create_directories(p, ec);
  if (ec) throw InputError(where, "cannot create folder: " + ec.message());
  if (!can_write_file(p / (".acv-write-check-" + std::to_string(::getpid()))))
    throw InputError(where, "cannot write into folder (permission denied?)");
}

}  // namespace acv
