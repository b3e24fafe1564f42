#include "MainWindow.h"

#include "DemoGenerator.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "ImportRunner.h"
#include "ImportSummaryDialog.h"
#include "Investigation.h"
#include "InvestigationSummaryView.h"
#include "LinkedViews.h"
#include "LiveController.h"
#include "LiveHostsPrompt.h"
#include "LongJob.h"
#include "PageLoadsPanel.h"
#include "RecentFiles.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreQueries.h"
#include "StoreWriter.h"
#include "Theme.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHostAddress>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QToolBar>
#include <QUrl>

namespace seam {
namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kLinkedViewsKey = QStringLiteral("mainWindow/linkedViews");
const QString kLastInvestigationKey = QStringLiteral("lastInvestigation");
const QString kThemeKey = QStringLiteral("appearance/theme");

QString investigationsDir()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(dir);
    return dir;
}

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), m_recent(new RecentFiles(this)), m_live(new LiveController(this)),
      m_liveStatus(new QLabel), m_job(new LongJob(this))
{
    setWindowTitle(tr("Seam"));
    setAcceptDrops(true);
    m_summary = new InvestigationSummaryView;
    setCentralWidget(m_summary);
    m_summary->setLoading(tr("Open a cache, import telemetry (or drop files here), or start the demo "
                             "(File menu)."));

    m_status = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(280);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->hide();
    statusBar()->addWidget(m_status, 1);
    m_liveStatus->hide();
    statusBar()->addPermanentWidget(m_liveStatus);
    connect(m_live, &LiveController::statusChanged, this, [this](const QString& text) {
        m_liveStatus->setText(text);
        m_liveStatus->setVisible(!text.isEmpty());
    });
    connect(m_live, &LiveController::refreshWanted, this, [this] {
        if (m_linked && QFileInfo(m_cachePath) == QFileInfo(m_live->cachePath()))
            m_linked->refresh();
    });
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_job, &LongJob::progressed, this,
            [this](double fraction) { m_progress->setValue(int(fraction * 1000)); });
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        m_job->cancel();
        m_status->setText(tr("Cancelling: keeping what is committed…"));
    });
    connect(m_recent, &RecentFiles::openRequested, this, [this](const QString& path) { openPaths({path}); });

    createMenus();
    updateActions();

    // Most of the screen by default: the linked views want width for the table and the flamegraph.
    const QRect screen = this->screen()->availableGeometry();
    resize(std::min(1700, screen.width() * 9 / 10), std::min(1000, screen.height() * 9 / 10));
    restoreGeometry(QSettings().value(kGeometryKey).toByteArray());
}

void MainWindow::createMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open…"), QKeySequence::Open, this, &MainWindow::openFileDialog)
        ->setStatusTip(tr("Open a Seam cache, or import telemetry files into a new investigation"));
    m_import = file->addAction(tr("&Import into This Investigation…"), this, &MainWindow::importFileDialog);
    m_import->setShortcut(Qt::CTRL | Qt::Key_I);
    file->addAction(tr("Open &Demo Investigation"), this, &MainWindow::openDemo);
    m_recent->attach(file->addMenu(tr("Open &Recent")));
    file->addSeparator();
    m_close = file->addAction(tr("&Close Investigation"), QKeySequence::Close, this,
                              &MainWindow::closeInvestigation);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    // Zoom acts on the flamegraph: the view with a time axis one explores (the waterfall fits its page).
    const auto flame = [this](auto member) {
        return [this, member] {
            if (m_linked)
                (m_linked->flameGraph()->view()->*member)();
        };
    };
    m_zoomActions = {
        view->addAction(tr("Zoom &In"), QKeySequence::ZoomIn, this, flame(&FlameGraphView::zoomIn)),
        view->addAction(tr("Zoom &Out"), QKeySequence::ZoomOut, this, flame(&FlameGraphView::zoomOut)),
        view->addAction(tr("&Reset Zoom"), QKeySequence(Qt::CTRL | Qt::Key_0), this,
                        flame(&FlameGraphView::reset)),
    };
    view->addSeparator();
    QMenu* themeMenu = view->addMenu(tr("&Theme"));
    auto* themes = new QActionGroup(this);
    const Theme current = themeFromName(QSettings().value(kThemeKey).toString());
    for (const auto& [theme, label] :
         {std::pair{Theme::System, tr("&System")}, std::pair{Theme::Light, tr("&Light")},
          std::pair{Theme::Dark, tr("&Dark")}}) {
        QAction* action = themeMenu->addAction(label);
        action->setCheckable(true);
        action->setChecked(theme == current);
        themes->addAction(action);
        connect(action, &QAction::triggered, this, [theme] {
            QSettings().setValue(kThemeKey, themeName(theme));
            applyTheme(theme);
        });
    }

    QMenu* live = menuBar()->addMenu(tr("&Live"));
    m_liveAction = live->addAction(tr("&Receive Live Telemetry"));
    m_liveAction->setCheckable(true);
    m_liveAction->setShortcut(Qt::CTRL | Qt::Key_L);
    m_liveAction->setStatusTip(tr("Receive OTLP/HTTP and browser RUM into this investigation"));
    connect(m_liveAction, &QAction::triggered, this, [this](bool on) {
        if (on)
            startLive();
        else
            stopLive();
    });
    live->addAction(tr("Listen &Address…"), this, &MainWindow::editLiveAddress);
    live->addAction(tr("Allowed Browser &Origins…"), this, &MainWindow::editLiveOrigins);
    live->addAction(tr("Allowed Host &Names…"), this, [this] {
        if (promptLiveAllowedHosts(this) && m_live->isRunning()) {
            stopLive();
            startLive();
        }
    });

    // Back and forward walk the Investigation's selection history, as in a browser; they act on
    // whichever Investigation is current, so they are created once and re-targeted per cache.
    QMenu* go = menuBar()->addMenu(tr("&Go"));
    m_back = go->addAction(style()->standardIcon(QStyle::SP_ArrowBack), tr("&Back"), this, [this] {
        if (m_investigation)
            m_investigation->goBack();
    });
    m_back->setShortcuts(QKeySequence::Back);
    m_forward = go->addAction(style()->standardIcon(QStyle::SP_ArrowForward), tr("&Forward"), this, [this] {
        if (m_investigation)
            m_investigation->goForward();
    });
    m_forward->setShortcuts(QKeySequence::Forward);
    go->addSeparator();
    m_find = go->addAction(tr("&Filter Page Loads"), this, [this] {
        if (m_linked)
            m_linked->pageLoads()->focusFilter();
    });
    m_find->setShortcut(QKeySequence::Find);
    QToolBar* toolBar = addToolBar(tr("Navigation"));
    toolBar->setObjectName(QStringLiteral("navigation"));
    toolBar->setMovable(false);
    toolBar->addAction(m_back);
    toolBar->addAction(m_forward);
    toolBar->addSeparator();
    toolBar->addAction(m_liveAction);
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

void MainWindow::editLiveAddress()
{
    LiveController::Settings settings = LiveController::loadSettings();
    bool ok = false;
    const QString text = QInputDialog::getText(
        this, tr("Live Listen Address"),
        tr("Host and port to listen on (127.0.0.1 keeps it to this machine):"), QLineEdit::Normal,
        QStringLiteral("%1:%2").arg(settings.host).arg(settings.port), &ok);
    if (!ok)
        return;
    const QString host = text.section(QLatin1Char(':'), 0, -2).trimmed();
    const uint port = text.section(QLatin1Char(':'), -1).toUInt(&ok);
    if (!ok || port > 65535 || QHostAddress(host).isNull()) {
        QMessageBox::warning(this, tr("Seam"), tr("'%1' is not HOST:PORT (e.g. 127.0.0.1:4318).").arg(text));
        return;
    }
    if (!QHostAddress(host).isLoopback() &&
        QMessageBox::warning(this, tr("Seam"),
                             tr("%1 is reachable from other machines: anyone who can reach it can write "
                                "into this investigation. Listen there anyway?")
                                 .arg(host),
                             QMessageBox::Yes | QMessageBox::No, QMessageBox::No) != QMessageBox::Yes)
        return;
    settings.host = host;
    settings.port = quint16(port);
    LiveController::saveSettings(settings);
    if (m_live->isRunning()) {
        stopLive();
        startLive();
    }
}

void MainWindow::editLiveOrigins()
{
    LiveController::Settings settings = LiveController::loadSettings();
    bool ok = false;
    const QString text =
        QInputDialog::getText(this, tr("Allowed Browser Origins"),
                              tr("Origins whose pages may send telemetry (CORS), separated by spaces, e.g. "
                                 "http://localhost:3000; * allows any:"),
                              QLineEdit::Normal, settings.corsOrigins.join(QLatin1Char(' ')), &ok);
    if (!ok)
        return;
    settings.corsOrigins = text.split(QLatin1Char(' '), Qt::SkipEmptyParts);
    LiveController::saveSettings(settings);
    if (m_live->isRunning()) {
        stopLive();
        startLive();
    }
}

QString MainWindow::statusText() const
{
    return m_status->text();
}

MainWindow::~MainWindow()
{
    // The linked views read the Investigation until they are gone.
    delete m_linked;
    // Cancels a running job and waits for it, before the parts its end would touch go.
    delete m_job;
}

bool MainWindow::isBusy() const
{
    return m_job->isRunning();
}

void MainWindow::startJob(
    const QString& label,
    std::function<void(const std::atomic<bool>&, const std::function<void(double)>&)> job,
    std::function<void()> done)
{
    if (m_job->isRunning()) {
        QMessageBox::information(this, tr("Seam"),
                                 tr("Please wait for the current work to finish or cancel it."));
        return;
    }
    m_status->setText(label);
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_job->start(std::move(job), [this, done = std::move(done)] {
        finishJob();
        done();
    });
}

void MainWindow::finishJob()
{
    m_progress->hide();
    m_cancel->hide();
}

void MainWindow::openDemo()
{
    const QString path = investigationsDir() + QStringLiteral("/demo-seed1.seam");
    if (store::isCacheFile(path.toStdString())) {
        try {
            Database db = store::openForReading(path.toStdString());
            if (db.queryInt("SELECT count(*) FROM meta WHERE key = 'demo_ground_truth'") == 1) {
                openCache(path);
                return;
            }
        } catch (const SqliteError&) {
        }
    }
    QFile::remove(path);
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    auto result = std::make_shared<QString>();
    startJob(
        tr("Generating the demo investigation…"),
        [path, result](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
            try {
                StoreWriter writer(path.toStdString());
                const auto source = writer.beginSource("demo", "demo seed=1");
                auto sink = writer.sinkFor(source);
                DemoGenerator generator(DemoOptions{});
                ImportReport report;
                report.cancelled = !generator.generateInto(*sink, report, &cancel, progress);
                writer.flush();
                writer.finishSource(source, report);
                if (!report.cancelled) {
                    const std::string truth = generator.groundTruthJson();
                    writer.runInTransaction([&](Database& db) {
                        auto st = db.prepare(
                            "INSERT OR REPLACE INTO meta(key, value) VALUES ('demo_ground_truth', ?1)");
                        st.bindText(1, truth);
                        st.run();
                    });
                }
            } catch (const std::exception& e) {
                *result = QString::fromStdString(e.what());
            }
        },
        [this, path, result] {
            if (!result->isEmpty())
                QMessageBox::warning(this, tr("Seam"),
                                     tr("The demo could not be generated: %1").arg(*result));
            openCache(path);
        });
}

void MainWindow::openPaths(const QStringList& paths)
{
    if (paths.isEmpty())
        return;
    if (paths.size() == 1 && store::isCacheFile(paths.front().toStdString())) {
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
    m_summary->setLoading(tr("Loading %1…").arg(QFileInfo(path).fileName()));
    loadSummary(path, [this, path](const QString& error) {
        if (!error.isEmpty()) {
            m_summary->setLoading(tr("Cannot open %1: %2").arg(path, error));
            m_status->setText(tr("Cannot open %1").arg(path));
            m_recent->remove(path);
            return;
        }
        m_cachePath = path;
        setWindowTitle(tr("Seam — %1").arg(QFileInfo(path).fileName()));
        m_status->setText(QDir::toNativeSeparators(path));
        m_recent->add(path);
        QSettings().setValue(kLastInvestigationKey, QFileInfo(path).absoluteFilePath());
        showLinkedViews(path);
    });
}

void MainWindow::reloadSummary()
{
    if (!m_cachePath.isEmpty())
        loadSummary(m_cachePath, [](const QString&) {});
}

void MainWindow::loadSummary(const QString& path, std::function<void(const QString& error)> done)
{
    struct Loaded
    {
        QJsonObject stats, services;
        QJsonArray slowest;
        QString error;
    };
    auto loaded = std::make_shared<Loaded>();
    startJob(
        tr("Reading the investigation…"),
        [path, loaded](const std::atomic<bool>&, const std::function<void(double)>&) {
            try {
                if (!store::isCacheFile(path.toStdString()))
                    throw std::runtime_error("not a Seam cache (or no such file)");
                Database db = store::openForReading(path.toStdString());
                StoreQueries q(db);
                loaded->stats = q.stats();
                StoreQueries::PageLoadFilter filter;
                filter.slowest = 200;
                q.pageLoads(filter, [&](const QJsonObject& row) { loaded->slowest.append(row); });
                loaded->services = q.services(std::nullopt, std::nullopt, 0);
            } catch (const std::exception& e) {
                loaded->error = QString::fromStdString(e.what());
            }
        },
        [this, path, loaded, done = std::move(done)] {
            if (loaded->error.isEmpty())
                m_summary->setData(QFileInfo(path).fileName(), loaded->stats, loaded->slowest,
                                   loaded->services);
            done(loaded->error);
        });
}

void MainWindow::dropLinkedViews()
{
    // Taken back from the window, which would delete it: the summary outlives the views of one cache.
    if (!m_linked)
        return;
    saveLayout();
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
    m_linked->restoreState(QSettings().value(kLinkedViewsKey).toByteArray());
    setCentralWidget(m_linked);
    updateActions();
    m_linked->pageLoads()->table()->setFocus();
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
    m_summary->setLoading(tr("Open a cache, import telemetry (or drop files here), or start the demo "
                             "(File menu)."));
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
    if (paths.size() == 1 && store::isCacheFile(paths.front().toStdString()))
        openCache(paths.front());
    else
        importIntoCurrent(paths);
}

void MainWindow::updateActions()
{
    m_back->setEnabled(m_investigation && m_investigation->canGoBack());
    m_forward->setEnabled(m_investigation && m_investigation->canGoForward());
    m_find->setEnabled(m_linked != nullptr);
    // One writer per cache: while live data flows in, imports wait.
    m_import->setEnabled(m_linked != nullptr && !m_live->isRunning());
    m_close->setEnabled(m_linked != nullptr);
    for (QAction* zoom : m_zoomActions)
        zoom->setEnabled(m_linked != nullptr);
}

void MainWindow::saveLayout()
{
    QSettings settings;
    settings.setValue(kGeometryKey, saveGeometry());
    if (m_linked)
        settings.setValue(kLinkedViewsKey, m_linked->saveState());
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
    QApplication::setApplicationName(QStringLiteral("seam"));
    QApplication::setOrganizationName(QStringLiteral("seam"));
    QApplication::setApplicationVersion(QStringLiteral(SEAM_VERSION));
    applyTheme(themeFromName(QSettings().value(kThemeKey).toString()));
    MainWindow window;
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
