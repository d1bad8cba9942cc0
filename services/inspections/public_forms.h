#pragma once

#include <string>

#include "common/clock.h"
#include "common/personal_data.h"
#include "services/inspections/inspection_rules.h"

namespace gongkai::inspections {

// What the public sees (DOMAIN.md, "Personal data in published records"):
// a natural person is masked exactly as penalties mask a party.

// An object as published: an organisation in full; a natural person's name
// as common::MaskName, the ID number as its first 6 and last 4 characters
// with the rest masked.
CheckObject PublicObject(const CheckObject& object);

// The personal strings of a result (common::MaskPersonalData): a natural
// person object's name, and its ID number.
common::PersonalData PersonalDataOf(const CheckObject& object);

// The personal strings of a task's natural-person objects together.
common::PersonalData PersonalDataOfObjects(const google::protobuf::RepeatedPtrField<CheckObject>& objects);

// A result as published: its object public (PublicObject), its problems and
// rectification requirement as common::MaskPersonalData with the object's
// personal data. Platform fields are left as they are.
Result PublicResult(const Result& result);

// A plan as published: its title, objects and item descriptions with what
// the masking rules find (common::MaskPersonalData without a record's own
// data) masked.
Plan PublicPlan(const Plan& plan);

// A task as published on `today`: its name with the natural persons among its
// objects masked (and what the rules find); objects public (PublicObject); a platform
// draw as draw.h Published with `seed` (hidden before the draw date), and its
// pool listed only when `with_pool` (GetTask; lists carry the digest only).
// When !with_pool, objects and the drawn lists are left out too.
Task PublicTask(const Task& stored, const std::string& seed, common::Date today, bool with_pool);

// A broadcast as published: its object public (PublicObject), its title as
// common::MaskPersonalData with the object's personal data (the rules alone
// when it has no object).
Broadcast PublicBroadcast(const Broadcast& broadcast);

}  // namespace gongkai::inspections
