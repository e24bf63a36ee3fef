#include "error.h"

namespace acv {

std::string format_location(const SourceLoc& where) {
  std::string s = where.file.empty() ? "<input>" : where.file;
  if (where.line > 0) s += ":" + std::to_string(where.line);
  if (!where.field.empty()) s += ": " + where.field;
  return s;
}

InputError::InputError(const SourceLoc& where, const std::string& reason)
    : std::runtime_error(format_location(where) + ": " + reason) {}

MappingError::MappingError(const SourceLoc& where, const std::string& reason)
    : std::runtime_error(where.file.empty() ? reason : format_location(where) + ": " + reason) {}

}  // namespace acv
