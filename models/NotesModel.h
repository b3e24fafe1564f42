#pragma once

#include "NotesData.h"

#include <QAbstractTableModel>
#include <memory>

namespace seam {

/// The notes as a table (time, author, about, tags, text), optionally only those with one tag. Fed
/// whole by the NotesLoader's results: notes are few (a review's worth), so no paging.
class NotesModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column
    {
        TimeColumn,
        AuthorColumn,
        TargetColumn,
        TagsColumn,
        TextColumn,
        ColumnCount
    };
    /// Qt::UserRole on any column: the note's id.
    static constexpr int IdRole = Qt::UserRole;

    explicit NotesModel(QObject* parent = nullptr);

    void setData(std::shared_ptr<const NotesData> data);
    const NotesData* notesData() const { return m_data.get(); }
    /// Only notes tagged `tag` (normalised); empty: all.
    void setTagFilter(const QString& tag);
    const QString& tagFilter() const { return m_tag; }
    /// The note shown in `row`, nullptr when out of range.
    const notes::Note* noteAt(int row) const;
    /// The row of note `id`, -1 when it is not shown.
    int rowOf(qint64 id) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    /// "page load 4711", "span 4bf9…:00f0…", "payments 10:14–10:29": what a note is about, in words.
    static QString targetText(const notes::Target& target);

private:
    void rebuild();

    std::shared_ptr<const NotesData> m_data;
    QString m_tag;
    std::vector<const notes::Note*> m_rows;
};

} // namespace seam
