// QtText: store text (UTF-8 bytes, often a view into a statement row) into QString.
#include "QtText.h"

#include <QTest>
#include <string>

using namespace seam;

class TestQtText : public QObject
{
    Q_OBJECT

private slots:
    void utf8AndOnlyTheView()
    {
        QCOMPARE(qs(std::string_view()), QString());
        QVERIFY(qs(std::string_view()).isEmpty());
        QCOMPARE(qs("payments"), QStringLiteral("payments"));
        // Multi-byte sequences decode, as a store written by any importer holds them.
        QCOMPARE(qs("caf\xc3\xa9 \xe2\x86\x92 \xf0\x9f\x9b\x92"), QStringLiteral("café → 🛒"));
        // Only the view's bytes: a statement's text is not NUL-terminated where the view ends.
        const std::string row = "checkout,payments";
        QCOMPARE(qs(std::string_view(row).substr(0, 8)), QStringLiteral("checkout"));
        // An embedded NUL is kept (a hostile span name), not a terminator.
        QCOMPARE(qs(std::string_view("a\0b", 3)).size(), qsizetype(3));
    }

    void invalidBytesBecomeReplacementCharacters()
    {
        const QString s = qs("ok\xff");
        QCOMPARE(s.left(2), QStringLiteral("ok"));
        QCOMPARE(s.at(2), QChar(QChar::ReplacementCharacter));
    }
};

QTEST_GUILESS_MAIN(TestQtText)
#include "tst_qttext.moc"
