#include "FaroFields.h"

#include "IsoTime.h"
#include "JsonDocuments.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace seam::faro {

std::string hex64(std::uint64_t v)
{
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
}

/// Milliseconds (a number or, as Faro's event attributes are, a string) as nanoseconds; -1 if absent.
TimeNs msAttr(const rapidjson::Value& attrs, std::string_view key)
{
    const std::optional<double> v = numberAt(attrs, key);
    if (!v || *v < 0 || *v > 86400e3)
        return -1;
    return TimeNs(std::llround(*v * 1e6));
}

std::string resourceType(std::string_view initiator)
{
    if (initiator == "xmlhttprequest")
        return "xhr";
    if (initiator == "img" || initiator == "image")
        return "image";
    if (initiator == "link" || initiator == "css")
        return "css";
    if (initiator == "navigation")
        return "document";
    static constexpr std::string_view kKnown[] = {"fetch", "script", "font", "beacon"};
    for (std::string_view k : kKnown)
        if (initiator == k)
            return std::string(k);
    if (initiator == "video" || initiator == "audio")
        return "media";
    return "other";
}

int severityNumber(std::string_view level)
{
    if (level == "trace")
        return 1;
    if (level == "debug")
        return 5;
    if (level == "info" || level == "log")
        return 9;
    if (level == "warn" || level == "warning")
        return 13;
    if (level == "error")
        return 17;
    return 0;
}

std::string capitalized(std::string s)
{
    if (!s.empty())
        s[0] = char(std::toupper(static_cast<unsigned char>(s[0])));
    return s;
}

void writeValue(JsonWriter& w, const rapidjson::Value& v, int depth)
{
    if (v.IsString())
        w.string(std::string_view(v.GetString(), std::min<std::size_t>(v.GetStringLength(), kMaxTextBytes)));
    else if (v.IsBool())
        w.boolean(v.GetBool());
    else if (v.IsInt64())
        w.int64(v.GetInt64());
    else if (v.IsUint64())
        w.uint64(v.GetUint64());
    else if (v.IsNumber())
        w.number(v.GetDouble());
    else if (v.IsObject() && depth < 8) {
        w.beginObject();
        for (auto it = v.MemberBegin(); it != v.MemberEnd(); ++it) {
            w.key(std::string_view(it->name.GetString(), it->name.GetStringLength()));
            writeValue(w, it->value, depth + 1);
        }
        w.endObject();
    } else if (v.IsArray() && depth < 8) {
        w.beginArray();
        for (const rapidjson::Value& x : v.GetArray())
            writeValue(w, x, depth + 1);
        w.endArray();
    } else
        w.null();
}

std::optional<TimeNs> itemTime(const rapidjson::Value& item)
{
    const rapidjson::Value* ts = member(item, "timestamp");
    if (!ts || !ts->IsString())
        return std::nullopt;
    return parseIsoTime(std::string_view(ts->GetString(), ts->GetStringLength()));
}

std::string userActionType(std::string_view trigger)
{
    if (trigger == "pointerdown" || trigger == "pointerup" || trigger == "click" || trigger == "mousedown")
        return "click";
    if (trigger == "keydown" || trigger == "keyup" || trigger == "keypress")
        return "keypress";
    return trigger.empty() ? std::string("custom") : clipUtf8(std::string(trigger), 64);
}

} // namespace seam::faro
