#include "SqliteAllocator.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <sqlite3.h>

namespace seam::sqlite_allocator {
namespace {

constexpr std::size_t kHeader = 8; // the block's capacity; keeps SQLite's 8-byte alignment
constexpr std::size_t kClassBytes = 16;
constexpr std::size_t kClasses = kLargest / kClassBytes;

std::size_t capacityFor(std::size_t n)
{
    return n <= kLargest ? (n + kClassBytes - 1) / kClassBytes * kClassBytes : (n + 7) / 8 * 8;
}

std::uint64_t& capacityOf(void* p)
{
    return *reinterpret_cast<std::uint64_t*>(static_cast<char*>(p) - kHeader);
}

// Plain data, so it stays usable until the thread is gone: SQLite may free after the drain below (a
// connection closed by a thread_local's or a static's destructor); such frees go to free().
struct FreeLists
{
    void* head[kClasses];
    std::size_t bytes;
    bool draining;
};
thread_local FreeLists t_lists;

// Returns the cached blocks to malloc when the thread ends.
struct Drain
{
    bool armed = false;
    ~Drain()
    {
        t_lists.draining = true;
        for (void*& head : t_lists.head)
            while (head) {
                void* next = *static_cast<void**>(head);
                std::free(static_cast<char*>(head) - kHeader);
                head = next;
            }
        t_lists.bytes = 0;
    }
};
thread_local Drain t_drain;

void* allocate(int n)
{
    if (n <= 0)
        return nullptr;
    const std::size_t capacity = capacityFor(std::size_t(n));
    if (capacity <= kLargest) {
        void*& head = t_lists.head[capacity / kClassBytes - 1];
        if (head) {
            void* p = head;
            head = *static_cast<void**>(p);
            t_lists.bytes -= capacity;
            return p;
        }
    }
    char* raw = static_cast<char*>(std::malloc(kHeader + capacity));
    if (!raw)
        return nullptr;
    void* p = raw + kHeader;
    capacityOf(p) = capacity;
    return p;
}

void release(void* p)
{
    if (!p)
        return;
    const std::size_t capacity = std::size_t(capacityOf(p));
    if (capacity <= kLargest && !t_lists.draining && t_lists.bytes + capacity <= kCachedBytes) {
        void*& head = t_lists.head[capacity / kClassBytes - 1];
        if (!head) // constructs the thread's Drain (once), which empties the lists when the thread ends
            t_drain.armed = true;
        *static_cast<void**>(p) = head;
        head = p;
        t_lists.bytes += capacity;
        return;
    }
    std::free(static_cast<char*>(p) - kHeader);
}

void* reallocate(void* p, int n)
{
    if (n <= 0)
        return nullptr;
    const std::size_t capacity = std::size_t(capacityOf(p));
    if (std::size_t(n) <= capacity && capacityFor(std::size_t(n)) == capacity)
        return p;
    void* q = allocate(n);
    if (!q)
        return nullptr; // SQLite keeps the old block
    std::memcpy(q, p, std::min(capacity, std::size_t(n)));
    release(p);
    return q;
}

int size(void* p)
{
    return p ? int(capacityOf(p)) : 0;
}

int roundup(int n)
{
    return int(capacityFor(std::size_t(n)));
}

int init(void*)
{
    return SQLITE_OK;
}

void shutdown(void*) {}

const sqlite3_mem_methods kMethods{&allocate, &release, &reallocate, &size,
                                   &roundup,  &init,    &shutdown,   nullptr};

} // namespace

const sqlite3_mem_methods& methods()
{
    return kMethods;
}

bool enabled()
{
#if defined(__SANITIZE_ADDRESS__)
    return false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
    return false;
#else
    return true;
#endif
#else
    return true;
#endif
}

} // namespace seam::sqlite_allocator
