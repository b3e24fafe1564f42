#pragma once

// The binary form of span attributes, events and links (span_payloads since schema v8). The importers
// produce compact JSON (importers/common/JsonWriter.h), or write this form directly from their parsed
// values through payload::Builder (PayloadBuilder.h, the OTLP mapper when its sink names the cache's
// dictionary); the encoder turns the JSON into the same typed binary tree
// whose object keys and frequent string values are numbers in the cache's string dictionary
// (KeyDictionary, table attribute_keys), and the decoder gives back exactly the JSON it was made from.
// JSON that is not in the writer's compact form (whitespace, other escapes) is kept as it is, so the
// round trip is exact for any input. The format is described in docs/SCHEMA.md ("Payload encoding").
//
// Blob = one header byte, then:
//   0x00  the JSON text, as is
//   0x01  one value, as below
//   0x02  varint id: a whole attribute set shared through the dictionary (a 0x01 blob stored there)
//   0x03  varint id of a preset (a dictionary string: 0x03 then its bytes), then the raw deflate stream
//         (RFC 1951, primed with the preset) of one value: cold lists (events, links)
//   0x04  varint id of a list's shape (a dictionary string: 0x04 then the shape), then its numbers
//         (PayloadShape.h): lists that repeat but for their numbers, such as fetch spans' timing events
// Value = tag byte, then:
//   0 null, 1 false, 2 true
//   3 integer: zigzag varint
//   4 integer: zigzag varint of its difference to the previous integer of the blob (event times)
//   5 double: 8 bytes, little-endian IEEE 754
//   6 number literal (outside int64, or not written shortest): varint length + text
//   7 string: varint length + bytes
//   8 string from the dictionary: varint id
//   9 string repeated: varint index of an earlier string value of the blob (0 = first)
//   10 lower-case hex string of even length: varint byte count + bytes
//   11 array: varint count + values
//   12 object: varint count + members; a member is a key then a value; a key is a varint k:
//      k even: dictionary id k / 2; k odd: (k - 1) / 2 bytes of key text follow
//   13 object with the keys, in order, of the last object completed before it began (not at the top level):
//      its values only (a list of events or links)
// Varints are unsigned LEB128 (at most 10 bytes). Strings 7-10 each count as one string for tag 9.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace seam {

class KeyDictionary;

namespace payload {

/// Encodes `json` (an attributes object, an events or links array) for the cache. The caller holds
/// dictionary.lock(); the ids the blob uses are appended to `usedIds` (duplicates possible). Empty
/// JSON gives an empty result (stored as NULL).
std::string encode(std::string_view json, KeyDictionary& dictionary, std::vector<std::uint32_t>& usedIds);

/// The string of a dictionary id, or nullptr if unknown.
using Lookup = std::function<const std::string*(std::uint32_t)>;

/// Appends the JSON `blob` was made from to `json`. False (with `error`) for malformed bytes or ids the
/// lookup does not know; never reads outside `blob`.
bool decode(std::string_view blob, const Lookup& lookup, std::string& json, std::string* error = nullptr);

/// One attribute's value as SQL would give it (json_extract's types: text, integer, real, 1/0 for
/// booleans, JSON text for arrays and objects).
struct Value
{
    enum class Type
    {
        Missing,
        Null,
        Integer,
        Real,
        Text,
        Json
    };
    Type type = Type::Missing;
    std::int64_t integer = 0;
    double real = 0;
    std::string text;
};

/// The value of the top-level member `key` of an encoded object (the first one, as json_extract).
bool findMember(std::string_view blob, std::string_view key, const Lookup& lookup, Value& out,
                std::string* error = nullptr);

} // namespace payload
} // namespace seam
