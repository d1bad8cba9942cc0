// Random and mutated request bytes to every method the gateway routes, as
// every principal, for a bounded time, over the real platform: no answer is
// INTERNAL or UNKNOWN (nor DATA_LOSS), no process of the platform ends, a
// batch write answered OK tells what became of every record it carried
// (ACCEPTED, UNCHANGED, or REJECTED naming each field at fault), and the
// valid records sent before, during and after it are all stored.
//
// The inputs come from one seed, so a failure reproduces: the same seed sends
// the same calls in the same order (only how many fit in the time varies).
// Settings, from the environment of the test:
//   GONGKAI_FUZZ_SECONDS  how long to send (default 20);
//   GONGKAI_FUZZ_SEED     the seed (default 20261201), printed with the results.
// A failing call is printed with its number, method, principal and bytes (hex).
// It loads the machine for its whole time: ctest runs it alone (RUN_SERIAL).
#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/message_differencer.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <functional>
#include <iostream>
#include <iterator>
#include <limits>
#include <map>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "common/identifiers.h"
#include "common/paging.h"
#include "common/service_table.h"
#include "common/testing/utf8.h"
#include "gateway/routes.h"
#include "gongkai/inspections/v1/inspections.grpc.pb.h"
#include "gongkai/penalties/v1/penalties.grpc.pb.h"
#include "gongkai/registry/v1/registry.grpc.pb.h"
#include "gongkai/requests/v1/requests.grpc.pb.h"
#include "gongkai/supervision/v1/supervision.grpc.pb.h"
#include "tests/e2e/platform.h"
#include "tests/e2e/records.h"

namespace gongkai {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using inspections::v1::InspectionsService;
using penalties::v1::PenaltiesService;
using registry::v1::RegistryService;
using requests::v1::RequestsService;
using supervision::v1::SupervisionService;
using RecordResult = common::v1::RecordResult;
using Rng = std::mt19937_64;

constexpr int kMaxDepth = 4;             // nesting of the messages built
constexpr int kKnownEvery = 150;         // fuzz calls between two rounds of valid records
constexpr int kReportedFailures = 10;    // failing calls printed in full
constexpr std::size_t kHexShown = 1024;  // bytes of a message printed

// A setting of the test from its environment, or `fallback`.
uint64_t Setting(const char* name, uint64_t fallback) {
  const char* value = std::getenv(name);
  return value == nullptr || *value == '\0' ? fallback : std::stoull(value);
}

std::string CodeName(grpc::StatusCode code) {
  static constexpr const char* kNames[] = {
      "OK",        "CANCELLED",      "UNKNOWN",           "INVALID_ARGUMENT",   "DEADLINE_EXCEEDED",
      "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
      "ABORTED",   "OUT_OF_RANGE",   "UNIMPLEMENTED",     "INTERNAL",           "UNAVAILABLE",
      "DATA_LOSS", "UNAUTHENTICATED"};
  const auto index = static_cast<std::size_t>(code);
  return index < std::size(kNames) ? kNames[index] : "code " + std::to_string(index);
}

std::string Hex(const std::string& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < bytes.size() && i < kHexShown; ++i) {
    out += kDigits[static_cast<unsigned char>(bytes[i]) >> 4];
    out += kDigits[static_cast<unsigned char>(bytes[i]) & 0xf];
  }
  if (bytes.size() > kHexShown) out += "... (" + std::to_string(bytes.size()) + " bytes in all)";
  return out;
}

void PutVarint(std::string& out, uint64_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

// The wire type a field is encoded with (packed for a packable repeated one
// when `packed`).
int WireTypeOf(const FieldDescriptor& f, bool packed) {
  if (f.is_repeated() && f.is_packable() && packed) return 2;
  switch (f.type()) {
    case FieldDescriptor::TYPE_DOUBLE:
    case FieldDescriptor::TYPE_FIXED64:
    case FieldDescriptor::TYPE_SFIXED64: return 1;
    case FieldDescriptor::TYPE_FLOAT:
    case FieldDescriptor::TYPE_FIXED32:
    case FieldDescriptor::TYPE_SFIXED32: return 5;
    case FieldDescriptor::TYPE_STRING:
    case FieldDescriptor::TYPE_BYTES:
    case FieldDescriptor::TYPE_MESSAGE: return 2;
    case FieldDescriptor::TYPE_GROUP: return 3;
    default: return 0;
  }
}

// Strings hostile to what lies behind the platform's fields (SQL, JSON,
// format strings, paths) or to its masking of personal data (look-alike
// digits, ideographic spaces, phone and address forms, a byte-order mark).
std::vector<std::string> HostileStrings() {
  return {"'; DROP TABLE penalties.records; --",
          "'; DELETE FROM inspections.records; --",
          "' OR '1'='1",
          "%' OR 1=1 --",
          "%s%s%s%n",
          "%",
          "_",
          "%%",
          "_%",
          "\\%",
          "\\",
          "\\u0000",
          "\"}]}",
          "{\"a\":[1,2,{\"b\":null}]}",
          "$1",
          "${jndi:ldap://x/y}",
          "../../../../etc/passwd",
          "<script>alert(1)</script>",
          "\u202e1234",
          "１３９１２３４５６７８",
          "\u3000张三丰\u3000",
          "(0351)1234567",
          "138-1234-5678",
          "太原市小店区平阳路100号3单元502室",
          "140105198001011234",
          "6222021234567890123",
          "\xef\xbb\xbf",
          "NaN",
          "-0",
          "1e999",
          "0x7fffffff"};
}

// The generator of requests: everything it makes comes from its seed.
class Inputs {
 public:
  Inputs(uint64_t seed, std::vector<std::string> plausible, std::map<std::string, std::vector<std::string>> seeds)
      : rng_(seed), plausible_(std::move(plausible)), hostile_(HostileStrings()), seeds_(std::move(seeds)) {}

  bool Chance(int percent) { return Int(0, 99) < percent; }
  int Int(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::size_t Index(std::size_t size) { return std::uniform_int_distribution<std::size_t>(0, size - 1)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& items) {
    return items[Index(items.size())];
  }

  // One request message of `type`: random bytes, a hand-encoded message
  // that bends the wire format (wrong wire types, huge or over-long varints,
  // lengths that lie, unknown and invalid field numbers, groups, invalid
  // UTF-8), or a message built field by field (from a valid seed when the
  // type has one) with random values, sometimes with invalid UTF-8 spliced
  // into a string, and often mutated as bytes afterwards (bit flips,
  // truncation, inserted, deleted and repeated bytes).
  std::string Request(const Descriptor& type) {
    const int kind = Int(0, 99);
    if (kind < 8) return RandomBytes(Int(0, 600));
    if (kind < 23) return Loose(&type, 0);
    std::unique_ptr<Message> message(google::protobuf::MessageFactory::generated_factory()->GetPrototype(&type)->New());
    const auto seeds = seeds_.find(type.full_name());
    if (seeds != seeds_.end() && Chance(70)) {
      message->ParseFromString(Pick(seeds->second));
    } else {
      Fill(*message, 0);
    }
    for (int tweaks = Int(0, 3); tweaks > 0; --tweaks) Tweak(*message, 0);
    const bool tainted = Chance(15) && PlaceMarker(*message, 0);
    std::string bytes = message->SerializeAsString();
    if (tainted) SpliceInvalidUtf8(bytes);
    if (kind >= 60) Mutate(bytes);
    return bytes;
  }

 private:
  static constexpr char kMarker[] = "\x01~UTF8~~\x01";  // where invalid UTF-8 goes, as many bytes

  std::string RandomBytes(int size) {
    std::string out(static_cast<std::size_t>(size), '\0');
    for (auto& c : out) c = static_cast<char>(Int(0, 255));
    return out;
  }

  int32_t Int32() {
    constexpr int32_t kMax = std::numeric_limits<int32_t>::max();
    constexpr int32_t kMin = std::numeric_limits<int32_t>::min();
    static const std::vector<int32_t> kInteresting = {
        0,  1,  -1,  2,   3,    5,     7,   10,   19,   20,   21,       31,      50,        51,
        60, 99, 100, 101, 1000, 65535, 366, -366, kMax, kMin, kMax - 1, 1 << 30, -(1 << 30)};
    return Chance(70) ? Pick(kInteresting) : static_cast<int32_t>(rng_());
  }

  int64_t Int64() {
    constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    static const std::vector<int64_t> kInteresting = {
        0, 1, -1, 2, 500000, -500000, 1LL << 31, 1LL << 53, 100000000000LL, kMax, kMin, kMax - 1};
    return Chance(70) ? Pick(kInteresting) : static_cast<int64_t>(rng_());
  }

  double Double() {
    using Limits = std::numeric_limits<double>;
    static const std::vector<double> kInteresting = {0.0,
                                                     -0.0,
                                                     1.0,
                                                     -1.0,
                                                     Limits::quiet_NaN(),
                                                     Limits::infinity(),
                                                     -Limits::infinity(),
                                                     Limits::max(),
                                                     Limits::denorm_min(),
                                                     1e-300};
    return Chance(70) ? Pick(kInteresting) : std::uniform_real_distribution<double>(-1e12, 1e12)(rng_);
  }

  char32_t CodePoint() {
    static const std::vector<char32_t> kSpecial = {0x0,    0x3000, 0xFEFF, 0x200B,   0x200D, 0x202E, 0x2028,
                                                   0xFFFD, 0xFFFE, 0xFFFF, 0x10FFFF, 0xA0,   0x85,   0xE000};
    const int kind = Int(0, 99);
    if (kind < 30) return static_cast<char32_t>(Int(0x20, 0x7E));
    if (kind < 40) return Chance(90) ? static_cast<char32_t>(Int(0, 0x1F)) : 0x7F;
    if (kind < 50) return static_cast<char32_t>(Int(0x80, 0x7FF));
    if (kind < 75) return static_cast<char32_t>(Int(0x4E00, 0x9FFF));
    if (kind < 85) return Pick(kSpecial);
    if (kind < 90) return static_cast<char32_t>(Int(0x1F300, 0x1FAFF));
    const auto cp = static_cast<char32_t>(Int(0, 0x10FFFF));
    return cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp;  // surrogates are not characters
  }

  // A position in `s` that does not split a UTF-8 sequence.
  std::size_t Boundary(const std::string& s) {
    std::size_t at = Index(s.size() + 1);
    while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) ++at;
    return at;
  }

  // Valid UTF-8: meaningful, hostile, with NUL and control characters, or
  // random characters of any plane, up to about 200 KB.
  std::string Text() {
    const int kind = Int(0, 99);
    if (kind < 35) return Pick(plausible_);
    if (kind < 45) {
      std::string s = Pick(plausible_);
      s.insert(Boundary(s), Chance(70) ? std::string(1, '\0') : testing::Utf8(CodePoint()));
      return s;
    }
    if (kind < 55) return Pick(hostile_);
    const int length = Chance(80) ? Int(0, 40) : (Chance(85) ? Int(41, 2000) : Int(2001, 70000));
    std::string out;
    for (int i = 0; i < length; ++i) out += testing::Utf8(CodePoint());
    return out;
  }

  // Bytes that are never valid UTF-8.
  std::string InvalidUtf8() {
    static const std::vector<std::string> kPieces = {
        "\xff", "\xfe", "\xc0\xaf", "\xe0\x80\xaf",        "\xed\xa0\x80", "\xf4\x90\x80\x80",
        "\x80", "\xc3", "\xe4\xb8", "\xf8\x88\x80\x80\x80"};
    std::string out;
    for (int n = Int(1, 3); n > 0; --n) out += Pick(kPieces);
    return out;
  }

  void Set(Message& m, const FieldDescriptor* f, int depth) { Value(m, f, depth, false); }
  void Add(Message& m, const FieldDescriptor* f, int depth) { Value(m, f, depth, true); }

  // Sets (or adds to a repeated field) one random value.
  void Value(Message& m, const FieldDescriptor* f, int depth, bool add) {
    const Reflection* r = m.GetReflection();
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        const int32_t v = Int32();
        add ? r->AddInt32(&m, f, v) : r->SetInt32(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const int64_t v = Int64();
        add ? r->AddInt64(&m, f, v) : r->SetInt64(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const auto v = static_cast<uint32_t>(Int32());
        add ? r->AddUInt32(&m, f, v) : r->SetUInt32(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const auto v = static_cast<uint64_t>(Int64());
        add ? r->AddUInt64(&m, f, v) : r->SetUInt64(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double v = Double();
        add ? r->AddDouble(&m, f, v) : r->SetDouble(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        const auto v = static_cast<float>(Double());
        add ? r->AddFloat(&m, f, v) : r->SetFloat(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        const bool v = Chance(50);
        add ? r->AddBool(&m, f, v) : r->SetBool(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        // A declared value mostly; in an open (proto3) enum, any number.
        const auto* type = f->enum_type();
        const bool open = f->file()->syntax() == google::protobuf::FileDescriptor::SYNTAX_PROTO3;
        const int v = open && Chance(30) ? Int32() : type->value(Int(0, type->value_count() - 1))->number();
        add ? r->AddEnumValue(&m, f, v) : r->SetEnumValue(&m, f, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        std::string v = f->type() == FieldDescriptor::TYPE_BYTES ? RandomBytes(Int(0, 64)) : Text();
        add ? r->AddString(&m, f, std::move(v)) : r->SetString(&m, f, std::move(v));
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        Message* sub = add ? r->AddMessage(&m, f) : r->MutableMessage(&m, f);
        if (depth < kMaxDepth) Fill(*sub, depth + 1);
        break;
      }
    }
  }

  // Sets most fields of `m` at random; now and then a list far over its bound.
  void Fill(Message& m, int depth) {
    const Descriptor* d = m.GetDescriptor();
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (!Chance(65)) continue;
      if (!f->is_repeated()) {
        Set(m, f, depth);
        continue;
      }
      for (int n = Chance(97) ? Int(0, 3) : Int(20, 120); n > 0; --n) Add(m, f, depth);
    }
  }

  // Changes one field somewhere in `m`: a new value, cleared, one more
  // element, or a list made long.
  void Tweak(Message& m, int depth) {
    const Descriptor* d = m.GetDescriptor();
    if (d->field_count() == 0) return;
    const FieldDescriptor* f = d->field(Int(0, d->field_count() - 1));
    const Reflection* r = m.GetReflection();
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth < kMaxDepth && Chance(60)) {
      if (!f->is_repeated()) return Tweak(*r->MutableMessage(&m, f), depth + 1);
      const int size = r->FieldSize(m, f);
      if (size > 0) return Tweak(*r->MutableRepeatedMessage(&m, f, Int(0, size - 1)), depth + 1);
    }
    if (!f->is_repeated()) {
      if (Chance(15)) {
        r->ClearField(&m, f);
      } else {
        Set(m, f, depth);
      }
      return;
    }
    const int choice = Int(0, 9);
    if (choice == 0) {
      r->ClearField(&m, f);
    } else if (choice == 1) {
      for (int n = Int(20, 300); n > 0; --n) Add(m, f, kMaxDepth);
    } else {
      Add(m, f, depth);
    }
  }

  // Puts kMarker in one string field somewhere in `m`; false when `m` has
  // no string field within reach.
  bool PlaceMarker(Message& m, int depth) {
    const Descriptor* d = m.GetDescriptor();
    const Reflection* r = m.GetReflection();
    std::vector<const FieldDescriptor*> strings, messages;
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->type() == FieldDescriptor::TYPE_STRING) strings.push_back(f);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_map()) messages.push_back(f);
    }
    if (!strings.empty() && (messages.empty() || depth >= kMaxDepth || Chance(50))) {
      const FieldDescriptor* f = Pick(strings);
      f->is_repeated() ? r->AddString(&m, f, kMarker) : r->SetString(&m, f, kMarker);
      return true;
    }
    if (messages.empty() || depth >= kMaxDepth) return false;
    const FieldDescriptor* f = Pick(messages);
    if (!f->is_repeated()) return PlaceMarker(*r->MutableMessage(&m, f), depth + 1);
    const int size = r->FieldSize(m, f);
    return PlaceMarker(size > 0 ? *r->MutableRepeatedMessage(&m, f, Int(0, size - 1)) : *r->AddMessage(&m, f),
                       depth + 1);
  }

  // Replaces each kMarker in the encoding with as many bytes of invalid
  // UTF-8 (the lengths in the encoding stay right).
  void SpliceInvalidUtf8(std::string& bytes) {
    const std::string marker(kMarker);
    for (auto at = bytes.find(marker); at != std::string::npos; at = bytes.find(marker, at + marker.size())) {
      std::string invalid = InvalidUtf8();
      while (invalid.size() < marker.size()) invalid += InvalidUtf8();
      bytes.replace(at, marker.size(), invalid.substr(0, marker.size()));
    }
  }

  void PutVarintPayload(std::string& out) {
    const int kind = Int(0, 99);
    if (kind < 55) {
      PutVarint(out, static_cast<uint64_t>(Int64()));
    } else if (kind < 70) {
      out += "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";  // the largest, 10 bytes
    } else if (kind < 80) {
      out += "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";  // over-long
    } else if (kind < 85) {
      out += "\x80\x80";  // cut short
    } else {
      PutVarint(out, rng_());
    }
  }

  uint32_t FieldNumber() {
    const int kind = Int(0, 9);
    if (kind == 0) return 0;                                         // invalid
    if (kind == 1) return (1u << 29) - 1;                            // the largest
    if (kind == 2) return static_cast<uint32_t>(Int(19000, 19999));  // reserved
    if (kind < 6) return static_cast<uint32_t>(Int(1, 20));
    return static_cast<uint32_t>(Int(1, (1 << 29) - 1));
  }

  // A hand-encoded message of `type` (unknown fields only when null) that
  // bends the wire format.
  std::string Loose(const Descriptor* type, int depth) {
    std::string out;
    if (Chance(2)) {
      // Groups nested deeper than a parser recurses.
      const int levels = Int(90, 200);
      for (int i = 0; i < levels; ++i) PutVarint(out, (1000u << 3) | 3);
      for (int i = 0; i < levels; ++i) PutVarint(out, (1000u << 3) | 4);
      return out;
    }
    for (int fields = Int(0, 8); fields > 0; --fields) {
      const FieldDescriptor* f = type != nullptr && type->field_count() > 0 && Chance(80)
                                     ? type->field(Int(0, type->field_count() - 1))
                                     : nullptr;
      const uint32_t number = f != nullptr ? static_cast<uint32_t>(f->number()) : FieldNumber();
      const int wire = f != nullptr && Chance(75) ? WireTypeOf(*f, Chance(50)) : Int(0, 7);
      PutVarint(out, (static_cast<uint64_t>(number) << 3) | static_cast<uint64_t>(wire));
      switch (wire) {
        case 0: PutVarintPayload(out); break;
        case 1: out += RandomBytes(Chance(90) ? 8 : Int(0, 7)); break;
        case 5: out += RandomBytes(Chance(90) ? 4 : Int(0, 3)); break;
        case 2: {
          std::string content;
          if (f != nullptr && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth < 6) {
            content = Loose(f->message_type(), depth + 1);
          } else if (f != nullptr && f->type() == FieldDescriptor::TYPE_STRING) {
            content = Text();
            if (Chance(50)) content.insert(Boundary(content), InvalidUtf8());
          } else if (f != nullptr && f->is_packable()) {
            for (int n = Int(0, 6); n > 0; --n) PutVarintPayload(content);
          } else {
            content = RandomBytes(Int(0, 32));
          }
          uint64_t length = content.size();
          if (Chance(10)) {
            const int lie = Int(0, 2);
            length = lie == 0 ? length + static_cast<uint64_t>(Int(1, 100))
                              : (lie == 1 ? 0xFFFFFFFFull : std::numeric_limits<uint64_t>::max());
          }
          PutVarint(out, length);
          out += content;
          break;
        }
        case 3:
          if (depth < 6) out += Loose(nullptr, depth + 1);
          if (Chance(80)) PutVarint(out, (static_cast<uint64_t>(number) << 3) | 4);
          break;
        default:  // 4, a stray end of group; 6 and 7, no wire type
          break;
      }
    }
    return out;
  }

  void Mutate(std::string& s) {
    for (int n = Int(1, 4); n > 0; --n) {
      const std::size_t size = s.size();
      switch (Int(0, 7)) {
        case 0:
          if (size > 0) s[Index(size)] ^= static_cast<char>(1 << Int(0, 7));
          break;
        case 1:
          if (size > 0) s[Index(size)] = Pick(std::vector<char>{'\0', '\xff', '\x7f', '\x80', '\x01'});
          break;
        case 2: s.resize(Index(size + 1)); break;
        case 3: s.insert(Index(size + 1), RandomBytes(Int(1, 16))); break;
        case 4:
          if (size > 0) {
            const std::size_t at = Index(size);
            s.erase(at, Index(size - at) + 1);
          }
          break;
        case 5:
          if (size > 0) {
            const std::size_t at = Index(size);
            const std::string copy = s.substr(at, Index(size - at) + 1);
            s.insert(Index(s.size() + 1), copy);
          }
          break;
        case 6: s.insert(Index(size + 1), "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"); break;
        default:
          s += Loose(nullptr, 0);  // concatenated encodings merge
          break;
      }
    }
  }

  Rng rng_;
  std::vector<std::string> plausible_;
  std::vector<std::string> hostile_;
  std::map<std::string, std::vector<std::string>> seeds_;  // valid encodings, by message type
};

// The bytes of a message received.
std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string out;
  if (!buffer.Dump(&slices).ok()) return out;
  for (const auto& slice : slices) out.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
  return out;
}

// One call through the gateway by a generic stub: `messages` sent as they
// are, then the answers read (kept in `answers` when given) and the status
// taken. `cancel` cancels the call after the messages instead of half-closing.
grpc::Status RawCall(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                     const std::string& authorization, const std::vector<std::string>& messages, bool cancel,
                     std::vector<std::string>* answers = nullptr) {
  grpc::GenericStub stub(channel);
  grpc::ClientContext context;
  if (!authorization.empty()) context.AddMetadata("authorization", authorization);
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  grpc::CompletionQueue queue;
  const auto wait = [&] {
    void* tag = nullptr;
    bool ok = false;
    return queue.Next(&tag, &ok) && ok;
  };
  void* const tag = &context;
  auto call = stub.PrepareCall(&context, method, &queue);
  call->StartCall(tag);
  bool open = wait();
  for (const auto& bytes : messages) {
    if (!open) break;
    grpc::Slice slice(bytes);
    grpc::ByteBuffer buffer(&slice, 1);
    call->Write(buffer, tag);
    open = wait();
  }
  if (cancel) {
    context.TryCancel();
  } else if (open) {
    call->WritesDone(tag);
    wait();
  }
  for (;;) {
    grpc::ByteBuffer answer;
    call->Read(&answer, tag);
    if (!wait()) break;
    if (answers != nullptr) answers->push_back(BytesOf(answer));
  }
  grpc::Status status;
  call->Finish(&status, tag);
  wait();
  queue.Shutdown();
  void* ignored_tag;
  bool ignored_ok;
  while (queue.Next(&ignored_tag, &ignored_ok)) {
  }
  return status;
}

// A method the gateway routes, with what the fuzz needs of it.
struct Route {
  std::string path;  // /gongkai.x.v1.XService/Method
  gateway::MethodInfo info;
  bool client_streaming = false;
  // For a batch write of a city's records, the request's field of records
  // (RecordsField); null for any other method.
  const FieldDescriptor* records = nullptr;
};

// The field of records of a batch write: a unary method whose request is one
// repeated field of records and whose answer lists a RecordResult for each
// (`results`). Null for any other method.
const FieldDescriptor* RecordsField(const gateway::MethodInfo& info) {
  if (info.grpc_type != "unary" || info.input == nullptr || info.output == nullptr) return nullptr;
  const FieldDescriptor* results = info.output->FindFieldByName("results");
  if (results == nullptr || !results->is_repeated() || results->message_type() != RecordResult::descriptor()) {
    return nullptr;
  }
  if (info.input->field_count() != 1) return nullptr;
  const FieldDescriptor* records = info.input->field(0);
  return records->is_repeated() && records->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ? records : nullptr;
}

// What became of the records of the batch writes answered, by method.
struct BatchTally {
  int64_t answers = 0;
  std::map<RecordResult::Outcome, int64_t> records;
};

// What breaks the batch rule (DOMAIN.md, "How a city's records are
// accepted") in the answer to one batch write, or "": one result for each
// record sent, in order, each ACCEPTED, UNCHANGED, or REJECTED with the rules
// it broke, each named by a field of that record (`<records>[i]...`) with a
// description; an accepted or unchanged record has none. A request that does
// not parse here was not the service's to answer, and is not judged.
std::string BatchAnswerProblem(const Route& route, const std::string& request_bytes, const std::string& answer_bytes,
                               BatchTally& tally) {
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(route.info.input)->New());
  if (!request->ParseFromString(request_bytes)) return "";
  std::unique_ptr<Message> answer(factory->GetPrototype(route.info.output)->New());
  if (!answer->ParseFromString(answer_bytes)) return "the answer does not parse as " + route.info.output->full_name();
  const FieldDescriptor* results = route.info.output->FindFieldByName("results");
  const int sent = request->GetReflection()->FieldSize(*request, route.records);
  const int answered = answer->GetReflection()->FieldSize(*answer, results);
  ++tally.answers;
  if (answered != sent) {
    return std::to_string(answered) + " results for the " + std::to_string(sent) + " records sent";
  }
  for (int i = 0; i < answered; ++i) {
    RecordResult result;
    result.CopyFrom(answer->GetReflection()->GetRepeatedMessage(*answer, results, i));
    ++tally.records[result.outcome()];
    const std::string shown = result.ShortDebugString().substr(0, 2000);
    const std::string path = route.records->name() + "[" + std::to_string(i) + "]";
    if (result.index() != i) return "result " + std::to_string(i) + " has index " + std::to_string(result.index());
    switch (result.outcome()) {
      case RecordResult::ACCEPTED:
      case RecordResult::UNCHANGED:
        if (result.violations_size() > 0) return "a record stored with violations: " + shown;
        break;
      case RecordResult::REJECTED:
        if (result.violations_size() == 0) return "a record rejected with no violation named: " + shown;
        for (const auto& v : result.violations()) {
          const bool under =
              v.field().starts_with(path) &&
              (v.field().size() == path.size() || v.field()[path.size()] == '.' || v.field()[path.size()] == '[');
          if (!under) return "a violation that names no field of " + path + ": " + shown;
          if (v.description().empty()) return "a violation with no description: " + shown;
        }
        break;
      default: return "a record neither accepted, unchanged nor rejected: " + shown;
    }
  }
  return "";
}

std::vector<Route> Routes() {
  std::vector<Route> routes;
  for (const auto* service : gateway::RoutedServices()) {
    for (int i = 0; i < service->method_count(); ++i) {
      const auto* method = service->method(i);
      Route route{"/" + service->full_name() + "/" + method->name(), {}, method->client_streaming()};
      auto info = gateway::LookUpMethod(route.path);
      EXPECT_TRUE(info.has_value()) << route.path;
      if (!info) continue;
      route.info = *info;
      route.records = RecordsField(route.info);
      routes.push_back(route);
    }
  }
  return routes;
}

// One call as sent, for the report of a failure.
struct SentCall {
  int64_t number = 0;
  std::string method;
  std::string principal;  // a principal's name, "public", or the forged authorization
  std::vector<std::string> messages;
  bool cancelled = false;
};

std::string Describe(const SentCall& call) {
  std::ostringstream out;
  out << "call #" << call.number << ": " << call.method << " as " << call.principal << ", " << call.messages.size()
      << " message(s)" << (call.cancelled ? ", cancelled by the client" : "");
  for (std::size_t i = 0; i < call.messages.size(); ++i) {
    out << "\n  [" << i << "] " << call.messages[i].size() << " bytes: " << Hex(call.messages[i]);
  }
  return out.str();
}

class FuzzEndToEnd : public testing::PlatformTest {
 protected:
  void SetUp() override {
    PlatformTest::SetUp();
    known_agency_ = AddAgency("140100", 82);
    fuzz_agency_ = AddAgency("140100", 500);
    AddAgency("140100", 901, {"other"});  // the desk's agency, Platform::DeskAgency()
    // What a spot-check task of each needs in the registry.
    RegisterInspectionPowers(known_agency_, kKnownItem, "KN-PLAIN", {kKnownOfficers[0], kKnownOfficers[1]}, "KN-OLD");
    if (HasFatalFailure()) return;
    RegisterInspectionPowers(fuzz_agency_, kFuzzItem, "FZ-PLAIN", {"FZ-A1", "FZ-A2", "FZ-A3"}, "FZ-OLD");
    if (HasFatalFailure()) return;
    // A penalty item each, which makes both enforcement units for the
    // supervision's review coverage.
    registry::v1::UpsertPowersRequest penalties;
    *penalties.add_items() = testing::PowersItemOf(known_agency_, "KN-CF-1", registry::v1::PENALTY);
    *penalties.add_items() = testing::PowersItemOf(fuzz_agency_, "FZ-CF-1", registry::v1::PENALTY);
    registry::v1::UpsertPowersResponse stored;
    const grpc::Status status = Call("city-140100", &RegistryService::Stub::UpsertPowers, penalties, &stored);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(stored.results_size(), penalties.items_size());
    for (const auto& r : stored.results()) ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.ShortDebugString();
  }

  // The random-check items the inspections' records of known_agency_
  // (WriteKnown) and of fuzz_agency_ (the seeds) carry out, and the officers
  // who check known_agency_'s tasks.
  static constexpr char kKnownItem[] = "KN-RANDOM-1";
  static constexpr const char* kKnownOfficers[] = {"KN-A1", "KN-A2"};
  static constexpr char kFuzzItem[] = "FZ-RANDOM-1";

  // Registers, as Taiyuan, what a spot-check task of `agency` needs: the
  // inspection item `random_item` on its random-check list and `plain_item`
  // off it, `officers` certified for years around today, and `expired`,
  // whose certificate ended two months ago.
  void RegisterInspectionPowers(const std::string& agency, const std::string& random_item,
                                const std::string& plain_item, const std::vector<std::string>& officers,
                                const std::string& expired) {
    registry::v1::UpsertPowersRequest powers;
    *powers.add_items() = testing::InspectionItem(agency, random_item, true);
    *powers.add_items() = testing::InspectionItem(agency, plain_item, false);
    registry::v1::UpsertPowersResponse stored_powers;
    grpc::Status status = Call("city-140100", &RegistryService::Stub::UpsertPowers, powers, &stored_powers);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(stored_powers.results_size(), powers.items_size());
    for (const auto& r : stored_powers.results()) {
      ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.ShortDebugString();
    }

    registry::v1::UpsertOfficersRequest certified;
    for (const auto& number : officers) {
      *certified.add_officers() = testing::CertifiedOfficer(number, agency, IsoDaysAgo(400), IsoDaysAgo(-400));
    }
    *certified.add_officers() = testing::CertifiedOfficer(expired, agency, IsoDaysAgo(800), IsoDaysAgo(60));
    registry::v1::UpsertOfficersResponse stored_officers;
    status = Call("city-140100", &RegistryService::Stub::UpsertOfficers, certified, &stored_officers);
    ASSERT_TRUE(status.ok()) << status.error_message();
    ASSERT_EQ(stored_officers.results_size(), certified.officers_size());
    for (const auto& r : stored_officers.results()) {
      ASSERT_EQ(r.outcome(), RecordResult::ACCEPTED) << r.ShortDebugString();
    }
  }

  // The year of the inspections' plans and pilot units.
  int InspectionYear() const { return std::stoi(IsoDaysAgo(10).substr(0, 4)); }

  // The year and quarter of a date YYYY-MM-DD.
  static std::pair<int, int> YearQuarterOf(const std::string& date) {
    return {std::stoi(date.substr(0, 4)), (std::stoi(date.substr(5, 2)) - 1) / 3 + 1};
  }

  // Sends a batch write of the inspections or the supervision as Taiyuan
  // and expects a result for each record, ACCEPTED.
  template <typename Stub, typename Request, typename Response>
  void ExpectAccepted(grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&, Response*),
                      const Request& request, const std::string& what) {
    Response response;
    const grpc::Status status = Call("city-140100", method, request, &response);
    EXPECT_TRUE(status.ok()) << what << ": " << status.error_message();
    const int sent = request.GetReflection()->FieldSize(request, request.GetDescriptor()->field(0));
    EXPECT_EQ(response.results_size(), status.ok() ? sent : 0) << what;
    for (const auto& r : response.results()) {
      EXPECT_EQ(r.outcome(), RecordResult::ACCEPTED) << what << ": " << r.ShortDebugString();
    }
  }

  template <typename Record>
  static inspections::v1::GetRecordRequest KeyOf(const Record& record) {
    inspections::v1::GetRecordRequest key;
    key.set_agency_credit_code(record.agency_credit_code());
    key.set_source_id(record.source_id());
    return key;
  }

  // The next page token a list answers, if it has a second page, kept for
  // the fuzz (page_tokens_).
  void KeepToken(const grpc::Status& status, const std::string& token, const std::string& list) {
    EXPECT_TRUE(status.ok()) << list << ": " << status.error_message();
    if (!token.empty()) page_tokens_.push_back(token);
  }

  // Page tokens forged in the platform's own form (common/paging.h), so they
  // pass its decoding and reach what reads the position: no number, out of
  // range, negative, with a NUL, SQL, or of another shape.
  static std::vector<std::string> ForgedPageTokens() {
    std::vector<std::string> tokens;
    const std::vector<common::PagePosition> positions = {{"0"},
                                                         {"-1"},
                                                         {"9223372036854775807"},
                                                         {"9223372036854775808"},
                                                         {"99999999999999999999999"},
                                                         {"1e3"},
                                                         {" 7"},
                                                         {"7 "},
                                                         {"0x10"},
                                                         {""},
                                                         {std::string("3\0", 2)},
                                                         {"'; DROP TABLE inspections.records; --"},
                                                         {"1", "2"},
                                                         {}};
    for (const auto& position : positions) tokens.push_back(common::EncodePageToken(position));
    return tokens;
  }

  // The inspections' part of Seeds: plans (one joint), a task with its
  // objects and officers and one the platform draws, results (one of a
  // natural person, with a problem), a pilot unit and a broadcast of
  // fuzz_agency_, each stored once; and the reads that find them, among them
  // real next page tokens (kept in page_tokens_).
  void AddInspectionSeeds(const std::function<void(const Message&)>& add) {
    const int year = InspectionYear();
    const std::string id17 = "14010519800101123";
    const auto jinyang = testing::Organisation("太原市晋阳食品有限公司", testing::CreditCode("140105", 201));
    const auto person = testing::NaturalPerson("张三", id17 + common::CitizenIdCheckCharacter(id17));

    inspections::v1::UpsertPlansRequest plans;
    *plans.add_plans() = testing::InspectionPlan(fuzz_agency_, "fz-p1", year, IsoDaysAgo(10), kFuzzItem);
    auto joint = testing::InspectionPlan(fuzz_agency_, "fz-p2", year, IsoDaysAgo(40), "");
    auto* joint_item = joint.mutable_items(0);
    joint_item->set_method(inspections::v1::JOINT);
    joint_item->add_partner_agencies(testing::Platform::DeskAgency());
    joint_item->clear_months();
    joint_item->add_quarters(2);
    joint_item->add_quarters(4);
    joint.set_changed_on(IsoDaysAgo(5));
    *plans.add_plans() = joint;
    ExpectAccepted(&InspectionsService::Stub::UpsertPlans, plans, "the seed plans");
    add(plans);

    inspections::v1::UpsertTasksRequest listed;
    auto task = testing::SpotCheckTask(fuzz_agency_, "fz-t1", {kFuzzItem}, {jinyang, person}, {"FZ-A1", "FZ-A2"},
                                       IsoDaysAgo(20), IsoDaysAgo(5));
    task.set_plan_source_id("fz-p1");
    *listed.add_tasks() = task;
    ExpectAccepted(&InspectionsService::Stub::UpsertTasks, listed, "the seed task");
    add(listed);

    // Drawn tomorrow from credit codes and an object code, by two of the
    // officers whose certificates are valid (FZ-OLD's is not).
    inspections::v1::UpsertTasksRequest drawn;
    auto draw_task =
        testing::SpotCheckTask(fuzz_agency_, "fz-draw-1", {kFuzzItem}, {}, {}, IsoDaysAgo(-1), IsoDaysAgo(-30));
    draw_task.set_pool_size(0);
    auto* draw = draw_task.mutable_draw();
    for (int i = 0; i < 20; ++i) draw->add_pool(testing::CreditCode("140105", 300 + i));
    draw->add_pool("OBJ-0001");
    draw->set_objects(3);
    for (const char* number : {"FZ-A1", "FZ-A2", "FZ-A3", "FZ-OLD"}) draw->add_officers(number);
    draw->set_officers_drawn(2);
    draw->set_draw_date(IsoDaysAgo(-1));
    *drawn.add_tasks() = draw_task;
    ExpectAccepted(&InspectionsService::Stub::UpsertTasks, drawn, "the seed draw");
    add(drawn);

    inspections::v1::UpsertResultsRequest results;
    *results.add_results() =
        testing::SpotCheckResult(fuzz_agency_, "fz-r1", "fz-t1", jinyang, {kFuzzItem}, IsoDaysAgo(6));
    auto opened = testing::SpotCheckResult(fuzz_agency_, "fz-r2", "fz-t1", person, {kFuzzItem}, IsoDaysAgo(7));
    opened.set_outcome(inspections::v1::CASE_OPENED);
    opened.set_problems("张三经营的食品摊点销售超过保质期的食品，联系电话13912345678。");
    opened.set_rectification_requirement("张三应立即停止销售并下架全部过期食品。");
    opened.set_rectification_deadline(IsoDaysAgo(-10));
    *results.add_results() = opened;
    ExpectAccepted(&InspectionsService::Stub::UpsertResults, results, "the seed results");
    add(results);

    inspections::v1::UpsertPilotUnitsRequest units;
    auto* unit = units.add_units();
    unit->set_agency_credit_code(fuzz_agency_);
    unit->set_source_id("fz-pu1");
    unit->set_source_version(1);
    unit->set_year(year);
    unit->set_sector(inspections::v1::FOOD_SERVICE_SAFETY);
    unit->set_channel(inspections::v1::SHORT_VIDEO);
    unit->set_platform("抖音");
    unit->set_account("市场监管执法直播间");
    ExpectAccepted(&InspectionsService::Stub::UpsertPilotUnits, units, "the seed pilot unit");
    add(units);

    inspections::v1::UpsertBroadcastsRequest broadcasts;
    auto* broadcast = broadcasts.add_broadcasts();
    broadcast->set_agency_credit_code(fuzz_agency_);
    broadcast->set_source_id("fz-bc1");
    broadcast->set_source_version(1);
    broadcast->set_pilot_unit_source_id("fz-pu1");
    broadcast->set_title("校园周边餐饮单位食品安全检查直播");
    broadcast->set_planned_start(IsoDaysAgo(2) + "T10:00:00+08:00");
    broadcast->set_started_at(IsoDaysAgo(2) + "T10:02:00+08:00");
    broadcast->set_ended_at(IsoDaysAgo(2) + "T11:30:00+08:00");
    *broadcast->mutable_object() = jinyang;
    broadcast->set_live_url("https://live.example.cn/ty/fz-bc1");
    broadcast->set_replay_url("https://live.example.cn/ty/fz-bc1/replay");
    ExpectAccepted(&InspectionsService::Stub::UpsertBroadcasts, broadcasts, "the seed broadcast");
    add(broadcasts);

    // GetPlan, GetTask and GetResult take the same request.
    for (const auto* key : {&plans.plans(0), &plans.plans(1)}) add(KeyOf(*key));
    add(KeyOf(task));
    add(KeyOf(draw_task));
    add(KeyOf(opened));

    inspections::v1::ListPlansRequest plan_list;
    plan_list.set_agency_credit_code(fuzz_agency_);
    plan_list.set_page_size(1);
    inspections::v1::ListPlansResponse plan_page;
    KeepToken(Call("", &InspectionsService::Stub::ListPlans, plan_list, &plan_page), plan_page.next_page_token(),
              "ListPlans");
    add(plan_list);
    plan_list.set_page_token(plan_page.next_page_token());
    add(plan_list);
    plan_list.Clear();
    plan_list.set_year(year);
    plan_list.set_city_code("140100");
    add(plan_list);

    inspections::v1::ListTasksRequest task_list;
    task_list.set_agency_credit_code(fuzz_agency_);
    task_list.set_page_size(1);
    inspections::v1::ListTasksResponse task_page;
    KeepToken(Call("", &InspectionsService::Stub::ListTasks, task_list, &task_page), task_page.next_page_token(),
              "ListTasks");
    add(task_list);
    task_list.set_page_token(task_page.next_page_token());
    add(task_list);
    task_list.Clear();
    task_list.set_city_code("140100");
    task_list.set_date_from(IsoDaysAgo(30));
    task_list.set_date_to(IsoDaysAgo(0));
    add(task_list);

    inspections::v1::SearchResultsRequest search;
    search.set_task_source_id("fz-t1");
    search.set_agency_credit_code(fuzz_agency_);
    search.set_page_size(1);
    inspections::v1::SearchResultsResponse found;
    KeepToken(Call("", &InspectionsService::Stub::SearchResults, search, &found), found.next_page_token(),
              "SearchResults");
    add(search);
    search.set_page_token(found.next_page_token());
    add(search);
    search.Clear();
    search.set_object_name("晋阳");
    add(search);
    search.Clear();
    search.set_credit_code(jinyang.credit_code());
    add(search);
    search.Clear();
    search.set_item(kFuzzItem);
    search.set_date_from(IsoDaysAgo(10));
    search.set_date_to(IsoDaysAgo(0));
    add(search);
    search.Clear();
    search.set_object_name("张某");
    search.set_city_code("140100");
    search.set_outcome(inspections::v1::CASE_OPENED);
    add(search);

    inspections::v1::ListPilotUnitsRequest unit_list;
    unit_list.set_year(year);
    unit_list.set_city_code("140100");
    add(unit_list);
    inspections::v1::ListBroadcastsRequest broadcast_list;
    broadcast_list.set_state(inspections::v1::ListBroadcastsRequest::REPLAY);
    broadcast_list.set_city_code("140100");
    add(broadcast_list);
    broadcast_list.Clear();
    broadcast_list.set_agency_credit_code(fuzz_agency_);
    broadcast_list.set_page_size(1);
    broadcast_list.set_page_token(ForgedPageTokens().front());
    add(broadcast_list);

    inspections::v1::ListChangesRequest changes;
    changes.set_limit(20);
    add(changes);
    changes.set_after_seq(2);
    changes.set_limit(1);
    add(changes);
    inspections::v1::ListRejectionsRequest rejections;
    rejections.set_page_size(10);
    add(rejections);
  }

  // The supervision's part of Seeds: a review round of fuzz_agency_ and a
  // review of it (an excellent case of a natural person, a problem to
  // rectify), a special supervision with problems and a named case, an
  // assessment plan and its results, reports of two rectifications, each
  // stored once; and the reads that find them, with real next page tokens
  // where a list has a second page (kept in page_tokens_).
  void AddSupervisionSeeds(const std::function<void(const Message&)>& add) {
    const std::string started = IsoDaysAgo(60);
    const auto [year, quarter] = YearQuarterOf(started);
    const std::string id17 = "14010519800101123";

    supervision::v1::UpsertRoundsRequest rounds;
    *rounds.add_rounds() =
        testing::ReviewRound(fuzz_agency_, "fz-round-1", year, quarter, {known_agency_, fuzz_agency_},
                             {fuzz_agency_, known_agency_}, started, IsoDaysAgo(30));
    ExpectAccepted(&SupervisionService::Stub::UpsertRounds, rounds, "the seed round");
    add(rounds);

    supervision::v1::UpsertReviewsRequest reviews;
    auto review = testing::UnitReview(fuzz_agency_, "fz-review-1", "fz-round-1", fuzz_agency_, known_agency_);
    *review.add_excellent_cases() =
        testing::PersonExcellentCase("并市监罚〔2026〕5号", id17 + common::CitizenIdCheckCharacter(id17));
    *review.add_problems() = testing::ReviewProblemOf(supervision::v1::PROCEDURAL_DEFECT, 2);
    review.set_rectification_requirement("对存在程序瑕疵的案卷逐一整改。");
    review.set_rectification_deadline(IsoDaysAgo(-30));
    *reviews.add_reviews() = review;
    ExpectAccepted(&SupervisionService::Stub::UpsertReviews, reviews, "the seed review");
    add(reviews);

    supervision::v1::UpsertSupervisionsRequest supervisions;
    auto campaign = testing::SpecialSupervision(fuzz_agency_, "fz-sup-1", IsoDaysAgo(40), IsoDaysAgo(10));
    *campaign.add_problems() = testing::FoundProblem("FZ-P1", fuzz_agency_, "market_regulation", IsoDaysAgo(-20));
    *campaign.add_problems() = testing::FoundProblem("FZ-P2", known_agency_, "transport", IsoDaysAgo(5));
    *campaign.add_named_cases() = testing::NamedCaseOf(fuzz_agency_, "FZ-P1");
    *supervisions.add_supervisions() = campaign;
    ExpectAccepted(&SupervisionService::Stub::UpsertSupervisions, supervisions, "the seed supervision");
    add(supervisions);

    const std::string approved_on = IsoDaysAgo(10);
    const int plan_year = YearQuarterOf(approved_on).first;
    supervision::v1::UpsertAssessmentPlansRequest plans;
    *plans.add_plans() =
        testing::AssessmentPlanOf(fuzz_agency_, "fz-plan-1", plan_year, approved_on, {fuzz_agency_, known_agency_});
    ExpectAccepted(&SupervisionService::Stub::UpsertAssessmentPlans, plans, "the seed assessment plan");
    add(plans);
    supervision::v1::UpsertAssessmentResultsRequest results;
    *results.add_results() = testing::AssessmentResultOf(fuzz_agency_, "fz-result-1", "fz-plan-1", IsoDaysAgo(3),
                                                         {fuzz_agency_, known_agency_});
    ExpectAccepted(&SupervisionService::Stub::UpsertAssessmentResults, results, "the seed assessment results");
    add(results);

    supervision::v1::ReportRectificationsRequest reports;
    *reports.add_reports() =
        testing::RectificationReportOf(supervision::v1::REVIEW, fuzz_agency_, "fz-review-1", "", IsoDaysAgo(1));
    *reports.add_reports() = testing::RectificationReportOf(supervision::v1::SUPERVISION_PROBLEM, fuzz_agency_,
                                                            "fz-sup-1", "FZ-P1", IsoDaysAgo(1));
    ExpectAccepted(&SupervisionService::Stub::ReportRectifications, reports, "the seed reports");
    add(reports);

    // GetReview and GetSupervision take the same request.
    supervision::v1::GetRecordRequest key;
    key.set_agency_credit_code(fuzz_agency_);
    key.set_source_id("fz-review-1");
    add(key);
    key.set_source_id("fz-sup-1");
    add(key);

    supervision::v1::ListRoundsRequest round_list;
    round_list.set_year(year);
    round_list.set_quarter(quarter);
    round_list.set_city_code("140100");
    round_list.set_page_size(1);
    supervision::v1::ListRoundsResponse round_page;
    KeepToken(Call("", &SupervisionService::Stub::ListRounds, round_list, &round_page), round_page.next_page_token(),
              "ListRounds");
    add(round_list);
    round_list.Clear();
    round_list.set_agency_credit_code(fuzz_agency_);
    add(round_list);

    supervision::v1::ListReviewsRequest review_list;
    review_list.set_agency_credit_code(fuzz_agency_);
    review_list.set_round_source_id("fz-round-1");
    add(review_list);
    review_list.Clear();
    review_list.set_year(year);
    review_list.set_quarter(quarter);
    review_list.set_city_code("140100");
    review_list.set_reviewed_unit(fuzz_agency_);
    review_list.set_page_size(1);
    add(review_list);

    supervision::v1::GetReviewCoverageRequest coverage;
    coverage.set_year(year);
    add(coverage);
    coverage.set_city_code("140100");
    coverage.set_page_size(1);
    add(coverage);

    supervision::v1::ListSupervisionsRequest supervision_list;
    supervision_list.set_year(YearQuarterOf(IsoDaysAgo(10)).first);
    supervision_list.set_city_code("140100");
    supervision_list.set_agency_credit_code(fuzz_agency_);
    supervision_list.set_page_size(1);
    add(supervision_list);

    supervision::v1::GetProblemStatisticsRequest statistics;
    statistics.set_year(year);
    add(statistics);
    statistics.set_city_code("140100");
    statistics.set_source(supervision::v1::GetProblemStatisticsRequest::SUPERVISIONS);
    statistics.set_top_units(1);
    add(statistics);

    // ListAssessmentPlans and ListAssessmentResults take the same request.
    supervision::v1::ListAssessmentsRequest assessments;
    assessments.set_year(plan_year);
    assessments.set_city_code("140100");
    assessments.set_agency_credit_code(fuzz_agency_);
    add(assessments);

    supervision::v1::ListRectificationsRequest rectifications;
    rectifications.set_city_code("140100");
    rectifications.set_page_size(1);
    supervision::v1::ListRectificationsResponse rectification_page;
    KeepToken(Call("city-140100", &SupervisionService::Stub::ListRectifications, rectifications, &rectification_page),
              rectification_page.next_page_token(), "ListRectifications");
    add(rectifications);
    rectifications.set_page_token(rectification_page.next_page_token());
    add(rectifications);
    rectifications.Clear();
    rectifications.set_unit(known_agency_);
    rectifications.set_state(supervision::v1::Rectification::OPEN);
    add(rectifications);

    supervision::v1::ListChangesRequest changes;
    changes.set_limit(20);
    add(changes);
    changes.set_after_seq(2);
    changes.set_limit(1);
    add(changes);
    supervision::v1::ListRejectionsRequest rejections;
    rejections.set_page_size(10);
    add(rejections);
  }

  // Valid encodings the fuzz starts from, by message type; each write among
  // them is sent once first, so the reads and the withdrawal find a record.
  std::map<std::string, std::vector<std::string>> Seeds() {
    std::map<std::string, std::vector<std::string>> seeds;
    const auto add = [&](const Message& m) { seeds[m.GetDescriptor()->full_name()].push_back(m.SerializeAsString()); };

    penalties::v1::UpsertDecisionsRequest decisions;
    *decisions.add_decisions() = testing::CompanyDecision(fuzz_agency_, "fz-1", IsoDaysAgo(10));
    const std::string id17 = "14010519800101123";
    *decisions.add_decisions() =
        testing::PersonDecision(fuzz_agency_, "fz-2", IsoDaysAgo(3), id17 + common::CitizenIdCheckCharacter(id17));
    penalties::v1::UpsertResponse upserted;
    EXPECT_TRUE(Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, decisions, &upserted).ok());
    add(decisions);

    penalties::v1::UpsertMeasuresRequest measures;
    auto* m = measures.add_measures();
    m->set_agency_credit_code(fuzz_agency_);
    m->set_source_id("fz-m1");
    m->set_source_version(1);
    m->set_document_number("并市监强〔2026〕1号");
    m->set_domain("market_regulation");
    m->mutable_party()->set_kind(penalties::v1::Party::ORGANIZATION);
    m->mutable_party()->set_name("太原某食品有限公司");
    m->mutable_party()->set_credit_code(testing::CreditCode("140105", 77));
    auto* basis = m->add_legal_basis();
    basis->set_law("中华人民共和国食品安全法");
    basis->set_article(110);
    m->set_type(penalties::v1::SEIZE);
    m->set_object_name("过期月饼");
    m->set_object_quantity("200盒");
    m->set_period_start(IsoDaysAgo(3));
    m->set_period_end(IsoDaysAgo(-27));
    m->set_release_conditions("经检验合格或作出处理决定后解除");
    EXPECT_TRUE(Call("city-140100", &PenaltiesService::Stub::UpsertMeasures, measures, &upserted).ok());
    add(measures);

    penalties::v1::WithdrawDecisionRequest withdraw;
    withdraw.set_agency_credit_code(fuzz_agency_);
    withdraw.set_source_id("fz-1");
    withdraw.set_reason(penalties::v1::CHANGED);
    withdraw.set_explanation("原处罚决定已变更");
    withdraw.set_event_date(IsoDaysAgo(1));
    add(withdraw);

    penalties::v1::GetRecordRequest get;
    get.set_kind(penalties::v1::GetRecordRequest::DECISION);
    get.set_agency_credit_code(fuzz_agency_);
    get.set_source_id("fz-2");
    add(get);

    penalties::v1::ListPublishedRequest list;
    list.set_kind(penalties::v1::GetRecordRequest::DECISION);
    list.set_city_code("140100");
    list.set_page_size(5);
    add(list);

    registry::v1::UpsertAgenciesRequest agencies;
    *agencies.add_agencies() = testing::MakeAgency("140100", "140100", 501);
    registry::v1::UpsertAgenciesResponse registered;
    EXPECT_TRUE(Call("city-140100", &RegistryService::Stub::UpsertAgencies, agencies, &registered).ok());
    add(agencies);

    registry::v1::GetAgencyRequest get_agency;
    get_agency.set_credit_code(fuzz_agency_);
    add(get_agency);

    add(Application("2025年度行政处罚案件数量"));
    AddInspectionSeeds(add);
    AddSupervisionSeeds(add);
    return seeds;
  }

  // Strings the built messages draw on, so they get past the first checks;
  // the real page tokens once Seeds has run.
  std::vector<std::string> Plausible() const {
    const std::string id17 = "14010519800101123";
    std::vector<std::string> plausible = {fuzz_agency_,
                                          testing::CreditCode("140100", 501),
                                          testing::CreditCode("140200", 9),
                                          "140100",
                                          "140200",
                                          "140000",
                                          "140105",
                                          "149900",
                                          "110000",
                                          "1401",
                                          "",
                                          " ",
                                          "fz-1",
                                          "fz-2",
                                          "fz-m1",
                                          "market_regulation",
                                          "ecology_environment",
                                          "other",
                                          IsoDaysAgo(0),
                                          IsoDaysAgo(1),
                                          IsoDaysAgo(10),
                                          IsoDaysAgo(400),
                                          IsoDaysAgo(-30),
                                          "2026-02-30",
                                          "2026-13-01",
                                          "9999-12-31",
                                          "0000-00-00",
                                          "2026-1-1",
                                          "张三丰",
                                          "太原市某某食品有限公司",
                                          "中华人民共和国食品安全法",
                                          "当事人销售超过保质期的食品，货值金额1200元。",
                                          "13912345678",
                                          "AAAA",
                                          "eyJ9",
                                          "-1",
                                          "CONSULTATION_STARTED",
                                          kFuzzItem,
                                          "FZ-PLAIN",
                                          "FZ-A1",
                                          "FZ-A2",
                                          "FZ-A3",
                                          "FZ-OLD",
                                          "fz-p1",
                                          "fz-p2",
                                          "fz-t1",
                                          "fz-draw-1",
                                          "fz-r1",
                                          "fz-r2",
                                          "fz-pu1",
                                          "fz-bc1",
                                          testing::Platform::DeskAgency(),
                                          testing::CreditCode("140105", 201),
                                          testing::CreditCode("140105", 305),
                                          id17 + common::CitizenIdCheckCharacter(id17),
                                          "OBJ-0001",
                                          "晋阳",
                                          "张某",
                                          "张某某",
                                          "食品生产企业",
                                          IsoDaysAgo(2) + "T10:00:00+08:00",
                                          IsoDaysAgo(-1) + "T14:00:00Z",
                                          IsoDaysAgo(-1) + " 14:00",
                                          IsoDaysAgo(-1) + "T25:00:00+08:00",
                                          "https://live.example.cn/ty/fz-bc1",
                                          "http://live.example.cn/ty/1",
                                          "javascript:alert(1)",
                                          "https://",
                                          "fz-round-1",
                                          "fz-review-1",
                                          "fz-sup-1",
                                          "FZ-P1",
                                          "FZ-P2",
                                          "fz-plan-1",
                                          "fz-result-1",
                                          "SYSTEM",
                                          "QUALITY",
                                          "PROCEDURAL_DEFECT",
                                          "并市监罚〔2026〕5号",
                                          "涉企执法“一刀切”专项整治",
                                          "实地检查"};
    plausible.insert(plausible.end(), page_tokens_.begin(), page_tokens_.end());
    const auto forged = ForgedPageTokens();
    plausible.insert(plausible.end(), forged.begin(), forged.end());
    return plausible;
  }

  requests::v1::RegisterRequestRequest Application(const std::string& information) const {
    requests::v1::RegisterRequestRequest request;
    request.set_channel(requests::v1::ONLINE);
    request.set_received_on(IsoDaysAgo(2));
    auto* applicant = request.mutable_applicant();
    applicant->set_kind(requests::v1::Applicant::NATURAL_PERSON);
    applicant->set_name("李四");
    applicant->set_phone("13800001111");
    request.set_information_requested(information);
    request.set_delivery(requests::v1::DELIVERY_EMAIL);
    return request;
  }

  // A round of valid records through the gateway, to be read back at the
  // end: decisions, an agency, a request for information, and an inspection
  // plan, a spot-check task that carries it out and a result of the task.
  void WriteKnown(int round) {
    penalties::v1::UpsertDecisionsRequest decisions;
    for (int i = 0; i < 3; ++i) {
      auto d = testing::CompanyDecision(known_agency_, "known-" + std::to_string(round) + "-" + std::to_string(i),
                                        IsoDaysAgo(5));
      d.set_facts(d.facts() + "第" + std::to_string(round) + "轮。");
      *decisions.add_decisions() = d;
    }
    penalties::v1::UpsertResponse upserted;
    const grpc::Status decided = Call("city-140100", &PenaltiesService::Stub::UpsertDecisions, decisions, &upserted);
    EXPECT_TRUE(decided.ok()) << "round " << round << ": " << decided.error_message();
    for (const auto& result : upserted.results()) {
      EXPECT_EQ(result.outcome(), RecordResult::ACCEPTED) << result.key();
    }
    for (const auto& d : decisions.decisions()) known_decisions_.push_back(d);

    registry::v1::UpsertAgenciesRequest agencies;
    *agencies.add_agencies() = testing::MakeAgency("140100", "140100", 2000 + round);
    registry::v1::UpsertAgenciesResponse registered;
    const grpc::Status agency = Call("city-140100", &RegistryService::Stub::UpsertAgencies, agencies, &registered);
    EXPECT_TRUE(agency.ok()) << "round " << round << ": " << agency.error_message();
    EXPECT_EQ(registered.results_size(), agency.ok() ? 1 : 0);
    for (const auto& result : registered.results()) {
      EXPECT_EQ(result.outcome(), RecordResult::ACCEPTED) << result.key();
    }
    known_agencies_.push_back(agencies.agencies(0));

    requests::v1::RequestView view;
    const auto application = Application("第" + std::to_string(round) + "轮：本机关行政许可目录");
    const grpc::Status registered_request = Call("desk", &RequestsService::Stub::RegisterRequest, application, &view);
    EXPECT_TRUE(registered_request.ok()) << "round " << round << ": " << registered_request.error_message();
    if (registered_request.ok()) known_requests_[view.request_id()] = application.information_requested();

    WriteKnownInspections(round);
    WriteKnownSupervision(round);
  }

  // The supervision's part of a round, organised by known_agency_: a review
  // round, a review of it (a problem to rectify in every other round) and a
  // special supervision with one problem.
  void WriteKnownSupervision(int round) {
    const std::string r = std::to_string(round);
    const std::string started = IsoDaysAgo(60);
    const auto [year, quarter] = YearQuarterOf(started);
    auto review_round =
        testing::ReviewRound(known_agency_, "known-round-" + r, year, quarter, {known_agency_, fuzz_agency_},
                             {known_agency_, fuzz_agency_}, started, IsoDaysAgo(30));
    review_round.set_title(review_round.title() + "（第" + r + "轮）");
    supervision::v1::UpsertRoundsRequest rounds;
    *rounds.add_rounds() = review_round;
    ExpectAccepted(&SupervisionService::Stub::UpsertRounds, rounds, "round " + r + ": review round");
    known_rounds_.push_back(review_round);

    auto review =
        testing::UnitReview(known_agency_, "known-review-" + r, review_round.source_id(), known_agency_, fuzz_agency_);
    if (round % 2 == 1) {
      *review.add_problems() = testing::ReviewProblemOf(supervision::v1::NONSTANDARD_DOCUMENTS, 1);
      review.set_rectification_requirement("规范执法文书制作，补正案卷中的文书。");
      review.set_rectification_deadline(IsoDaysAgo(-14));
    }
    supervision::v1::UpsertReviewsRequest reviews;
    *reviews.add_reviews() = review;
    ExpectAccepted(&SupervisionService::Stub::UpsertReviews, reviews, "round " + r + ": review");
    known_reviews_.push_back(review);

    auto campaign = testing::SpecialSupervision(known_agency_, "known-sup-" + r, IsoDaysAgo(20), IsoDaysAgo(3));
    *campaign.add_problems() = testing::FoundProblem("KN-P" + r, known_agency_, "market_regulation", IsoDaysAgo(-30));
    supervision::v1::UpsertSupervisionsRequest supervisions;
    *supervisions.add_supervisions() = campaign;
    ExpectAccepted(&SupervisionService::Stub::UpsertSupervisions, supervisions, "round " + r + ": supervision");
    known_supervisions_.push_back(campaign);
  }

  // The inspections' part of a round, of known_agency_: each record stored
  // before the next one needs it; a problem found in every other round.
  void WriteKnownInspections(int round) {
    const std::string r = std::to_string(round);
    auto plan = testing::InspectionPlan(known_agency_, "known-plan-" + r, InspectionYear(), IsoDaysAgo(10), kKnownItem);
    plan.set_title(plan.title() + "（第" + r + "轮）");
    inspections::v1::UpsertPlansRequest plans;
    *plans.add_plans() = plan;
    ExpectAccepted(&InspectionsService::Stub::UpsertPlans, plans, "round " + r + ": plan");
    known_plans_.push_back(plan);

    const auto object =
        testing::Organisation("太原市第" + r + "轮抽查食品有限公司", testing::CreditCode("140105", 3000 + round));
    auto task = testing::SpotCheckTask(known_agency_, "known-task-" + r, {kKnownItem}, {object},
                                       {kKnownOfficers[0], kKnownOfficers[1]}, IsoDaysAgo(30), IsoDaysAgo(5));
    task.set_plan_source_id(plan.source_id());
    inspections::v1::UpsertTasksRequest tasks;
    *tasks.add_tasks() = task;
    ExpectAccepted(&InspectionsService::Stub::UpsertTasks, tasks, "round " + r + ": task");
    known_tasks_.push_back(task);

    auto result = testing::SpotCheckResult(known_agency_, "known-result-" + r, task.source_id(), object, {kKnownItem},
                                           IsoDaysAgo(6));
    if (round % 2 == 1) {
      result.set_outcome(inspections::v1::CORRECTION_ORDERED);
      result.set_problems("后厨未落实餐具清洗消毒制度，部分餐具未经消毒即投入使用。");
      result.set_rectification_requirement("立即整改，建立并执行餐具清洗消毒记录制度。");
      result.set_rectification_deadline(IsoDaysAgo(-14));
    }
    inspections::v1::UpsertResultsRequest results;
    *results.add_results() = result;
    ExpectAccepted(&InspectionsService::Stub::UpsertResults, results, "round " + r + ": result");
    known_results_.push_back(result);
  }

  // Every known record, read back through the gateway, is stored as sent.
  void ExpectKnownStored() {
    for (const auto& sent : known_decisions_) {
      penalties::v1::GetRecordRequest request;
      request.set_kind(penalties::v1::GetRecordRequest::DECISION);
      request.set_agency_credit_code(sent.agency_credit_code());
      request.set_source_id(sent.source_id());
      penalties::v1::PenaltyDecision stored;
      const grpc::Status status = Call("city-140100", &PenaltiesService::Stub::GetDecision, request, &stored);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(stored, sent)) << sent.source_id();
    }
    for (const auto& sent : known_agencies_) {
      registry::v1::GetAgencyRequest request;
      request.set_credit_code(sent.credit_code());
      registry::v1::Agency stored;
      const grpc::Status status = Call("", &RegistryService::Stub::GetAgency, request, &stored);
      EXPECT_TRUE(status.ok()) << sent.credit_code() << ": " << status.error_message();
      EXPECT_EQ(stored.name(), sent.name()) << sent.credit_code();
      EXPECT_EQ(stored.area_code(), sent.area_code()) << sent.credit_code();
      EXPECT_EQ(stored.source_version(), sent.source_version()) << sent.credit_code();
    }
    for (const auto& [id, information] : known_requests_) {
      requests::v1::GetRequestRequest request;
      request.set_request_id(id);
      requests::v1::RequestView stored;
      const grpc::Status status = Call("desk", &RequestsService::Stub::GetRequest, request, &stored);
      EXPECT_TRUE(status.ok()) << id << ": " << status.error_message();
      EXPECT_EQ(stored.information_requested(), information) << id;
    }
    ExpectKnownInspectionsStored();
    ExpectKnownSupervisionStored();
  }

  // Every known round, review and supervision, read back, is as sent but
  // for the fields the platform sets: rounds as the public lists them (each
  // completed, with its one review), reviews as the province reads them,
  // supervisions in their public form (their texts hold nothing to mask).
  void ExpectKnownSupervisionStored() {
    using google::protobuf::util::MessageDifferencer;
    std::map<std::string, supervision::v1::Round> listed;
    supervision::v1::ListRoundsRequest list;
    list.set_agency_credit_code(known_agency_);
    for (int pages = 0; pages < 1000; ++pages) {
      supervision::v1::ListRoundsResponse page;
      const grpc::Status status = Call("", &SupervisionService::Stub::ListRounds, list, &page);
      EXPECT_TRUE(status.ok()) << "ListRounds: " << status.error_message();
      for (const auto& round : page.rounds()) listed[round.source_id()] = round;
      if (!status.ok() || page.next_page_token().empty()) break;
      list.set_page_token(page.next_page_token());
    }
    for (const auto& sent : known_rounds_) {
      auto it = listed.find(sent.source_id());
      EXPECT_NE(it, listed.end()) << sent.source_id() << " is not listed";
      if (it == listed.end()) continue;
      supervision::v1::Round stored = it->second;
      EXPECT_EQ(stored.city_code(), "140100") << sent.source_id();
      EXPECT_TRUE(stored.completed()) << sent.source_id();
      EXPECT_EQ(stored.reviews_published(), 1) << sent.source_id();
      stored.clear_city_code();
      stored.clear_completed();
      stored.clear_reviews_published();
      stored.clear_published_on();
      stored.clear_change_seq();
      EXPECT_TRUE(MessageDifferencer::Equals(stored, sent)) << sent.source_id() << ": " << stored.ShortDebugString();
    }
    for (const auto& sent : known_reviews_) {
      supervision::v1::GetRecordRequest key;
      key.set_agency_credit_code(sent.agency_credit_code());
      key.set_source_id(sent.source_id());
      supervision::v1::Review stored;
      const grpc::Status status = Call("province", &SupervisionService::Stub::GetReview, key, &stored);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      EXPECT_EQ(stored.city_code(), "140100") << sent.source_id();
      EXPECT_EQ(stored.unit_city_code(), "140100") << sent.source_id();
      EXPECT_EQ(stored.has_rectification(), !sent.rectification_deadline().empty()) << sent.source_id();
      stored.clear_city_code();
      stored.clear_unit_city_code();
      stored.clear_year();
      stored.clear_quarter();
      stored.clear_published_on();
      stored.clear_timeliness();
      stored.clear_change_seq();
      stored.clear_rectification();
      EXPECT_TRUE(MessageDifferencer::Equals(stored, sent)) << sent.source_id() << ": " << stored.ShortDebugString();
    }
    for (const auto& sent : known_supervisions_) {
      supervision::v1::GetRecordRequest key;
      key.set_agency_credit_code(sent.agency_credit_code());
      key.set_source_id(sent.source_id());
      supervision::v1::Supervision stored;
      const grpc::Status status = Call("", &SupervisionService::Stub::GetSupervision, key, &stored);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      EXPECT_EQ(stored.city_code(), "140100") << sent.source_id();
      EXPECT_EQ(stored.problem_count(), 1) << sent.source_id();
      stored.clear_city_code();
      stored.clear_published_on();
      stored.clear_timeliness();
      stored.clear_change_seq();
      stored.clear_problems_by_unit();
      stored.clear_problems_by_domain();
      stored.clear_problem_count();
      EXPECT_TRUE(MessageDifferencer::Equals(stored, sent)) << sent.source_id() << ": " << stored.ShortDebugString();
    }
  }

  // Every known plan, task and result, read back as the public reads them,
  // is as sent but for the fields the platform sets; the result also as its
  // city reads it.
  void ExpectKnownInspectionsStored() {
    using google::protobuf::util::MessageDifferencer;
    for (const auto& sent : known_plans_) {
      inspections::v1::Plan stored;
      const grpc::Status status = Call("", &InspectionsService::Stub::GetPlan, KeyOf(sent), &stored);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      EXPECT_EQ(stored.city_code(), "140100") << sent.source_id();
      stored.clear_city_code();
      stored.clear_published_on();
      stored.clear_timeliness();
      stored.clear_change_seq();
      EXPECT_TRUE(MessageDifferencer::Equals(stored, sent)) << sent.source_id() << ": " << stored.ShortDebugString();
    }
    for (const auto& sent : known_tasks_) {
      inspections::v1::Task stored;
      const grpc::Status status = Call("", &InspectionsService::Stub::GetTask, KeyOf(sent), &stored);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      EXPECT_EQ(stored.city_code(), "140100") << sent.source_id();
      EXPECT_EQ(stored.results_expected(), 1) << sent.source_id();
      EXPECT_EQ(stored.results_published(), 1) << sent.source_id();
      stored.clear_city_code();
      stored.clear_published_on();
      stored.clear_change_seq();
      stored.clear_results_expected();
      stored.clear_results_published();
      EXPECT_TRUE(MessageDifferencer::Equals(stored, sent)) << sent.source_id() << ": " << stored.ShortDebugString();
    }
    const auto without_platform_fields = [](inspections::v1::Result result) {
      result.clear_city_code();
      result.clear_domain();
      result.clear_published_on();
      result.clear_timeliness();
      result.clear_change_seq();
      return result;
    };
    for (const auto& sent : known_results_) {
      inspections::v1::SearchResultsRequest search;
      search.set_credit_code(sent.object().credit_code());
      inspections::v1::SearchResultsResponse found;
      grpc::Status status = Call("", &InspectionsService::Stub::SearchResults, search, &found);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      const inspections::v1::Result* published = nullptr;
      for (const auto& r : found.results()) {
        if (r.agency_credit_code() == sent.agency_credit_code() && r.source_id() == sent.source_id()) published = &r;
      }
      EXPECT_NE(published, nullptr) << sent.source_id() << " is not found by its object's credit code";
      if (published != nullptr) {
        EXPECT_EQ(published->city_code(), "140100") << sent.source_id();
        EXPECT_EQ(published->domain(), "market_regulation") << sent.source_id();
        EXPECT_TRUE(MessageDifferencer::Equals(without_platform_fields(*published), sent))
            << sent.source_id() << ": " << published->ShortDebugString();
      }

      inspections::v1::Result whole;
      status = Call("city-140100", &InspectionsService::Stub::GetResult, KeyOf(sent), &whole);
      EXPECT_TRUE(status.ok()) << sent.source_id() << ": " << status.error_message();
      EXPECT_TRUE(MessageDifferencer::Equals(without_platform_fields(whole), sent))
          << sent.source_id() << ": " << whole.ShortDebugString();
    }
  }

  // The process of the platform that no longer runs, or "".
  std::string Ended() const {
    if (!platform_->gateway().process->alive()) return "gateway";
    for (const auto& entry : common::ServiceTable()) {
      if (!platform_->service(entry.name).process->alive()) return entry.name;
    }
    return "";
  }

  std::string known_agency_;
  std::string fuzz_agency_;
  std::vector<penalties::v1::PenaltyDecision> known_decisions_;
  std::vector<registry::v1::Agency> known_agencies_;
  std::map<std::string, std::string> known_requests_;  // information requested, by request id
  std::vector<inspections::v1::Plan> known_plans_;
  std::vector<inspections::v1::Task> known_tasks_;
  std::vector<inspections::v1::Result> known_results_;
  std::vector<supervision::v1::Round> known_rounds_;
  std::vector<supervision::v1::Review> known_reviews_;
  std::vector<supervision::v1::Supervision> known_supervisions_;
  std::vector<std::string> page_tokens_;  // next page tokens the inspections' lists answered
};

TEST_F(FuzzEndToEnd, RandomAndMutatedRequestsToEveryMethodNeverCrashFailInternallyOrLoseRecords) {
  const uint64_t seed = Setting("GONGKAI_FUZZ_SEED", 20261201);
  const auto seconds = static_cast<int64_t>(Setting("GONGKAI_FUZZ_SECONDS", 20));
  std::cout << "fuzz: seed " << seed << " (GONGKAI_FUZZ_SEED), " << seconds << " s (GONGKAI_FUZZ_SECONDS)" << std::endl;

  const std::vector<Route> routes = Routes();
  ASSERT_FALSE(routes.empty());
  // Client streams carry several messages each and weigh three times.
  std::vector<const Route*> draw;
  for (const auto& route : routes) {
    for (int n = route.client_streaming ? 3 : 1; n > 0; --n) draw.push_back(&route);
  }
  auto seeds = Seeds();  // first: Plausible holds the page tokens it keeps
  Inputs inputs(seed, Plausible(), std::move(seeds));
  const std::vector<std::string> principals = {"", "city-140100", "city-140200", "province", "desk", "desk-2"};
  const std::vector<std::string> forged = {"Bearer city-140100.not-the-secret", "Bearer ", "Basic Y2l0eTpzZWNyZXQ=",
                                           "bearer " + platform_->Authorization("city-140100").substr(7),
                                           "Bearer " + std::string(4000, 'A')};
  const std::vector<std::string> odd_paths = {"/gongkai.penalties.v1.PenaltiesService/Nope",
                                              "/gongkai.penalties.v1.PenaltiesService/",
                                              "/gongkai.penalties.v1.PenaltiesService/UpsertDecisions/x",
                                              "/gongkai.penalties.v1.penaltiesservice/upsertdecisions",
                                              "/grpc.health.v1.Health/Check",
                                              "/x/y",
                                              "//"};

  int round = 0;
  WriteKnown(round++);
  const auto channel = platform_->Gateway();
  std::map<std::string, std::map<grpc::StatusCode, int64_t>> by_method;
  std::map<std::string, BatchTally> batches;  // of the batch writes answered OK, by method
  int64_t batch_failures = 0;
  std::map<grpc::StatusCode, int64_t> by_code;
  std::deque<SentCall> last;  // the latest calls, for the report of a crash
  int64_t calls = 0;
  int64_t messages = 0;
  int64_t failures = 0;
  std::string ended;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (calls > 0 && calls % kKnownEvery == 0) WriteKnown(round++);
    const Route& route = *inputs.Pick(draw);
    SentCall call;
    call.number = calls;
    call.method = inputs.Chance(2) ? inputs.Pick(odd_paths) : route.path;

    std::string authorization;
    if (inputs.Chance(3)) {
      authorization = inputs.Pick(forged);
      call.principal = "forged '" + authorization.substr(0, 40) + "'";
    } else {
      std::string principal = inputs.Pick(principals);
      if (!route.info.allowed.empty() && inputs.Chance(75)) {
        // One the method admits.
        switch (inputs.Pick(route.info.allowed)) {
          case common::v1::ROLE_CITY: principal = inputs.Chance(85) ? "city-140100" : "city-140200"; break;
          case common::v1::ROLE_PROVINCE: principal = "province"; break;
          case common::v1::ROLE_DESK: principal = inputs.Chance(85) ? "desk" : "desk-2"; break;
          default: break;
        }
      }
      if (!principal.empty()) authorization = platform_->Authorization(principal);
      call.principal = principal.empty() ? "public" : principal;
    }

    int count = 1;
    if (route.client_streaming) {
      count = inputs.Chance(5) ? 0 : inputs.Int(1, 4);
    } else if (inputs.Chance(5)) {
      count = inputs.Chance(50) ? 0 : 2;  // a unary call with no message, or two
    }
    for (int i = 0; i < count; ++i) call.messages.push_back(inputs.Request(*route.info.input));
    call.cancelled = inputs.Chance(2);

    std::vector<std::string> answers;
    const grpc::Status status = RawCall(channel, call.method, authorization, call.messages, call.cancelled, &answers);
    ++calls;
    messages += static_cast<int64_t>(call.messages.size());
    ++by_code[status.error_code()];
    ++by_method[call.method == route.path ? route.path : "(unknown paths)"][status.error_code()];
    const auto code = status.error_code();
    if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN ||
        code == grpc::StatusCode::DATA_LOSS) {
      if (++failures <= kReportedFailures) {
        ADD_FAILURE() << "answered " << CodeName(code) << " \"" << status.error_message() << "\" to " << Describe(call);
      }
    }
    // A batch write answered OK: no record of it dropped, each one's fate told.
    if (status.ok() && route.records != nullptr && call.method == route.path && call.messages.size() == 1 &&
        !call.cancelled) {
      const std::string problem = answers.size() == 1
                                      ? BatchAnswerProblem(route, call.messages[0], answers[0], batches[route.path])
                                      : std::string("answered OK with ") + std::to_string(answers.size()) + " messages";
      if (!problem.empty() && ++batch_failures <= kReportedFailures) {
        ADD_FAILURE() << problem << ", in the answer to " << Describe(call);
      }
    }
    last.push_back(std::move(call));
    if (last.size() > 3) last.pop_front();
    ended = Ended();
    if (!ended.empty()) break;
  }

  std::cout << "fuzz: " << calls << " calls, " << messages << " messages; by code:";
  for (const auto& [code, n] : by_code) std::cout << " " << CodeName(code) << "=" << n;
  std::cout << "\n";
  for (const auto& [method, codes] : by_method) {
    std::cout << "  " << method << ":";
    for (const auto& [code, n] : codes) std::cout << " " << CodeName(code) << "=" << n;
    std::cout << "\n";
  }
  std::cout << "fuzz: batch writes answered OK, records by outcome:\n";
  for (const auto& [method, tally] : batches) {
    std::cout << "  " << method << ": " << tally.answers << " answers;";
    for (const auto& [outcome, n] : tally.records) std::cout << " " << RecordResult::Outcome_Name(outcome) << "=" << n;
    std::cout << "\n";
  }
  std::cout << std::flush;

  // Given the time for it, every routed method was called, and some calls got
  // through to the services' own answers.
  if (calls >= static_cast<int64_t>(20 * draw.size())) {
    for (const auto& route : routes) EXPECT_TRUE(by_method.count(route.path)) << route.path << " never called";
    EXPECT_GT(by_code[grpc::StatusCode::OK], 0);
  }
  EXPECT_EQ(failures, 0) << "calls answered INTERNAL, UNKNOWN or DATA_LOSS (the first " << kReportedFailures
                         << " are reported above; seed " << seed << ")";
  EXPECT_EQ(batch_failures, 0) << "batch writes whose answer drops a record or misreports one (the first "
                               << kReportedFailures << " are reported above; seed " << seed << ")";
  if (!ended.empty()) {
    std::string calls_before;
    for (const auto& call : last) calls_before += "\n" + Describe(call);
    ADD_FAILURE() << ended << " is no longer running (seed " << seed << "); the last calls:" << calls_before;
  }
  ASSERT_TRUE(ended.empty());
  for (const auto& entry : common::ServiceTable()) {
    EXPECT_EQ(testing::HealthOf(platform_->Direct(entry.name)), "SERVING") << entry.name;
  }

  WriteKnown(round++);
  ExpectKnownStored();
  std::cout << "fuzz: " << known_decisions_.size() << " decisions, " << known_agencies_.size() << " agencies, "
            << known_requests_.size() << " requests, " << known_plans_.size() << " inspection plans, "
            << known_tasks_.size() << " tasks, " << known_results_.size() << " results, " << known_rounds_.size()
            << " review rounds, " << known_reviews_.size() << " reviews and " << known_supervisions_.size()
            << " supervisions sent in " << round << " rounds, read back" << std::endl;
  EXPECT_EQ(known_requests_.size(), static_cast<std::size_t>(round));
  EXPECT_EQ(known_results_.size(), static_cast<std::size_t>(round));
  EXPECT_EQ(known_reviews_.size(), static_cast<std::size_t>(round));
  EXPECT_EQ(known_supervisions_.size(), static_cast<std::size_t>(round));
}

}  // namespace
}  // namespace gongkai
