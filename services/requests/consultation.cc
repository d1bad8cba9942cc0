#include "services/requests/consultation.h"

#include "common/fields.h"
#include "common/text.h"
#include "services/requests/request.h"

namespace gongkai::requests {
namespace {

constexpr std::size_t kMaxText = 20000;
constexpr std::size_t kMaxContact = 500;

}  // namespace

common::Violations ValidateConsultation(const Consultation& c, common::Date today) {
  common::Violations out;
  common::CheckPastDate(out, "asked_on", c.asked_on, today);
  if (!c.channel_set) out.push_back({"channel", "required"});
  if (common::IsAsciiBlank(c.question)) {
    out.push_back({"question", "required"});
  } else {
    if (c.question.size() > kMaxText) out.push_back({"question", "at most 20000 bytes"});
    common::CheckTextContent(out, "question", c.question, true);
  }
  if (c.contact.size() > kMaxContact) out.push_back({"contact", "at most 500 bytes"});
  common::CheckTextContent(out, "contact", c.contact, false);
  return out;
}

common::Violations ValidateAnswer(const ConsultationAnswer& a, common::Date today) {
  common::Violations out;
  common::CheckPastDate(out, "answered_on", a.answered_on, today);
  if (common::IsAsciiBlank(a.answer)) {
    out.push_back({"answer", "required"});
  } else {
    if (a.answer.size() > kMaxText) out.push_back({"answer", "at most 20000 bytes"});
    common::CheckTextContent(out, "answer", a.answer, true);
  }
  return out;
}

common::Violations CheckAnswerDate(common::Date answered_on, common::Date asked_on) {
  if (answered_on < asked_on) return {{"answered_on", "must not be before asked_on"}};
  return {};
}

}  // namespace gongkai::requests
