#pragma once

#include "Notes.h"

#include <QObject>
#include <QString>
#include <functional>
#include <vector>

namespace seam {

/// A note as the window makes it: its target, and for a span the page load's trace rows to find the
/// span's trace in (the Investigation knows span ids and traces.id rows, notes want hex ids).
struct NoteDraft
{
    notes::Note note;
    qint64 spanId = 0;             ///< when set, the target becomes this span of one of traceRows
    std::vector<qint64> traceRows; ///< traces.id of the selected page load's traces
};

/// Adds, edits and deletes notes off the GUI thread, each write on its own writable connection (which
/// migrates a v1 cache on the first one). Results come back as signals on the writer's thread.
class NoteWriter : public QObject
{
    Q_OBJECT

public:
    explicit NoteWriter(const QString& cachePath, QObject* parent = nullptr);

    void add(NoteDraft draft);
    void update(notes::Note note);
    void remove(qint64 id);
    /// Writes back a deleted note whole, with its id (undo of a deletion); fails if the id was taken.
    void restore(notes::Note note);
    /// Writes in flight (tests wait for 0).
    int pending() const { return m_pending; }

    /// Resolves the draft's span (if any) and adds it, on the calling thread. Throws TargetError,
    /// SqliteError. Returns the new note's id.
    static qint64 addNow(const std::string& cachePath, NoteDraft draft);

signals:
    /// A write committed; `id` is the note's.
    void written(qint64 id);
    void failed(const QString& message);

private:
    void run(std::function<qint64(const std::string&)> job);

    QString m_cachePath;
    int m_pending = 0;
};

} // namespace seam
