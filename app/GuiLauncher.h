#pragma once

#include <QMainWindow>
#include <QStringList>
#include <atomic>
#include <memory>
#include <thread>

class QLabel;
class QProgressBar;
class QPushButton;

namespace seam {

class InvestigationSummaryView;

/// The main window as it stands before the linked views: opens a cache, imports files into a new
/// one, or generates the demo, always off the GUI thread with progress and cancel, then shows the
/// investigation summary. Long work runs on one worker thread at a time; results are posted back.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    void openDemo();
    void openPaths(const QStringList& paths);
    void openCache(const QString& path);

private:
    void startJob(
        const QString& label,
        std::function<void(const std::atomic<bool>& cancel, const std::function<void(double)>& progress)> job,
        std::function<void()> done);
    void finishJob();
    void openFileDialog();

    InvestigationSummaryView* m_summary;
    QProgressBar* m_progress;
    QPushButton* m_cancel;
    QLabel* m_status;
    std::thread m_worker;
    std::shared_ptr<std::atomic<bool>> m_cancelFlag;
    QString m_cachePath;
};

int runGui(int& argc, char** argv, const QStringList& paths, bool demo);

} // namespace seam
