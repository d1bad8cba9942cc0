#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/violations.h"

namespace gongkai::common {

// Every list of the platform pages by keyset: a page token is the sort key
// of the last row of the previous page, opaque to clients (base64url of the
// fields, length-prefixed, behind a marker) and checked when it comes back.
using PagePosition = std::vector<std::string>;

std::string EncodePageToken(const PagePosition& position);
// nullopt for a token this platform did not make, or one of another shape
// than `fields` fields.
std::optional<PagePosition> DecodePageToken(const std::string& token, std::size_t fields);

struct PageLimits {
  int fallback = 50;
  int max = 500;
};

// The page a list request asks for.
struct Page {
  int size = 50;
  PagePosition after;  // empty on the first page
};

// Reads a list request's page_size and page_token. The one page-size rule:
// negative is a violation, 0 means `limits.fallback`, more than `limits.max`
// is clamped; a token this service did not issue (or of another list: a
// different number of fields) is a violation of "page_token".
Page ReadPage(Violations& out, int64_t page_size, const std::string& page_token, std::size_t fields,
              PageLimits limits = {});

// The same size rule for a count named otherwise (a feed's "limit").
int ReadPageSize(Violations& out, const std::string& field, int64_t requested, PageLimits limits = {});

// Takes one page from rows read with a limit of size + 1: drops the extra row
// and returns the next page's token, or "" on the last page. `position(row)`
// gives a row's keyset fields.
template <typename Row, typename Position>
std::string TakePage(std::vector<Row>& rows, int size, Position&& position) {
  if (static_cast<int>(rows.size()) <= size) return "";
  rows.resize(size);
  return EncodePageToken(position(rows.back()));
}

// The lists that page newest first by a change sequence (a row's
// `change_seq`): a page token holds the last seq listed. SeqPageStart reads
// it from a page read with ReadPage(..., 1, ...): 0 on the first page, a
// violation of "page_token" when it is not a positive number. TakeSeqPage
// cuts `rows` (read with one more than `size`) and answers the next token.
int64_t SeqPageStart(Violations& out, const Page& page);
template <typename Row>
std::string TakeSeqPage(std::vector<Row>& rows, int size) {
  return TakePage(rows, size, [](const Row& last) { return PagePosition{std::to_string(last.change_seq)}; });
}

}  // namespace gongkai::common
