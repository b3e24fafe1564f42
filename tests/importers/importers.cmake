# importers/: every format reader, detection, input sources, the demo generator and the live receiver.
# The OTLP importer (importers/otlp) and its shared helpers (importers/common).
# The one JSON input stream of every JSON reader (importers/common/JsonInputStream).
seam_add_qtest(tst_jsoninputstream SOURCES importers/tst_jsoninputstream.cpp LIBS seam_importers)
seam_add_qtest(tst_inputsource SOURCES importers/tst_inputsource.cpp support/OtlpTestData.h LIBS seam_importers)
seam_add_qtest(tst_formatdetector SOURCES importers/tst_formatdetector.cpp support/OtlpTestData.h LIBS seam_importers)
seam_add_qtest(tst_otlpprotobuf SOURCES importers/tst_otlpprotobuf.cpp support/OtlpTestData.h LIBS seam_importers)
seam_add_qtest(tst_otlpjson SOURCES importers/tst_otlpjson.cpp support/OtlpTestData.h LIBS seam_importers)
seam_add_qtest(tst_otlpmapper SOURCES importers/tst_otlpmapper.cpp support/OtlpTestData.h LIBS seam_importers)
seam_add_qtest(tst_useragent SOURCES importers/tst_useragent.cpp support/OtlpTestData.h LIBS seam_importers)
seam_add_qtest(tst_route SOURCES importers/tst_route.cpp support/OtlpTestData.h LIBS seam_importers)
# Diff tests (Perfetto style): tests/data/diff/*.case, input files + SQL + expected rows through `seam
# import`'s path; SEAM_DIFF_UPDATE=1 rewrites the expected text.
seam_add_qtest(tst_importdiff SOURCES importers/tst_importdiff.cpp LIBS seam_importers)
# The HAR 1.2 importer (importers/har).
seam_add_qtest(tst_harimport SOURCES importers/tst_harimport.cpp support/HarTestUtil.h LIBS seam_importers)
seam_add_qtest(tst_harinput SOURCES importers/tst_harinput.cpp support/HarTestUtil.h LIBS seam_importers)
seam_add_qtest(tst_harnavigations SOURCES importers/tst_harnavigations.cpp support/HarTestUtil.h LIBS seam_importers)
# The Datadog RUM (importers/datadog) and Grafana Faro (importers/faro) importers.
seam_add_qtest(tst_datadogimport SOURCES importers/tst_datadogimport.cpp support/RumImportTestUtil.h LIBS seam_importers)
seam_add_qtest(tst_faroimport SOURCES importers/tst_faroimport.cpp support/RumImportTestUtil.h LIBS seam_importers)
# The Jaeger JSON importer (importers/jaeger).
seam_add_qtest(tst_jaegerimport SOURCES importers/tst_jaegerimport.cpp support/SpanImportTestUtil.h LIBS seam_importers)
# The Zipkin v2 JSON importer (importers/zipkin).
seam_add_qtest(tst_zipkinimport SOURCES importers/tst_zipkinimport.cpp support/SpanImportTestUtil.h LIBS seam_importers)
# The demo investigation generator (importers/demo).
seam_add_qtest(tst_demogenerator SOURCES importers/tst_demogenerator.cpp LIBS seam_importers)
# The demo written into a cache: the one function behind `seam demo` and the GUI's demo, checked
# against the real binary.
seam_add_qtest(tst_writedemo SOURCES importers/tst_writedemo.cpp LIBS seam_demo)
add_dependencies(tst_writedemo seam)
# The live OTLP/HTTP receiver (importers/live): protocol, limits and hostile clients over loopback.
seam_add_qtest(tst_receiver SOURCES importers/tst_receiver.cpp support/ReceiverFixture.h support/OtlpTestData.h LIBS seam_live)
seam_add_qtest(tst_receiverhttp SOURCES importers/tst_receiverhttp.cpp support/ReceiverFixture.h support/OtlpTestData.h LIBS seam_live)
# The receiver's Origin/Host policy: the pure decision, and over loopback HTTP.
seam_add_qtest(tst_requestpolicy SOURCES importers/tst_requestpolicy.cpp LIBS seam_live)
seam_add_qtest(tst_receiverpolicy SOURCES importers/tst_receiverpolicy.cpp support/OtlpTestData.h LIBS seam_live)
seam_add_qtest(tst_formatdetectorproperty SOURCES importers/tst_formatdetectorproperty.cpp support/OtlpRandomMessages.h LIBS seam_importers)
seam_add_qtest(tst_otlppayloadencoding SOURCES importers/tst_otlppayloadencoding.cpp support/OtlpRandomMessages.h LIBS seam_importers)
