#include "ExportActions.h"

#include "CacheCheck.h"
#include "FlameGraphPanel.h"
#include "IncidentReport.h"
#include "IncidentReportData.h"
#include "Investigation.h"
#include "InvestigationExtract.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "PageLoadCsv.h"
#include "PageLoadFilter.h"
#include "PageLoadScatterView.h"
#include "PageLoadsPanel.h"
#include "ReportPdf.h"
#include "ServiceRatesPanel.h"
#include "SessionJourneyPanel.h"
#include "Store.h"
#include "TableCsvExport.h"
#include "WaterfallPanel.h"

#include <QAction>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QMessageBox>
#include <QSaveFile>
#include <QStatusBar>
#include <QTableView>
#include <QThread>
#include <memory>

#ifdef SEAM_HAVE_QT_SVG
#include <QSvgGenerator>
#endif

namespace seam {
namespace {

struct Scope
{
    QString filter;
    std::optional<std::int64_t> from, to;
};

Scope currentScope(MainWindow* window)
{
    Scope s;
    if (Investigation* inv = window->investigation()) {
        s.filter = inv->filterText();
        if (inv->timeRange()) {
            s.from = inv->timeRange()->from;
            s.to = inv->timeRange()->to;
        }
    }
    return s;
}

} // namespace

ExportActions::ExportActions(MainWindow* window)
    : QObject(window), m_window(window), m_tables(new TableCsvExport(window))
{}

ExportActions::~ExportActions()
{
    // A report or extract still running finishes (it only reads the cache and writes its own file).
    if (m_thread)
        m_thread->wait();
}

bool ExportActions::svgSupported()
{
#ifdef SEAM_HAVE_QT_SVG
    return true;
#else
    return false;
#endif
}

void ExportActions::addTo(QMenu* file)
{
    m_report = file->addAction(tr("Export &Report…"), this, &ExportActions::exportReport);
    m_report->setStatusTip(tr("The incident report of this investigation as HTML or PDF"));
    m_extract = file->addAction(tr("Export &Investigation…"), this, &ExportActions::exportInvestigation);
    m_extract->setStatusTip(tr("A smaller investigation with the page loads the table shows"));
    m_csv = file->addAction(tr("Export Page Loads as &CSV…"), this, &ExportActions::exportCsv);
    file->addAction(m_tables->fileAction());
    connect(m_tables->fileAction(), &QAction::triggered, this, [this] {
        QAbstractItemView* view = m_tables->currentView();
        LinkedViews* views = m_window->linkedViews();
        if (views && view == views->pageLoads()->table())
            exportCsv(); // every row of its filter, from the cache: it pages lazily
        else if (view)
            m_tables->exportView(view);
    });
    // Views may have come with the investigation since the menu was last shown.
    connect(file, &QMenu::aboutToShow, this, &ExportActions::attachTableMenu);
    m_panes = file->addMenu(tr("Save &Pane as Image"));
    connect(m_panes, &QMenu::aboutToShow, this, &ExportActions::fillPanesMenu);
    setInvestigationOpen(false);
}

void ExportActions::setInvestigationOpen(bool open)
{
    for (QAction* a : {m_report, m_extract, m_csv})
        if (a)
            a->setEnabled(open && !m_busy);
    if (m_panes)
        m_panes->setEnabled(open);
    if (open)
        attachTableMenu();
}

void ExportActions::attachTableMenu()
{
    LinkedViews* views = m_window->linkedViews();
    if (!views || !m_csv)
        return;
    QTableView* table = views->pageLoads()->table();
    m_tables->attachAll(table);
    if (m_tableWithMenu == table)
        return;
    // The table has no menu of its own: its context menu is this one action.
    table->setContextMenuPolicy(Qt::ActionsContextMenu);
    table->addAction(m_csv);
    m_tableWithMenu = table;
}

void ExportActions::fillPanesMenu()
{
    m_panes->clear();
    LinkedViews* v = m_window->linkedViews();
    if (!v)
        return;
    const std::pair<QWidget*, QString> panes[] = {
        {v, tr("Whole Window")},
        {v->scatter(), tr("Scatter")},
        {v->pageLoads(), tr("Page-Load Table")},
        {v->serviceRates(), tr("Service Rates")},
        {v->journey(), tr("Session Journey")},
        {v->waterfall(), tr("Waterfall")},
        {v->flameGraph(), tr("Flamegraph")},
        {v->detailsTabs(), tr("Details")},
    };
    for (const auto& [pane, name] : panes) {
        QPointer<QWidget> target(pane);
        m_panes->addAction(name, this, [this, target, name] {
            if (target)
                savePane(target, name);
        });
    }
}

bool ExportActions::savePaneImage(QWidget* pane, const QString& path, QString* error)
{
    if (path.endsWith(QLatin1String(".svg"), Qt::CaseInsensitive)) {
#ifdef SEAM_HAVE_QT_SVG
        QSvgGenerator svg;
        svg.setFileName(path);
        svg.setSize(pane->size());
        svg.setViewBox(QRect(QPoint(0, 0), pane->size()));
        svg.setTitle(pane->windowTitle());
        pane->render(&svg);
        if (QFileInfo(path).size() > 0)
            return true;
        if (error)
            *error = tr("cannot write %1").arg(path);
        return false;
#else
        if (error)
            *error = tr("this build has no SVG support (Qt SVG): save as PNG");
        return false;
#endif
    }
    if (!pane->grab().save(path, "PNG")) {
        if (error)
            *error = tr("cannot write %1").arg(path);
        return false;
    }
    return true;
}

void ExportActions::savePane(QWidget* pane, const QString& name)
{
    const QString filters =
        svgSupported() ? tr("PNG image (*.png);;SVG drawing (*.svg)") : tr("PNG image (*.png)");
    QString path =
        QFileDialog::getSaveFileName(m_window, tr("Save %1 as Image").arg(name), QString(), filters);
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".png");
    QString error;
    if (!savePaneImage(pane, path, &error))
        QMessageBox::warning(m_window, tr("Save as Image"), error);
    else
        m_window->statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

bool ExportActions::writePageLoadsCsv(const QString& path, QString* error) const
{
    const Scope scope = currentScope(m_window);
    const PageLoadFilter filter = PageLoadFilter::parse(scope.filter);
    try {
        Database db = store::openForReading(m_window->cachePath().toStdString());
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly)) {
            if (error)
                *error = file.errorString();
            return false;
        }
        report::writePageLoadsCsv(
            db, filter.isValid() ? filter : PageLoadFilter(), scope.from, scope.to,
            [&](const std::string& record) { file.write(record.data(), qint64(record.size())); });
        if (!file.commit()) {
            if (error)
                *error = file.errorString();
            return false;
        }
        return true;
    } catch (const SqliteError& e) {
        if (error)
            *error = QString::fromStdString(e.what());
        return false;
    }
}

void ExportActions::exportCsv()
{
    QString path =
        QFileDialog::getSaveFileName(m_window, tr("Export Page Loads as CSV"), QString(), tr("CSV (*.csv)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".csv");
    QString error;
    if (!writePageLoadsCsv(path, &error))
        QMessageBox::warning(m_window, tr("Export Page Loads"), error);
    else
        m_window->statusBar()->showMessage(tr("Exported the page loads to %1").arg(path), 5000);
}

void ExportActions::runInBackground(const QString& what, std::function<QString()> work,
                                    std::function<void(const QString&)> done)
{
    m_busy = true;
    setInvestigationOpen(true);
    m_window->statusBar()->showMessage(what);
    auto error = std::make_shared<QString>();
    QThread* thread = QThread::create([work = std::move(work), error] { *error = work(); });
    m_thread = thread;
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    connect(thread, &QThread::finished, this, [this, error, done = std::move(done)] {
        m_busy = false;
        setInvestigationOpen(m_window->linkedViews() != nullptr);
        m_window->statusBar()->clearMessage();
        done(*error);
    });
    thread->start();
}

void ExportActions::exportReport()
{
    QString path = QFileDialog::getSaveFileName(m_window, tr("Export Report"), QString(),
                                                tr("HTML report (*.html);;PDF report (*.pdf)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".html");
    const std::string cache = m_window->cachePath().toStdString();
    const Scope scope = currentScope(m_window);
    auto data = std::make_shared<report::IncidentReportData>();
    runInBackground(
        tr("Writing the report…"),
        [cache, scope, data] {
            try {
                Database db = store::openForReading(cache);
                report::ReportOptions options;
                options.from = scope.from;
                options.to = scope.to;
                *data = report::gatherIncidentReport(db, options);
                return QString();
            } catch (const SqliteError& e) {
                return QString::fromStdString(e.what());
            }
        },
        [this, path, data](const QString& error) {
            QString failure = error;
            if (failure.isEmpty() && path.endsWith(QLatin1String(".pdf"), Qt::CaseInsensitive)) {
                // Fonts and painting on the GUI thread: the analysis above was the slow part.
                const report::PdfResult pdf = report::writeReportPdf(*data, path);
                failure = pdf.ok ? QString() : pdf.error;
            } else if (failure.isEmpty()) {
                const std::string html = report::incidentReportHtml(*data).html;
                QSaveFile file(path);
                if (!file.open(QIODevice::WriteOnly) || file.write(html.data(), qint64(html.size())) < 0 ||
                    !file.commit())
                    failure = file.errorString();
            }
            if (!failure.isEmpty())
                QMessageBox::warning(m_window, tr("Export Report"), failure);
            else
                m_window->statusBar()->showMessage(tr("Wrote the report to %1").arg(path), 5000);
        });
}

void ExportActions::exportInvestigation()
{
    QString path = QFileDialog::getSaveFileName(m_window, tr("Export Investigation"), QString(),
                                                tr("Seam investigation (*.seam)"));
    if (path.isEmpty())
        return;
    if (QFileInfo(path).suffix().isEmpty())
        path += QStringLiteral(".seam");
    if (QFileInfo(path).canonicalFilePath() == QFileInfo(m_window->cachePath()).canonicalFilePath()) {
        QMessageBox::warning(m_window, tr("Export Investigation"),
                             tr("Choose another file than the open one."));
        return;
    }
    // The save dialog asked before replacing the file.
    for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        QFile::remove(path + suffix);
    const std::string cache = m_window->cachePath().toStdString();
    const Scope scope = currentScope(m_window);
    runInBackground(
        tr("Exporting the investigation…"),
        [cache, scope, path] {
            report::ExtractOptions options;
            options.filter = PageLoadFilter::parse(scope.filter);
            if (!options.filter.isValid())
                options.filter = PageLoadFilter();
            options.from = scope.from;
            options.to = scope.to;
            try {
                report::extractInvestigation(cache, path.toStdString(), options);
                return QString();
            } catch (const SqliteError& e) {
                for (const QString& suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
                    QFile::remove(path + suffix);
                return QString::fromStdString(e.what());
            }
        },
        [this, path](const QString& error) {
            if (!error.isEmpty())
                QMessageBox::warning(m_window, tr("Export Investigation"), error);
            else
                m_window->statusBar()->showMessage(tr("Exported the investigation to %1").arg(path), 5000);
        });
}

} // namespace seam
