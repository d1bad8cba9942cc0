#pragma once

#include <optional>
#include <string>

#include "common/clock.h"
#include "common/paging.h"
#include "common/violations.h"

namespace gongkai::requests {

// A public consultation (咨询) as the desk registers it. asked_on is nullopt
// when what was sent is not a date (ValidateConsultation names it).
struct Consultation {
  std::optional<common::Date> asked_on;
  bool channel_set = false;
  std::string question;
  std::string contact;
};

// The desk's answer to a consultation. answered_on is nullopt when what was
// sent is not a date (ValidateAnswer names it).
struct ConsultationAnswer {
  std::optional<common::Date> answered_on;
  std::string answer;
};

// Every field the consultation lacks or breaks: asked_on a date not after
// `today`, a channel, a question that is not blank (at most 20000 bytes,
// line breaks allowed), a contact of one line of at most 500 bytes. Text is
// UTF-8 without control characters.
common::Violations ValidateConsultation(const Consultation& consultation, common::Date today);

// Every field the answer lacks or breaks: answered_on a date not after
// `today`, an answer that is not blank (at most 20000 bytes, line breaks
// allowed, no other control characters).
common::Violations ValidateAnswer(const ConsultationAnswer& answer, common::Date today);

// The desk's list of open consultations holds at most 100 a page (a larger
// page_size is taken as 100): an open consultation's view carries its
// question (at most 20,000 bytes) and no answer, so a full page stays near
// 2 MB, under a default client's 4 MB.
inline constexpr common::PageLimits kOpenConsultationsPage{50, 100};

// An answer is not dated before the question ("answered_on").
common::Violations CheckAnswerDate(common::Date answered_on, common::Date asked_on);

}  // namespace gongkai::requests
