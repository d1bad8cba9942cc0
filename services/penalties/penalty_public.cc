#include "services/penalties/penalty_public.h"

#include <algorithm>
#include <cstddef>
#include <vector>

#include "common/identifiers.h"

namespace gongkai::penalties {
namespace {

constexpr std::size_t kMaxPartyNameSearch = 200;

PersonalData PersonalDataOf(const Party& party, const std::vector<std::string>& mentioned_persons) {
  PersonalData data;
  // As MaskParty: an organisation's and an individual business's own names
  // are published (but not one that is its operator's name), an individual
  // business's operator is a person, and anything not known to be either is
  // a person.
  if (party.kind == Party::Kind::kOrganization) {
    data.kept.push_back(party.name);
  } else if (party.kind == Party::Kind::kIndividualBusiness) {
    if (!NamedAfterOperator(party)) data.kept.push_back(party.name);
    data.persons.push_back(party.legal_representative);
  } else {
    data.persons.push_back(party.name);
    data.texts.push_back(party.credit_code);
  }
  // A list over its bound makes the record invalid (ValidateDecision); the
  // names past the bound are not searched for, so that such a list costs no
  // more than a valid one.
  const auto mentioned = static_cast<std::ptrdiff_t>(std::min(mentioned_persons.size(), kMaxMentionedPersons));
  data.persons.insert(data.persons.end(), mentioned_persons.begin(), mentioned_persons.begin() + mentioned);
  data.texts.push_back(party.address);
  data.numbers = {party.phone, party.id_number, party.bank_account};
  return data;
}

}  // namespace

PersonalData PersonalDataOf(const PenaltyDecision& d) { return PersonalDataOf(d.party, d.mentioned_persons); }

PersonalData PersonalDataOf(const CoerciveMeasure& m) { return PersonalDataOf(m.party, m.mentioned_persons); }

PenaltyDecision PublicDecision(const PenaltyDecision& d) {
  return PublicDecision(d, common::PersonalDataSearch(PersonalDataOf(d)));
}

PenaltyDecision PublicDecision(const PenaltyDecision& d, const common::PersonalDataSearch& data) {
  PenaltyDecision p = d;
  p.party = MaskParty(d.party);
  p.mentioned_persons.clear();
  p.decision_number = data.Mask(d.decision_number);
  p.facts = data.Mask(d.facts);
  p.result.other = data.Mask(d.result.other);
  p.legal_application_explanation = data.Mask(d.legal_application_explanation);
  return p;
}

CoerciveMeasure PublicMeasure(const CoerciveMeasure& m) {
  return PublicMeasure(m, common::PersonalDataSearch(PersonalDataOf(m)));
}

CoerciveMeasure PublicMeasure(const CoerciveMeasure& m, const common::PersonalDataSearch& data) {
  CoerciveMeasure p = m;
  p.party = MaskParty(m.party);
  p.mentioned_persons.clear();
  p.document_number = data.Mask(m.document_number);
  p.object_name = data.Mask(m.object_name);
  p.object_quantity = data.Mask(m.object_quantity);
  p.release_conditions = data.Mask(m.release_conditions);
  p.necessity_statement = data.Mask(m.necessity_statement);
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

common::Violations ValidatePartyCreditCodeFilter(std::string_view party_credit_code) {
  common::Violations out;
  if (party_credit_code.empty()) return out;
  // CheckCreditCode quotes the offending character; keep bytes that are not
  // printable out of the description, which travels as a proto string.
  if (!common::IsPrintableAscii(party_credit_code)) {
    out.push_back({"party_credit_code", "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)"});
  } else if (auto problem = common::CheckCreditCode(party_credit_code)) {
    out.push_back({"party_credit_code", *problem});
  }
  return out;
}

common::Violations ValidateNoticeFilter(bool measures, std::string_view party_name,
                                        std::string_view party_credit_code) {
  common::Violations out;
  if (measures) {
    out.push_back({"kind", "withdrawal notices are of decisions: a measure is released, not withdrawn"});
  }
  if (!party_name.empty()) {
    out.push_back({"party_name", "not a filter of withdrawal notices: a notice does not publish the party"});
  }
  if (!party_credit_code.empty()) {
    out.push_back({"party_credit_code", "not a filter of withdrawal notices: a notice does not publish the party"});
  }
  return out;
}

}  // namespace gongkai::penalties
