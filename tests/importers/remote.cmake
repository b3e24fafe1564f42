# importers/remote: the remote back-ends against real engines on loopback. ClickHouse is the real
# engine that the npm package chdb ships, behind a small front answering like ClickHouse's HTTP
# interface (tests/importers/remote/clickhouse); the test installs it with npm into build/remote-node
# (one copy for the dev and asan builds) and
# skips with a reason when the registry cannot be reached.
seam_add_qtest(tst_clickhousepull SOURCES importers/tst_clickhousepull.cpp support/ClickHouseEngine.cpp
               support/ClickHouseEngine.h support/ExporterRows.cpp support/ExporterRows.h LIBS seam_remote_clickhouse seam_importers seam_analysis LABELS remote)
if(NOT SEAM_SANITIZE) # it installs the engine with npm on a fresh machine (the sanitizer limit is larger)
    set_tests_properties(tst_clickhousepull PROPERTIES TIMEOUT 600)
endif()
# Tempo and Jaeger cannot run here: their answers are replayed from loopback (the recorded Jaeger
# api/v3 snapshot, and answers built from the demo's own spans in each store's wire format).
seam_add_qtest(tst_tracefetch SOURCES importers/tst_tracefetch.cpp support/LoopbackHttpServer.h
               support/OtlpJsonEncode.h support/CacheFacts.h support/TraceStoreReplay.h
               LIBS seam_remote_traces seam_importers Qt6::Network LABELS remote)
# The bounded search (seam pull --search) of both stores, in their recorded answer shapes, from the demo.
seam_add_qtest(tst_tracesearch SOURCES importers/tst_tracesearch.cpp support/LoopbackHttpServer.h
               support/OtlpJsonEncode.h support/TraceStoreReplay.h support/TraceSearchReplay.h
               LIBS seam_remote_traces seam_importers Qt6::Network LABELS remote)
# A real Prometheus (Debian's package) filled with promtool from the demo's spans, on loopback.
seam_add_qtest(tst_prometheuspull SOURCES importers/tst_prometheuspull.cpp LIBS seam_importers Qt6::Network LABELS remote)
# The window's service-chart push-down (app/gui RemoteChartPushDown) against the chdb engine: a click on
# a page load of a narrow pull fetches the charts' rollups beyond it in the background.
seam_add_qtest(tst_remotepushdown SOURCES app/tst_remotepushdown.cpp support/ClickHouseEngine.cpp
               support/ClickHouseEngine.h support/ExporterRows.cpp support/ExporterRows.h
               LIBS seam_gui seam_importers LABELS remote)
# The Why? pane's "Across the store" check (app/gui WhyStoreCheck) against the chdb engine: a narrow
# pull, a wider brushed range, the pane's terms equal to `seam why --counts --remote` and the file import.
seam_add_qtest(tst_whystorecheck SOURCES app/tst_whystorecheck.cpp support/ClickHouseEngine.cpp
               support/ClickHouseEngine.h support/ExporterRows.cpp support/ExporterRows.h
               LIBS seam_gui seam_importers LABELS remote)
add_dependencies(tst_whystorecheck seam)
# The "Why?" page-load counts pushed down to the chdb engine (ClickHouseCohortCounts, seam why --counts).
seam_add_qtest(tst_clickhousewhy SOURCES importers/tst_clickhousewhy.cpp support/ClickHouseEngine.cpp
               support/ClickHouseEngine.h support/ExporterRows.cpp support/ExporterRows.h
               LIBS seam_remote_clickhouse seam_importers seam_analysis LABELS remote)
# File > Connect to a Store… driven with QTest against the chdb engine: the pull lands in the window, the
# password is kept nowhere, Cancel stops a pull in progress.
seam_add_qtest(tst_connectdialog SOURCES app/tst_connectdialog.cpp support/ClickHouseEngine.cpp
               support/ClickHouseEngine.h support/ExporterRows.cpp support/ExporterRows.h
               LIBS seam_gui seam_importers LABELS remote)
# The Prometheus matrix reader on hand-written answers, hostile numbers included (no server needed).
seam_add_qtest(tst_prometheusmatrix SOURCES importers/tst_prometheusmatrix.cpp LIBS seam_remote_prometheus
               LABELS remote)
# File > Connect to a Store…, Search mode (Tempo/Jaeger) driven with QTest, its pull against a loopback
# Tempo answering from the demo.
seam_add_qtest(tst_connectsearch SOURCES app/tst_connectsearch.cpp support/TraceSearchReplay.h
               support/TraceStoreReplay.h LIBS seam_gui seam_importers Qt6::Network LABELS remote)
# HttpFetcher on a loopback server: gzip decoded by Seam (wire and decoded bytes counted), the cap after
# decoding, a body that is not what its Content-Encoding says.
seam_add_qtest(tst_httpfetcher SOURCES importers/tst_httpfetcher.cpp support/LoopbackHttpServer.h
               LIBS seam_remote_common ZLIB::ZLIB LABELS remote)
# `seam pull --filter` against the chdb engine: terms pushed to the server or applied locally, the
# filtered pull equal to the file import narrowed by the same filter, bytes filtered vs unfiltered.
seam_add_qtest(tst_clickhousefilter SOURCES importers/tst_clickhousefilter.cpp support/ClickHouseEngine.cpp
               support/ClickHouseEngine.h support/ExporterRows.cpp support/ExporterRows.h support/CacheFacts.h
               LIBS seam_remote_clickhouse seam_importers seam_analysis LABELS remote)
# The filter's translation to ClickHouse on its own (no server): pushed, narrowing and local terms.
seam_add_qtest(tst_clickhousefilterpushdown SOURCES importers/tst_clickhousefilterpushdown.cpp
               LIBS seam_remote_clickhouse LABELS remote)
