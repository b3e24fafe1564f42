// The dictionary of span payload strings (models/store/KeyDictionary): the ids it gives and refuses are
// those of a plain std::unordered_map model of its rules (first come, first numbered; the per-key and
// per-shape budgets; the size bounds), over a long random stream with many repeats, look-alike strings
// and several growths of its index; a file's rows seed it with the first id of a duplicated string.

#include "KeyDictionary.h"
#include "Sqlite.h"

#include <QTemporaryDir>
#include <QTest>
#include <random>
#include <unordered_map>

using namespace seam;

namespace {

// The rules as they read (KeyDictionary.cpp's bounds), on a std::unordered_map.
class Model
{
public:
    using Id = KeyDictionary::Id;
    Id keyId(const std::string& key)
    {
        if (key.size() > 256)
            return 0;
        return find(key, [] { return true; });
    }
    Id valueId(Id context, const std::string& value)
    {
        if (value.size() < 3 || value.size() > 512)
            return 0;
        return find(value, [&] { return m_values[context] < 2048 && ++m_values[context]; });
    }
    Id setId(std::uint64_t shape, const std::string& blob)
    {
        if (blob.size() < 6 || blob.size() > 1024)
            return 0;
        return find(blob, [&] { return m_sets[shape] < 256 && ++m_sets[shape]; });
    }

private:
    template<typename Budget> Id find(const std::string& s, Budget budget)
    {
        if (const auto it = m_ids.find(s); it != m_ids.end())
            return it->second;
        if (!budget())
            return 0;
        return m_ids.emplace(s, ++m_last).first->second;
    }
    std::unordered_map<std::string, Id> m_ids;
    std::unordered_map<Id, std::uint32_t> m_values;
    std::unordered_map<std::uint64_t, std::uint32_t> m_sets;
    Id m_last = 0;
};

// Strings that differ late, by one byte, or only in length: what a weak hash or compare would confuse.
std::string lookAlike(std::mt19937& rng)
{
    static const char* const stems[] = {"http.request.method",
                                        "a",
                                        "",
                                        "xxxxxxxxxxxxxxxx",
                                        "db.statement",
                                        "0123456789abcdef0123456789abcdef"};
    std::string s = stems[rng() % 6];
    switch (rng() % 4) {
    case 0:
        s.append(rng() % 40, 'x');
        break;
    case 1:
        if (!s.empty())
            s[rng() % s.size()] = char('a' + rng() % 26);
        break;
    case 2:
        s += std::to_string(rng() % 100000);
        break;
    default:
        s.insert(0, std::to_string(rng() % 300));
    }
    return s;
}

} // namespace

class TestKeyDictionary : public QObject
{
    Q_OBJECT

private slots:
    void sameIdsAsTheModel()
    {
        KeyDictionary dictionary;
        Model model;
        std::mt19937 rng(15);
        std::vector<std::string> seen;
        auto lock = dictionary.lock();
        for (int i = 0; i < 120000; ++i) {
            // Half the time a string asked for before (the usual case), else a new look-alike.
            std::string s = !seen.empty() && rng() % 2 ? seen[rng() % seen.size()] : lookAlike(rng);
            if (s.size() > 20 && rng() % 50 == 0)
                s.append(600, 'p'); // past the value bound, inside the set bound
            seen.push_back(s);
            const auto op = rng() % 3;
            if (op == 0) {
                QCOMPARE(dictionary.keyId(s), model.keyId(s));
            } else if (op == 1) {
                const auto context = KeyDictionary::Id(rng() % 2);
                QCOMPARE(dictionary.valueId(context, s), model.valueId(context, s));
            } else {
                const std::uint64_t shape = rng() % 2;
                QCOMPARE(dictionary.setId(shape, s), model.setId(shape, s));
            }
        }
        QVERIFY(dictionary.size() > 4000); // the index grew several times
        for (KeyDictionary::Id id = 1; id <= dictionary.size(); ++id)
            QCOMPARE(dictionary.keyId(dictionary.text(id)), dictionary.text(id).size() > 256 ? 0 : id);
    }

    void budgetsRefuseOnlyNewStrings()
    {
        KeyDictionary dictionary;
        auto lock = dictionary.lock();
        const KeyDictionary::Id first = dictionary.valueId(7, "value-0");
        QVERIFY(first != 0);
        for (int i = 1; i < 2048; ++i)
            QVERIFY(dictionary.valueId(7, "value-" + std::to_string(i)) != 0);
        QCOMPARE(dictionary.valueId(7, "value-2048"), KeyDictionary::Id(0)); // key 7 is spent
        QCOMPARE(dictionary.valueId(7, "value-0"), first);                   // known strings still are
        QVERIFY(dictionary.valueId(8, "value-2048") != 0);                   // other keys have their own
        QCOMPARE(dictionary.keyId(std::string(257, 'k')), KeyDictionary::Id(0));
        QCOMPARE(dictionary.valueId(1, "ab"), KeyDictionary::Id(0));
    }

    void seededFromTheFile()
    {
        QTemporaryDir dir;
        Database db(dir.filePath(QStringLiteral("keys.sqlite")).toStdString(), Database::Mode::ReadWrite);
        db.exec("CREATE TABLE attribute_keys(id INTEGER PRIMARY KEY, key)");
        // Id 3 is missing; "dup" is there twice.
        db.exec("INSERT INTO attribute_keys VALUES (1, 'service.name'), (2, 'dup'), (4, 'dup'), (5, 'x.y')");
        KeyDictionary dictionary;
        dictionary.reseed(db);
        auto lock = dictionary.lock();
        QCOMPARE(dictionary.keyId("service.name"), KeyDictionary::Id(1));
        QCOMPARE(dictionary.keyId("dup"), KeyDictionary::Id(2));
        QCOMPARE(dictionary.keyId("x.y"), KeyDictionary::Id(5));
        QVERIFY(dictionary.find(3) == nullptr);
        QCOMPARE(*dictionary.find(4), std::string("dup"));
        QCOMPARE(dictionary.keyId("new.key"), KeyDictionary::Id(6));
        QCOMPARE(dictionary.keyId("new.key"), KeyDictionary::Id(6));
    }
};

QTEST_GUILESS_MAIN(TestKeyDictionary)
#include "tst_keydictionary.moc"
