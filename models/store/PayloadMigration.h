#pragma once

namespace seam {
class Database;
namespace schema {

/// Schema step: span payloads in the binary form of PayloadCodec.h, with the string dictionary
/// `attribute_keys`, scope names as dictionary ids, and the `span_attributes` view. Converts every
/// payload of an older cache; called inside migrate()'s transaction.
void migrateToBinaryPayloads(Database& db);

} // namespace schema
} // namespace seam
