#pragma once

#include "BackgroundLoader.h"
#include "Notes.h"

#include <QSet>
#include <QStringList>
#include <vector>

namespace seam {

/// What the notes panel and the noted-item markers show, read off the GUI thread.
struct NotesRequest
{
    /// Bumped by every reload: a request never equals the last one, and NotesRequest{} (0) cancels.
    quint64 generation = 0;
    friend bool operator==(const NotesRequest&, const NotesRequest&) = default;
};

struct NotesData
{
    std::vector<notes::Note> notes; ///< in the store's stable order
    QStringList tags;               ///< every tag in use, sorted
    /// Page loads with a note on them, on one of their resources, or on a span or trace noted while
    /// they were selected (the note's focus).
    QSet<qint64> notedPageLoads;
    QSet<qint64> notedResources; ///< resources.id with a note
    QSet<qint64> notedSpans;     ///< span ids (the store's signed form) with a note, any trace

    /// Throws SqliteError. Reads v1 caches too (listNotes).
    static NotesData load(Database& db, const NotesRequest& request);
};

using NotesLoader = BackgroundLoader<NotesData, NotesRequest>;

} // namespace seam
