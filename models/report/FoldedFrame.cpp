#include "FoldedFrame.h"

namespace seam {

std::string foldedFrame(std::string_view name)
{
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(name.size());
    for (const char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (c == ';')
            out += ',';
        else if (u < 0x20 || u == 0x7f)
            out += {'\\', 'x', kHex[u >> 4], kHex[u & 15]};
        else
            out += c;
    }
    return out;
}

} // namespace seam
