#include "RecoverCache.h"

#include "CacheError.h"
#include "CacheOpen.h"
#include "Sqlite.h"
#include "Store.h"

#include <algorithm>
#include <limits>
#include <optional>
#include <sqlite3.h>

namespace seam {
namespace {

constexpr std::int64_t kRowsPerCommit = 20'000;
constexpr std::uint64_t kSignBit = std::uint64_t(1) << 63;

struct Column
{
    std::string name;
    std::string type;
    int pk = 0; // position in the primary key (1-based), 0 if not part of it
};

std::vector<Column> columnsOf(Database& db, const std::string& table)
{
    std::vector<Column> columns;
    Statement st = db.prepare("SELECT name, type, pk FROM pragma_table_info(?1)");
    st.bindText(1, table);
    while (st.step())
        columns.push_back({std::string(st.text(0)), std::string(st.text(1)), int(st.int64(2))});
    return columns;
}

/// Copies one table of `src` into the same table of `dst`.
class TableCopy
{
public:
    TableCopy(Database& src, Database& dst, const std::string& table, const std::atomic<bool>* cancel)
        : m_dst(dst), m_cancel(cancel)
    {
        m_result.table = table;
        std::vector<std::string> srcNames;
        for (const Column& c : columnsOf(src, table))
            srcNames.push_back(c.name);
        std::vector<Column> keys;
        std::string names, params;
        for (const Column& c : columnsOf(dst, table)) {
            if (c.pk)
                keys.push_back(c);
            if (std::find(srcNames.begin(), srcNames.end(), c.name) == srcNames.end())
                continue; // a column the source does not have: the new schema's default
            names += (m_columns ? ", " : "") + quotedIdentifier(c.name);
            params += (m_columns ? ", ?" : "?") + std::to_string(m_columns + 1);
            ++m_columns;
        }
        Statement kind =
            dst.prepare("SELECT count(*) FROM sqlite_master WHERE name = ?1 AND sql LIKE '%WITHOUT ROWID%'");
        kind.bindText(1, table);
        const bool withoutRowid = kind.step() && kind.int64(0) == 1;
        std::sort(keys.begin(), keys.end(), [](const Column& a, const Column& b) { return a.pk < b.pk; });
        // The key walked in order: rowid (also behind an INTEGER PRIMARY KEY), or the WITHOUT ROWID
        // table's primary key, selected ahead of the copied columns.
        std::vector<std::string> key;
        if (withoutRowid) {
            for (const Column& c : keys)
                key.push_back(quotedIdentifier(c.name));
            m_integerKey = !keys.empty() && keys.front().type == "INTEGER";
        } else {
            key.push_back("rowid");
            m_integerKey = true;
        }
        m_keyColumns = int(key.size());
        std::string keyList;
        for (std::size_t i = 0; i < key.size(); ++i)
            keyList += (i ? ", " : "") + key[i];
        const std::string select = "SELECT " + keyList + (m_columns ? ", " + names : std::string()) +
                                   " FROM " + quotedIdentifier(table);
        const std::string order = " ORDER BY " + keyList;
        m_all = src.prepare(select + order);
        if (m_integerKey) {
            m_from = src.prepare(select + " WHERE " + key.front() + " >= ?1" + order);
            m_probe = src.prepare(select + " WHERE " + key.front() + " >= ?1" + order + " LIMIT 1");
        }
        if (m_columns)
            m_insert = dst.prepare("INSERT OR IGNORE INTO " + quotedIdentifier(table) + " (" + names +
                                   ") VALUES (" + params + ")");
    }

    TableRecovery run()
    {
        if (!m_columns)
            return m_result;
        Statement* current = &m_all;
        std::int64_t base = std::numeric_limits<std::int64_t>::min(); // where reading last (re)started
        m_dst.exec("BEGIN");
        for (;;) {
            bool readRow = false;
            try {
                while (current->step()) {
                    copyRow(*current);
                    readRow = true;
                    if (m_cancel && *m_cancel)
                        break;
                }
                current->reset();
                break; // the end of the table
            } catch (const SqliteError& e) {
                current->reset();
                if (!store::isDamageCode(e.code()))
                    throw;
            }
            ++m_result.damagedStretches;
            if (!m_integerKey) {
                m_result.complete = false; // no way to seek past the damage
                break;
            }
            // Rows up to the last key read are copied; what follows it does not read. (With a composite
            // key the rest of that first-column value is given up with the damaged stretch.)
            if (readRow)
                base = m_lastKey;
            const std::optional<std::int64_t> resume = readableFrom(base);
            if (!resume) {
                m_result.complete = false;
                break;
            }
            base = *resume;
            m_from.bindInt64(1, base);
            current = &m_from;
        }
        m_dst.exec("COMMIT");
        return m_result;
    }

private:
    void copyRow(Statement& st)
    {
        sqlite3_stmt* row = st.handle();
        for (int i = 0; i < m_columns; ++i)
            sqlite3_bind_value(m_insert.handle(), i + 1, sqlite3_column_value(row, m_keyColumns + i));
        m_insert.run();
        m_result.copied += m_dst.changes();
        if (m_integerKey)
            m_lastKey = sqlite3_column_int64(row, 0);
        if (++m_sinceCommit == kRowsPerCommit) {
            m_dst.exec("COMMIT");
            m_dst.exec("BEGIN");
            m_sinceCommit = 0;
        }
    }

    /// Does a row at or after `key` read (or is the table's end there)?
    bool readable(std::int64_t key)
    {
        m_probe.bindInt64(1, key);
        try {
            m_probe.step();
            m_probe.reset();
            return true;
        } catch (const SqliteError& e) {
            m_probe.reset();
            if (!store::isDamageCode(e.code()))
                throw;
            return false;
        }
    }

    /// The smallest key after `base` from which rows read again: doubling the distance until they do,
    /// then halving the gap back. Nothing when none does up to the largest key.
    std::optional<std::int64_t> readableFrom(std::int64_t base)
    {
        // Keys as unsigned distances from INT64_MIN, so that the arithmetic cannot overflow.
        const std::uint64_t origin = std::uint64_t(base) ^ kSignBit;
        const auto keyAt = [origin](std::uint64_t d) { return std::int64_t((origin + d) ^ kSignBit); };
        const std::uint64_t room = std::numeric_limits<std::uint64_t>::max() - origin;
        if (room == 0)
            return std::nullopt;
        std::uint64_t bad = 0, good = 1;
        while (!readable(keyAt(good))) {
            if (good == room)
                return std::nullopt;
            bad = good;
            good = good > room / 2 ? room : good * 2;
        }
        while (good - bad > 1) {
            const std::uint64_t mid = bad + (good - bad) / 2;
            (readable(keyAt(mid)) ? good : bad) = mid;
        }
        return keyAt(good);
    }

    Database& m_dst;
    const std::atomic<bool>* m_cancel;
    TableRecovery m_result;
    int m_columns = 0;
    int m_keyColumns = 0;
    bool m_integerKey = false;
    Statement m_all, m_from, m_probe, m_insert;
    std::int64_t m_lastKey = 0; // first key column of the last row copied
    std::int64_t m_sinceCommit = 0;
};

} // namespace

std::int64_t RecoverReport::copied() const
{
    std::int64_t n = 0;
    for (const TableRecovery& t : tables)
        n += t.copied;
    return n;
}

int RecoverReport::damagedStretches() const
{
    int n = 0;
    for (const TableRecovery& t : tables)
        n += t.damagedStretches;
    return n;
}

std::string RecoverReport::summary() const
{
    std::string text =
        std::to_string(copied()) + " rows recovered from " + std::to_string(tables.size()) + " tables";
    std::string lost;
    for (const TableRecovery& t : tables) {
        if (!t.damagedStretches && t.complete)
            continue;
        lost += (lost.empty() ? "" : ", ") + t.table + " (" + std::to_string(t.damagedStretches) +
                (t.damagedStretches == 1 ? " stretch" : " stretches") +
                (t.complete ? "" : ", rest unreadable") + ")";
    }
    text += lost.empty() ? "; nothing was unreadable" : "; unreadable rows skipped in " + lost;
    if (cancelled)
        text += "; cancelled before the end";
    return text;
}

RecoverReport recoverCache(const std::string& source, const std::string& target,
                           const std::atomic<bool>* cancel, const std::function<void(double)>& progress)
{
    if (store::checkBeforeWriting(target) != store::FileKind::New)
        throw store::CacheError(store::CacheError::Reason::Foreign,
                                target + " already holds an investigation: recover into a new file", 0);
    Database src = store::openReadOnlyConnection(source);
    src.exec("PRAGMA query_only = 1");
    // Checks each cell's size against its page as it is read: damage shows as an error, not as rows of
    // garbage read from the wrong place.
    src.exec("PRAGMA cell_size_check = ON");
    std::vector<std::string> tables;
    {
        Statement st = src.prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name");
        while (st.step())
            tables.emplace_back(st.text(0));
    }

    Database dst = store::openForWriting(target);
    std::vector<std::string> known;
    {
        Statement st = dst.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                                   "'sqlite_%' ORDER BY name");
        while (st.step())
            known.emplace_back(st.text(0));
    }
    RecoverReport report;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        if (cancel && *cancel) {
            report.cancelled = true;
            break;
        }
        if (std::find(known.begin(), known.end(), tables[i]) == known.end())
            continue; // not part of the current schema
        try {
            report.tables.push_back(TableCopy(src, dst, tables[i], cancel).run());
        } catch (const SqliteError& e) {
            // Not even its columns or first statement could be read: the table is lost.
            if (!store::isDamageCode(e.code()))
                throw;
            try {
                dst.exec("ROLLBACK");
            } catch (const SqliteError&) {
            }
            report.tables.push_back({tables[i], 0, 1, false});
        }
        if (progress)
            progress(double(i + 1) / double(tables.size()));
    }
    if (cancel && *cancel)
        report.cancelled = true;
    auto note = dst.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('recovered_from', ?1)");
    // Statement binds text without copying it: the string must outlive run().
    const std::string provenance = source + ": " + report.summary();
    note.bindText(1, provenance);
    note.run();
    return report;
}

} // namespace seam
