#include <QTest>
class Testotlpjson : public QObject
{
    Q_OBJECT
};
QTEST_GUILESS_MAIN(Testotlpjson)
#include "tst_otlpjson.moc"
