#pragma once

#include <QMainWindow>
#include <QStringList>
#include <atomic>
#include <memory>
#include <thread>

class QAction;
class QLabel;
class QProgressBar;
class QPushButton;

namespace seam {

class Investigation;
class InvestigationSummaryView;
class LinkedViews;

/// The main window: opens a cache, imports files into a new one, or generates the demo, always off the
/// GUI thread with progress and cancel, then shows the linked views of the cache around one
/// Investigation (page loads, the flamegraph of the selected one, the summary as a tab). It wires and
/// lays out; the views themselves live in views/. Long work runs on one worker thread at a time;
/// results are posted back.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openDemo();
    void openPaths(const QStringList& paths);
    void openCache(const QString& path);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    /// Replaces the views of the previous cache (if any) with linked views of `path`.
    void showLinkedViews(const QString& path);
    void saveLayout();
    void updateHistoryActions();
    void startJob(
        const QString& label,
        std::function<void(const std::atomic<bool>& cancel, const std::function<void(double)>& progress)> job,
        std::function<void()> done);
    void finishJob();
    void openFileDialog();

    InvestigationSummaryView* m_summary;
    Investigation* m_investigation = nullptr; // one per open cache
    LinkedViews* m_linked = nullptr;
    QAction* m_back;
    QAction* m_forward;
    QAction* m_find;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QLabel* m_status;
    std::thread m_worker;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    QString m_cachePath;
};

int runGui(int& argc, char** argv, const QStringList& paths, bool demo);

} // namespace seam
