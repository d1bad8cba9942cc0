#pragma once

#include <optional>

#include "common/calendar/request_clock.h"
#include "gongkai/requests/v1/requests.pb.h"
#include "services/requests/request.h"

namespace gongkai::requests {

// Proto <-> domain, field by field; no rules here.
DisclosureRequest RequestFromProto(const v1::RegisterRequestRequest& proto);
Reply ReplyFromProto(const v1::ReplyContent& proto);

// The clock event of a step; nullopt for steps the clock does not count
// (review and lawsuit records). Dates must already be valid.
std::optional<common::RequestEvent> EventOf(const v1::Step& step, common::ReceiptChannel channel);

common::ReceiptChannel ChannelFromProto(v1::Channel channel);

}  // namespace gongkai::requests
