#include "GuiLauncher.h"

#include "DemoGenerator.h"
#include "ImportRunner.h"
#include "Investigation.h"
#include "InvestigationSummaryView.h"
#include "LinkedViews.h"
#include "PageLoadsPanel.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreQueries.h"
#include "StoreWriter.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QJsonArray>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QScreen>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QStyle>
#include <QTableView>
#include <QToolBar>

namespace seam {
namespace {

const QString kGeometryKey = QStringLiteral("mainWindow/geometry");
const QString kLinkedViewsKey = QStringLiteral("mainWindow/linkedViews");

QString investigationsDir()
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    QDir().mkpath(dir);
    return dir;
}

} // namespace

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setWindowTitle(tr("Seam"));
    m_summary = new InvestigationSummaryView;
    setCentralWidget(m_summary);
    m_summary->setLoading(tr("Open a cache, import telemetry, or start the demo (File menu)."));

    m_status = new QLabel;
    m_progress = new QProgressBar;
    m_progress->setRange(0, 1000);
    m_progress->setMaximumWidth(280);
    m_progress->hide();
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->hide();
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    connect(m_cancel, &QPushButton::clicked, this, [this] {
        if (m_cancelFlag)
            *m_cancelFlag = true;
        m_status->setText(tr("Cancelling: keeping what is committed…"));
    });

    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open or Import…"), QKeySequence::Open, this, &MainWindow::openFileDialog);
    file->addAction(tr("Open &Demo Investigation"), this, &MainWindow::openDemo);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

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
    updateHistoryActions();

    // Most of the screen by default: the linked views want width for the table and the flamegraph.
    const QRect screen = this->screen()->availableGeometry();
    resize(std::min(1700, screen.width() * 9 / 10), std::min(1000, screen.height() * 9 / 10));
    restoreGeometry(QSettings().value(kGeometryKey).toByteArray());
}

MainWindow::~MainWindow()
{
    // The linked views read the Investigation until they are gone.
    delete m_linked;
    if (m_cancelFlag)
        *m_cancelFlag = true;
    if (m_worker.joinable())
        m_worker.join();
}

void MainWindow::startJob(
    const QString& label,
    std::function<void(const std::atomic<bool>&, const std::function<void(double)>&)> job,
    std::function<void()> done)
{
    if (m_worker.joinable()) {
        QMessageBox::information(this, tr("Seam"),
                                 tr("Please wait for the current work to finish or cancel it."));
        return;
    }
    m_cancelFlag = std::make_shared<std::atomic<bool>>(false);
    m_status->setText(label);
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    QPointer<MainWindow> self(this);
    auto cancel = m_cancelFlag;
    m_worker = std::thread([self, cancel, job = std::move(job), done = std::move(done)] {
        auto progress = [self](double fraction) {
            QMetaObject::invokeMethod(qApp, [self, fraction] {
                if (self)
                    self->m_progress->setValue(int(fraction * 1000));
            });
        };
        job(*cancel, progress);
        QMetaObject::invokeMethod(qApp, [self, done] {
            if (!self)
                return;
            self->finishJob();
            done();
        });
    });
}

void MainWindow::finishJob()
{
    if (m_worker.joinable())
        m_worker.join();
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
    if (paths.size() == 1 && store::isCacheFile(paths.front().toStdString())) {
        openCache(paths.front());
        return;
    }
    const QString name = QFileInfo(paths.front()).completeBaseName();
    const QString cache = investigationsDir() + QLatin1Char('/') + name + QLatin1Char('-') +
                          QDateTime::currentDateTime().toString(QStringLiteral("yyyyMMdd-HHmmss")) +
                          QStringLiteral(".seam");
    auto summary = std::make_shared<QStringList>();
    startJob(
        tr("Importing %n file(s)…", nullptr, int(paths.size())),
        [cache, paths, summary](const std::atomic<bool>& cancel,
                                const std::function<void(double)>& progress) {
            try {
                StoreWriter writer(cache.toStdString());
                ImportRunner runner(writer);
                runner.setCancelFlag(&cancel);
                runner.setProgress([&](const std::string&, std::uint64_t done, std::uint64_t total) {
                    if (total)
                        progress(double(done) / double(total));
                });
                std::vector<std::string> in, missing;
                for (const QString& p : paths)
                    in.push_back(p.toStdString());
                for (const std::string& f : ImportRunner::expand(in, missing)) {
                    if (cancel)
                        break;
                    const auto o = runner.importFile(f);
                    QString line = QStringLiteral("%1: %2 imported, %3 rejected")
                                       .arg(QString::fromStdString(f))
                                       .arg(o.report.accepted())
                                       .arg(o.report.rejected());
                    if (o.report.hasFatal())
                        line += QStringLiteral(" — stopped at %1: %2")
                                    .arg(QString::fromStdString(o.report.fatalLocation()),
                                         QString::fromStdString(o.report.fatalMessage()));
                    summary->append(line);
                }
                for (const std::string& m : missing)
                    summary->append(QStringLiteral("%1: no such file").arg(QString::fromStdString(m)));
            } catch (const std::exception& e) {
                summary->append(QString::fromStdString(e.what()));
            }
        },
        [this, cache, summary] {
            openCache(cache);
            m_status->setText(summary->join(QStringLiteral("; ")));
        });
}

void MainWindow::openCache(const QString& path)
{
    m_cachePath = path;
    setWindowTitle(tr("Seam — %1").arg(QFileInfo(path).fileName()));
    m_summary->setLoading(tr("Loading %1…").arg(QFileInfo(path).fileName()));
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
        [this, path, loaded] {
            if (!loaded->error.isEmpty()) {
                m_summary->setLoading(tr("Cannot open %1: %2").arg(path, loaded->error));
                return;
            }
            m_summary->setData(QFileInfo(path).fileName(), loaded->stats, loaded->slowest, loaded->services);
            m_status->setText(path);
            showLinkedViews(path);
        });
}

void MainWindow::showLinkedViews(const QString& path)
{
    // Taken back from the window, which would delete it: the summary before the first cache (re-parented
    // below), the previous cache's views after.
    takeCentralWidget();
    if (m_linked) {
        saveLayout();
        m_summary->setParent(nullptr); // it outlives the views of one cache
        delete m_linked;
        delete m_investigation;
    }

    m_investigation = new Investigation(this);
    connect(m_investigation, &Investigation::changed, this, [this](Investigation::Changes changes) {
        if (changes & Investigation::HistoryChanged)
            updateHistoryActions();
    });
    m_linked = new LinkedViews(path, m_investigation);
    m_linked->addDetailsTab(m_summary, tr("Summary"));
    m_linked->restoreState(QSettings().value(kLinkedViewsKey).toByteArray());
    setCentralWidget(m_linked);
    updateHistoryActions();
    m_linked->pageLoads()->table()->setFocus();
}

void MainWindow::updateHistoryActions()
{
    m_back->setEnabled(m_investigation && m_investigation->canGoBack());
    m_forward->setEnabled(m_investigation && m_investigation->canGoForward());
    m_find->setEnabled(m_linked != nullptr);
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

int runGui(int& argc, char** argv, const QStringList& paths, bool demo)
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("seam"));
    QApplication::setOrganizationName(QStringLiteral("seam"));
    QApplication::setApplicationVersion(QStringLiteral(SEAM_VERSION));
    MainWindow window;
    window.show();
    if (demo)
        window.openDemo();
    else if (!paths.isEmpty())
        window.openPaths(paths);
    return app.exec();
}

} // namespace seam
