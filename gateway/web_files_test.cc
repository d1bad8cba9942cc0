#include "gateway/web_files.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace gongkai::gateway {
namespace {

class WebFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/gongkai-web-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::filesystem::create_directories(dir_ + "/api");
    std::filesystem::create_directories(dir_ + "/.hidden");
    std::ofstream(dir_ + "/index.html") << "<h1>门户</h1>";
    std::ofstream(dir_ + "/app.js") << "export {};";
    std::ofstream(dir_ + "/api/index.html") << "api";
    std::ofstream(dir_ + "/.copied") << "";
    std::ofstream(dir_ + "/.hidden/secret.html") << "no";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(WebFilesTest, ServesEveryFileByPathWithItsType) {
  auto files = WebFiles::Load(dir_);
  EXPECT_EQ(files.size(), 3u);
  ASSERT_NE(files.Find("/"), nullptr);
  EXPECT_EQ(files.Find("/")->body, "<h1>门户</h1>");
  EXPECT_EQ(files.Find("/index.html")->content_type, "text/html; charset=utf-8");
  EXPECT_EQ(files.Find("/app.js")->content_type, "text/javascript; charset=utf-8");
  ASSERT_NE(files.Find("/api/"), nullptr);
  EXPECT_EQ(files.Find("/api/")->body, "api");
  EXPECT_EQ(files.Find("/")->etag.size(), 34u);
  EXPECT_NE(files.Find("/")->etag, files.Find("/app.js")->etag);
}

TEST_F(WebFilesTest, NothingOutsideTheFolderNorHidden) {
  auto files = WebFiles::Load(dir_);
  EXPECT_EQ(files.Find("/../etc/passwd"), nullptr);
  EXPECT_EQ(files.Find("/api/../index.html"), nullptr);
  EXPECT_EQ(files.Find("/.copied"), nullptr);
  EXPECT_EQ(files.Find("/.hidden/secret.html"), nullptr);
  EXPECT_EQ(files.Find("index.html"), nullptr);
  EXPECT_EQ(files.Find("/nothing.html"), nullptr);
}

TEST_F(WebFilesTest, AFolderThatIsNotThereOrTooBigIsRefused) {
  EXPECT_THROW(WebFiles::Load(dir_ + "/missing"), std::runtime_error);
  EXPECT_THROW(WebFiles::Load(dir_, 10), std::runtime_error);
}

TEST(QrTest, AnSvgOfTheTextWithItsQuietZone) {
  auto svg = QrSvg("http://127.0.0.1:8100/verify.html?officer_code=ABC123");
  ASSERT_TRUE(svg);
  // Version 4 (33 modules) at level M for 54 bytes, plus 4 on each side.
  EXPECT_NE(svg->find("viewBox=\"0 0 41 41\""), std::string::npos) << *svg;
  // The top-left finder pattern starts at the quiet zone's edge.
  EXPECT_NE(svg->find("M4 4h1v1h-1z"), std::string::npos);
  EXPECT_FALSE(QrSvg(std::string(8000, 'x')));
}

}  // namespace
}  // namespace gongkai::gateway
