#include "Propagation.h"

#include "TextUtil.h"

#include <charconv>

namespace seam {
namespace {

std::optional<TraceId> traceIdFromHex(std::string_view hex)
{
    if (hex.size() != 16 && hex.size() != 32)
        return std::nullopt;
    auto id = TraceId::fromHex(hex);
    if (!id || !id->isValid())
        return std::nullopt;
    return id;
}

} // namespace

PropagatedTrace fromTraceParent(std::string_view value, TraceIdSource source)
{
    PropagatedTrace out;
    const auto tp = parseTraceParent(text::trim(value));
    if (!tp)
        return out;
    out.spanId = tp->parentId;
    out.source = source;
    if (tp->traceId.high64() == 0)
        out.low64 = tp->traceId.low64();
    else
        out.traceId = tp->traceId;
    return out;
}

PropagatedTrace fromB3(std::string_view value)
{
    PropagatedTrace out;
    value = text::trim(value);
    const std::size_t dash = value.find('-');
    if (dash == std::string_view::npos)
        return out; // sampling decision only
    const std::string_view traceHex = value.substr(0, dash);
    std::string_view rest = value.substr(dash + 1);
    const std::string_view spanHex = rest.substr(0, rest.find('-'));
    const auto trace = traceIdFromHex(traceHex);
    const auto span = spanIdFromHex(spanHex);
    if (!trace || !span)
        return out;
    out.traceId = *trace;
    out.spanId = *span;
    out.source = TraceIdSource::TraceparentHeader;
    return out;
}

std::optional<std::string> traceParentFromServerTiming(std::string_view value)
{
    // Server-Timing = #(metric *(";" param)); metric names are tokens, param values token or quoted.
    std::size_t pos = 0;
    while (pos < value.size()) {
        std::size_t end = pos;
        bool quoted = false;
        while (end < value.size() && (quoted || value[end] != ',')) {
            if (value[end] == '"')
                quoted = !quoted;
            else if (value[end] == '\\' && quoted)
                ++end;
            ++end;
        }
        const std::string_view metric = value.substr(pos, std::min(end, value.size()) - pos);
        pos = end + 1;
        const std::size_t semi = metric.find(';');
        if (!text::equalsIgnoreCase(text::trim(metric.substr(0, semi)), "traceparent") || semi == std::string_view::npos)
            continue;
        std::string_view params = metric.substr(semi + 1);
        while (!params.empty()) {
            const std::size_t next = params.find(';');
            const std::string_view param = params.substr(0, next);
            params = next == std::string_view::npos ? std::string_view() : params.substr(next + 1);
            const std::size_t eq = param.find('=');
            if (eq == std::string_view::npos || !text::equalsIgnoreCase(text::trim(param.substr(0, eq)), "desc"))
                continue;
            std::string_view v = text::trim(param.substr(eq + 1));
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"')
                v = v.substr(1, v.size() - 2);
            return std::string(v);
        }
    }
    return std::nullopt;
}

std::optional<std::string> traceParentFromHtml(std::string_view html)
{
    std::size_t pos = 0;
    while ((pos = text::findIgnoreCase(html, "<meta", pos)) != std::string_view::npos) {
        pos += 5;
        const std::size_t close = html.find('>', pos);
        const std::string_view tag =
            html.substr(pos, close == std::string_view::npos ? html.size() - pos : close - pos);
        // Attributes: name = value, value quoted with ' or " or bare.
        std::string_view name, content;
        bool haveContent = false;
        std::size_t i = 0;
        while (i < tag.size()) {
            while (i < tag.size() && (text::isSpace(tag[i]) || tag[i] == '/'))
                ++i;
            const std::size_t nameStart = i;
            while (i < tag.size() && !text::isSpace(tag[i]) && tag[i] != '=' && tag[i] != '/')
                ++i;
            const std::string_view attr = tag.substr(nameStart, i - nameStart);
            while (i < tag.size() && text::isSpace(tag[i]))
                ++i;
            std::string_view value;
            if (i < tag.size() && tag[i] == '=') {
                ++i;
                while (i < tag.size() && text::isSpace(tag[i]))
                    ++i;
                if (i < tag.size() && (tag[i] == '"' || tag[i] == '\'')) {
                    const char q = tag[i++];
                    const std::size_t end = tag.find(q, i);
                    const std::size_t stop = end == std::string_view::npos ? tag.size() : end;
                    value = tag.substr(i, stop - i);
                    i = stop + 1;
                } else {
                    const std::size_t start = i;
                    while (i < tag.size() && !text::isSpace(tag[i]))
                        ++i;
                    value = tag.substr(start, i - start);
                }
            }
            if (attr.empty()) {
                ++i;
                continue;
            }
            if (text::equalsIgnoreCase(attr, "name"))
                name = text::trim(value);
            else if (text::equalsIgnoreCase(attr, "content")) {
                content = text::trim(value);
                haveContent = true;
            }
        }
        if (haveContent && text::equalsIgnoreCase(name, "traceparent"))
            return std::string(content);
        if (close == std::string_view::npos)
            break;
        pos = close + 1;
    }
    return std::nullopt;
}

std::optional<std::uint64_t> parseDecimalU64(std::string_view text)
{
    text = text::trim(text);
    if (text.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || ptr != text.data() + text.size())
        return std::nullopt;
    return value;
}

} // namespace seam
