#pragma once

// Small conversions of Faro's fields (ids, millisecond attributes, resource initiators, log levels) and
// the bounded copy of a Faro value into compact JSON: kept apart from FaroReader's mapper so the mapper
// reads as the mapping it is.

#include "JsonWriter.h"
#include "Records.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <rapidjson/document.h>
#include <string>
#include <string_view>

namespace seam::faro {

/// Longest text kept from a Faro value (messages, stacks, context values).
constexpr std::size_t kMaxTextBytes = 64 * 1024;

std::string hex64(std::uint64_t v);
/// A millisecond attribute (a number or numeric text) as ns; -1 when absent or out of range.
TimeNs msAttr(const rapidjson::Value& attrs, std::string_view key);
/// The resource type of a performance entry's initiatorType.
std::string resourceType(std::string_view initiator);
/// OpenTelemetry severity number of a Faro log level.
int severityNumber(std::string_view level);
std::string capitalized(std::string s);
/// `v` as compact JSON, strings cut at kMaxTextBytes and nesting at a fixed depth.
void writeValue(JsonWriter& w, const rapidjson::Value& v, int depth);
/// An item's ISO `timestamp`, if it has a valid one.
std::optional<TimeNs> itemTime(const rapidjson::Value& item);
/// The action type of a Faro user action's trigger (click, keypress, or the trigger itself).
std::string userActionType(std::string_view trigger);

} // namespace seam::faro
