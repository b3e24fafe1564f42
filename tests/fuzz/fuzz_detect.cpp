// libFuzzer target for format detection itself. Arbitrary bytes must not crash it, whatever they look
// like. Then the same bytes, taken as the choices of tests/support/OtlpRandomMessages.h, build a random valid
// OTLP message, which must be detected as OTLP protobuf with its own signal (also under a misleading
// file name), and whose every prefix must read as plausible OTLP of no other signal; anything else
// aborts with the message kept as the finding's input.

#include "ImportFormats.h"
#include "OtlpSniff.h"
#include "InputSource.h"
#include "OtlpRandomMessages.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

[[noreturn]] void fail(const char* what, const seam::test::RandomOtlp& m, std::string_view got)
{
    std::fprintf(stderr, "fuzz_detect: %s: a valid %s message of %zu bytes (%s records) gave %.*s\n", what,
                 m.logs ? "LogsData" : "TracesData", m.bytes.size(), m.hasRecords ? "with" : "without",
                 int(got.size()), got.data());
    std::abort();
}

std::string detect(const std::string& bytes, const char* name)
{
    auto in = seam::InputSource::fromBuffer(bytes, name);
    return seam::detectFormat(*in);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace seam;
    const std::string_view input(reinterpret_cast<const char*>(data), size);

    // Arbitrary bytes, as a whole, as a prefix and through InputSource (gzip, zlib, reading on).
    detectFormat(input, true);
    detectFormat(input, false);
    sniffFrameByteOrder(input, false);
    {
        auto in = InputSource::fromBuffer(input, "fuzz");
        detectFormat(*in);
    }

    // A valid message chosen by the bytes. A first resource bigger than the head stays possible, at
    // a size that keeps runs fast.
    test::Choices choices(input);
    test::random_otlp::Limits limits;
    limits.bigBytes = 96 * 1024;
    const test::RandomOtlp m = test::randomOtlp(choices, limits);
    const std::string own(m.logs ? formats::kOtlpProtobufLogs : formats::kOtlpProtobufTraces);
    if (m.hasRecords) {
        const std::string got = detect(m.bytes, m.logs ? "traces.pb" : "logs.pb");
        if (got != own)
            fail("whole message", m, got);
    } else {
        // Without a record spans and logs cannot be told apart; the name decides, but never reject.
        const std::string got = detect(m.bytes, "dump.pb");
        if (got != formats::kOtlpProtobufTraces)
            fail("message without records", m, got);
    }
    const OtlpSignal other = m.logs ? OtlpSignal::Traces : OtlpSignal::Logs;
    for (int k = 0; k < 4; ++k) {
        const std::size_t n = 1 + std::size_t(choices.below(m.bytes.size()));
        const ProtobufSniff sniff =
            sniffOtlpProtobuf(std::string_view(m.bytes).substr(0, n), n == m.bytes.size());
        if (!sniff.plausible || sniff.signal == other)
            fail(sniff.plausible ? "prefix with the other signal" : "implausible prefix", m,
                 std::to_string(n) + " bytes");
    }
    return 0;
}
