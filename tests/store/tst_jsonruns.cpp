// json::plainRunEnd (models/store/JsonRuns.h), the eight-bytes-at-a-time scan for the bytes a JSON
// string must escape: the same answer as the byte-by-byte rule at every start, for every special byte at
// every position of a word, and on random text with and without bytes >= 0x80.

#include "JsonRuns.h"

#include <QRandomGenerator>
#include <QTest>
#include <string>

using namespace seam;

namespace {

std::size_t slowRunEnd(std::string_view s, std::size_t from, bool asciiOnly)
{
    for (std::size_t i = from; i < s.size(); ++i) {
        const auto c = std::uint8_t(s[i]);
        if (c < 0x20 || c == '"' || c == '\\' || (asciiOnly && c >= 0x80))
            return i;
    }
    return s.size();
}

} // namespace

class TestJsonRuns : public QObject
{
    Q_OBJECT

private slots:
    void everySpecialByteAtEveryPosition()
    {
        for (int special = 0; special < 256; ++special) {
            for (std::size_t at = 0; at < 24; ++at) {
                std::string s(24, 'a');
                s[at] = char(special);
                for (const bool ascii : {false, true})
                    for (std::size_t from = 0; from <= s.size(); ++from)
                        QCOMPARE(json::plainRunEnd(s, from, ascii), slowRunEnd(s, from, ascii));
            }
        }
    }

    void randomText()
    {
        QRandomGenerator random(15);
        // Mostly plain letters with a few bytes of every kind, so runs of every length occur.
        for (int round = 0; round < 2000; ++round) {
            std::string s(random.bounded(1, 80), 'x');
            for (char& c : s) {
                const int pick = random.bounded(40);
                c = pick == 0 ? char(random.bounded(256)) : char('a' + random.bounded(26));
            }
            for (const bool ascii : {false, true})
                for (std::size_t from = 0; from <= s.size(); ++from)
                    QCOMPARE(json::plainRunEnd(s, from, ascii), slowRunEnd(s, from, ascii));
        }
    }
};

QTEST_MAIN(TestJsonRuns)
#include "tst_jsonruns.moc"
