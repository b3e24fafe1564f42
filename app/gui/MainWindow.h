#pragma once

#include "BackgroundJob.h"
#include "ImportRunner.h"

#include <QMainWindow>
#include <QStringList>
#include <functional>
#include <vector>

class QAction;
class QLabel;

namespace seam {

/// Where new investigations go (imports into a new cache, live sessions, the demo, pulls).
QString investigationsDir();

class Investigation;
class ExportActions;
class InvestigationSummaryView;
class LinkedViews;
class WhyStoreCheck;
class LiveController;
class LiveStatusWidget;
class RecentFiles;
class RemoteChartPushDown;

/// The main window: opens a cache, imports files into a new investigation or the current one (File
/// menu or drag and drop), generates the demo — always off the GUI thread with progress and cancel —
/// then shows the linked views of the cache around one Investigation. It wires and lays out; the views
/// live in views/. One long job runs at a time on a worker thread; results are posted back.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openDemo();
    /// One investigation file (.seam, or any SQLite file): opens it, or refuses it when it is not a Seam
    /// investigation. Telemetry files and folders: imports them into a new investigation, which is only
    /// kept when something was imported.
    void openPaths(const QStringList& paths);
    /// Imports telemetry into the open investigation (a new one when none is open).
    void importIntoCurrent(const QStringList& paths);
    void openCache(const QString& path);
    void closeInvestigation();

    const QString& cachePath() const { return m_cachePath; }
    LinkedViews* linkedViews() const { return m_linked; }
    Investigation* investigation() const { return m_investigation; }
    RecentFiles* recentFiles() const { return m_recent; }
    ExportActions* exports() const { return m_exports; }
    LiveController* live() const { return m_live; }
    QAction* liveAction() const { return m_liveAction; }
    LiveStatusWidget* liveStatus() const { return m_liveStatus; }
    /// Live mode: receives OTLP/HTTP (and RUM intake) into the open investigation, or into a new one
    /// when none is open. False (with a message box) when the address is taken.
    bool startLive();
    void stopLive();
    bool isBusy() const;
    /// The status bar's message.
    QString statusText() const;
    /// What the window shows before an investigation is open (the landing text, or the demo's progress).
    QString landingText() const;

signals:
    /// The linked views of `path` are showing.
    void investigationOpened(const QString& path);
    /// An import finished (into `cachePath`), with the status-bar summary of it.
    void importFinished(const QString& cachePath, const QString& summary);
    /// `path` was not opened (not an investigation, or nothing in it could be imported): nothing was
    /// created and the open investigation stays; `message` says why.
    void openRefused(const QString& path, const QString& message);

protected:
    void closeEvent(QCloseEvent* event) override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    /// The menus, toolbar and actions (MainWindowMenus.cpp, with updateActions).
    void createMenus();
    /// Replaces the views of the previous cache (if any) with linked views of `path`.
    void showLinkedViews(const QString& path);
    /// Takes the linked views of the open cache down; the summary stays for the next one.
    void dropLinkedViews();
    void runImport(const QString& cachePath, const QStringList& paths, bool intoCurrent);
    void reloadSummary();
    /// Reads the summary of `path` on the worker thread. With `checkDamage`, also runs the bounded
    /// quick check; `damage` says what is damaged (from the check or a query), empty when nothing is.
    void loadSummary(const QString& path, bool checkDamage,
                     std::function<void(const QString& error, const QString& damage)> done);
    /// The tail of openCache once the cache is readable: remembers it and shows its linked views.
    void showCache(const QString& path);
    // A damaged cache (DamagedCache.cpp): asks whether to open it read-only, recover its readable rows
    // into a new investigation, or leave it.
    void offerRecovery(const QString& path, const QString& damage);
    // RefusedFiles.cpp: files that are not investigations, imports that brought nothing.
    bool refuseIfNotAnInvestigation(const QString& path);
    void refuseFile(const QString& path, const QString& message);
    bool discardIfNothingImported(const QString& cache, const std::vector<ImportRunner::Outcome>& outcomes,
                                  const QStringList& missing, const QString& error);
    void recoverIntoNewInvestigation(const QString& path);
    void saveLayout();
    void updateActions();
    /// Edit: undo (of a note's deletion), add a note to the selection (Ctrl+M), compare two notes.
    void fillEditMenu();
    /// Runs `job` off the GUI thread with `label` in the status bar (one at a time), then `done`.
    void startJob(const QString& label, BackgroundJob::Job job, std::function<void()> done);
    void openFileDialog();
    void importFileDialog();
    /// File > Connect to a Store…: a pull from ClickHouse, Prometheus, Tempo or Jaeger (RemotePullJob).
    void connectToStore();
    /// The service charts' push-down to the store the investigation was pulled from (MainWindowConnect.cpp).
    void createPushDown();

    InvestigationSummaryView* m_summary;
    Investigation* m_investigation = nullptr; // one per open cache
    LinkedViews* m_linked = nullptr;
    RecentFiles* m_recent;
    LiveController* m_live;
    QAction* m_liveAction = nullptr;
    LiveStatusWidget* m_liveStatus;
    ExportActions* m_exports = nullptr;
    QAction* m_import = nullptr;
    QAction* m_close = nullptr;
    QMenu* m_editMenu = nullptr;
    QAction* m_back = nullptr;
    QAction* m_forward = nullptr;
    QAction* m_find = nullptr;
    QAction* m_findInFlameGraph = nullptr;
    std::vector<QAction*> m_zoomActions;
    BackgroundJob* m_job;
    RemoteChartPushDown* m_pushDown = nullptr;
    WhyStoreCheck* m_whyStore = nullptr; // the Why? pane's "Across the store" check
    QLabel* m_status;
    QString m_cachePath;
    QString m_linkedPath; // the cache the linked views show (m_cachePath moves on first when switching)
};

/// Runs the GUI: the demo, the given paths, or the last investigation.
int runGui(int& argc, char** argv, const QStringList& paths, bool demo);

} // namespace seam
