#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/calendar/request_clock.h"
#include "common/violations.h"

namespace gongkai::requests {

// The applicant of a disclosure request (申请人). Never in public reads, logs
// or metric labels.
struct Applicant {
  enum class Kind { kUnset = 0, kNaturalPerson = 1, kLegalPerson = 2 };
  Kind kind = Kind::kUnset;
  std::string name;
  std::string id_number;    // natural persons (GB 11643), optional
  std::string credit_code;  // legal persons (GB 32100), optional
  std::string phone;
  std::string email;
  std::string address;
};

enum class DeliveryMethod { kUnset = 0, kInPerson = 1, kMail = 2, kEmail = 3, kOnline = 4, kFax = 5 };

// A request as the desk registers it (依申请公开).
struct DisclosureRequest {
  common::ReceiptChannel channel = common::ReceiptChannel::kOnline;
  bool channel_set = false;
  // T0 by channel (Art. 31): in person, the day handed in; registered mail, the
  // day signed for; ordinary letter, online and fax, the day receipt was confirmed.
  std::string received_on;  // YYYY-MM-DD
  Applicant applicant;
  std::string information_requested;
  DeliveryMethod delivery = DeliveryMethod::kUnset;
};

common::Violations ValidateRequest(const DisclosureRequest& request, const std::string& today);

// Art. 36/37 reply outcomes, plus 不予处理 (Art. 35 and non-OGI matters).
enum class ReplyOutcome {
  kUnset = 0,
  kAlreadyPublic = 1,       // 已主动公开: how to get it
  kDisclosed = 2,           // 予以公开: how to get it
  kPartlyDisclosed = 3,     // 部分公开 (Art. 37): how to get it, what was withheld and why
  kNotDisclosed = 4,        // 不予公开: reason and legal basis
  kDoesNotExist = 5,        // 信息不存在
  kNotHeld = 6,             // 非本机关掌握: the holder and its contact when known
  kRepeatRequest = 7,       // 重复申请: the earlier reply
  kSpecialProcedure = 8,    // 按其他法律办理: the law to follow
  kNotHandled = 9,          // 不予处理: why (信访/投诉/举报, or excessive under Art. 35)
};

// A reply (答复) with the elements its outcome needs. Every reply carries the
// remedy (复议/诉讼) and how and when it was delivered.
struct Reply {
  ReplyOutcome outcome = ReplyOutcome::kUnset;
  std::string replied_on;  // YYYY-MM-DD
  std::string how_to_obtain;
  std::string withheld_parts;
  std::string withheld_reason;
  std::string reason;
  std::string legal_basis;
  std::string holder_name;
  std::string holder_contact;
  std::string earlier_reply_reference;
  std::string applicable_law;
  std::string not_handled_reason;
  std::string remedy;  // 复议机关 and court, with their time limits
  DeliveryMethod delivered_by = DeliveryMethod::kUnset;
  std::string delivered_on;  // YYYY-MM-DD
  // The fee charged, when one is (国办函〔2020〕109号), computed by FeeFor.
  int64_t fee_fen = 0;
};

// Every element the reply's outcome needs and lacks, each named by field
// (prefix "reply."); dates must be valid, delivery not before the reply, the
// reply not after `today`.
common::Violations ValidateReply(const Reply& reply, const std::string& today);

// True when the reply has every element its outcome needs (ValidateReply is empty).
bool IsComplete(const Reply& reply, const std::string& today);

// Fees under 国办函〔2020〕109号. One scheme per request, never both.
enum class FeeScheme { kNone = 0, kPerRequest = 1, kPerPage = 2 };

// Per request (按件计收): the n-th request of one applicant in one calendar
// month (n >= 1): 1-10 free; 11-30 100 yuan each; from 31, each further band of
// 10 requests costs 100 yuan more per request (31-40: 200, 41-50: 300, ...).
int64_t PerRequestFeeFen(int nth_request_in_month);

// Per page (按量计收), the fee for one request of `pages` pages: up to 30 free;
// pages 31-100 at 10 yuan; 101-200 at 20 yuan; beyond 200 at 40 yuan.
int64_t PerPageFeeFen(int pages);

// The fee of a request under its scheme: `count` is the applicant's n-th
// request in the month (per request) or the page count (per page).
int64_t FeeFor(FeeScheme scheme, int count);

// What the desk sees of a deadline (the best request trackers' states).
enum class DeskState { kOnTrack = 1, kDueSoon = 2, kOverdue = 3, kVeryOverdue = 4, kClosed = 5 };

// Open and due in more than 3 working days: on track; due within 3 (today
// included): due soon; past due: overdue; past twice the limit: very overdue.
DeskState DeskStateOf(bool open, int working_days_left, int limit_working_days, int working_days_used);

}  // namespace gongkai::requests
