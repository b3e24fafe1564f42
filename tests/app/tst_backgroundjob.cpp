// BackgroundJob: the main window's one long job at a time, off the GUI thread, with progress and Cancel.
#include "BackgroundJob.h"

#include <QApplication>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <thread>

using namespace seam;

class TestBackgroundJob : public QObject
{
    Q_OBJECT

private slots:
    void runsOffTheGuiThreadAndEndsOnIt()
    {
        BackgroundJob job;
        QVERIFY(job.isHidden());
        std::atomic<bool> release{false};
        std::thread::id worker;
        std::thread::id doneOn;
        int done = 0;
        QVERIFY(job.start(
            [&](const std::atomic<bool>&, const std::function<void(double)>& progress) {
                worker = std::this_thread::get_id();
                progress(0.5);
                while (!release)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            },
            [&] {
                doneOn = std::this_thread::get_id();
                ++done;
            }));
        QVERIFY(job.isBusy());
        QVERIFY(!job.isHidden());
        auto* bar = job.findChild<QProgressBar*>();
        QVERIFY(bar);
        QTRY_COMPARE(bar->value(), 500);
        // One at a time: a second job is refused while the first runs.
        QVERIFY(!job.start([](const std::atomic<bool>&, const std::function<void(double)>&) {},
                           [&] { done += 10; }));
        release = true;
        QTRY_COMPARE(done, 1);
        QVERIFY(worker != std::this_thread::get_id());
        QCOMPARE(doneOn, std::this_thread::get_id());
        QVERIFY(!job.isBusy());
        QVERIFY(job.isHidden());
        // And the next one may start.
        QVERIFY(
            job.start([](const std::atomic<bool>&, const std::function<void(double)>&) {}, [&] { ++done; }));
        QTRY_COMPARE(done, 2);
    }

    void cancelAsksTheJobToStopAndItStillEnds()
    {
        BackgroundJob job;
        QSignalSpy cancelled(&job, &BackgroundJob::cancelRequested);
        bool sawCancel = false;
        int done = 0;
        QVERIFY(job.start(
            [&](const std::atomic<bool>& cancel, const std::function<void(double)>&) {
                while (!cancel)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                sawCancel = true;
            },
            [&] { ++done; }));
        auto* button = job.findChild<QPushButton*>();
        QVERIFY(button);
        QTest::mouseClick(button, Qt::LeftButton);
        QCOMPARE(cancelled.count(), 1);
        QTRY_COMPARE(done, 1); // the job ends (keeping what it did) and says so
        QVERIFY(sawCancel);
    }

    void stopWaitsAndForgetsTheEnd()
    {
        int done = 0;
        bool sawCancel = false;
        {
            BackgroundJob job;
            QVERIFY(job.start(
                [&](const std::atomic<bool>& cancel, const std::function<void(double)>&) {
                    while (!cancel)
                        std::this_thread::sleep_for(std::chrono::milliseconds(1));
                    sawCancel = true;
                },
                [&] { ++done; }));
            job.stop();
            QVERIFY(sawCancel); // joined: the job has returned
            QVERIFY(!job.isBusy());
            QVERIFY(job.isHidden());
            QCoreApplication::processEvents();
            QCOMPARE(done, 0);
        }
        // Destroyed while running: the destructor stops it, and nothing posted afterwards runs.
        sawCancel = false;
        auto* job = new BackgroundJob;
        QVERIFY(job->start(
            [&](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
                while (!cancel)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                progress(1.0);
                sawCancel = true;
            },
            [&] { ++done; }));
        delete job;
        QVERIFY(sawCancel);
        QCoreApplication::processEvents();
        QCOMPARE(done, 0);
    }
};

QTEST_MAIN(TestBackgroundJob)
#include "tst_backgroundjob.moc"
