#include "CacheCheck.h"

#include "CacheError.h"
#include "Sqlite.h"

#include <condition_variable>
#include <mutex>
#include <sqlite3.h>
#include <thread>

namespace seam::store {
namespace {

using Clock = std::chrono::steady_clock;

/// Interrupts `db` when the budget runs out. Not a progress handler: those run between virtual machine
/// instructions, and quick_check walks every B-tree within one instruction (OP_IntegrityCk), which
/// does look at sqlite3_interrupt() as it goes.
class Watchdog
{
public:
    Watchdog(sqlite3* db, std::chrono::milliseconds budget)
        : m_thread([this, db, budget] {
              std::unique_lock lock(m_mutex);
              if (!m_wake.wait_for(lock, budget, [this] { return m_done; }))
                  sqlite3_interrupt(db); // harmless if the check ended meanwhile: nothing is running
          })
    {}
    ~Watchdog()
    {
        {
            std::lock_guard lock(m_mutex);
            m_done = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;

private:
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_done = false;
    std::thread m_thread; // last: starts once the members it uses exist
};

/// quick_check's report starts with "*** in database main ***" on a line of its own: keep the problem.
std::string firstProblem(std::string text)
{
    const std::string banner = "*** in database main ***\n";
    if (text.compare(0, banner.size(), banner) == 0)
        text.erase(0, banner.size());
    const auto eol = text.find('\n');
    return eol == std::string::npos ? text : text.substr(0, eol);
}

} // namespace

QuickCheck quickCheck(Database& db, std::chrono::milliseconds budget)
{
    QuickCheck result;
    const Clock::time_point started = Clock::now();
    try {
        // quick_check(1): the first problem is enough to refuse, and stopping there keeps a badly
        // damaged file from producing thousands of lines.
        Statement st = db.prepare("PRAGMA quick_check(1)");
        Watchdog watchdog(db.handle(), budget);
        while (st.step()) {
            const std::string line(st.text(0));
            if (line != "ok" && result.detail.empty()) {
                result.damaged = true;
                result.detail = firstProblem(line);
            }
        }
        result.complete = true;
    } catch (const SqliteError& e) {
        if ((e.code() & 0xff) == SQLITE_INTERRUPT) {
            result.complete = false; // out of time, nothing found so far
        } else if (isDamageCode(e.code())) {
            // Damage so bad the check cannot even walk the file (the schema, a root page).
            result.damaged = true;
            result.complete = true;
            result.detail = e.what();
        } else {
            throw;
        }
    }
    result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return result;
}

void requireUndamaged(Database& db, std::chrono::milliseconds budget)
{
    const QuickCheck check = quickCheck(db, budget);
    if (check.damaged)
        throw CacheError(CacheError::Reason::Damaged, db.path() + " is damaged: " + check.detail,
                         SQLITE_CORRUPT);
}

} // namespace seam::store
