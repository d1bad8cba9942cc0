#include "gateway/web_files.h"

#include <qrencode.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "common/encoding.h"

namespace gongkai::gateway {

WebFiles WebFiles::Load(const std::string& dir, std::size_t max_bytes) {
  namespace fs = std::filesystem;
  WebFiles out;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw std::runtime_error("GONGKAI_WEB_DIR: " + dir + " is not a folder");
  std::size_t total = 0;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->path().filename().string().starts_with(".")) {  // the build's marks, an editor's files
      if (it->is_directory()) it.disable_recursion_pending();
      continue;
    }
    if (it->is_directory()) continue;
    if (!it->is_regular_file()) {
      throw std::runtime_error("GONGKAI_WEB_DIR: " + it->path().string() + " is not a regular file");
    }
    std::ifstream in(it->path(), std::ios::binary);
    std::ostringstream body;
    body << in.rdbuf();
    if (!in) throw std::runtime_error("GONGKAI_WEB_DIR: cannot read " + it->path().string());
    File file{ContentTypeOfFile(it->path().string()), body.str(), ""};
    file.etag = "\"" + common::Sha256Hex(file.body).substr(0, 32) + "\"";
    total += file.body.size();
    if (total > max_bytes) {
      throw std::runtime_error("GONGKAI_WEB_DIR: " + dir + " holds more than " + std::to_string(max_bytes) + " bytes");
    }
    out.files_["/" + fs::relative(it->path(), dir).generic_string()] = std::move(file);
  }
  if (ec) throw std::runtime_error("GONGKAI_WEB_DIR: cannot read " + dir + ": " + ec.message());
  return out;
}

const WebFiles::File* WebFiles::Find(std::string_view path) const {
  if (path.empty() || path.front() != '/' || path.find("..") != std::string_view::npos) return nullptr;
  std::string key(path);
  if (key.back() == '/') key += "index.html";
  auto it = files_.find(key);
  return it == files_.end() ? nullptr : &it->second;
}

std::string ContentTypeOfFile(std::string_view path) {
  auto dot = path.rfind('.');
  std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json") return "application/json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "ico") return "image/x-icon";
  if (ext == "md" || ext == "txt") return "text/plain; charset=utf-8";
  if (ext == "csv") return "text/csv; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> QrSvg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M),
                                                       &QRcode_free);
  if (!code) return std::nullopt;
  constexpr int kQuiet = 4;
  const int width = code->width;
  const int size = width + 2 * kQuiet;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      if (code->data[y * width + x] & 1) {
        path += "M" + std::to_string(x + kQuiet) + " " + std::to_string(y + kQuiet) + "h1v1h-1z";
      }
    }
  }
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + std::to_string(size) + " " +
         std::to_string(size) + "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" " +
         "fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>\n";
}

}  // namespace gongkai::gateway
