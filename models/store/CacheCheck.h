#pragma once

#include <chrono>
#include <string>

namespace seam {

class Database;

namespace store {

/// How long opening a cache may spend on PRAGMA quick_check. A whole check reads every page: on the
/// 2.6 GB cache of `seam demo --sessions 20000` (4.2 M spans) it took 3.2-7.5 s from the page cache
/// (tests/bench/bench_cachecheck) and 15 s from disk (sqlite3 shell, page cache dropped), too much to
/// pay on every command; the default demo (255 MB) takes 0.21 s. Within the budget a cache of a few hundred MB is checked whole; a
/// bigger one in part (the rest still fails cleanly, as "damaged", when a query reads a damaged page).
/// Writers and the GUI's opening get more: a damaged cache written into gets worse.
constexpr std::chrono::milliseconds kWriterCheckBudget{1500};
constexpr std::chrono::milliseconds kReaderCheckBudget{500};

struct QuickCheck
{
    bool damaged = false;
    bool complete = false; // the whole file was checked (false: the budget ran out first)
    std::string detail;    // the first problem quick_check reported
    double seconds = 0;
};

/// Runs PRAGMA quick_check on `db`, interrupted (sqlite3_interrupt from a watchdog thread)
/// after `budget`. Reports at most the first problem. Never throws for damage: an error that says the
/// file is damaged is a finding; other errors (I/O, busy) propagate as SqliteError.
QuickCheck quickCheck(Database& db, std::chrono::milliseconds budget);

/// quickCheck, throwing CacheError(Damaged) naming the file and the problem when it finds damage.
void requireUndamaged(Database& db, std::chrono::milliseconds budget);

} // namespace store
} // namespace seam
