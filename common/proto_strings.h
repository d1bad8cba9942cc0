#pragma once

#include <google/protobuf/message.h>

#include <functional>
#include <string>
#include <string_view>

#include "common/violations.h"

namespace gongkai::common {

// Calls visit(path, value) for every string a message carries, at any depth:
// singular and repeated string fields, the strings of nested messages and of
// repeated messages, map keys and map values. Paths continue `path` as
// google.rpc.BadRequest field paths do: a field is "<path>.name" ("name" when
// `path` is empty), an element "name[i]", a map value "name[\"key\"]" (the
// key written as a JSON string, so a path never holds a control character)
// and a map key the map's own path; e.g. "decisions[1].legal_basis[2].law".
// Only fields that are set are visited; bytes fields are not strings, and
// extensions are not the platform's (its protos declare none): both are
// skipped.
void ForEachString(const google::protobuf::Message& message, const std::string& path,
                   const std::function<void(const std::string& path, std::string_view value)>& visit);

// The rule a string holding U+0000 breaks.
inline constexpr char kNoNulRule[] = "must not contain the NUL character (U+0000)";

// One violation (kNoNulRule) for each string of `message`, at any depth,
// holding the NUL character, at its path under `path`. PostgreSQL text
// cannot hold NUL, and since a parsed proto3 string is UTF-8, NUL is the only
// character a string can carry that text cannot: a record that passes has
// no string PostgreSQL refuses.
Violations NulCharacterViolations(const google::protobuf::Message& message, const std::string& path);

// Reads a stored serialised message into `out` ("" leaves it empty); a
// stored row that does not parse throws std::runtime_error (an internal
// error: the store holds only what a service serialised).
void ParseStored(const std::string& bytes, google::protobuf::Message* out);

}  // namespace gongkai::common
