#include "NoteWriter.h"

#include "Ids.h"
#include "Sqlite.h"
#include "Store.h"

#include <QCoreApplication>
#include <QPointer>
#include <QThreadPool>

namespace seam {

NoteWriter::NoteWriter(const QString& cachePath, QObject* parent) : QObject(parent), m_cachePath(cachePath) {}

qint64 NoteWriter::addNow(const std::string& cachePath, NoteDraft draft)
{
    Database db = store::openForWriting(cachePath);
    if (draft.spanId != 0) {
        Statement st =
            db.prepare("SELECT lower(hex(t.trace_id)) FROM spans s JOIN traces t ON t.id = s.trace "
                       "WHERE s.trace = ? AND s.span_id = ?");
        for (const qint64 row : draft.traceRows) {
            st.bind(1, row).bind(2, draft.spanId);
            if (st.step()) {
                draft.note.target = {notes::TargetKind::Span, 0, std::string(st.text(0)),
                                     spanIdHex(SpanId(draft.spanId))};
                break;
            }
            st.reset();
        }
    }
    return notes::addNote(db, std::move(draft.note));
}

void NoteWriter::add(NoteDraft draft)
{
    run([draft = std::move(draft)](const std::string& path) { return addNow(path, draft); });
}

void NoteWriter::update(notes::Note note)
{
    run([note = std::move(note)](const std::string& path) {
        Database db = store::openForWriting(path);
        if (!notes::updateNote(db, note))
            throw SqliteError("the note was deleted meanwhile", 0);
        return qint64(note.id);
    });
}

void NoteWriter::remove(qint64 id)
{
    run([id](const std::string& path) {
        Database db = store::openForWriting(path);
        notes::deleteNote(db, id); // already gone is what was asked
        return id;
    });
}

void NoteWriter::restore(notes::Note note)
{
    run([note = std::move(note)](const std::string& path) {
        Database db = store::openForWriting(path);
        return qint64(notes::addNote(db, note));
    });
}

void NoteWriter::run(std::function<qint64(const std::string&)> job)
{
    ++m_pending;
    // The answer is posted to the application object and delivered only if this writer still exists
    // (checked on the GUI thread, where it would be deleted).
    QThreadPool::globalInstance()->start(
        [job = std::move(job), path = m_cachePath.toStdString(), self = QPointer<NoteWriter>(this)] {
            qint64 id = 0;
            QString error;
            try {
                id = job(path);
            } catch (const std::exception& e) {
                error = QString::fromUtf8(e.what());
            }
            QMetaObject::invokeMethod(
                QCoreApplication::instance(),
                [self, id, error] {
                    if (!self)
                        return;
                    --self->m_pending;
                    if (error.isEmpty())
                        emit self->written(id);
                    else
                        emit self->failed(error);
                },
                Qt::QueuedConnection);
        });
}

} // namespace seam
