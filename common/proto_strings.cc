#include "common/proto_strings.h"

#include <google/protobuf/descriptor.h>

#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

namespace gongkai::common {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using Visit = std::function<void(const std::string& path, std::string_view value)>;

bool IsString(const FieldDescriptor* field) { return field->type() == FieldDescriptor::TYPE_STRING; }

bool IsMessage(const FieldDescriptor* field) { return field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE; }

std::string Join(const std::string& path, const std::string& name) { return path.empty() ? name : path + "." + name; }

// A map key as a path writes it: a string as JSON (quoted, control
// characters escaped), a number or bool as itself.
std::string KeyText(const Message& entry, const FieldDescriptor* key) {
  const Reflection* r = entry.GetReflection();
  switch (key->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      return nlohmann::json(r->GetStringReference(entry, key, &scratch))
          .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    }
    case FieldDescriptor::CPPTYPE_INT32: return std::to_string(r->GetInt32(entry, key));
    case FieldDescriptor::CPPTYPE_INT64: return std::to_string(r->GetInt64(entry, key));
    case FieldDescriptor::CPPTYPE_UINT32: return std::to_string(r->GetUInt32(entry, key));
    case FieldDescriptor::CPPTYPE_UINT64: return std::to_string(r->GetUInt64(entry, key));
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(entry, key) ? "true" : "false";
    default: return "?";
  }
}

void Walk(const Message& message, const std::string& path, const Visit& visit);

// One map field: each entry's key at the map's path, its value at
// `name[key]`.
void WalkMap(const Message& message, const FieldDescriptor* field, const std::string& name, const Visit& visit) {
  const Reflection* r = message.GetReflection();
  const FieldDescriptor* key = field->message_type()->map_key();
  const FieldDescriptor* value = field->message_type()->map_value();
  for (int i = 0; i < r->FieldSize(message, field); ++i) {
    const Message& entry = r->GetRepeatedMessage(message, field, i);
    const Reflection* er = entry.GetReflection();
    std::string scratch;
    if (IsString(key)) visit(name, er->GetStringReference(entry, key, &scratch));
    const std::string at = name + "[" + KeyText(entry, key) + "]";
    if (IsString(value)) {
      visit(at, er->GetStringReference(entry, value, &scratch));
    } else if (IsMessage(value)) {
      Walk(er->GetMessage(entry, value), at, visit);
    }
  }
}

// The fields of `message` that are set, in field number order.
std::vector<const FieldDescriptor*> SetFields(const Message& message) {
  std::vector<const FieldDescriptor*> out;
  message.GetReflection()->ListFields(message, &out);
  return out;
}

void Walk(const Message& message, const std::string& path, const Visit& visit) {
  const Reflection* r = message.GetReflection();
  for (const FieldDescriptor* field : SetFields(message)) {
    if (field->is_extension()) continue;
    const std::string name = Join(path, field->name());
    if (field->is_map()) {
      WalkMap(message, field, name, visit);
    } else if (field->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        if (IsString(field)) {
          std::string scratch;
          visit(At(name, i), r->GetRepeatedStringReference(message, field, i, &scratch));
        } else if (IsMessage(field)) {
          Walk(r->GetRepeatedMessage(message, field, i), At(name, i), visit);
        }
      }
    } else if (IsString(field)) {
      std::string scratch;
      visit(name, r->GetStringReference(message, field, &scratch));
    } else if (IsMessage(field)) {
      Walk(r->GetMessage(message, field), name, visit);
    }
  }
}

// Whether any string of `message`, at any depth, holds NUL: Walk's walk
// without paths, over the descriptor's fields rather than a list of the set
// ones, so that a clean record (nearly every one) costs no allocation.
bool HoldsNul(const Message& message) {
  const google::protobuf::Descriptor* descriptor = message.GetDescriptor();
  const Reflection* r = message.GetReflection();
  std::string scratch;
  for (int f = 0; f < descriptor->field_count(); ++f) {
    const FieldDescriptor* field = descriptor->field(f);
    if (field->is_repeated()) {
      for (int i = 0; i < r->FieldSize(message, field); ++i) {
        if (IsString(field)) {
          if (r->GetRepeatedStringReference(message, field, i, &scratch).find('\0') != std::string::npos) return true;
        } else if (IsMessage(field) && HoldsNul(r->GetRepeatedMessage(message, field, i))) {
          return true;  // map entries too: their key and value are fields
        }
      }
    } else if (IsString(field)) {
      if (r->GetStringReference(message, field, &scratch).find('\0') != std::string::npos) return true;
    } else if (IsMessage(field) && r->HasField(message, field) && HoldsNul(r->GetMessage(message, field))) {
      return true;
    }
  }
  return false;
}

}  // namespace

void ForEachString(const Message& message, const std::string& path, const Visit& visit) { Walk(message, path, visit); }

Violations NulCharacterViolations(const Message& message, const std::string& path) {
  Violations out;
  if (!HoldsNul(message)) return out;
  ForEachString(message, path, [&](const std::string& at, std::string_view value) {
    if (value.find('\0') != std::string_view::npos) out.push_back({at, kNoNulRule});
  });
  return out;
}

void ParseStored(const std::string& bytes, google::protobuf::Message* out) {
  if (bytes.empty()) return;
  if (!out->ParseFromString(bytes)) throw std::runtime_error("stored record does not parse as " + out->GetTypeName());
}

}  // namespace gongkai::common
