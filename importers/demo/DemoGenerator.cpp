#include "DemoGenerator.h"

#include "DemoBackend.h"
#include "DemoBrowser.h"
#include "DemoSession.h"
#include "DemoWorld.h"

#include <algorithm>
#include <queue>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace seam {

using namespace demo;

DemoGenerator::DemoGenerator(DemoOptions options)
    : m_options(options), m_world(std::make_unique<DemoWorld>(options))
{}

DemoGenerator::~DemoGenerator() = default;

bool DemoGenerator::generate(const TracesCallback& onTraces, const LogsCallback& onLogs,
                             const std::atomic<bool>* cancel, const std::function<void(double)>& progress)
{
    m_world = std::make_unique<DemoWorld>(m_options);
    DemoWorld& world = *m_world;
    DemoBackend backend(world);
    DemoBrowser browser(world, backend);

    const auto flush = [&] {
        if (world.chunk.spanCount() == 0 && world.chunk.logCount() == 0)
            return;
        if (world.chunk.spanCount() > 0 && onTraces)
            onTraces(world.chunk.traces());
        if (world.chunk.logCount() > 0 && onLogs)
            onLogs(world.chunk.logs());
        ++world.stats.chunks;
        world.chunk.clear();
    };

    // Sessions arrive uniformly over the window; each draws from its own seeded stream.
    DemoRandom plan(m_options.seed);
    const TimeNs window = world.windowEnd - world.windowStart;
    // Sessions are created at their first page view and dropped after their last, so memory follows
    // the number of concurrent sessions, not the total.
    const std::size_t count = std::size_t(std::max(0, m_options.sessions));
    std::vector<std::unique_ptr<DemoSession>> sessions(count);
    std::vector<std::uint64_t> seeds(count);
    using Next = std::pair<TimeNs, int>; // (next page view start, session index): ties break by index
    std::vector<Next> arrivals;
    arrivals.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const TimeNs start = world.windowStart + TimeNs(plan.uniform() * double(window));
        seeds[i] = plan.next();
        arrivals.push_back({start, int(i)});
    }
    std::priority_queue<Next, std::vector<Next>, std::greater<>> queue(std::greater<>{}, std::move(arrivals));

    // Page views in start order across sessions, so chunks come out in time order.
    std::size_t sinceProgress = 0;
    while (!queue.empty()) {
        if (cancel && cancel->load(std::memory_order_relaxed))
            return false;
        const auto [start, index] = queue.top();
        queue.pop();
        auto& session = sessions[std::size_t(index)];
        if (!session) {
            session = std::make_unique<DemoSession>(index, seeds[std::size_t(index)], start);
            browser.startSession(*session);
        }
        DemoSession& s = *session;
        const std::optional<Page> planned = plannedNext(s);
        const PageResult result = browser.pageView(s, planned);
        const std::optional<Page> next = revisedNext(s, planned, result);
        if (next) {
            if (*next == Page::Product && !result.productFailed)
                s.productId = pickProduct(s.rng);
            if (*next == Page::Search)
                s.searchTerm = std::string(pickSearchTerm(s.rng));
            s.previousUrl = std::string(pageRoute(s.page));
            s.page = *next;
            s.nextStart = result.leftAt;
        }
        if (next && s.nextStart < world.windowEnd) { // the window closes; later views are not recorded
            queue.push({s.nextStart, index});
        } else {
            world.chunk.releaseResource(s.resource);
            session.reset();
        }
        if (world.chunk.spanCount() >= kChunkSpans)
            flush();
        if (progress && ++sinceProgress == 64) {
            sinceProgress = 0;
            progress(std::clamp(double(start - world.windowStart) / double(window), 0.0, 1.0));
        }
    }
    flush();
    if (progress)
        progress(1.0);
    return true;
}

std::string DemoGenerator::groundTruthJson() const
{
    const DemoWorld& world = *m_world;
    rapidjson::StringBuffer buffer;
    rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
    const auto str = [&](std::string_view s) { w.String(s.data(), rapidjson::SizeType(s.size())); };
    w.StartObject();
    str("seed");
    w.Uint64(m_options.seed);
    str("sessions");
    w.Int(m_options.sessions);
    str("strip_propagation");
    w.Double(m_options.stripPropagation);
    str("window");
    w.StartObject();
    str("start_ns");
    w.Int64(world.windowStart);
    str("end_ns");
    w.Int64(world.windowEnd);
    w.EndObject();
    str("incidents");
    w.StartArray();
    for (const Incident& incident : world.incidents.all()) {
        w.StartObject();
        str("id");
        str(incident.id);
        str("kind");
        str(incident.kind);
        str("service");
        str(incident.service);
        str("operation");
        str(incident.operation);
        str("start_ns");
        w.Int64(incident.start);
        str("end_ns");
        w.Int64(incident.end);
        str("affected_routes");
        w.StartArray();
        for (const auto& route : incident.affectedRoutes)
            str(route);
        w.EndArray();
        str("description");
        str(incident.description);
        for (const auto& [key, value] : incident.details) {
            str(key);
            str(value);
        }
        w.EndObject();
    }
    w.EndArray();
    str("stripped_fetches");
    w.StartArray();
    for (const StrippedFetch& f : world.stripped) {
        w.StartObject();
        str("resource_key");
        str(f.resourceKey);
        str("backend_trace_id");
        str(f.backendTraceId.hex());
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return {buffer.GetString(), buffer.GetSize()};
}

DemoStats DemoGenerator::stats() const
{
    return m_world->stats;
}

} // namespace seam
