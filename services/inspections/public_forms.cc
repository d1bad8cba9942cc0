#include "services/inspections/public_forms.h"

#include <cstddef>

#include "common/text.h"
#include "services/inspections/draw.h"

namespace gongkai::inspections {
namespace {

constexpr std::size_t kIdNumberLength = 18;
constexpr std::size_t kIdKeptHead = 6;
constexpr std::size_t kIdKeptTail = 4;

// A citizen ID number as published: its first 6 and last 4 characters (the
// rule of penalties' MaskParty); anything else that was sent there, one '*'
// per character.
std::string MaskIdNumber(const std::string& id) {
  if (id.size() == kIdNumberLength && common::IsPrintableAscii(id)) {
    return id.substr(0, kIdKeptHead) + std::string(kIdNumberLength - kIdKeptHead - kIdKeptTail, '*') +
           id.substr(kIdNumberLength - kIdKeptTail);
  }
  std::size_t characters = 0;
  for (std::size_t pos = 0; pos < id.size(); ++characters) {
    char32_t cp = 0;
    const std::size_t length = common::DecodeUtf8(id, pos, cp);
    pos += length == 0 ? 1 : length;
  }
  return std::string(characters, '*');
}

}  // namespace

CheckObject PublicObject(const CheckObject& object) {
  if (object.kind() == CheckObject::ORGANIZATION) return object;
  // Anything not known to be an organisation is masked as a person.
  CheckObject masked = object;
  masked.set_name(common::MaskName(object.name()));
  masked.set_id_number(MaskIdNumber(object.id_number()));
  masked.clear_credit_code();
  return masked;
}

common::PersonalData PersonalDataOf(const CheckObject& object) {
  common::PersonalData data;
  if (object.kind() == CheckObject::ORGANIZATION) {
    data.kept.push_back(object.name());
    return data;
  }
  data.persons.push_back(object.name());
  if (!object.credit_code().empty()) data.texts.push_back(object.credit_code());
  if (!object.id_number().empty()) data.numbers.push_back(object.id_number());
  return data;
}

common::PersonalData PersonalDataOfObjects(const google::protobuf::RepeatedPtrField<CheckObject>& objects) {
  common::PersonalData data;
  for (const auto& object : objects) {
    if (object.kind() == CheckObject::ORGANIZATION) continue;
    auto one = PersonalDataOf(object);
    data.persons.insert(data.persons.end(), one.persons.begin(), one.persons.end());
    data.texts.insert(data.texts.end(), one.texts.begin(), one.texts.end());
    data.numbers.insert(data.numbers.end(), one.numbers.begin(), one.numbers.end());
  }
  return data;
}

Result PublicResult(const Result& result) {
  const common::PersonalData data = PersonalDataOf(result.object());
  Result published = result;
  *published.mutable_object() = PublicObject(result.object());
  published.set_problems(common::MaskPersonalData(result.problems(), data));
  published.set_rectification_requirement(common::MaskPersonalData(result.rectification_requirement(), data));
  return published;
}

Plan PublicPlan(const Plan& plan) {
  // A plan names kinds of subject and organisations; what the rules find
  // (a phone, an ID, an address below the county) is masked all the same.
  Plan published = plan;
  const common::PersonalData none;
  published.set_title(common::MaskPersonalData(plan.title(), none));
  for (auto& object : *published.mutable_objects()) object = common::MaskPersonalData(object, none);
  for (auto& item : *published.mutable_items()) {
    item.set_description(common::MaskPersonalData(item.description(), none));
  }
  return published;
}

Task PublicTask(const Task& stored, const std::string& seed, common::Date today, bool with_pool) {
  Task published = stored;
  // The name as published: the natural persons among the objects masked in
  // it, and what the rules find.
  published.set_name(common::MaskPersonalData(stored.name(), PersonalDataOfObjects(stored.objects())));
  if (!with_pool) {
    published.clear_objects();
  } else {
    for (auto& object : *published.mutable_objects()) object = PublicObject(object);
  }
  if (stored.has_draw()) {
    v1::Draw& draw = *published.mutable_draw();
    draw = Published(stored.draw(), seed, today);
    if (!with_pool) {
      // Lists carry the digest; GetTask the pool and what was drawn from it.
      draw.clear_pool();
      draw.clear_drawn_objects();
      draw.clear_drawn_officers();
    }
  }
  return published;
}

Broadcast PublicBroadcast(const Broadcast& broadcast) {
  Broadcast published = broadcast;
  common::PersonalData data;
  if (broadcast.has_object()) {
    *published.mutable_object() = PublicObject(broadcast.object());
    data = PersonalDataOf(broadcast.object());
  }
  published.set_title(common::MaskPersonalData(broadcast.title(), data));
  return published;
}

}  // namespace gongkai::inspections
