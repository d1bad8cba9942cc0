#include "services/penalties/penalty_public.h"

namespace gongkai::penalties {
namespace {

constexpr std::size_t kMaxPartyNameSearch = 200;

}  // namespace

std::string PublicText(const std::string& text, const Party& party, const Party& masked) {
  std::string out = ScrubFreeText(text);
  if (party.kind != Party::Kind::kNaturalPerson || party.name.empty()) return out;
  for (std::size_t at = out.find(party.name); at != std::string::npos; at = out.find(party.name, at)) {
    out.replace(at, party.name.size(), masked.name);
    at += masked.name.size();
  }
  return out;
}

PenaltyDecision PublicDecision(const PenaltyDecision& d) {
  PenaltyDecision p = d;
  p.party = MaskParty(d.party);
  p.facts = PublicText(d.facts, d.party, p.party);
  p.result.other = PublicText(d.result.other, d.party, p.party);
  p.legal_application_explanation = PublicText(d.legal_application_explanation, d.party, p.party);
  return p;
}

CoerciveMeasure PublicMeasure(const CoerciveMeasure& m) {
  CoerciveMeasure p = m;
  p.party = MaskParty(m.party);
  p.object_name = PublicText(m.object_name, m.party, p.party);
  p.release_conditions = PublicText(m.release_conditions, m.party, p.party);
  p.necessity_statement = PublicText(m.necessity_statement, m.party, p.party);
  return p;
}

bool VisibleToPublic(bool has_public_form, bool withdrawn, const std::optional<common::Date>& public_until,
                     common::Date today) {
  return has_public_form && (withdrawn || !public_until || *public_until >= today);
}

bool FeedEntryHasContent(bool superseded, bool unpublication, bool withdrawal_notice,
                         const std::optional<common::Date>& public_until, common::Date today) {
  return !superseded && VisibleToPublic(!unpublication, withdrawal_notice, public_until, today);
}

common::Violations ValidatePublishedFilter(std::string_view party_name) {
  common::Violations out;
  common::CheckTextContent(out, "party_name", party_name, false);
  if (party_name.size() > kMaxPartyNameSearch) out.push_back({"party_name", "at most 200 bytes"});
  return out;
}

}  // namespace gongkai::penalties
