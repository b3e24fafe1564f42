// Takes the README screenshot from the real application: opens the demo investigation in the main
// window, filters the page loads to /checkout, sorts them slowest first, clicks the slowest one with
// real mouse events, waits until every linked view has its data and grabs the window.
//
// usage: seam_screenshot OUT.png [--theme system|light|dark] [--size 1920x1080] [--route /checkout]
//                        [--tab details|errors|why|notes] [--notes] [--compare QUERY_A QUERY_B]
// --route  the filter's route (the slowest load of it is clicked); --tab  the details tab shown.
// --notes also adds a note to the clicked page load with Ctrl+M and shows the Notes tab (the note is
// deleted again after the grab, so the demo investigation keeps none).
// --compare then opens the Compare tab (LinkedViews::openCompare) on the two cohorts before the grab.
// Run it under Xvfb (xvfb-run -a -s "-screen 0 1920x1080x24") or with QT_QPA_PLATFORM=offscreen.

#include "AppIdentity.h"
#include "ComparePanel.h"
#include "FlameGraphData.h"
#include "FlameGraphPanel.h"
#include "FlameGraphView.h"
#include "LinkedViews.h"
#include "MainWindow.h"
#include "NoteDialog.h"
#include "NotesModel.h"
#include "NotesPanel.h"
#include "PageLoadTableModel.h"
#include "PageLoadsPanel.h"
#include "Theme.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QHeaderView>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTabBar>
#include <QTabWidget>
#include <QTableView>
#include <QTest>
#include <cstdio>

using namespace seam;

namespace {

bool waitFor(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition()) {
        if (timer.elapsed() > timeoutMs)
            return false;
        QTest::qWait(20);
    }
    return true;
}

int fail(const char* what)
{
    std::fprintf(stderr, "seam_screenshot: %s\n", what);
    return 1;
}

} // namespace

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    applyApplicationIdentity(); // the names (and so the demo's folder) the application uses
    const QStringList args = QApplication::arguments();
    if (args.size() < 2)
        return fail("usage: seam_screenshot OUT.png [--theme system|light|dark] [--size WxH] [--notes]");
    const QString out = args.at(1);
    QSize size(1920, 1080);
    const bool withNotes = args.contains(QLatin1String("--notes"));
    QStringList compare;
    QString route = QStringLiteral("/checkout");
    QString tab;
    for (int i = 2; i + 1 < args.size(); ++i) {
        if (args.at(i) == QLatin1String("--theme"))
            applyTheme(themeFromName(args.at(++i)));
        else if (args.at(i) == QLatin1String("--compare") && i + 2 < args.size()) {
            compare = {args.at(i + 1), args.at(i + 2)};
            i += 2;
        } else if (args.at(i) == QLatin1String("--size")) {
            ++i;
            size = QSize(args.at(i).section(QLatin1Char('x'), 0, 0).toInt(),
                         args.at(i).section(QLatin1Char('x'), 1, 1).toInt());
        } else if (args.at(i) == QLatin1String("--route"))
            route = args.at(++i);
        else if (args.at(i) == QLatin1String("--tab"))
            tab = args.at(++i);
    }
    const QString filter = QStringLiteral("route:") + route;

    MainWindow window;
    window.resize(size);
    window.show();
    // Active, as a window one works in: clicks give the keyboard focus, and the focused pane is framed.
    window.activateWindow();
    (void)QTest::qWaitForWindowActive(&window, 5000);
    QSignalSpy opened(&window, &MainWindow::investigationOpened);
    window.openDemo();
    // A complete demo opens at once (the signal has come already); one being generated takes a while.
    if (opened.count() == 0 && !opened.wait(180'000))
        return fail("the demo investigation did not open");
    LinkedViews* views = window.linkedViews();
    PageLoadsPanel* panel = views->pageLoads();
    PageLoadTableModel* model = panel->model();

    // What a user would do: type a filter, sort by load time, click the slowest. The demo file keeps
    // the state of its last window (filter, time range): start from a clean one.
    window.investigation()->setTimeRange(std::nullopt);
    panel->filterEdit()->clear();
    panel->filterEdit()->setFocus();
    QTest::keyClicks(panel->filterEdit(), filter);
    QTest::keyClick(panel->filterEdit(), Qt::Key_Return);
    if (!waitFor([&] { return model->filter().text() == filter && !model->isCounting(); }, 30'000))
        return fail("the filter did not apply");
    QHeaderView* header = panel->table()->horizontalHeader();
    const auto clickHeader = [&] {
        const int x = header->sectionViewportPosition(PageLoadTableModel::LoadTime) +
                      header->sectionSize(PageLoadTableModel::LoadTime) / 2;
        QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, QPoint(x, header->height() / 2));
    };
    clickHeader();
    if (model->sortOrder() != Qt::DescendingOrder)
        clickHeader();
    if (!waitFor(
            [&] {
                return !model->isCounting() && model->rowCount() > 0 &&
                       model->data(model->index(0, 0)).isValid();
            },
            30'000))
        return fail("the sorted page loads did not arrive");
    QTableView* table = panel->table();
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                      table->visualRect(model->index(0, PageLoadTableModel::Route)).center());
    if (!waitFor([&] { return !views->isLoading(); }, 30'000))
        return fail("the linked views did not finish loading");

    // Then where the time went: click the longest leaf of the flamegraph (the span details follow).
    FlameGraphView* graph = views->flameGraph()->view();
    if (const auto& data = graph->data()) {
        std::vector<bool> hasChild(std::size_t(data->frameCount()), false);
        for (int i = 0; i < data->frameCount(); ++i)
            if (data->frame(i).parent >= 0)
                hasChild[std::size_t(data->frame(i).parent)] = true;
        int longest = -1;
        for (int i = 0; i < data->frameCount(); ++i) {
            const FlameFrame& f = data->frame(i);
            if (!hasChild[std::size_t(i)] &&
                (longest < 0 || f.end - f.start > data->frame(longest).end - data->frame(longest).start))
                longest = i;
        }
        if (longest >= 0)
            QTest::mouseClick(graph->viewport(), Qt::LeftButton, {},
                              graph->frameRect(longest).center().toPoint());
    }
    if (!waitFor([&] { return !views->isLoading(); }, 30'000))
        return fail("the span details did not load");
    NotesPanel* notes = views->notes();
    if (withNotes) {
        // Shortcuts reach active windows only; without a window manager (plain Xvfb) nothing activates
        // one, so the tool triggers the shortcut's action itself there.
        window.activateWindow();
        table->setFocus();
        if (QTest::qWaitForWindowActive(&window, 2'000))
            QTest::keyClick(table, Qt::Key_M, Qt::ControlModifier);
        if (!notes->dialog()) {
            std::fprintf(stderr, "seam_screenshot: the window is not active, Ctrl+M through its action\n");
            views->addNoteAction()->trigger();
        }
        if (!waitFor([&] { return notes->dialog() != nullptr; }, 5'000))
            return fail("Ctrl+M opened no note dialog");
        QTest::keyClicks(notes->dialog()->textEdit(),
                         QStringLiteral("Checkout waits 3 s on payments: row lock"));
        QTest::keyClicks(notes->dialog()->tagsEdit(), QStringLiteral("db-lock, payments"));
        notes->dialog()->accept();
        views->detailsTabs()->setCurrentWidget(notes);
        if (!waitFor([&] { return notes->model()->rowCount() > 0 && !views->isLoading(); }, 10'000))
            return fail("the note was not listed");
    }
    if (!compare.isEmpty()) {
        views->openCompare(compare.at(0), compare.at(1));
        if (!waitFor([&] { return !views->comparePanel()->isLoading(); }, 60'000))
            return fail("the comparison did not finish");
    }
    if (!tab.isEmpty()) {
        // The tab bar is clicked like a user would; its pane may read on being shown (Why?).
        QTabBar* bar = views->detailsTabs()->tabBar();
        for (int i = 0; i < bar->count(); ++i)
            if (bar->tabText(i).remove(QLatin1Char('&')).startsWith(tab, Qt::CaseInsensitive))
                QTest::mouseClick(bar, Qt::LeftButton, {}, bar->tabRect(i).center());
        if (!waitFor([&] { return !views->isLoading(); }, 60'000))
            return fail("the tab did not load");
    }
    QTest::qWait(800); // charts animate and repaint
    if (!window.grab().save(out))
        return fail("cannot write the PNG");
    if (withNotes) {
        notes->deleteNote(notes->model()->rowCount() - 1);
        waitFor([&] { return !views->isLoading(); }, 10'000);
    }
    std::printf("%s: %dx%d\n", qPrintable(out), window.width(), window.height());
    return 0;
}
