// The main window's work: opening caches and the demo, imports, Live mode, the summary and the linked
// views, jobs on the worker thread, drag and drop. Its menus and actions are in MainWindowMenus.cpp,
// what it does with a damaged cache in DamagedCache.cpp.

#include "MainWindow.h"

#include "AppIdentity.h"
#include "BackgroundJob.h"
#include "CacheCheck.h"
#include "CacheError.h"
#include "DemoInvestigation.h"
#include "ImportRunner.h"
#include "ImportSummaryDialog.h"
#include "Investigation.h"
#include "InvestigationFile.h"
#include "InvestigationSummaryView.h"
#include "LinkedViews.h"
#include "LiveController.h"
#include "LiveStatusWidget.h"
#include "MainWindowSettings.h"
#include "PageLoadSourcesPanel.h"
#include "PageLoadsPanel.h"
#include "RecentFiles.h"
#include "RemoteChartPushDown.h"
#include "SavedInvestigation.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreQueries.h"
#include "StoreWriter.h"
#include "Theme.h"
#include "WhyPanel.h"
#include "WhyStoreCheck.h"

#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QMimeData>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QUrl>

namespace seam {

using main_window_settings::kGeometryKey;
using main_window_settings::kLastInvestigationKey;
using main_window_settings::kLinkedViewsKey;
using main_window_settings::kThemeKey;

QString investigationsDir()
{
    return dataFolder();
}

namespace {

QString landingMessage()
{
    return QObject::tr("Open a cache, import telemetry (or drop files here), or open the demo investigation "
                       "(File menu). Help > A First Investigation shows the way around.");
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_recent(new RecentFiles(this)), m_live(new LiveController(this)),
      m_liveStatus(new LiveStatusWidget(m_live))
{
    setWindowTitle(tr("Seam"));
    setAcceptDrops(true);
    m_summary = new InvestigationSummaryView;
    setCentralWidget(m_summary);
    m_summary->setLoading(landingMessage());

    m_status = new QLabel;
    m_job = new BackgroundJob;
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_liveStatus);
    connect(m_live, &LiveController::refreshWanted, this, [this] {
        if (m_linked && QFileInfo(m_cachePath) == QFileInfo(m_live->cachePath()))
            m_linked->refresh();
    });
    statusBar()->addPermanentWidget(m_job);
    connect(m_job, &BackgroundJob::cancelRequested, this,
            [this] { m_status->setText(tr("Cancelling: keeping what is committed…")); });
    connect(m_recent, &RecentFiles::openRequested, this, [this](const QString& path) { openPaths({path}); });

    createMenus();
    createPushDown();
    updateActions();

    // Most of the screen by default (runGui maximises a first window); a saved geometry from a larger
    // monitor is cut to this screen so that no pane is off it.
    const QRect screen = this->screen()->availableGeometry();
    resize(std::min(1700, screen.width() * 9 / 10), std::min(1000, screen.height() * 9 / 10));
    if (restoreGeometry(QSettings().value(kGeometryKey).toByteArray()) && !isMaximized())
        resize(std::min(width(), screen.width()), std::min(height(), screen.height()));
}

QString MainWindow::landingText() const
{
    return m_summary->loadingText();
}

bool MainWindow::startLive()
{
    if (isBusy()) {
        m_liveAction->setChecked(false);
        QMessageBox::information(this, tr("Seam"),
                                 tr("Please wait for the current work to finish or cancel it."));
        return false;
    }
    // Into the open investigation, or a new one named after the moment.
    const QString cache = m_linked
                              ? m_cachePath
                              : investigationsDir() + QStringLiteral("/live-") +
                                    QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                                    QStringLiteral(".seam");
    if (!m_live->start(cache, LiveController::loadSettings())) {
        m_liveAction->setChecked(false);
        QMessageBox::warning(this, tr("Seam"),
                             tr("Live mode could not start: %1").arg(m_live->errorString()));
        return false;
    }
    m_liveAction->setChecked(true);
    if (!m_linked)
        openCache(cache);
    updateActions();
    return true;
}

void MainWindow::stopLive()
{
    m_live->stop();
    m_liveAction->setChecked(false);
    updateActions();
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

MainWindow::~MainWindow()
{
    // The linked views read the Investigation until they are gone.
    delete m_linked;
    m_job->stop();
}

bool MainWindow::isBusy() const
{
    return m_job->isBusy();
}

void MainWindow::startJob(const QString& label, BackgroundJob::Job job, std::function<void()> done)
{
    if (m_job->isBusy()) {
        QMessageBox::information(this, tr("Seam"),
                                 tr("Please wait for the current work to finish or cancel it."));
        return;
    }
    m_status->setText(label);
    m_job->start(std::move(job), std::move(done));
}

void MainWindow::openDemo()
{
    const QString path = investigationsDir() + QStringLiteral("/demo-seed1.seam");
    if (isCompleteDemoInvestigation(path.toStdString())) {
        openCache(path);
        return;
    }
    // Whatever is there is a demo cut short (or not a demo): start afresh.
    QFile::remove(path);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    if (isBusy()) {
        QMessageBox::information(this, tr("Seam"),
                                 tr("Please wait for the current work to finish or cancel it."));
        return;
    }
    // The landing page says what is happening, not "open the demo" while it is being made.
    m_summary->setLoading(tr("Generating the demo investigation… (a few seconds)"));
    auto progress = connect(m_job, &BackgroundJob::progressed, this, [this](double fraction) {
        if (!m_linked)
            m_summary->setLoading(tr("Generating the demo investigation… %1%").arg(int(fraction * 100)));
    });
    auto error = std::make_shared<QString>();
    startJob(
        tr("Generating the demo investigation…"),
        [path, error](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
            try {
                writeDemoInvestigation(path.toStdString(), DemoOptions{}, progress, &cancel);
            } catch (const std::exception& e) {
                *error = QString::fromStdString(e.what());
            }
        },
        [this, path, error, progress] {
            disconnect(progress);
            if (!error->isEmpty())
                QMessageBox::warning(this, tr("Seam"), tr("The demo could not be generated: %1").arg(*error));
            openCache(path);
        });
}

void MainWindow::openPaths(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    if (paths.size() == 1 && store::looksLikeInvestigationFile(paths.front().toStdString())) {
        openCache(paths.front());
        return;
    }
    const QString name = QFileInfo(paths.front()).completeBaseName();
    const QString cache = investigationsDir() + QLatin1Char('/') + name + QLatin1Char('-') +
                          QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                          QStringLiteral(".seam");
    runImport(cache, paths, false);
}

void MainWindow::importIntoCurrent(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    if (m_cachePath.isEmpty() || !m_linked) {
        openPaths(paths);
        return;
    }
    if (m_live->isRunning()) {
        QMessageBox::information(this, tr("Seam"),
                                 tr("Live data is being written into this investigation. Stop live mode "
                                    "(Live menu) to import files into it."));
        return;
    }
    runImport(m_cachePath, paths, true);
}

void MainWindow::runImport(const QString& cache, const QStringList& paths, bool intoCurrent)
{
    struct Result
    {
        std::vector<ImportRunner::Outcome> outcomes;
        QStringList missing;
        QString error;
    };
    auto result = std::make_shared<Result>();
    startJob(
        intoCurrent ? tr("Importing %n file(s) into this investigation…", nullptr, int(paths.size()))
                    : tr("Importing %n file(s)…", nullptr, int(paths.size())),
        [cache, paths, result](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
            try {
                // Readers of the open views keep reading: the cache is in WAL mode, and they see the
                // import once it is committed and they refresh.
                StoreWriter writer(cache.toStdString());
                ImportRunner runner(writer);
                runner.setCancelFlag(&cancel);
                std::vector<std::string> in, missing;
                for (const QString& p : paths)
                    in.push_back(p.toStdString());
                const std::vector<std::string> files = ImportRunner::expand(in, missing);
                for (std::size_t i = 0; i < files.size() && !cancel; ++i) {
                    runner.setProgress([&](const std::string&, std::uint64_t done, std::uint64_t total) {
                        if (total)
                            progress((double(i) + double(done) / double(total)) / double(files.size()));
                    });
                    result->outcomes.push_back(runner.importFile(files[i]));
                }
                for (const std::string& m : missing)
                    result->missing.append(QString::fromStdString(m));
                writer.flush();
            } catch (const std::exception& e) {
                result->error = QString::fromStdString(e.what());
            }
        },
        [this, cache, intoCurrent, result] {
            if (!intoCurrent &&
                discardIfNothingImported(cache, result->outcomes, result->missing, result->error))
                return;
            if (!result->error.isEmpty()) {
                QMessageBox::warning(this, tr("Seam"), tr("The import failed: %1").arg(result->error));
                if (!intoCurrent)
                    return;
            }
            const QString line = ImportSummaryDialog::oneLine(result->outcomes, result->missing);
            if (intoCurrent && m_linked && cache == m_cachePath) {
                m_linked->refresh();
                reloadSummary();
            } else if (!intoCurrent) {
                openCache(cache);
            }
            m_status->setText(line);
            if (ImportSummaryDialog::needsAttention(result->outcomes, result->missing)) {
                auto* dialog = new ImportSummaryDialog(cache, result->outcomes, result->missing, this);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->show();
            }
            emit importFinished(cache, line);
        });
}

void MainWindow::openCache(const QString& path)
{
    if (refuseIfNotAnInvestigation(path))
        return;
    m_summary->setLoading(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    loadSummary(path, true, [this, path](const QString& error, const QString& damage) {
        if (!damage.isEmpty()) {
            if (!error.isEmpty())
                m_summary->setLoading(tr("The summary of %1 cannot be read: %2").arg(path, error));
            offerRecovery(path, damage);
            return;
        }
        if (!error.isEmpty()) {
            m_summary->setLoading(tr("Cannot open %1: %2").arg(path, error));
            m_status->setText(tr("Cannot open %1").arg(path));
            m_recent->remove(path);
            return;
        }
        showCache(path);
    });
}

void MainWindow::showCache(const QString& path)
{
    m_cachePath = path;
    setWindowTitle(tr("Seam — %1").arg(QFileInfo(path).fileName()));
    m_status->setText(QDir::toNativeSeparators(path));
    m_recent->add(path);
    QSettings().setValue(kLastInvestigationKey, QFileInfo(path).absoluteFilePath());
    showLinkedViews(path);
}

void MainWindow::reloadSummary()
{
    if (!m_cachePath.isEmpty())
        loadSummary(m_cachePath, false, [](const QString&, const QString&) {});
}

void MainWindow::loadSummary(const QString& path, bool checkDamage,
                             std::function<void(const QString& error, const QString& damage)> done)
{
    struct Loaded
    {
        QJsonObject stats, services;
        QJsonArray slowest;
        QString error, damage;
    };
    auto loaded = std::make_shared<Loaded>();
    startJob(
        tr("Reading the investigation…"),
        [path, checkDamage, loaded](const std::atomic<bool>&, const std::function<void(double)>&) {
            try {
                if (!store::isCacheFile(path.toStdString()))
                    throw std::runtime_error("not a Seam cache (or no such file)");
                Database db = store::openForReading(path.toStdString());
                if (checkDamage) {
                    // Opening is once per investigation: the writer's budget (models/CacheCheck.h).
                    const store::QuickCheck check = store::quickCheck(db, store::kWriterCheckBudget);
                    if (check.damaged)
                        loaded->damage = QString::fromStdString(check.detail);
                }
                StoreQueries q(db);
                loaded->stats = q.stats();
                StoreQueries::PageLoadFilter filter;
                filter.slowest = 200;
                q.pageLoads(filter, [&](const QJsonObject& row) { loaded->slowest.append(row); });
                loaded->services = q.services(std::nullopt, std::nullopt, 0);
            } catch (const std::exception& e) {
                loaded->error = QString::fromStdString(e.what());
                if (store::isDamage(e) && loaded->damage.isEmpty())
                    loaded->damage = loaded->error;
            }
        },
        [this, path, loaded, done = std::move(done)] {
            if (loaded->error.isEmpty())
                m_summary->setData(QFileInfo(path).fileName(), loaded->stats, loaded->slowest,
                                   loaded->services);
            done(loaded->error, loaded->damage);
        });
}

void MainWindow::dropLinkedViews()
{
    // Taken back from the window, which would delete it: the summary outlives the views of one cache.
    if (!m_linked)
        return;
    saveLayout();
    m_pushDown->follow({}, nullptr);
    m_whyStore->follow({}, nullptr);
    takeCentralWidget();
    m_summary->setParent(nullptr);
    delete m_linked;
    delete m_investigation;
    m_linked = nullptr;
    m_investigation = nullptr;
}

void MainWindow::showLinkedViews(const QString& path)
{
    // Live data goes to the investigation it was started on: another one ends it.
    if (m_live->isRunning() && QFileInfo(m_live->cachePath()) != QFileInfo(path))
        stopLive();
    if (m_linked)
        dropLinkedViews();
    else
        takeCentralWidget(); // the summary, shown alone before the first cache

    m_investigation = new Investigation(this);
    connect(m_investigation, &Investigation::changed, this, [this](Investigation::Changes changes) {
        if (changes & Investigation::HistoryChanged)
            updateActions();
    });
    m_linked = new LinkedViews(path, m_investigation);
    m_linked->addDetailsTab(m_summary, tr("Summary"));
    m_linked->addDetailsTab(new PageLoadSourcesPanel(path, m_investigation), tr("Sources"));
    m_linkedPath = path;
    m_linked->pageLoads()->table()->setFocus();
    // The file's own state first (any machine); this machine's last layout when it has none.
    if (!saved_investigation::restore(path, *m_investigation, *m_linked))
        m_linked->restoreState(QSettings().value(kLinkedViewsKey).toByteArray());
    setCentralWidget(m_linked);
    m_pushDown->follow(path, m_investigation);
    m_whyStore->follow(path, m_linked->why()->storeSection());
    updateActions();
    emit investigationOpened(path);
}

void MainWindow::closeInvestigation()
{
    if (!m_linked || isBusy())
        return;
    stopLive();
    dropLinkedViews();
    m_cachePath.clear();
    QSettings().remove(kLastInvestigationKey);
    setCentralWidget(m_summary);
    m_summary->setLoading(landingMessage());
    setWindowTitle(tr("Seam"));
    m_status->clear();
    updateActions();
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    const bool local = !urls.isEmpty() &&
                       std::all_of(urls.begin(), urls.end(), [](const QUrl& u) { return u.isLocalFile(); });
    if (local && !isBusy())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event)
{
    QStringList paths;
    for (const QUrl& url : event->mimeData()->urls())
        paths.append(url.toLocalFile());
    event->acceptProposedAction();
    // A cache opens; telemetry joins the open investigation (that is why one drops it there), or starts
    // a new one when none is open.
    if (paths.size() == 1 && store::looksLikeInvestigationFile(paths.front().toStdString()))
        openCache(paths.front());
    else
        importIntoCurrent(paths);
}

void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    if (m_linked) {
        settings.setValue(kLinkedViewsKey, m_linked->saveState());
        // A few rows, written before the views go: the close waits for them like a document's save.
        const QString error = saved_investigation::save(m_linkedPath, *m_investigation, *m_linked);
        if (!error.isEmpty())
            qWarning("The investigation's state was not saved in %s: %s", qPrintable(m_linkedPath),
                     qPrintable(error));
    }
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    m_live->stop(); // answers and commits what is in flight
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MainWindow::openFileDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open an investigation or import telemetry"), QString(),
        tr("Seam caches and telemetry (*.seam *.json *.ndjson *.jsonl *.pb *.bin *.gz);;All files (*)"));
    if (!files.isEmpty())
        openPaths(files);
}

void MainWindow::importFileDialog()
{
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Import telemetry into this investigation"), QString(),
        tr("Telemetry (*.json *.ndjson *.jsonl *.har *.pb *.bin *.gz);;All files (*)"));
    importIntoCurrent(files);
}

int runGui(int& argc, char** argv, const QStringList& paths, bool demo)
{
    QApplication app(argc, argv);
    applyApplicationIdentity();
    applyTheme(themeFromName(QSettings().value(kThemeKey).toString()));
    const bool firstRun = !QSettings().contains(kGeometryKey);
    MainWindow window;
    // The first window takes the whole screen, whatever its size; later ones come back as they were.
    if (firstRun)
        window.showMaximized();
    else
        window.show();
    if (demo) {
        window.openDemo();
    } else if (!paths.isEmpty()) {
        window.openPaths(paths);
    } else {
        // Where the user left off; gone files are skipped.
        const QString last = QSettings().value(kLastInvestigationKey).toString();
        if (!last.isEmpty() && store::isCacheFile(last.toStdString()))
            window.openCache(last);
    }
    return app.exec();
}

} // namespace seam
