#include "LongJob.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>
#include <QThread>
#include <atomic>

using namespace seam;

/// The main window's long-job runner: one job at a time, progress and the end on the GUI thread,
/// cancel as a flag the job checks, a clean stop when the window goes.
class TestLongJob : public QObject
{
    Q_OBJECT

private slots:
    void runsOffTheGuiThreadAndReportsBack()
    {
        LongJob job;
        QSignalSpy progressed(&job, &LongJob::progressed);
        QThread* ranOn = nullptr;
        QThread* doneOn = nullptr;
        bool runningWhenDone = true;
        QVERIFY(job.start(
            [&](const std::atomic<bool>&, const std::function<void(double)>& progress) {
                ranOn = QThread::currentThread();
                progress(0.5);
                progress(1.0);
            },
            [&] {
                doneOn = QThread::currentThread();
                runningWhenDone = job.isRunning();
            }));
        QVERIFY(job.isRunning());
        QTRY_VERIFY(doneOn != nullptr);
        QCOMPARE(doneOn, QThread::currentThread());
        QVERIFY(ranOn != QThread::currentThread());
        QVERIFY(!runningWhenDone); // the thread is joined first: `done` may start the next job
        QCOMPARE(progressed.count(), 2);
        QCOMPARE(progressed.at(1).at(0).toDouble(), 1.0);
        QVERIFY(!job.isRunning());
    }

    void oneAtATimeAndCancel()
    {
        LongJob job;
        std::atomic<bool> started{false};
        bool cancelled = false;
        bool done = false;
        QVERIFY(job.start(
            [&](const std::atomic<bool>& cancel, const std::function<void(double)>&) {
                started = true;
                while (!cancel)
                    QThread::msleep(1);
                cancelled = true;
            },
            [&] { done = true; }));
        QTRY_VERIFY(started);
        bool secondRan = false;
        QVERIFY(!job.start(
            [&](const std::atomic<bool>&, const std::function<void(double)>&) { secondRan = true; }, [] {}));
        job.cancel();
        QTRY_VERIFY(done);
        QVERIFY(cancelled);
        QVERIFY(!secondRan);
        // Free again.
        QVERIFY(job.start([](const std::atomic<bool>&, const std::function<void(double)>&) {}, [] {}));
        QTRY_VERIFY(!job.isRunning());
    }

    void destroyingCancelsAndWaits()
    {
        auto job = std::make_unique<LongJob>();
        std::atomic<bool> started{false};
        std::atomic<bool> finished{false};
        bool done = false;
        QVERIFY(job->start(
            [&](const std::atomic<bool>& cancel, const std::function<void(double)>& progress) {
                started = true;
                while (!cancel) {
                    progress(0.1);
                    QThread::msleep(1);
                }
                finished = true;
            },
            [&] { done = true; }));
        QTRY_VERIFY(started);
        QElapsedTimer timer;
        timer.start();
        job.reset();
        QVERIFY(finished); // joined, not detached
        QVERIFY(timer.elapsed() < 5000);
        QTest::qWait(20);
        QVERIFY(!done); // the end of a job whose owner is gone is not delivered
    }
};

QTEST_GUILESS_MAIN(TestLongJob)
#include "tst_longjob.moc"
