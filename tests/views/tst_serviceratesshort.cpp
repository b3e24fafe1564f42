// The service charts on data that is short or thin (issue 12): a 45-second capture is charted over its
// own extent with a seconds axis, and no service is flagged without the traffic detectAnomalies needs.

#include "Investigation.h"
#include "RecordFactory.h"
#include "ServiceRatesData.h"
#include "ServiceRatesPanel.h"
#include "Store.h"
#include "StoreWriter.h"
#include "TimeAxisScale.h"

#include <QChart>
#include <QLabel>
#include <QLineSeries>
#include <QTemporaryDir>
#include <QTest>
#include <QValueAxis>

using namespace seam;
using namespace seam::test;

namespace {

constexpr qint64 kSecond = 1'000'000'000;
constexpr TimeNs kLoad = kT0 + 30 * 60 * kSecond;

template<typename S> S* findSeries(QChart* chart, const char* name)
{
    if (!chart)
        return nullptr;
    for (QAbstractSeries* s : chart->series())
        if (s->objectName() == QLatin1String(name))
            if (auto* typed = qobject_cast<S*>(s))
                return typed;
    return nullptr;
}

const ServiceRateSeries* find(const ServiceRatesData& d, const QString& name)
{
    for (const auto& s : d.services)
        if (s.name == name)
            return &s;
    return nullptr;
}

} // namespace

class TestServiceRatesShort : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

private slots:
    void shortCaptureKeepsToItsExtent()
    {
        // A 45-second capture: "busy" at 4 requests/s, all slow and half failing, "quiet" with 8 failing
        // requests. The window is the capture (not ±15 minutes with the data a stroke in the middle),
        // its axis in seconds; nothing is flagged: no service has enough traffic outside an incident
        // (or around the load) to compare with.
        const std::string path = m_dir.filePath(QStringLiteral("short.seam")).toStdString();
        const TimeNs start = kLoad - 20 * kSecond;
        {
            StoreWriter w(path);
            RecordBatch b;
            int n = 1;
            for (TimeNs t = start; t < start + 45 * kSecond; t += kSecond / 4, ++n)
                b.spans.push_back(span(traceId(n), 0x10, 0, backend("busy"), "GET /", SpanKind::Server, t,
                                       900, n % 2 ? StatusCode::Error : StatusCode::Unset));
            for (int i = 0; i < 8; ++i, ++n)
                b.spans.push_back(span(traceId(n), 0x10, 0, backend("quiet"), "GET /", SpanKind::Server,
                                       start + i * 5 * kSecond, 4000, StatusCode::Error));
            w.submit(0, std::move(b));
            const TraceId selected = traceId(100000);
            w.submit(0, browserBatch(1, selected, 0x42, kLoad));
            RecordBatch mine;
            mine.spans.push_back(
                span(selected, 0x100, 0x42, backend("busy"), "GET /", SpanKind::Server, kLoad, 900));
            mine.spans.push_back(span(selected, 0x101, 0x100, backend("quiet"), "GET /", SpanKind::Server,
                                      kLoad, 4000, StatusCode::Error));
            w.submit(0, std::move(mine));
            QVERIFY(w.flush());
        }
        Database db = store::openForReading(path);
        ServiceRatesRequest r;
        r.pageLoadId = db.queryInt("SELECT id FROM page_loads");
        r.traces = {db.queryInt("SELECT trace FROM links")};
        const ServiceRatesData d = ServiceRatesData::load(db, r);
        QCOMPARE(d.services.size(), size_t(2));
        QVERIFY2(d.from >= start - 20 * kSecond && d.to <= start + 65 * kSecond,
                 qPrintable(QStringLiteral("%1 s wide").arg((d.to - d.from) / kSecond)));
        QVERIFY(d.to - d.from >= ServiceRatesData::kMinSpanNs);
        QCOMPARE(d.step, 10 * kSecond);
        for (const ServiceRateSeries& s : d.services) {
            QVERIFY2(!s.misbehaving, qPrintable(s.name + QStringLiteral(": ") + s.reason));
            QVERIFY(!s.reason.contains(QLatin1String("normally")));
        }
        const ServiceRateSeries* quiet = find(d, QStringLiteral("quiet"));
        QVERIFY(quiet && quiet->reason.contains(QLatin1String("too little traffic")));

        Investigation inv;
        ServiceRatesPanel panel(QString::fromStdString(path), &inv);
        panel.resize(900, 330);
        panel.show();
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        inv.selectPageLoad(r.pageLoadId);
        inv.setSelectedTraces(r.traces);
        QTRY_COMPARE(panel.rowCount(), 2);
        QVERIFY(!panel.rowFlagged(0) && !panel.rowFlagged(1));
        QVERIFY(panel.header()->text().contains(QLatin1String("none misbehaving")));
        auto* x = qobject_cast<QValueAxis*>(panel.errorChart(0)->axes(Qt::Horizontal).value(0));
        QVERIFY(x);
        QCOMPARE(x->labelFormat(), QStringLiteral("%+.0f")); // whole seconds, named in the caption
        QCOMPARE(relativeTimeScale(panel.data()->to - panel.data()->from).unitWords,
                 QStringLiteral("seconds"));
        QVERIFY(x->tickInterval() >= 1.0);
        QVERIFY((x->max() - x->min()) / x->tickInterval() >= 3); // several distinct whole-second labels
        QVERIFY((x->max() - x->min()) / x->tickInterval() <= 8);
        auto* rate = findSeries<QLineSeries>(panel.errorChart(0), "errorRate");
        QVERIFY(rate && rate->count() >= 5); // a curve, not a stroke
    }
};

QTEST_MAIN(TestServiceRatesShort)
#include "tst_serviceratesshort.moc"
