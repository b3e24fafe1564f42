// `seam pull` of RED series from a real Prometheus (Debian's `prometheus`, on loopback), filled with
// `promtool tsdb create-blocks-from openmetrics` from the demo's backend spans exactly as the
// collector's spanmetrics connector would count them (calls, duration histogram with its default
// buckets, duration sum). The rollups Seam keeps must give the same requests and errors per service,
// operation and 10 s bucket as importing the spans themselves.

#include "DemoGenerator.h"
#include "ImportTestUtil.h"
#include "OtlpBrowser.h"
#include "Store.h"
#include "TestPaths.h"
#include "opentelemetry/proto/trace/v1/trace.pb.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>
#include <map>

using namespace seam;
namespace otlp = opentelemetry::proto;

namespace {

constexpr std::int64_t kBucketNs = 10'000'000'000;
// The spanmetrics connector's default histogram buckets, in milliseconds.
const double kBucketsMs[] = {2, 4, 6, 8, 10, 50, 100, 200, 400, 800, 1000, 1400, 2000, 5000, 10000, 15000};

struct Series
{
    std::map<std::int64_t, std::int64_t> calls;           // bucket -> count in it
    std::map<std::int64_t, double> sumMs;                 // bucket -> duration sum
    std::map<std::int64_t, std::vector<std::int64_t>> le; // bucket -> count per kBucketsMs (+Inf last)
};

QString kindName(int kind)
{
    static const char* names[] = {"SPAN_KIND_UNSPECIFIED", "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER",
                                  "SPAN_KIND_CLIENT",      "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER"};
    return QString::fromLatin1(names[kind >= 0 && kind < 6 ? kind : 0]);
}

QString labels(const std::tuple<std::string, std::string, int, bool>& k, const QString& extra = {})
{
    QString name = QString::fromStdString(std::get<1>(k))
                       .replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
                       .replace(QLatin1Char('"'), QStringLiteral("\\\""));
    return QStringLiteral("{service_name=\"%1\",span_name=\"%2\",span_kind=\"%3\",status_code=\"%4\"%5}")
        .arg(QString::fromStdString(std::get<0>(k)), name, kindName(std::get<2>(k)),
             std::get<3>(k) ? QStringLiteral("STATUS_CODE_ERROR") : QStringLiteral("STATUS_CODE_UNSET"),
             extra);
}

} // namespace

class TestPrometheusPull : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void redSeriesBecomeTheSameRollups();
    void refusalsNameTheServer();

private:
    QTemporaryDir m_dir;
    QProcess m_prometheus;
    int m_port = 0;
    QString m_full;
    std::int64_t m_from = 0, m_to = 0;
};

void TestPrometheusPull::initTestCase()
{
    const QString prometheus = QStandardPaths::findExecutable(QStringLiteral("prometheus"));
    const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
    if (prometheus.isEmpty() || promtool.isEmpty())
        QSKIP("Prometheus is not installed (apt-get install prometheus; scripts/deps.sh does)");

    DemoOptions options;
    options.seed = 3;
    options.sessions = 30;
    DemoGenerator generator(options);
    std::map<std::tuple<std::string, std::string, int, bool>, Series> series;
    QStringList files;
    generator.generate(
        [&](const otlp::trace::v1::TracesData& traces) {
            const QString path = m_dir.filePath(QStringLiteral("chunk-%1.pb").arg(files.size()));
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray::fromStdString(traces.SerializeAsString()));
            files << path;
            for (const auto& rs : traces.resource_spans()) {
                std::string service;
                bool browser = false;
                for (const auto& kv : rs.resource().attributes()) {
                    if (kv.key() == "service.name")
                        service = kv.value().string_value();
                    browser = browser || (kv.key() == kBrowserSdkLanguageKey &&
                                          kv.value().string_value() == kBrowserSdkLanguage);
                }
                if (browser)
                    continue; // spanmetrics runs in the backends' collector
                for (const auto& ss : rs.scope_spans())
                    for (const auto& span : ss.spans()) {
                        const bool error = span.status().code() == otlp::trace::v1::Status::STATUS_CODE_ERROR;
                        Series& s = series[{service, span.name(), int(span.kind()), error}];
                        const std::int64_t start = std::int64_t(span.start_time_unix_nano());
                        const std::int64_t bucket = start / kBucketNs * kBucketNs;
                        const double ms =
                            double(span.end_time_unix_nano() - span.start_time_unix_nano()) / 1e6;
                        ++s.calls[bucket];
                        s.sumMs[bucket] += ms;
                        auto& le = s.le[bucket];
                        le.resize(std::size(kBucketsMs) + 1);
                        std::size_t i = 0;
                        while (i < std::size(kBucketsMs) && ms > kBucketsMs[i])
                            ++i;
                        ++le[i];
                    }
            }
        },
        [](const auto&) {});
    m_full = m_dir.filePath(QStringLiteral("full.seam"));
    importtest::importIntoCache(m_full.toStdString(), files);

    // Counters sampled at every bucket end over the whole range (a zero before the first), as a
    // scrape every 10 s would see them.
    std::int64_t first = std::numeric_limits<std::int64_t>::max(), last = 0;
    for (const auto& [k, s] : series) {
        first = std::min(first, s.calls.begin()->first);
        last = std::max(last, s.calls.rbegin()->first);
    }
    m_from = first;
    m_to = last + kBucketNs;
    QByteArray om;
    auto samples = [&](const QString& name, const auto& key, const QString& extra, auto value) {
        for (std::int64_t t = first; t <= last + kBucketNs; t += kBucketNs)
            om += QStringLiteral("%1%2 %3 %4\n")
                      .arg(name, labels(key, extra), value(t))
                      .arg(t / 1'000'000'000)
                      .toUtf8();
    };
    om += "# TYPE traces_span_metrics_calls counter\n";
    for (const auto& [k, s] : series)
        samples(QStringLiteral("traces_span_metrics_calls_total"), k, QString(), [&](std::int64_t t) {
            std::int64_t n = 0;
            for (auto it = s.calls.begin(); it != s.calls.end() && it->first < t; ++it)
                n += it->second;
            return QString::number(n);
        });
    om += "# TYPE traces_span_metrics_duration_milliseconds histogram\n";
    for (const auto& [k, s] : series) {
        for (std::size_t b = 0; b <= std::size(kBucketsMs); ++b) {
            const QString le =
                b < std::size(kBucketsMs) ? QString::number(kBucketsMs[b]) : QStringLiteral("+Inf");
            samples(QStringLiteral("traces_span_metrics_duration_milliseconds_bucket"), k,
                    QStringLiteral(",le=\"%1\"").arg(le), [&](std::int64_t t) {
                        std::int64_t n = 0;
                        for (auto it = s.le.begin(); it != s.le.end() && it->first < t; ++it)
                            for (std::size_t i = 0; i <= b; ++i)
                                n += it->second[i];
                        return QString::number(n);
                    });
        }
        samples(QStringLiteral("traces_span_metrics_duration_milliseconds_sum"), k, QString(),
                [&](std::int64_t t) {
                    double sum = 0;
                    for (auto it = s.sumMs.begin(); it != s.sumMs.end() && it->first < t; ++it)
                        sum += it->second;
                    return QString::number(sum, 'f', 3);
                });
        samples(QStringLiteral("traces_span_metrics_duration_milliseconds_count"), k, QString(),
                [&](std::int64_t t) {
                    std::int64_t n = 0;
                    for (auto it = s.calls.begin(); it != s.calls.end() && it->first < t; ++it)
                        n += it->second;
                    return QString::number(n);
                });
    }
    om += "# EOF\n";
    QFile omFile(m_dir.filePath(QStringLiteral("spanmetrics.om")));
    QVERIFY(omFile.open(QIODevice::WriteOnly));
    omFile.write(om);
    omFile.close();
    QProcess tool;
    tool.setProcessChannelMode(QProcess::MergedChannels);
    tool.start(promtool,
               {QStringLiteral("tsdb"), QStringLiteral("create-blocks-from"), QStringLiteral("openmetrics"),
                omFile.fileName(), m_dir.filePath(QStringLiteral("tsdb"))});
    QVERIFY(tool.waitForFinished(180000));
    QVERIFY2(tool.exitCode() == 0, tool.readAll().constData());

    QTcpServer probe; // a free loopback port for Prometheus, which cannot report one it chose
    QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
    m_port = probe.serverPort();
    probe.close();
    QFile config(m_dir.filePath(QStringLiteral("prometheus.yml")));
    QVERIFY(config.open(QIODevice::WriteOnly));
    config.write("global:\n  scrape_interval: 10s\nscrape_configs: []\n");
    config.close();
    m_prometheus.setProcessChannelMode(QProcess::MergedChannels);
    m_prometheus.start(prometheus,
                       {QStringLiteral("--config.file=") + config.fileName(),
                        QStringLiteral("--storage.tsdb.path=") + m_dir.filePath(QStringLiteral("tsdb")),
                        QStringLiteral("--storage.tsdb.retention.time=100y"),
                        QStringLiteral("--web.listen-address=127.0.0.1:%1").arg(m_port)});
    QVERIFY(m_prometheus.waitForStarted(10000));
    QElapsedTimer waited;
    waited.start();
    bool ready = false;
    while (!ready && waited.elapsed() < 60000 && m_prometheus.state() == QProcess::Running) {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-sf"), QStringLiteral("http://127.0.0.1:%1/-/ready").arg(m_port)});
        curl.waitForFinished(5000);
        ready = curl.exitCode() == 0;
        if (!ready)
            QTest::qWait(250);
    }
    QVERIFY2(ready, m_prometheus.readAll().right(2000).constData());
}

void TestPrometheusPull::cleanupTestCase()
{
    if (m_prometheus.state() == QProcess::Running) {
        m_prometheus.terminate();
        if (!m_prometheus.waitForFinished(10000))
            m_prometheus.kill();
    }
}

void TestPrometheusPull::redSeriesBecomeTheSameRollups()
{
    const QString cache = m_dir.filePath(QStringLiteral("prom.seam"));
    QProcess p;
    p.start(seam::test::seamBinary(),
            {QStringLiteral("pull"), QStringLiteral("--db"), cache,
             QStringLiteral("prometheus://127.0.0.1:%1?preset=spanmetrics").arg(m_port),
             QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"), QString::number(m_to),
             QStringLiteral("--json")});
    QVERIFY(p.waitForFinished(180000));
    const QByteArray out = p.readAllStandardOutput();
    QVERIFY2(p.exitCode() == 0, QByteArray(out + p.readAllStandardError()).constData());
    const QJsonObject j = QJsonDocument::fromJson(out).object();
    QVERIFY(j.value(QStringLiteral("rollup_cells")).toInt() > 100);

    // Requests and errors per backend service, operation and bucket: exactly the spans' own counts.
    const char* red =
        "SELECT v.name, coalesce(o.name, ''), r.bucket_ns, r.requests, r.errors FROM rollups r "
        "JOIN services v ON v.id = r.service_id LEFT JOIN operations o ON o.id = r.operation_id "
        "WHERE v.is_browser = 0 ORDER BY 1, 2, 3";
    Database pulled = store::openForReading(cache.toStdString());
    Database full = store::openForReading(m_full.toStdString());
    const QStringList fromPrometheus = importtest::rows(pulled, red);
    const QStringList fromSpans = importtest::rows(full, red);
    QVERIFY(fromSpans.size() > 100);
    QCOMPARE(fromPrometheus.size(), fromSpans.size());
    QCOMPARE(fromPrometheus, fromSpans);
    // The latency sum is the spans' (to the millisecond rounding of the metric), and p50 from the
    // coarse buckets stays within the bucket that holds the true value.
    const char* sums = "SELECT sum(duration_sum_ns) FROM rollups r JOIN services v ON v.id = r.service_id "
                       "WHERE v.is_browser = 0 AND r.operation_id = 0";
    const double a = double(pulled.queryInt(sums)), b = double(full.queryInt(sums));
    QVERIFY2(std::abs(a - b) / b < 1e-4, qPrintable(QStringLiteral("%1 vs %2").arg(a).arg(b)));
}

void TestPrometheusPull::refusalsNameTheServer()
{
    QProcess p;
    p.start(seam::test::seamBinary(),
            {QStringLiteral("pull"), QStringLiteral("--db"), m_dir.filePath(QStringLiteral("bad.seam")),
             QStringLiteral("prometheus://127.0.0.1:%1?calls=no_such_metric_total").arg(m_port),
             QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"),
             QString::number(m_from - 1)});
    QVERIFY(p.waitForFinished(60000));
    QCOMPARE(p.exitCode(), 2); // --to before --from
    QProcess bad;
    bad.start(seam::test::seamBinary(),
              {QStringLiteral("pull"), QStringLiteral("--db"), m_dir.filePath(QStringLiteral("bad.seam")),
               QStringLiteral("prometheus://127.0.0.1:%1?calls=bad-name").arg(m_port),
               QStringLiteral("--from"), QString::number(m_from), QStringLiteral("--to"),
               QString::number(m_to)});
    QVERIFY(bad.waitForFinished(60000));
    QCOMPARE(bad.exitCode(), 2);
    QVERIFY(bad.readAllStandardError().contains("not a metric or label name"));
    QProcess closed;
    closed.start(seam::test::seamBinary(),
                 {QStringLiteral("pull"), QStringLiteral("--db"), m_dir.filePath(QStringLiteral("bad.seam")),
                  QStringLiteral("prometheus://127.0.0.1:9"), QStringLiteral("--from"),
                  QString::number(m_from), QStringLiteral("--to"), QString::number(m_to)});
    QVERIFY(closed.waitForFinished(60000));
    QCOMPARE(closed.exitCode(), 2);
    QVERIFY(closed.readAllStandardError().contains("Prometheus at 127.0.0.1:9"));
}

QTEST_GUILESS_MAIN(TestPrometheusPull)
#include "tst_prometheuspull.moc"
