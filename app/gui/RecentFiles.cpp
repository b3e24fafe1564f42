#include "RecentFiles.h"

#include <QAction>
#include <QDir>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

namespace seam {
namespace {

const QString kKey = QStringLiteral("recentInvestigations");

} // namespace

RecentFiles::RecentFiles(QObject* parent) : QObject(parent) {}

QStringList RecentFiles::stored() const
{
    return QSettings().value(kKey).toStringList();
}

void RecentFiles::store(const QStringList& paths)
{
    QSettings().setValue(kKey, paths);
}

void RecentFiles::add(const QString& path)
{
    const QString absolute = QFileInfo(path).absoluteFilePath();
    QStringList paths = stored();
    paths.removeAll(absolute);
    paths.prepend(absolute);
    while (paths.size() > kMaxEntries)
        paths.removeLast();
    store(paths);
}

void RecentFiles::remove(const QString& path)
{
    QStringList paths = stored();
    paths.removeAll(QFileInfo(path).absoluteFilePath());
    store(paths);
}

void RecentFiles::clear()
{
    store({});
}

QStringList RecentFiles::entries() const
{
    QStringList existing;
    for (const QString& path : stored())
        if (QFileInfo::exists(path))
            existing.append(path);
    return existing;
}

QString RecentFiles::last() const
{
    const QStringList paths = entries();
    return paths.isEmpty() ? QString() : paths.front();
}

void RecentFiles::attach(QMenu* menu)
{
    connect(menu, &QMenu::aboutToShow, this, [this, menu] { fill(menu); });
    fill(menu);
}

void RecentFiles::fill(QMenu* menu)
{
    menu->clear();
    const QStringList paths = entries();
    int number = 1;
    for (const QString& path : paths) {
        // &1 … &9, then 1&0: keyboard users pick an entry with one key.
        const QString mnemonic = number < 10 ? QStringLiteral("&%1").arg(number) : QStringLiteral("1&0");
        QAction* action = menu->addAction(QStringLiteral("%1  %2").arg(mnemonic, QFileInfo(path).fileName()));
        action->setToolTip(QDir::toNativeSeparators(path));
        action->setStatusTip(QDir::toNativeSeparators(path));
        connect(action, &QAction::triggered, this, [this, path] { emit openRequested(path); });
        ++number;
    }
    if (paths.isEmpty())
        menu->addAction(tr("No recent investigations"))->setEnabled(false);
    menu->addSeparator();
    QAction* clearAction = menu->addAction(tr("&Clear List"), this, &RecentFiles::clear);
    clearAction->setEnabled(!paths.isEmpty());
}

} // namespace seam
