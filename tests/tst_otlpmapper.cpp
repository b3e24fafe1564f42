#include <QTest>
class Testotlpmapper : public QObject
{
    Q_OBJECT
};
QTEST_GUILESS_MAIN(Testotlpmapper)
#include "tst_otlpmapper.moc"
