#include "OtlpJsonSaxHandler.h"

#include "OtlpJsonReader.h"

#include <algorithm>

namespace seam::otlpjson {

bool SaxHandler::Key(const char* str, rapidjson::SizeType length, bool copy)
{
    m_stream.armGuard();
    if (m_capture != Capture::None) {
        if (!m_captureFailed)
            m_doc.Key(str, length, copy);
        return checkCaptureSize();
    }
    if (m_skipDepth || m_frames.empty())
        return true;
    const std::string_view key = m_key(std::string_view(str, length));
    m_keyRole = Role::Skip;
    switch (m_frames.back()) {
    case Frame::Envelope:
        if (m_frames.size() == 1 && m_rootKeys.size() < 6)
            m_rootKeys.emplace_back(str, std::min<std::size_t>(length, 40));
        if (key == "resourcespans" || key == "resourcelogs") {
            m_sawOtlp = true;
            m_keyRole = Role::ResourceGroups;
            m_logs = key == "resourcelogs";
        } else if (key == "result") {
            m_keyRole = Role::Envelope;
        }
        break;
    case Frame::ResourceGroup:
        if (key == "resource")
            m_keyRole = Role::Resource;
        else if (key == "scopespans" || key == "instrumentationlibraryspans" || key == "scopelogs" ||
                 key == "instrumentationlibrarylogs")
            m_keyRole = Role::ScopeGroups;
        break;
    case Frame::ScopeGroup:
        if (key == "scope" || key == "instrumentationlibrary") {
            m_keyRole = Role::Scope;
        } else if (key == "spans" || key == "logrecords") {
            m_keyRole = Role::Items;
            m_logs = key == "logrecords";
        }
        break;
    default:
        break;
    }
    return true;
}

bool SaxHandler::start(bool object)
{
    m_stream.armGuard();
    if (m_capture != Capture::None) {
        if (++m_captureDepth > std::size_t(OtlpJsonReader::kMaxItemDepth))
            failCapture("is nested deeper than 64 levels");
        if (m_captureDepth > kMaxTotalDepth) {
            m_abortReason = "JSON nested deeper than " + std::to_string(kMaxTotalDepth) + " levels";
            return false;
        }
        if (!m_captureFailed)
            object ? m_doc.StartObject() : m_doc.StartArray();
        return checkCaptureSize();
    }
    if (m_skipDepth) {
        if (++m_skipDepth > kMaxTotalDepth) {
            m_abortReason = "JSON nested deeper than " + std::to_string(kMaxTotalDepth) + " levels";
            return false;
        }
        return true;
    }
    const Role role = nextRole();
    m_keyRole = Role::Skip;
    if (object) {
        switch (role) {
        case Role::Envelope:
            m_frames.push_back(Frame::Envelope);
            return true;
        case Role::ResourceGroup:
            m_frames.push_back(Frame::ResourceGroup);
            onResourceGroupStart();
            return true;
        case Role::ScopeGroup:
            m_frames.push_back(Frame::ScopeGroup);
            onScopeGroupStart();
            return true;
        case Role::Resource:
            return beginCapture(Capture::Resource);
        case Role::Scope:
            return beginCapture(Capture::Scope);
        case Role::Item:
            return beginCapture(Capture::Item);
        default:
            break;
        }
    } else {
        switch (role) {
        case Role::ResourceGroups:
            m_frames.push_back(Frame::ResourceGroups);
            return true;
        case Role::ScopeGroups:
            m_frames.push_back(Frame::ScopeGroups);
            return true;
        case Role::Items:
            m_frames.push_back(Frame::Items);
            return true;
        case Role::Item:
            reject(here(), itemName() + " must be a JSON object, not an array");
            break;
        case Role::Envelope:
            if (m_frames.empty())
                reject(here(), "top-level value is an array, not an OTLP JSON object; skipped");
            break;
        default:
            break;
        }
    }
    m_skipDepth = 1;
    return true;
}

bool SaxHandler::end(bool object, rapidjson::SizeType count)
{
    m_stream.armGuard();
    if (m_capture != Capture::None) {
        if (!m_captureFailed)
            object ? m_doc.EndObject(count) : m_doc.EndArray(count);
        if (--m_captureDepth == 0)
            return finishCapture();
        return checkCaptureSize();
    }
    if (m_skipDepth) {
        --m_skipDepth;
        return true;
    }
    if (m_frames.empty())
        return true;
    const Frame frame = m_frames.back();
    m_frames.pop_back();
    if (frame == Frame::ResourceGroup)
        onResourceGroupEnd();
    else if (frame == Frame::ScopeGroup)
        onScopeGroupEnd();
    return true;
}

bool SaxHandler::beginCapture(Capture what)
{
    m_capture = what;
    m_captureDepth = 1;
    m_captureFailed = false;
    m_captureStart = m_stream.Tell() - 1; // the '{' just read
    m_captureLocation =
        "line " + std::to_string(m_stream.line()) + ", byte " + std::to_string(m_captureStart);
    m_doc.StartObject();
    return true;
}

bool SaxHandler::finishCapture()
{
    const Capture what = m_capture;
    m_capture = Capture::None;
    const char* name = what == Capture::Resource ? "resource" : what == Capture::Scope ? "scope" : nullptr;
    if (m_captureFailed) {
        reject(m_captureLocation, (name ? std::string(name) : itemName()) + ' ' + m_captureReason +
                                      (name ? "; its spans are kept without it" : "; skipped"));
        if (what == Capture::Resource)
            m_resource.Clear(), onResource();
        else if (what == Capture::Scope)
            m_scope.Clear(), onScope();
    } else {
        auto keep = [](rapidjson::Document&) { return true; };
        m_doc.Populate(keep); // moves the value built from our forwarded events into the document
        bool ok = false;
        if (what == Capture::Resource) {
            m_resource.Clear();
            ok = m_convert.resource(m_doc, m_resource);
            if (!ok)
                m_resource.Clear();
            onResource();
        } else if (what == Capture::Scope) {
            m_scope.Clear();
            ok = m_convert.scope(m_doc, m_scope);
            if (!ok)
                m_scope.Clear();
            onScope();
        } else {
            onItem(m_captureLocation);
            ok = true;
        }
        if (!ok)
            reject(m_captureLocation,
                   std::string(name) + ": " + m_convert.error() + "; its spans are kept without it");
        resetDoc();
    }
    if ((++m_items & 1023) == 0 && m_ctx.cancelled()) {
        m_abortReason = "cancelled";
        return false;
    }
    return true;
}

void SaxHandler::onItem(const std::string& location)
{
    if (m_logs) {
        m_log.Clear();
        if (!m_convert.log(m_doc, m_log))
            return reject(location, "log record: " + m_convert.error());
    } else {
        m_span.Clear();
        if (!m_convert.span(m_doc, m_span))
            return reject(location, "span: " + m_convert.error());
    }
    if (!m_inResourceGroup || (m_resourceKnown && m_scopeKnown))
        return deliver(m_logs ? nullptr : &m_span, m_logs ? &m_log : nullptr, location);
    if (m_pendingUsed >= kMaxPendingItems) {
        // Bounded: past this, the spans go out with whatever resource/scope is known so far.
        forceKnown();
        return deliver(m_logs ? nullptr : &m_span, m_logs ? &m_log : nullptr, location);
    }
    if (m_pending.size() <= m_pendingUsed)
        m_pending.emplace_back();
    Pending& p = m_pending[m_pendingUsed++];
    p.scope = int(m_scopes.size()) - 1;
    p.location = location;
    if (m_logs)
        p.log.Swap(&m_log);
    else
        p.span.Swap(&m_span);
}

void SaxHandler::deliver(const otlp::trace::v1::Span* span, const otlp::logs::v1::LogRecord* log,
                         const std::string& location)
{
    if (span)
        m_mapper.addSpan(*span, location);
    else
        m_mapper.addLog(*log, location);
}

void SaxHandler::onResourceGroupStart()
{
    m_inResourceGroup = true;
    m_resourceKnown = false;
    m_scopeKnown = true; // until a scope group opens
    m_scopes.clear();
    m_pendingUsed = 0;
}

void SaxHandler::onResource()
{
    if (!m_inResourceGroup)
        return;
    m_mapper.beginResource(m_resource);
    m_resourceKnown = true;
    flushPending();
}

void SaxHandler::onScopeGroupStart()
{
    m_scopes.emplace_back();
    m_scopeKnown = false;
    if (m_resourceKnown)
        m_mapper.beginScope(m_scopes.back());
}

void SaxHandler::onScope()
{
    if (m_scopes.empty())
        return;
    m_scopes.back().Swap(&m_scope);
    m_scopeKnown = true;
    if (m_resourceKnown) {
        m_mapper.beginScope(m_scopes.back());
        flushPending();
    }
}

void SaxHandler::onScopeGroupEnd()
{
    if (!m_scopeKnown) { // no scope in this group: the empty scope it started with is final
        m_scopeKnown = true;
        if (m_resourceKnown)
            flushPending();
    }
}

void SaxHandler::onResourceGroupEnd()
{
    if (!m_resourceKnown) {
        m_mapper.beginResource(otlp::resource::v1::Resource::default_instance());
        m_resourceKnown = true;
    }
    m_scopeKnown = true;
    flushPending();
    m_inResourceGroup = false;
}

void SaxHandler::forceKnown()
{
    if (!m_resourceKnown) {
        m_mapper.beginResource(otlp::resource::v1::Resource::default_instance());
        m_resourceKnown = true;
    }
    m_scopeKnown = true;
    flushPending();
}

void SaxHandler::flushPending()
{
    if (!m_resourceKnown || m_pendingUsed == 0)
        return;
    const int current = int(m_scopes.size()) - 1;
    std::size_t done = 0;
    int scope = -1;
    for (; done < m_pendingUsed; ++done) {
        Pending& p = m_pending[done];
        if (p.scope == current && !m_scopeKnown)
            break; // the current group's scope may still come
        if (p.scope != scope && p.scope >= 0) {
            scope = p.scope;
            m_mapper.beginScope(m_scopes[std::size_t(scope)]);
        }
        deliver(m_logs ? nullptr : &p.span, m_logs ? &p.log : nullptr, p.location);
    }
    // Keep the undelivered tail at the front (rare: only items of a scope group still open).
    for (std::size_t i = done; i < m_pendingUsed; ++i)
        std::swap(m_pending[i - done], m_pending[i]);
    m_pendingUsed -= done;
    if (scope >= 0 && scope != current && current >= 0)
        m_mapper.beginScope(m_scopes[std::size_t(current)]);
}

void SaxHandler::abortRoot()
{
    if (m_capture != Capture::None) {
        clearDocStack();
        resetDoc();
        m_capture = Capture::None;
    }
    m_skipDepth = 0;
    if (m_inResourceGroup)
        onResourceGroupEnd();
    m_frames.clear();
    m_keyRole = Role::Envelope;
}

} // namespace seam::otlpjson
