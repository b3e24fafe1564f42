#pragma once

// Lists that repeat but for their numbers (the timing events of every fetch span: the same names in the
// same order, other times) are stored as the id of their shape plus their numbers (blob header 0x04,
// PayloadCodec.h). A shape is an encoded value (the bytes after a 0x01 header) with the data of its
// integers (tags 3 and 4: the varint) and doubles (tag 5: 8 bytes) taken out; the numbers are those
// bytes, in order. Splitting and joining copy bytes and never decode a string or look up an id, which is
// what makes this cheaper than deflating the list (the writer's producer thread did that ~10k
// instructions a list), and reading it back cheaper than inflating.

#include <string>
#include <string_view>

namespace seam::payload {

/// Appends `value`'s shape to `shape` and its numbers to `numbers`. False for bytes that are not one
/// whole value (the outputs are then unspecified).
bool splitShape(std::string_view value, std::string& shape, std::string& numbers);

/// Appends to `value` the value `shape` and `numbers` were split from. False when they do not fit
/// together (a shape of another list, truncated or extra numbers, malformed bytes); reads nothing
/// outside either. The result is at most shape.size() + numbers.size() bytes.
bool joinShape(std::string_view shape, std::string_view numbers, std::string& value);

} // namespace seam::payload
