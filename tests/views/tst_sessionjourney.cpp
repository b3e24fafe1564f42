#include "Investigation.h"
#include "RecordFactory.h"
#include "SessionJourney.h"
#include "SessionJourneyLoader.h"
#include "SessionJourneyPanel.h"
#include "SessionJourneyView.h"
#include "Sqlite.h"
#include "Store.h"
#include "StoreWriter.h"

#include <QElapsedTimer>
#include <QLabel>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;
using namespace seam::test;

namespace {

constexpr TimeNs kMs = 1'000'000;
constexpr TimeNs kS = 1'000'000'000;
using Kind = JourneyStep::Kind;

SessionRecord session(const std::string& key, const std::string& user)
{
    SessionRecord s;
    s.key = key;
    s.userId = user;
    s.browser = "Firefox";
    s.browserVersion = "128";
    s.os = "Linux";
    s.device = "desktop";
    s.country = "FR";
    s.appVersion = "4.2.0";
    return s;
}

PageLoadRecord pageLoad(const std::string& key, const std::string& sessionKey, const std::string& route,
                        TimeNs start, TimeNs duration)
{
    PageLoadRecord p;
    p.key = key;
    p.sessionKey = sessionKey;
    p.app = browserApp();
    p.url = "https://shop.example" + route;
    p.route = route;
    p.start = start;
    p.duration = duration;
    return p;
}

ActionRecord action(const std::string& key, const std::string& sessionKey, const std::string& pageKey,
                    TimeNs time, const std::string& name, const std::string& frustration = {})
{
    ActionRecord a;
    a.key = key;
    a.sessionKey = sessionKey;
    a.pageLoadKey = pageKey;
    a.time = time;
    a.duration = 40 * kMs;
    a.type = "click";
    a.name = name;
    a.frustration = frustration;
    return a;
}

ResourceRecord resource(const std::string& key, const std::string& sessionKey, const std::string& pageKey,
                        const std::string& type, const std::string& url, int status, TimeNs start)
{
    ResourceRecord r;
    r.key = key;
    r.sessionKey = sessionKey;
    r.pageLoadKey = pageKey;
    r.type = type;
    r.method = type == "fetch" || type == "xhr" ? "POST" : "GET";
    r.url = url;
    r.statusCode = status;
    r.start = start;
    r.duration = 120 * kMs;
    return r;
}

/// One session ("journey", user-42) of three page views: the home page, a slow product page with a
/// rage click and a failed POST, the checkout with a fetch that got no response and a JS error; plus
/// a successful fetch and an asset without status that are not failures, and another session that
/// must never show up.
RecordBatch journeyBatch()
{
    RecordBatch b;
    b.sessions.push_back(session("journey", "user-42"));
    b.pageLoads.push_back(pageLoad("home", "journey", "/", kT0, 800 * kMs));
    b.pageLoads.push_back(pageLoad("product", "journey", "/products/:id", kT0 + 10 * kS, 4'500 * kMs));
    b.pageLoads.push_back(pageLoad("checkout", "journey", "/checkout", kT0 + 30 * kS, 1'200 * kMs));
    b.resources.push_back(
        resource("ok-fetch", "journey", "home", "fetch", "https://shop.example/api/recs", 200, kT0 + 1 * kS));
    b.resources.push_back(
        resource("opaque-font", "journey", "home", "font", "https://fonts.example/a.woff2", 0, kT0 + 2 * kS));
    b.actions.push_back(action("add", "journey", "product", kT0 + 12 * kS, "Add to cart", "rage_click"));
    b.resources.push_back(resource("cart-500", "journey", "product", "fetch", "https://shop.example/api/cart",
                                   500, kT0 + 12'500 * kMs));
    b.resources.push_back(
        resource("pay-0", "journey", "checkout", "xhr", "https://shop.example/api/pay", 0, kT0 + 31 * kS));
    RumErrorRecord e;
    e.key = "type-error";
    e.sessionKey = "journey";
    e.pageLoadKey = "checkout";
    e.time = kT0 + 32 * kS;
    e.type = "TypeError";
    e.message = "total is undefined";
    e.source = "source";
    b.rumErrors.push_back(e);

    // A page load without session (a HAR page): shown alone, with its own events.
    b.pageLoads.push_back(pageLoad("lonely", "", "/lonely", kT0 + 5 * kS, 200 * kMs));
    RumErrorRecord lonelyError;
    lonelyError.key = "lonely-error";
    lonelyError.pageLoadKey = "lonely";
    lonelyError.time = kT0 + 5'100 * kMs;
    lonelyError.type = "ReferenceError";
    lonelyError.message = "x is not defined";
    b.rumErrors.push_back(lonelyError);

    b.sessions.push_back(session("other", "user-7"));
    b.pageLoads.push_back(pageLoad("other-home", "other", "/", kT0 + 11 * kS, 300 * kMs));
    b.actions.push_back(action("other-click", "other", "other-home", kT0 + 12 * kS, "Search"));
    b.resources.push_back(resource("other-404", "other", "other-home", "fetch", "https://shop.example/api/x",
                                   404, kT0 + 12 * kS));
    return b;
}

qint64 idOf(const QString& cache, const char* table, const std::string& key)
{
    Database db = store::openForReading(cache.toStdString());
    Statement q = db.prepare(std::string("SELECT id FROM ") + table + " WHERE key = ?1");
    q.bindText(1, key);
    return q.step() ? q.int64(0) : 0;
}

} // namespace

class TestSessionJourney : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_cache = m_dir.filePath(QStringLiteral("journey.seam"));
        StoreWriter writer(m_cache.toStdString());
        writer.submit(0, journeyBatch());
        QVERIFY(writer.flush());
    }

    void stepsInOrderWithTheirPageLoads()
    {
        const qint64 home = page("home"), product = page("product"), checkout = page("checkout");
        const SessionJourney j = SessionJourneyLoader::loadNow(m_cache.toStdString(), product);
        QCOMPARE(j.pageLoadId, product);

        QCOMPARE(j.session.userId, QStringLiteral("user-42"));
        QCOMPARE(j.session.browser, QStringLiteral("Firefox"));
        QCOMPARE(j.session.browserVersion, QStringLiteral("128"));
        QCOMPARE(j.session.os, QStringLiteral("Linux"));
        QCOMPARE(j.session.device, QStringLiteral("desktop"));
        QCOMPARE(j.session.country, QStringLiteral("FR"));
        QCOMPARE(j.session.appVersion, QStringLiteral("4.2.0"));
        QCOMPARE(j.session.pageLoadCount, 3);
        QCOMPARE(j.session.errorCount, 1);
        QVERIFY(j.session.start.has_value());
        QCOMPARE(*j.session.start, kT0);
        QVERIFY(j.session.length().has_value());
        QVERIFY(*j.session.length() >= 30 * kS);

        // home | product, its rage click, its failed POST | checkout, its failed XHR, its JS error.
        const Kind kinds[] = {Kind::PageView, Kind::PageView,       Kind::Action, Kind::FailedResource,
                              Kind::PageView, Kind::FailedResource, Kind::JsError};
        const qint64 pages[] = {home, product, product, product, checkout, checkout, checkout};
        QCOMPARE(j.steps.size(), std::size(kinds));
        for (std::size_t i = 0; i < j.steps.size(); ++i) {
            QCOMPARE(j.steps[i].kind, kinds[i]);
            QCOMPARE(j.steps[i].pageLoadId, pages[i]);
            QVERIFY(i == 0 || j.steps[i].time >= j.steps[j.steps[i].pageView].time);
        }
        QCOMPARE(j.steps[0].label, QStringLiteral("/"));
        QCOMPARE(j.steps[1].label, QStringLiteral("/products/:id"));
        QCOMPARE(j.steps[2].label, QStringLiteral("Add to cart"));
        QCOMPARE(j.steps[2].detail, QStringLiteral("click"));
        QCOMPARE(j.steps[2].frustration, QStringLiteral("rage_click"));
        QCOMPARE(j.steps[2].pageView, 1);
        QCOMPARE(j.steps[3].resourceId, idOf(m_cache, "resources", "cart-500"));
        QCOMPARE(j.steps[3].status, 500);
        QCOMPARE(j.steps[3].method, QStringLiteral("POST"));
        QCOMPARE(j.steps[5].resourceId, idOf(m_cache, "resources", "pay-0"));
        QCOMPARE(j.steps[5].status, 0);
        QCOMPARE(j.steps[6].detail, QStringLiteral("TypeError"));
        QCOMPARE(j.steps[6].label, QStringLiteral("total is undefined"));
        QCOMPARE(j.steps[6].resourceId, 0);
        QCOMPARE(j.steps[4].errorCount, 1);

        QVERIFY(!j.isSlow(0));
        QVERIFY(j.isSlow(1));
        QVERIFY(!j.isSlow(4));
        QCOMPARE(j.pageViewStep(checkout), 4);
        QCOMPARE(j.resourceStep(idOf(m_cache, "resources", "cart-500")), 3);
        QCOMPARE(j.pageViewEnd(1), kT0 + 30 * kS);
        QCOMPARE(j.omittedPageViewsBefore + j.omittedPageViewsAfter + j.omittedEvents, 0);

        // Any page load of the session gives the same journey.
        const SessionJourney fromHome = SessionJourneyLoader::loadNow(m_cache.toStdString(), home);
        QCOMPARE(fromHome.steps.size(), j.steps.size());
        QCOMPARE(fromHome.session.id, j.session.id);

        // The other session alone.
        const SessionJourney other = SessionJourneyLoader::loadNow(m_cache.toStdString(), page("other-home"));
        QCOMPARE(other.session.userId, QStringLiteral("user-7"));
        QCOMPARE(other.steps.size(), std::size_t(3));
        QCOMPARE(other.steps[2].status, 404);

        const SessionJourney lonely = SessionJourneyLoader::loadNow(m_cache.toStdString(), page("lonely"));
        QCOMPARE(lonely.session.id, 0);
        QCOMPARE(lonely.steps.size(), std::size_t(2));
        QCOMPARE(lonely.steps[1].kind, Kind::JsError);
        QCOMPARE(lonely.steps[1].pageLoadId, page("lonely"));
        QVERIFY(SessionJourneyPanel::describe(lonely).contains(QStringLiteral("without a session")));

        const SessionJourney missing = SessionJourneyLoader::loadNow(m_cache.toStdString(), 999'999);
        QCOMPARE(missing.pageLoadId, 0);
        QVERIFY(missing.isEmpty());
    }

    void capKeepsTheSelectedPageViewsNeighbourhood()
    {
        const QString cache = m_dir.filePath(QStringLiteral("long.seam"));
        {
            StoreWriter writer(cache.toStdString());
            RecordBatch b;
            b.sessions.push_back(session("long", "user-long"));
            for (int v = 0; v < 50; ++v) {
                const std::string key = "view-" + std::to_string(v);
                b.pageLoads.push_back(
                    pageLoad(key, "long", "/step/" + std::to_string(v), kT0 + v * 10 * kS, kS));
                for (int a = 0; a < 4; ++a)
                    b.actions.push_back(action(key + "-" + std::to_string(a), "long", key,
                                               kT0 + v * 10 * kS + (a + 1) * kS, "Next"));
            }
            writer.submit(0, std::move(b));
            QVERIFY(writer.flush());
        }
        Database db = store::openForReading(cache.toStdString());
        auto id = [&](int v) {
            Statement q = db.prepare("SELECT id FROM page_loads WHERE key = ?1");
            const std::string key = "view-" + std::to_string(v);
            q.bindText(1, key);
            return q.step() ? q.int64(0) : 0;
        };
        const SessionJourney j = SessionJourney::load(db, id(30), SessionJourney::Limits{5, 12});
        std::vector<qint64> views;
        int ownEvents = 0;
        int events = 0;
        for (const JourneyStep& s : j.steps) {
            if (s.kind == Kind::PageView)
                views.push_back(s.pageLoadId);
            else
                ++events;
            ownEvents += s.kind == Kind::Action && s.pageLoadId == id(30);
        }
        QCOMPARE(views, (std::vector<qint64>{id(28), id(29), id(30), id(31), id(32)}));
        QCOMPARE(j.omittedPageViewsBefore, 28);
        QCOMPARE(j.omittedPageViewsAfter, 17);
        QCOMPARE(events, 12);
        QCOMPARE(ownEvents, 4); // the selected view's own events are never cut first
        QCOMPARE(j.omittedEvents, 20 - 12);
        QVERIFY(SessionJourneyPanel::describe(j).contains(QStringLiteral("showing 5 of 50 page view")));

        // At the session's start, the cap goes to what follows.
        const SessionJourney first = SessionJourney::load(db, id(0), SessionJourney::Limits{5, 100});
        QCOMPARE(first.omittedPageViewsBefore, 0);
        QCOMPARE(first.omittedPageViewsAfter, 45);
        QCOMPARE(first.steps.front().pageLoadId, id(0));
        QCOMPARE(first.steps.size(), std::size_t(5 + 5 * 4));
    }

    void hugeSessionStaysBounded()
    {
        // 100k actions and 2000 page views in one session: reading its journey reads the caps' worth.
        const QString cache = m_dir.filePath(QStringLiteral("huge.seam"));
        {
            StoreWriter writer(cache.toStdString());
            RecordBatch b;
            b.sessions.push_back(session("huge", "user-huge"));
            for (int v = 0; v < 2000; ++v) {
                const std::string key = "h-" + std::to_string(v);
                b.pageLoads.push_back(pageLoad(key, "huge", "/h", kT0 + v * 60 * kS, kS));
                for (int a = 0; a < 50; ++a)
                    b.actions.push_back(action(key + "-" + std::to_string(a), "huge", key,
                                               kT0 + v * 60 * kS + a * kS, "Scroll"));
                if (b.actions.size() >= 10'000) {
                    writer.submit(0, std::move(b));
                    b = RecordBatch();
                }
            }
            writer.submit(0, std::move(b));
            QVERIFY(writer.flush());
        }
        const qint64 middle = idOf(cache, "page_loads", "h-1000");
        QElapsedTimer timer;
        timer.start();
        const SessionJourney j = SessionJourneyLoader::loadNow(cache.toStdString(), middle);
        const qint64 ms = timer.elapsed();
        qInfo("journey of a session of 2000 page views and 100k actions read in %lld ms", ms);
        const SessionJourney::Limits limits;
        QVERIFY(int(j.steps.size()) <= limits.pageViews + limits.events);
        QVERIFY(j.pageViewStep(middle) >= 0);
        QCOMPARE(j.omittedPageViewsBefore + j.omittedPageViewsAfter, 2000 - limits.pageViews);
        QVERIFY(j.omittedEvents > 0);
        QVERIFY2(ms < 2000, "reading a capped journey must not depend on the session's size");

        // Every step query walks a session index.
        Database db = store::openForReading(cache.toStdString());
        Statement plan =
            db.prepare("EXPLAIN QUERY PLAN SELECT id FROM actions WHERE session_id = ?1 AND time_ns "
                       ">= ?2 AND time_ns < ?3 ORDER BY time_ns, id LIMIT 10");
        QString details;
        while (plan.step())
            details += QString::fromUtf8(plan.text(3)) + QLatin1Char('\n');
        QVERIFY2(details.contains(QStringLiteral("actions_by_session")), qPrintable(details));
        QVERIFY2(!details.contains(QStringLiteral("TEMP B-TREE")), qPrintable(details));
    }

    void panelShowsTheSessionAndNavigates()
    {
        const qint64 home = page("home"), product = page("product"), checkout = page("checkout");
        Investigation investigation;
        SessionJourneyPanel panel(m_cache, &investigation);
        panel.resize(900, 140);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        SessionJourneyView* view = panel.view();
        QCOMPARE(view->stepCount(), 0);
        // A strip: little height, whatever width it gets.
        QVERIFY(view->sizeHint().height() >= 60 && view->sizeHint().height() <= 140);

        investigation.selectPageLoad(product);
        QTRY_COMPARE(view->stepCount(), 7);
        const auto journey = view->journey();
        QCOMPARE(view->highlightedPageLoad(), product);
        QCOMPARE(view->currentStep(), 1);
        QVERIFY(panel.header()->text().contains(QStringLiteral("user-42")));
        QVERIFY(panel.header()->text().contains(QStringLiteral("Firefox 128")));
        QVERIFY(panel.header()->text().contains(QStringLiteral("3 page view")));
        // Segments left to right, the glyphs of a page view on it.
        QVERIFY(view->stepRect(0).right() < view->stepRect(1).left());
        QVERIFY(view->stepRect(1).right() < view->stepRect(4).left());
        QVERIFY(view->stepRect(2).left() >= view->stepRect(1).left());
        QVERIFY(view->stepRect(3).right() <= view->stepRect(1).right());
        QVERIFY(view->stepRect(2).right() < view->stepRect(3).left());
        QVERIFY(view->toolTipFor(3).contains(QStringLiteral("500")));
        QVERIFY(view->toolTipFor(1).contains(QStringLiteral("slow")));
        QVERIFY(view->toolTipFor(2).contains(QStringLiteral("rage click")));

        // A click on another page view of the session navigates there, without reading it again.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->stepRect(4).center());
        QCOMPARE(investigation.selectedPageLoad(), checkout);
        QCOMPARE(view->highlightedPageLoad(), checkout);
        QCOMPARE(view->journey(), journey);
        QVERIFY(!panel.loader()->isLoading());

        // A failed request: its page load and the resource, in one history step.
        const int historyBefore = int(investigation.history().size());
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->stepRect(3).center());
        QCOMPARE(investigation.selectedPageLoad(), product);
        QCOMPARE(investigation.selectedResource(), idOf(m_cache, "resources", "cart-500"));
        QCOMPARE(int(investigation.history().size()), historyBefore + 1);
        QCOMPARE(view->currentStep(), 3);

        // An action: its page load; the action stays the current step.
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->stepRect(2).center());
        QCOMPARE(investigation.selectedPageLoad(), product);
        QCOMPARE(investigation.selectedResource(), 0);
        QCOMPARE(view->currentStep(), 2);

        // Back and forward move the highlight.
        investigation.goBack();
        QCOMPARE(view->currentStep(), 3);
        investigation.goBack();
        QCOMPARE(investigation.selectedPageLoad(), checkout);
        QCOMPARE(view->highlightedPageLoad(), checkout);
        QCOMPARE(view->currentStep(), 4);
        investigation.goBack();
        QCOMPARE(view->highlightedPageLoad(), product);
        investigation.goForward();
        QCOMPARE(view->highlightedPageLoad(), checkout);
        QCOMPARE(view->journey(), journey);

        // Keyboard: Left / Right walk the steps.
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Left);
        QCOMPARE(view->currentStep(), 3);
        QCOMPARE(investigation.selectedResource(), idOf(m_cache, "resources", "cart-500"));
        QTest::keyClick(view, Qt::Key_Right);
        QCOMPARE(investigation.selectedPageLoad(), checkout);
        QTest::keyClick(view, Qt::Key_Home);
        QCOMPARE(investigation.selectedPageLoad(), home);
        QCOMPARE(view->currentStep(), 0);

        // Painting, both palettes.
        QVERIFY(!view->grab().isNull());
        QPalette dark = view->palette();
        dark.setColor(QPalette::Base, QColor(30, 30, 30));
        dark.setColor(QPalette::Text, QColor(230, 230, 230));
        view->setPalette(dark);
        QVERIFY(!view->grab().isNull());

        // A page load of another session reads that one.
        investigation.selectPageLoad(page("other-home"));
        QVERIFY(panel.loader()->isLoading());
        QVERIFY(panel.header()->text().startsWith(QStringLiteral("Reading")));
        QTRY_VERIFY(view->journey() && view->journey()->session.userId == QStringLiteral("user-7"));
        QCOMPARE(view->stepCount(), 3);
        QVERIFY(panel.header()->text().contains(QStringLiteral("user-7")));

        investigation.selectPageLoad(0);
        QCOMPARE(view->stepCount(), 0);
    }

    void narrowStripScrollsTheSelectionIntoView()
    {
        const QString cache = m_dir.filePath(QStringLiteral("long.seam")); // from the cap test
        Database db = store::openForReading(cache.toStdString());
        Statement q = db.prepare("SELECT id FROM page_loads WHERE key = 'view-45'");
        QVERIFY(q.step());
        const qint64 late = q.int64(0);

        Investigation investigation;
        SessionJourneyPanel panel(cache, &investigation);
        panel.resize(400, 140);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        investigation.selectPageLoad(late);
        SessionJourneyView* view = panel.view();
        QTRY_VERIFY(view->stepCount() > 0);
        QVERIFY(view->horizontalScrollBar()->maximum() > 0);
        const QRect shown = view->stepRect(view->journey()->pageViewStep(late));
        QVERIFY(view->viewport()->rect().intersects(shown));
        QCOMPARE(view->stepAt(shown.center()), view->journey()->pageViewStep(late));
    }

private:
    qint64 page(const std::string& key) const { return idOf(m_cache, "page_loads", key); }

    QTemporaryDir m_dir;
    QString m_cache;
};

QTEST_MAIN(TestSessionJourney)
#include "tst_sessionjourney.moc"
