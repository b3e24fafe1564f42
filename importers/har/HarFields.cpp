#include "HarFields.h"

#include "TextUtil.h"

#include <utility>

namespace seam::har {

using text::equalsIgnoreCase;
using text::findIgnoreCase;
using text::lower;
using text::trim;

std::string_view typeFromChromeResourceType(std::string_view t)
{
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"document", "document"}, {"stylesheet", "css"}, {"script", "script"},   {"image", "image"},
        {"font", "font"},         {"media", "media"},    {"texttrack", "media"}, {"xhr", "xhr"},
        {"fetch", "fetch"},       {"ping", "beacon"},    {"beacon", "beacon"},   {"eventsource", "other"},
        {"websocket", "other"},   {"manifest", "other"}, {"other", "other"},     {"preflight", "other"},
        {"prefetch", "other"},    {"css", "css"},        {"img", "image"},       {"js", "script"}};
    for (const auto& [from, to] : kMap)
        if (equalsIgnoreCase(t, from))
            return to;
    return {};
}

std::string_view typeFromFetchDest(std::string_view dest)
{
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"document", "document"},    {"iframe", "document"},
        {"frame", "document"},       {"script", "script"},
        {"worker", "script"},        {"sharedworker", "script"},
        {"serviceworker", "script"}, {"style", "css"},
        {"image", "image"},          {"font", "font"},
        {"audio", "media"},          {"video", "media"},
        {"track", "media"},          {"empty", "fetch"},
        {"manifest", "other"},       {"object", "other"},
        {"embed", "other"}};
    for (const auto& [from, to] : kMap)
        if (equalsIgnoreCase(trim(dest), from))
            return to;
    return {};
}

std::string_view typeFromMime(std::string_view mime)
{
    mime = trim(mime.substr(0, mime.find(';')));
    auto starts = [&](std::string_view prefix) {
        return mime.size() >= prefix.size() && equalsIgnoreCase(mime.substr(0, prefix.size()), prefix);
    };
    auto has = [&](std::string_view part) { return findIgnoreCase(mime, part) != std::string_view::npos; };
    if (equalsIgnoreCase(mime, "text/html") || equalsIgnoreCase(mime, "application/xhtml+xml"))
        return "document";
    if (equalsIgnoreCase(mime, "text/css"))
        return "css";
    if (has("javascript") || has("ecmascript") || equalsIgnoreCase(mime, "application/wasm"))
        return "script";
    if (starts("image/"))
        return "image";
    if (starts("font/") || has("font-woff") || has("vnd.ms-fontobject") || has("x-font"))
        return "font";
    if (starts("video/") || starts("audio/") || has("mpegurl") || has("dash+xml"))
        return "media";
    if (has("json") || equalsIgnoreCase(mime, "application/xml") || equalsIgnoreCase(mime, "text/xml") ||
        has("protobuf") || has("grpc"))
        return "fetch";
    return {};
}

std::string_view typeFromUrl(std::string_view url)
{
    url = url.substr(0, url.find_first_of("?#"));
    const std::size_t slash = url.rfind('/');
    const std::size_t dot = url.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash))
        return {};
    const std::string_view ext = url.substr(dot + 1);
    static constexpr std::pair<std::string_view, std::string_view> kMap[] = {
        {"js", "script"},     {"mjs", "script"},  {"css", "css"},    {"png", "image"},  {"jpg", "image"},
        {"jpeg", "image"},    {"gif", "image"},   {"svg", "image"},  {"webp", "image"}, {"avif", "image"},
        {"ico", "image"},     {"woff", "font"},   {"woff2", "font"}, {"ttf", "font"},   {"otf", "font"},
        {"eot", "font"},      {"mp4", "media"},   {"webm", "media"}, {"mp3", "media"},  {"m3u8", "media"},
        {"html", "document"}, {"htm", "document"}};
    for (const auto& [from, to] : kMap)
        if (equalsIgnoreCase(ext, from))
            return to;
    return {};
}

} // namespace seam::har
