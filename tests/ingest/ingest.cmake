# models/ingest: the write path with more than one writer on a cache (threads and `seam import`
# processes), and what an import says when writing fails.
seam_add_qtest(tst_concurrentwriters SOURCES ingest/tst_concurrentwriters.cpp support/RecordFactory.h
               LIBS seam_importers seam_core)
add_dependencies(tst_concurrentwriters seam)
seam_add_qtest(tst_writefailure SOURCES ingest/tst_writefailure.cpp LIBS seam_importers seam_core)
add_dependencies(tst_writefailure seam)
# The writer thread only writes: spent batches are freed on the housekeeping (checkpoint) thread.
seam_add_qtest(tst_writerhousekeeping SOURCES ingest/tst_writerhousekeeping.cpp support/RecordFactory.h
               LIBS seam_core)
# SpanWriter: many rows per INSERT for traces a batch creates, one by one (OR IGNORE) for known ones.
seam_add_qtest(tst_spanrows SOURCES ingest/tst_spanrows.cpp support/RecordFactory.h LIBS seam_core)
# The payload dictionary's per-key budgets survive a reopened cache (schema v15, attribute_keys.owner).
seam_add_qtest(tst_dictionarybudgets SOURCES ingest/tst_dictionarybudgets.cpp support/RecordFactory.h
               LIBS seam_core)
# Web vitals: one UPDATE per page load and report for the vitals that come together (VitalWriter).
seam_add_qtest(tst_vitals SOURCES ingest/tst_vitals.cpp support/RecordFactory.h LIBS seam_core)
# The writer's filter of trace ids the cache cannot have (DimensionCache skips their look-up).
seam_add_qtest(tst_tracelowfilter SOURCES ingest/tst_tracelowfilter.cpp support/RecordFactory.h LIBS seam_core)
# RumWriter: resources of traces the write group created go in many rows per INSERT; others one by one.
seam_add_qtest(tst_resourcerows SOURCES ingest/tst_resourcerows.cpp support/RecordFactory.h LIBS seam_core)
# StoreWriter: a file import's transaction grows past its first group (freeing what it wrote); a live one
# does not; a grown transaction that fails stops the import.
seam_add_qtest(tst_importtransactions SOURCES ingest/tst_importtransactions.cpp support/RecordFactory.h
               LIBS seam_core)
# A file import into a cache without page loads builds the page-load table's sort indexes once, at its
# end; a live source keeps them; an import that never finished leaves them to the next writer.
seam_add_qtest(tst_deferredindexes SOURCES ingest/tst_deferredindexes.cpp support/RecordFactory.h LIBS seam_core)
