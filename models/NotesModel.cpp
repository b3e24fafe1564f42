#include "NotesModel.h"

#include "QtText.h"

#include <QDateTime>

namespace seam {
namespace {

QString clock(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString range(const notes::Target& t)
{
    if (!t.from || !t.to)
        return {};
    return QStringLiteral("%1–%2").arg(clock(*t.from), clock(*t.to).right(5));
}

} // namespace

NotesModel::NotesModel(QObject* parent) : QAbstractTableModel(parent) {}

void NotesModel::setData(std::shared_ptr<const NotesData> data)
{
    beginResetModel();
    m_data = std::move(data);
    rebuild();
    endResetModel();
}

void NotesModel::setTagFilter(const QString& tag)
{
    const auto normalised = notes::normaliseTags({tag.toStdString()});
    const QString t = normalised.empty() ? QString() : qs(normalised.front());
    if (t == m_tag)
        return;
    beginResetModel();
    m_tag = t;
    rebuild();
    endResetModel();
}

void NotesModel::rebuild()
{
    m_rows.clear();
    if (!m_data)
        return;
    const std::string tag = m_tag.toStdString();
    for (const notes::Note& n : m_data->notes)
        if (tag.empty() || std::find(n.tags.begin(), n.tags.end(), tag) != n.tags.end())
            m_rows.push_back(&n);
}

const notes::Note* NotesModel::noteAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? m_rows[std::size_t(row)] : nullptr;
}

int NotesModel::rowOf(qint64 id) const
{
    for (std::size_t i = 0; i < m_rows.size(); ++i)
        if (m_rows[i]->id == id)
            return int(i);
    return -1;
}

int NotesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NotesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString NotesModel::targetText(const notes::Target& t)
{
    using notes::TargetKind;
    switch (t.kind) {
    case TargetKind::PageLoad:
        return tr("page load %1").arg(t.id);
    case TargetKind::Resource:
        return tr("resource %1").arg(t.id);
    case TargetKind::Session:
        return tr("session %1").arg(t.id);
    case TargetKind::Trace:
        return tr("trace %1…").arg(qs(t.traceId).left(8));
    case TargetKind::Span:
        return tr("span %1… of trace %2…").arg(qs(t.spanId).left(8), qs(t.traceId).left(8));
    case TargetKind::Service:
        return tr("service %1").arg(qs(t.name));
    case TargetKind::Incident:
        return tr("%1 %2").arg(qs(t.name), range(t));
    case TargetKind::Cohort:
        return QString(qs(t.name) + QLatin1Char(' ') + range(t)).trimmed();
    case TargetKind::TimeRange:
        return range(t);
    }
    return {};
}

QVariant NotesModel::data(const QModelIndex& index, int role) const
{
    const notes::Note* n = noteAt(index.row());
    if (!n || !index.isValid())
        return {};
    if (role == IdRole)
        return qint64(n->id);
    if (role == Qt::ToolTipRole && index.column() == TextColumn)
        return qs(n->text);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case TimeColumn:
        return clock(n->createdNs);
    case AuthorColumn:
        return qs(n->author);
    case TargetColumn:
        return QString((n->bookmark ? QStringLiteral("★ ") : QString()) + targetText(n->target));
    case TagsColumn: {
        QStringList tags;
        for (const std::string& t : n->tags)
            tags << QLatin1Char('#') + qs(t);
        return tags.join(QLatin1Char(' '));
    }
    case TextColumn:
        return qs(n->text).section(QLatin1Char('\n'), 0, 0);
    }
    return {};
}

QVariant NotesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case TimeColumn:
        return tr("Time");
    case AuthorColumn:
        return tr("Author");
    case TargetColumn:
        return tr("About");
    case TagsColumn:
        return tr("Tags");
    case TextColumn:
        return tr("Note");
    }
    return {};
}

} // namespace seam
