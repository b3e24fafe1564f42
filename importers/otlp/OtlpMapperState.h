#pragma once

// What the OTLP mapper remembers between calls (the current resource and scope, digested once, and the
// sessions and document loads already seen), shared by its span/log half (OtlpMapper.cpp) and its
// browser-RUM half (OtlpMapperRum.cpp); with the two lookups both halves use. Private to the mapper.

#include "AttributeJson.h"
#include "OtlpMapper.h"
#include "PayloadBuilder.h"
#include "opentelemetry/proto/common/v1/common.pb.h"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace seam {

namespace otlp_mapping {

/// The first of `keys` with a non-empty string value.
inline std::string_view firstOf(const OtlpAttributes& attrs, std::initializer_list<std::string_view> keys)
{
    for (std::string_view key : keys)
        if (std::string_view v = findString(attrs, key); !v.empty())
            return v;
    return {};
}

inline std::uint64_t fnv1a(std::string_view s, std::uint64_t h = 0xcbf29ce484222325ull)
{
    for (char c : s) {
        h ^= std::uint8_t(c);
        h *= 0x100000001b3ull;
    }
    return h;
}

/// The resource's instance attributes (host.name, service.instance.id, k8s.pod.name, container.id), added
/// to each backend span's attributes that lacks them: Seam keeps span attributes only, and "which
/// instance" is a cause worth ranking.
struct ResourceInstance
{
    std::vector<std::pair<std::string, std::string>> members; // key, JSON member text ("\"host.name\":...")
    std::vector<opentelemetry::proto::common::v1::AnyValue> values; // the members' values
};

} // namespace otlp_mapping

struct OtlpMapper::State
{
    // Current resource, digested once in beginResource.
    ServiceRef service;
    bool resourceIsBrowser = false;
    std::string resourceSessionId;
    std::string resourceUserAgent;
    std::string resourceUserId;
    std::string resourceCountry;
    std::string resourceAppVersion;
    std::string resourceBrowserBrands; // browser.brands joined, for sessions without a user agent
    std::string resourceBrowserPlatform;
    otlp_mapping::ResourceInstance resourceInstance;
    std::optional<bool> resourceBrowserMobile;
    std::uint64_t resourceHash = 0;

    // Current scope.
    std::string scopeName;
    bool scopeIsBrowser = false;
    bool scopeIsFetch = false;
    bool scopeIsXhr = false;
    bool scopeIsUserInteraction = false;

    std::unordered_set<std::string> sessionsSeen;
    struct DocKey
    {
        TraceId trace;
        SpanId span;
        bool operator==(const DocKey&) const = default;
    };
    struct DocKeyHash
    {
        std::size_t operator()(const DocKey& k) const noexcept { return TraceIdHash()(k.trace) ^ k.span; }
    };
    /// documentLoad spans seen, so fetches made during a page load can name it.
    std::unordered_set<DocKey, DocKeyHash> documentLoads;

    std::string reason; // reused for reject messages

    /// Lent to each span's payload builders: their working buffers are allocated once, not per span.
    payload::Builder::Buffers payloadBuffers;
};

} // namespace seam
