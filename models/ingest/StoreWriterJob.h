#pragma once

// Private to StoreWriter's two files: StoreWriter.cpp (queue, writer thread) and
// StoreWriterHousekeeping.cpp (the thread that frees committed batches and checkpoints).

#include "Records.h"
#include "StoreWriter.h"

#include <cstdint>
#include <functional>

namespace seam {

struct StoreWriter::Job
{
    std::uint64_t sequence = 0;
    std::int64_t sourceId = 0;
    RecordBatch batch;
    std::function<void(Database&)> task; // set for non-batch jobs
    bool infer = false;                  // a task that runs BatchWriter::inferLinks()
    std::uint64_t* inferred = nullptr;   // where it reports the links written
    bool* committed = nullptr;           // a task's waiter learns here whether it committed
};

namespace store_writer {

/// Names the calling thread (top, perf, /proc/PID/task): profiles tell the writer from its feeders.
void nameThread(const char* name);
/// CPU time the calling thread has used (SEAM_PROFILE_WRITER): on a shared machine steadier than its
/// wall time.
double threadCpuSeconds();

} // namespace store_writer
} // namespace seam
