// report::writeItemModelCsv, the one CSV exporter of the window's tables: the header, RFC 4180 quoting,
// numbers as numbers (the raw-value role over the displayed text), a tree's children after their
// parent, chosen columns in the order given, and a lazy model fetched to its end.

#include "ItemModelCsv.h"

#include <QStandardItemModel>
#include <QStringListModel>
#include <QTest>

using namespace seam::report;

namespace {

constexpr int kRawRole = Qt::UserRole + 7;

std::string csvOf(QAbstractItemModel& model, const ItemModelCsvOptions& options = {})
{
    std::string out;
    writeItemModelCsv(model, options, [&](const std::string& record) { out += record; });
    return out;
}

/// Hands out its rows ten at a time, as a paged model does.
class LazyModel : public QAbstractListModel
{
public:
    int rowCount(const QModelIndex& parent = {}) const override { return parent.isValid() ? 0 : m_fetched; }
    QVariant data(const QModelIndex& index, int role) const override
    {
        return role == Qt::DisplayRole ? QVariant(index.row()) : QVariant();
    }
    QVariant headerData(int, Qt::Orientation, int role) const override
    {
        return role == Qt::DisplayRole ? QVariant(QStringLiteral("n")) : QVariant();
    }
    bool canFetchMore(const QModelIndex& parent) const override
    {
        return !parent.isValid() && m_fetched < 95;
    }
    void fetchMore(const QModelIndex&) override
    {
        const int more = std::min(10, 95 - m_fetched);
        beginInsertRows({}, m_fetched, m_fetched + more - 1);
        m_fetched += more;
        endInsertRows();
    }

private:
    int m_fetched = 0;
};

} // namespace

class TestItemModelCsv : public QObject
{
    Q_OBJECT

private slots:
    void headerQuotingAndRawNumbers()
    {
        QStandardItemModel model(0, 3);
        model.setHorizontalHeaderLabels(
            {QStringLiteral("route"), QStringLiteral("duration"), QStringLiteral("note, \"quoted\"")});
        auto* duration = new QStandardItem(QStringLiteral("1.2 s"));
        duration->setData(qint64(1'234'567'890), kRawRole);
        model.appendRow({new QStandardItem(QStringLiteral("/checkout")), duration,
                         new QStandardItem(QStringLiteral("line one\nline \"two\", and more"))});
        auto* ratio = new QStandardItem(QStringLiteral("12%"));
        ratio->setData(0.125, kRawRole);
        auto* plain = new QStandardItem;
        plain->setData(42, Qt::DisplayRole);
        model.appendRow({new QStandardItem(QStringLiteral("/")), ratio, plain});

        QCOMPARE(csvOf(model, {{}, kRawRole}),
                 std::string("route,duration,\"note, \"\"quoted\"\"\"\r\n"
                             "/checkout,1234567890,\"line one\nline \"\"two\"\", and more\"\r\n"
                             "/,0.125,42\r\n"));
        // Without the raw role: what the cells show.
        QCOMPARE(csvOf(model), std::string("route,duration,\"note, \"\"quoted\"\"\"\r\n"
                                           "/checkout,1.2 s,\"line one\nline \"\"two\"\", and more\"\r\n"
                                           "/,12%,42\r\n"));
    }

    void treeRowsFollowTheirParentAndColumnsAsChosen()
    {
        QStandardItemModel model(0, 2);
        model.setHorizontalHeaderLabels({QStringLiteral("key"), QStringLiteral("value")});
        QStandardItem* section = new QStandardItem(QStringLiteral("Attributes"));
        section->appendRow(
            {new QStandardItem(QStringLiteral("http.method")), new QStandardItem(QStringLiteral("GET"))});
        section->appendRow({new QStandardItem(QStringLiteral("http.status_code")),
                            new QStandardItem(QStringLiteral("500"))});
        model.appendRow({section, new QStandardItem});
        model.appendRow(
            {new QStandardItem(QStringLiteral("Events")), new QStandardItem(QStringLiteral("none"))});
        QCOMPARE(csvOf(model), std::string("key,value\r\nAttributes,\r\nhttp.method,GET\r\n"
                                           "http.status_code,500\r\nEvents,none\r\n"));
        ItemModelCsvOptions swapped;
        swapped.columns = {1, 0};
        QCOMPARE(csvOf(model, swapped), std::string("value,key\r\n,Attributes\r\nGET,http.method\r\n"
                                                    "500,http.status_code\r\nnone,Events\r\n"));
    }

    void lazyModelIsFetchedToItsEnd()
    {
        LazyModel model;
        std::int64_t records = 0;
        std::string last;
        const std::int64_t rows = writeItemModelCsv(model, {}, [&](const std::string& r) {
            ++records;
            last = r;
        });
        QCOMPARE(rows, 95);
        QCOMPARE(records, 96);
        QCOMPARE(last, std::string("94\r\n"));
    }

    void valuesAreLocaleFree()
    {
        QLocale::setDefault(QLocale(QLocale::German));
        QCOMPARE(csvValue(QVariant(1234.5)), std::string("1234.5"));
        QCOMPARE(csvValue(QVariant(qint64(-12345678901))), std::string("-12345678901"));
        QCOMPARE(csvValue(QVariant(true)), std::string("true"));
        QCOMPARE(csvValue(QVariant(std::nan(""))), std::string());
        QCOMPARE(csvValue(QVariant()), std::string());
        QLocale::setDefault(QLocale::c());
    }
};

QTEST_MAIN(TestItemModelCsv)
#include "tst_itemmodelcsv.moc"
