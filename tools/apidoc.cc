// gongkai-apidoc <descriptor set> <folder>: writes the API reference, one
// HTML page per routed package and an index, from the protos' own comments
// (the descriptor set build/gongkai.protoset, with source info) and their
// access options. The build writes it to build/web/api/, which the gateway
// serves at /api/.
#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>

#include "common/domains.h"
#include "common/identity.h"
#include "gateway/routes.h"

namespace {

using google::protobuf::Descriptor;
using google::protobuf::DescriptorPool;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::ServiceDescriptor;
using google::protobuf::SourceLocation;

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// A declaration's leading comment, as paragraphs.
template <typename D>
std::string Comment(const D& descriptor) {
  SourceLocation location;
  if (!descriptor.GetSourceLocation(&location) || location.leading_comments.empty()) return "";
  std::string text = location.leading_comments;
  std::string out = "<p>";
  std::istringstream lines(text);
  bool blank = false;
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && line[0] == ' ') line.erase(0, 1);
    if (line.empty()) {
      blank = true;
      continue;
    }
    if (blank) out += "</p><p>";
    blank = false;
    out += Escape(line) + "\n";
  }
  return out + "</p>";
}

std::string PageOf(const std::string& package) { return package + ".html"; }

// A link to a type's definition: on its package's page when that page is
// written, otherwise its name alone.
std::string TypeLink(const std::string& full_name, const std::string& package, const std::set<std::string>& pages) {
  if (pages.count(package) == 0) return "<code>" + Escape(full_name) + "</code>";
  return "<a href=\"" + PageOf(package) + "#" + Escape(full_name) + "\"><code>" + Escape(full_name) + "</code></a>";
}

std::string FieldType(const FieldDescriptor& field, const std::set<std::string>& pages) {
  std::string type;
  if (field.is_map()) {
    return "map&lt;" + FieldType(*field.message_type()->map_key(), pages) + ", " +
           FieldType(*field.message_type()->map_value(), pages) + "&gt;";
  }
  if (field.message_type() != nullptr) {
    type = TypeLink(field.message_type()->full_name(), field.message_type()->file()->package(), pages);
  } else if (field.enum_type() != nullptr) {
    type = TypeLink(field.enum_type()->full_name(), field.enum_type()->file()->package(), pages);
  } else {
    type = std::string("<code>") + field.type_name() + "</code>";
  }
  return field.is_repeated() ? "repeated " + type : type;
}

void WriteEnum(std::ostream& out, const EnumDescriptor& type) {
  out << "<h3 id=\"" << Escape(type.full_name()) << "\">enum " << Escape(type.full_name()) << "</h3>\n"
      << Comment(type) << "<table><tr><th>value</th><th>number</th><th></th></tr>\n";
  for (int i = 0; i < type.value_count(); ++i) {
    const auto& value = *type.value(i);
    out << "<tr><td><code>" << Escape(value.name()) << "</code></td><td>" << value.number() << "</td><td>"
        << Comment(value) << "</td></tr>\n";
  }
  out << "</table>\n";
}

void WriteMessage(std::ostream& out, const Descriptor& type, const std::set<std::string>& pages) {
  if (type.options().map_entry()) return;
  out << "<h3 id=\"" << Escape(type.full_name()) << "\">message " << Escape(type.full_name()) << "</h3>\n"
      << Comment(type);
  if (type.field_count() > 0) {
    out << "<table><tr><th>field</th><th>JSON</th><th>type</th><th></th></tr>\n";
    for (int i = 0; i < type.field_count(); ++i) {
      const auto& field = *type.field(i);
      std::string oneof;
      if (field.real_containing_oneof() != nullptr) {
        oneof = "<p class=\"note\">one of <code>" + Escape(field.real_containing_oneof()->name()) + "</code></p>";
      }
      out << "<tr><td><code>" << Escape(field.name()) << "</code> = " << field.number() << "</td><td><code>"
          << Escape(field.json_name()) << "</code></td><td>" << FieldType(field, pages) << "</td><td>" << Comment(field)
          << oneof << "</td></tr>\n";
    }
    out << "</table>\n";
  }
  for (int i = 0; i < type.enum_type_count(); ++i) WriteEnum(out, *type.enum_type(i));
  for (int i = 0; i < type.nested_type_count(); ++i) WriteMessage(out, *type.nested_type(i), pages);
}

std::string Roles(const gongkai::gateway::MethodInfo& info) {
  std::string out;
  for (auto role : info.allowed) {
    if (!out.empty()) out += ", ";
    out += gongkai::common::RoleName(role);
  }
  return out.empty() ? "nobody through the gateway" : out;
}

void WriteService(std::ostream& out, const ServiceDescriptor& service, const std::set<std::string>& pages) {
  out << "<h2 id=\"" << Escape(service.full_name()) << "\">service " << Escape(service.full_name()) << "</h2>\n"
      << Comment(service);
  for (int i = 0; i < service.method_count(); ++i) {
    const auto& method = *service.method(i);
    const std::string path = "/" + service.full_name() + "/" + method.name();
    auto info = gongkai::gateway::LookUpMethod(path);
    out << "<h3 id=\"" << Escape(method.full_name()) << "\">" << Escape(method.name()) << "</h3>\n"
        << Comment(method) << "<dl><dt>request</dt><dd>" << (method.client_streaming() ? "stream " : "")
        << TypeLink(method.input_type()->full_name(), method.input_type()->file()->package(), pages)
        << "</dd><dt>response</dt><dd>" << (method.server_streaming() ? "stream " : "")
        << TypeLink(method.output_type()->full_name(), method.output_type()->file()->package(), pages)
        << "</dd><dt>gRPC</dt><dd><code>" << Escape(path) << "</code></dd>";
    if (info) {
      out << "<dt>who may call</dt><dd>" << Escape(Roles(*info)) << (info->rate_limited ? " (rate-limited)" : "")
          << "</dd>";
      if (info->grpc_type == "unary") {
        out << "<dt>HTTP</dt><dd><code>POST " << Escape(path) << "</code> with JSON"
            << (info->no_side_effects
                    ? ", or <code>GET " + Escape(path) + "?encoding=json&amp;message=…</code> (a read)"
                    : "")
            << "</dd>";
      } else {
        out << "<dt>HTTP</dt><dd>none: a stream, for gRPC clients</dd>";
      }
    }
    out << "</dl>\n";
  }
}

const char* kHead =
    "<!doctype html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
    "<link rel=\"stylesheet\" href=\"/style.css\"><title>";

void WritePage(const std::filesystem::path& dir, const std::string& package,
               const std::vector<const FileDescriptor*>& files, const std::set<std::string>& pages) {
  std::ofstream out(dir / PageOf(package));
  out << kHead << "API " << Escape(package) << "</title></head><body><header><h1>gongkai API</h1><nav>"
      << "<a href=\"index.html\">packages</a></nav></header><main><section><h1>" << Escape(package) << "</h1>\n";
  for (const auto* file : files) {
    for (int i = 0; i < file->service_count(); ++i) WriteService(out, *file->service(i), pages);
  }
  out << "</section><section><h2>messages and enums</h2>\n";
  for (const auto* file : files) {
    for (int i = 0; i < file->message_type_count(); ++i) WriteMessage(out, *file->message_type(i), pages);
    for (int i = 0; i < file->enum_type_count(); ++i) WriteEnum(out, *file->enum_type(i));
  }
  out << "</section></main></body></html>\n";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: gongkai-apidoc <descriptor set> <folder>\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  google::protobuf::FileDescriptorSet set;
  if (!in || !set.ParseFromIstream(&in)) {
    std::cerr << "gongkai-apidoc: cannot read the descriptor set " << argv[1] << "\n";
    return 1;
  }
  DescriptorPool pool;
  for (const auto& file : set.file()) {
    if (pool.BuildFile(file) == nullptr) {
      std::cerr << "gongkai-apidoc: " << file.name() << " does not build\n";
      return 1;
    }
  }
  // The packages of the routed services, and those their messages come from.
  std::map<std::string, std::vector<const FileDescriptor*>> packages;
  for (const auto& proto : set.file()) {
    const FileDescriptor* file = pool.FindFileByName(proto.name());
    if (file->package().starts_with("gongkai.") || file->package().starts_with("google.rpc")) {
      packages[file->package()].push_back(file);
    }
  }
  std::set<std::string> pages;
  for (const auto& [package, files] : packages) pages.insert(package);
  const std::filesystem::path dir(argv[2]);
  std::filesystem::create_directories(dir);
  for (const auto& [package, files] : packages) WritePage(dir, package, files, pages);

  std::ofstream index(dir / "index.html");
  index << kHead << "gongkai API</title></head><body><header><h1>gongkai API</h1></header><main><section>"
        << "<p>Every method is reached through the gateway: over gRPC, or over HTTP with JSON in the Connect "
        << "protocol (<code>POST /&lt;package&gt;.&lt;Service&gt;/&lt;Method&gt;</code>). Send "
        << "<code>authorization: Bearer &lt;token&gt;</code>; without it the caller is the public. docs/API.md "
        << "in the repository says more.</p><ul>\n";
  for (const auto& service : gongkai::gateway::RoutedServices()) {
    const std::string package = service->file()->package();
    index << "<li><a href=\"" << PageOf(package) << "#" << Escape(service->full_name()) << "\">"
          << Escape(service->full_name()) << "</a></li>\n";
  }
  index << "</ul><h2>packages</h2><ul>\n";
  for (const auto& [package, files] : packages) {
    index << "<li><a href=\"" << PageOf(package) << "\">" << Escape(package) << "</a></li>\n";
  }
  index << "</ul><h2 id=\"domains\">enforcement domain codes</h2><ul>\n";
  for (const auto& domain : gongkai::common::EnforcementDomains()) {
    index << "<li><code>" << Escape(domain) << "</code></li>\n";
  }
  index << "</ul></section></main></body></html>\n";
  return 0;
}
