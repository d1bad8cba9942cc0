#include "services/requests/requests_mapping.h"

#include "common/calendar/iso_date.h"

namespace gongkai::requests {
namespace {

std::chrono::sys_days Date(const std::string& iso) { return common::ParseIsoDate(iso).value_or(std::chrono::sys_days{}); }

}  // namespace

common::ReceiptChannel ChannelFromProto(v1::Channel channel) {
  switch (channel) {
    case v1::IN_PERSON: return common::ReceiptChannel::kInPerson;
    case v1::REGISTERED_MAIL: return common::ReceiptChannel::kRegisteredMail;
    case v1::ORDINARY_LETTER: return common::ReceiptChannel::kOrdinaryLetter;
    case v1::FAX: return common::ReceiptChannel::kFax;
    default: return common::ReceiptChannel::kOnline;
  }
}

DisclosureRequest RequestFromProto(const v1::RegisterRequestRequest& p) {
  DisclosureRequest r;
  r.channel_set = p.channel() != v1::CHANNEL_UNSPECIFIED && v1::Channel_IsValid(p.channel());
  r.channel = ChannelFromProto(p.channel());
  r.received_on = p.received_on();
  const auto& a = p.applicant();
  r.applicant = {static_cast<Applicant::Kind>(a.kind()), a.name(), a.id_number(), a.credit_code(),
                 a.phone(), a.email(), a.address()};
  r.information_requested = p.information_requested();
  r.delivery = static_cast<DeliveryMethod>(p.delivery());
  return r;
}

Reply ReplyFromProto(const v1::ReplyContent& p) {
  Reply r;
  r.outcome = static_cast<ReplyOutcome>(p.outcome());
  r.replied_on = p.replied_on();
  r.how_to_obtain = p.how_to_obtain();
  r.withheld_parts = p.withheld_parts();
  r.withheld_reason = p.withheld_reason();
  r.reason = p.reason();
  r.legal_basis = p.legal_basis();
  r.holder_name = p.holder_name();
  r.holder_contact = p.holder_contact();
  r.earlier_reply_reference = p.earlier_reply_reference();
  r.applicable_law = p.applicable_law();
  r.not_handled_reason = p.not_handled_reason();
  r.remedy = p.remedy();
  r.delivered_by = static_cast<DeliveryMethod>(p.delivered_by());
  r.delivered_on = p.delivered_on();
  r.fee_fen = p.fee_fen();
  return r;
}

std::optional<common::RequestEvent> EventOf(const v1::Step& s, common::ReceiptChannel channel) {
  using common::RequestEvent;
  const auto date = Date(s.date());
  switch (s.type()) {
    case v1::Step::RECEIVED: return RequestEvent::Received(date, channel);
    case v1::Step::CORRECTION_NOTICE: return RequestEvent::CorrectionNotice(date, Date(s.correction_due()));
    case v1::Step::CORRECTED_RECEIVED: return RequestEvent::CorrectedReceived(date);
    case v1::Step::ABANDONED: return RequestEvent::Abandoned(date);
    case v1::Step::CONSULTATION_STARTED: return RequestEvent::ConsultationStarted(date, s.consultation_id());
    case v1::Step::CONSULTATION_ANSWERED: return RequestEvent::ConsultationAnswered(date, s.consultation_id());
    case v1::Step::EXTENSION: return RequestEvent::Extension(date, s.extension_working_days(), s.approver());
    case v1::Step::REPLIED: return RequestEvent::Replied(date);
    case v1::Step::WITHDRAWN: return RequestEvent::Withdrawn(date);
    default: return std::nullopt;
  }
}

}  // namespace gongkai::requests
