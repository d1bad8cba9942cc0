#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace gongkai::gateway {

// The web pages the HTTP door serves (the portal, the desk, the province
// dashboard, the API reference): every file under a folder but those whose
// name starts with a dot, read once at start, so a request never touches
// the file system.
class WebFiles {
 public:
  struct File {
    std::string content_type;
    std::string body;
    std::string etag;  // a hash of the body, quoted
  };

  WebFiles() = default;
  // Throws std::runtime_error naming the folder when it cannot be read, a
  // file in it that is not a regular file, or when it holds more than
  // `max_bytes` in all.
  static WebFiles Load(const std::string& dir, std::size_t max_bytes = 64 * 1024 * 1024);

  // The file at a request path: "/" and a folder ("/api/") are their
  // index.html. nullptr for anything else, a path with ".." among them.
  const File* Find(std::string_view path) const;
  std::size_t size() const { return files_.size(); }

 private:
  std::map<std::string, File, std::less<>> files_;  // by path, "/desk.html"
};

// "text/html; charset=utf-8" for .html, and so on; application/octet-stream
// for an extension not known.
std::string ContentTypeOfFile(std::string_view path);

// The QR code of `text` as an SVG image (libqrencode, error correction M,
// with the 4-module quiet zone); nullopt when the text is too long for a
// QR code.
std::optional<std::string> QrSvg(const std::string& text);

}  // namespace gongkai::gateway
