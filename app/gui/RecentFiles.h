#pragma once

#include <QObject>
#include <QStringList>

class QMenu;

namespace seam {

/// The investigations opened lately, most recent first, kept in QSettings: the File > Open Recent menu
/// and what Seam reopens when started without arguments.
class RecentFiles : public QObject
{
    Q_OBJECT

public:
    static constexpr int kMaxEntries = 10;

    explicit RecentFiles(QObject* parent = nullptr);

    /// Moves `path` to the front (adding it), dropping the oldest beyond kMaxEntries.
    void add(const QString& path);
    void remove(const QString& path);
    void clear();
    /// The entries whose files still exist.
    QStringList entries() const;
    /// The most recent one that still exists; empty when none.
    QString last() const;

    /// Fills `menu` with the entries (numbered mnemonics, the full path as tooltip) and a Clear action;
    /// rebuilt each time it is about to show.
    void attach(QMenu* menu);

signals:
    void openRequested(const QString& path);

private:
    QStringList stored() const;
    void store(const QStringList& paths);
    void fill(QMenu* menu);
};

} // namespace seam
