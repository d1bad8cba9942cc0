#include "services/registry/bounds.h"

#include "common/identifiers.h"

namespace gongkai::registry {

bool CheckListSize(common::Violations& out, const std::string& field, std::size_t size, std::size_t max,
                   std::string_view items) {
  if (size <= max) return true;
  out.push_back(
      {field, "at most " + std::to_string(max) + " " + std::string(items) + " (got " + std::to_string(size) + ")"});
  return false;
}

void CheckProvisions(common::Violations& out, const std::string& field,
                     const std::vector<common::LegalProvision>& basis) {
  if (!CheckListSize(out, field, basis.size(), kMaxProvisions, "legal provisions")) return;
  common::Violations found = common::ValidateLegalBasis(basis, field);
  out.insert(out.end(), found.begin(), found.end());
  for (std::size_t i = 0; i < basis.size(); ++i) {
    const std::string& law = basis[i].law;
    const std::string law_field = common::At(field, static_cast<int>(i)) + ".law";
    // ValidateLegalBasis sees only ASCII blanks; an ideographic space is blank too.
    if (common::IsBlank(law) && !common::IsAsciiBlank(law)) out.push_back({law_field, "required"});
    common::CheckTextContent(out, law_field, law, false);
  }
}

void CheckCreditCodeField(common::Violations& out, const std::string& field, std::string_view code) {
  if (code.size() == 18 && !common::IsPrintableAscii(code)) {
    out.push_back({field, "must be 18 characters from 0-9 and A-Y without I, O, Z, S, V (GB 32100)"});
  } else if (auto problem = common::CheckCreditCode(code)) {
    out.push_back({field, *problem});
  }
}

std::string UnknownDomain(std::string_view domain) {
  if (domain.size() > kMaxDomainBytes || !common::IsPrintableAscii(domain)) return "unknown enforcement domain";
  return "unknown enforcement domain '" + std::string(domain) + "'";
}

}  // namespace gongkai::registry
