#pragma once

#include "Records.h"

#include <functional>

namespace seam {

class KeyDictionary;

/// Where importers deliver normalized records. StoreWriter implements it; tests may collect batches.
/// submit() may block to apply backpressure (a bounded queue), so memory stays flat in input size.
class BatchSink
{
public:
    virtual ~BatchSink() = default;
    virtual void submit(RecordBatch&& batch) = 0;
    /// The dictionary of the cache the batches end up in, when there is one: importers may then encode
    /// span payloads themselves (SpanRecord::encoded, their ids in RecordBatch::encodedKeyIds) rather
    /// than write JSON. Sinks that pass batches on pass this on too.
    virtual KeyDictionary* payloadDictionary() { return nullptr; }
};

/// Accumulates records and hands a batch to the sink whenever it reaches `threshold` records.
class BatchBuilder
{
public:
    explicit BatchBuilder(BatchSink& sink, std::size_t threshold = 20000)
        : m_sink(sink), m_threshold(threshold)
    {}
    ~BatchBuilder() { flush(); }
    BatchBuilder(const BatchBuilder&) = delete;
    BatchBuilder& operator=(const BatchBuilder&) = delete;

    RecordBatch& batch() { return m_batch; }
    KeyDictionary* payloadDictionary() { return m_sink.payloadDictionary(); }
    /// Call after adding records; submits when the batch is full.
    void maybeFlush()
    {
        if (m_batch.size() >= m_threshold) {
            const std::size_t spans = m_batch.spans.size();
            flush();
            // More is coming, likely about as many spans again: room for them now rather than moving
            // every span record (~450 bytes) each time the vector doubles; with a quarter more, since a
            // batch one span larger than the last would move them all once.
            m_batch.spans.reserve(spans + spans / 4);
        }
    }
    void flush()
    {
        if (!m_batch.empty()) {
            m_sink.submit(std::move(m_batch));
            m_batch = RecordBatch{};
        }
    }

private:
    BatchSink& m_sink;
    std::size_t m_threshold;
    RecordBatch m_batch;
};

/// A sink that keeps every batch in memory (tests, small payloads).
/// Given a cache's dictionary (the live receiver's), importers encode span payloads for that cache.
class CollectingSink : public BatchSink
{
public:
    explicit CollectingSink(KeyDictionary* dictionary = nullptr) : m_dictionary(dictionary) {}
    void submit(RecordBatch&& batch) override { batches.push_back(std::move(batch)); }
    KeyDictionary* payloadDictionary() override { return m_dictionary; }
    std::vector<RecordBatch> batches;

private:
    KeyDictionary* m_dictionary;
};

} // namespace seam
