#include "common/legal_proto.h"

namespace gongkai::common {

std::vector<LegalProvision> LegalBasisFromProto(const google::protobuf::RepeatedPtrField<v1::LegalProvision>& proto) {
  std::vector<LegalProvision> out;
  for (const auto& p : proto) out.push_back({p.law(), p.article(), p.paragraph(), p.item()});
  return out;
}

void LegalBasisToProto(const std::vector<LegalProvision>& basis,
                       google::protobuf::RepeatedPtrField<v1::LegalProvision>* proto) {
  for (const auto& b : basis) {
    auto* p = proto->Add();
    p->set_law(b.law);
    p->set_article(b.article);
    p->set_paragraph(b.paragraph);
    p->set_item(b.item);
  }
}

}  // namespace gongkai::common
