#include "TableCsvExport.h"

#include "ItemModelCsv.h"
#include "MainWindow.h"
#include "ModelRoles.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QHeaderView>
#include <QListView>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>
#include <QTableView>
#include <QTreeView>

namespace seam {
namespace {

constexpr char kAttached[] = "seamCsvExport";

/// The view under `w` (the view itself or its viewport), nullptr when `w` is in none.
QAbstractItemView* itemViewOf(QWidget* w)
{
    for (; w; w = w->parentWidget())
        if (auto* view = qobject_cast<QAbstractItemView*>(w))
            return view;
    return nullptr;
}

/// The columns as the view shows them: visible, in their on-screen order.
std::vector<int> shownColumns(QAbstractItemView* view)
{
    QHeaderView* header = nullptr;
    if (auto* table = qobject_cast<QTableView*>(view))
        header = table->horizontalHeader();
    else if (auto* tree = qobject_cast<QTreeView*>(view))
        header = tree->header();
    std::vector<int> columns;
    if (auto* list = qobject_cast<QListView*>(view)) {
        columns.push_back(list->modelColumn());
        return columns;
    }
    if (!header)
        return columns;
    for (int visual = 0; visual < header->count(); ++visual) {
        const int logical = header->logicalIndex(visual);
        if (!header->isSectionHidden(logical))
            columns.push_back(logical);
    }
    return columns;
}

} // namespace

TableCsvExport::TableCsvExport(MainWindow* window)
    : QObject(window), m_window(window), m_fileAction(new QAction(tr("Export &Table as CSV…"), this))
{
    m_fileAction->setStatusTip(tr("The table or list that last had the keyboard focus, as CSV"));
    m_fileAction->setEnabled(false);
    connect(qApp, &QApplication::focusChanged, this, [this](QWidget*, QWidget* now) { focusChanged(now); });
}

void TableCsvExport::attachAll(QWidget* skip)
{
    m_skip = skip;
    for (QAbstractItemView* view : m_window->findChildren<QAbstractItemView*>())
        attach(view);
}

void TableCsvExport::attach(QAbstractItemView* view)
{
    // Only the window's own views: a combo box's or completer's popup list is a window of its own.
    QWidget* top = view->window();
    if (view == m_skip || view->property(kAttached).toBool() ||
        (top != m_window && !qobject_cast<QDockWidget*>(top)))
        return;
    if (view->contextMenuPolicy() == Qt::CustomContextMenu ||
        view->contextMenuPolicy() == Qt::PreventContextMenu)
        return; // a menu of its own making: not ours to extend
    view->setProperty(kAttached, true);
    if (view->contextMenuPolicy() == Qt::ActionsContextMenu && !view->actions().isEmpty()) {
        auto* separator = new QAction(view);
        separator->setSeparator(true);
        view->addAction(separator);
    }
    view->setContextMenuPolicy(Qt::ActionsContextMenu);
    auto* action = new QAction(tr("Export to CSV…"), view);
    action->setObjectName(QStringLiteral("exportCsv"));
    action->setStatusTip(tr("Every row of this table as CSV"));
    QPointer<QAbstractItemView> target(view);
    connect(action, &QAction::triggered, this, [this, target] {
        if (target)
            exportView(target);
    });
    view->addAction(action);
}

void TableCsvExport::focusChanged(QWidget* now)
{
    QAbstractItemView* view = itemViewOf(now);
    if (!view || (view->window() != m_window && !qobject_cast<QDockWidget*>(view->window())))
        return;   // focus in a menu, a dialog or a toolbar keeps the last table
    attach(view); // one created after the scan
    m_lastView = view;
    m_fileAction->setEnabled(true);
}

bool TableCsvExport::writeCsv(QAbstractItemView* view, const QString& path, QString* error)
{
    QAbstractItemModel* model = view->model();
    if (!model) {
        if (error)
            *error = tr("the table is empty");
        return false;
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        if (error)
            *error = file.errorString();
        return false;
    }
    report::ItemModelCsvOptions options;
    options.columns = shownColumns(view);
    options.valueRole = RawValueRole;
    report::writeItemModelCsv(*model, options, [&](const std::string& record) {
        file.write(record.data(), qint64(record.size()));
    });
    if (!file.commit()) {
        if (error)
            *error = file.errorString();
        return false;
    }
    return true;
}

void TableCsvExport::exportView(QAbstractItemView* view)
{
    QPointer<QAbstractItemView> target(view);
    QString path = QFileDialog::getSaveFileName(m_window, tr("Export to CSV"), QString(), tr("CSV (*.csv)"));
    if (path.isEmpty() || !target)
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".csv");
    QString error;
    if (!writeCsv(target, path, &error))
        QMessageBox::warning(m_window, tr("Export to CSV"), error);
    else
        m_window->statusBar()->showMessage(tr("Exported the table to %1").arg(path), 5000);
}

} // namespace seam
