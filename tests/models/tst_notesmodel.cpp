// models/NotesModel and NotesData: the table the notes panel shows, checked with
// QAbstractItemModelTester, the tag filter, the words for each target, and the noted items.

#include "InvestigationState.h"
#include "NotesData.h"
#include "NotesModel.h"
#include "Sqlite.h"
#include "Store.h"

#include <QAbstractItemModelTester>
#include <QTemporaryDir>
#include <QTest>

using namespace seam;

class TestNotesModel : public QObject
{
    Q_OBJECT

    static std::shared_ptr<const NotesData> sample()
    {
        auto data = std::make_shared<NotesData>();
        notes::Note a;
        a.id = 1;
        a.createdNs = 1'700'000'000'000'000'000;
        a.target = {notes::TargetKind::PageLoad, 4711};
        a.text = "slow\nsecond line";
        a.tags = {"db-lock", "payments"};
        a.author = "ana";
        notes::Note b;
        b.id = 2;
        b.createdNs = a.createdNs + 1;
        b.bookmark = true;
        b.target = {notes::TargetKind::Incident, 0, {}, {}, "payments"};
        b.target.from = a.createdNs;
        b.target.to = a.createdNs + 600'000'000'000;
        b.tags = {"payments"};
        data->notes = {a, b};
        data->tags = {QStringLiteral("db-lock"), QStringLiteral("payments")};
        return data;
    }

private slots:
    void showsNotesAndFiltersByTag()
    {
        NotesModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setData(sample());
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, NotesModel::TextColumn).data().toString(), QStringLiteral("slow"));
        QCOMPARE(model.index(0, NotesModel::TextColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("slow\nsecond line"));
        QCOMPARE(model.index(0, NotesModel::TagsColumn).data().toString(),
                 QStringLiteral("#db-lock #payments"));
        QCOMPARE(model.index(0, NotesModel::TargetColumn).data().toString(),
                 QStringLiteral("page load 4711"));
        QVERIFY(model.index(1, NotesModel::TargetColumn)
                    .data()
                    .toString()
                    .startsWith(QStringLiteral("★ payments ")));
        QCOMPARE(model.index(1, 0).data(NotesModel::IdRole).toLongLong(), 2);
        model.setTagFilter(QStringLiteral("#DB-Lock"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.rowOf(2), -1);
        model.setTagFilter(QString());
        QCOMPARE(model.rowOf(2), 1);
        model.setData(std::make_shared<NotesData>());
        QCOMPARE(model.rowCount(), 0);
    }

    void notedItemsComeFromTargetsAndFocus()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath(QStringLiteral("n.seam")).toStdString();
        Database db = store::openForWriting(path);
        db.exec(
            "INSERT INTO page_loads(id, key, url, route, start_ns) VALUES (1, 'a', 'u', '/', 1), (2, 'b', "
            "'u', '/', 2);"
            "INSERT INTO resources(id, key, page_load_id, type, url, start_ns) VALUES (9, 'r', 2, 'fetch', "
            "'u', 3);"
            "INSERT INTO traces(id, trace_id, trace_lo) VALUES (1, x'0000000000000000000000000000000a', 10);"
            "INSERT INTO spans VALUES (1, 256, 0, 1, 1, 2, 1, 2, 0, NULL, 1);");
        notes::Note n;
        n.text = "x";
        n.target = {notes::TargetKind::PageLoad, 1};
        notes::addNote(db, n);
        n.target = {notes::TargetKind::Resource, 9};
        notes::addNote(db, n);
        n.target = {notes::TargetKind::Span, 0, "0000000000000000000000000000000a", "0000000000000100"};
        InvestigationFocus focus;
        focus.selection.pageLoad = 7;
        n.focus = focus.toJson().toStdString();
        notes::addNote(db, n);
        const NotesData data = NotesData::load(db, NotesRequest{1});
        QCOMPARE(data.notes.size(), std::size_t(3));
        QCOMPARE(data.notedPageLoads, (QSet<qint64>{1, 2, 7}));
        QCOMPARE(data.notedResources, QSet<qint64>{9});
        QCOMPARE(data.notedSpans, QSet<qint64>{256});
    }
};

QTEST_GUILESS_MAIN(TestNotesModel)
#include "tst_notesmodel.moc"
