#pragma once

#include <google/protobuf/repeated_ptr_field.h>

#include <vector>

#include "common/legal.h"
#include "gongkai/common/v1/legal.pb.h"

namespace gongkai::common {

std::vector<LegalProvision> LegalBasisFromProto(const google::protobuf::RepeatedPtrField<v1::LegalProvision>& proto);
void LegalBasisToProto(const std::vector<LegalProvision>& basis,
                       google::protobuf::RepeatedPtrField<v1::LegalProvision>* proto);

}  // namespace gongkai::common
