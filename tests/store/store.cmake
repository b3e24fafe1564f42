# models/store: schema, writer round trips, latency sketches.
seam_add_qtest(tst_store SOURCES store/tst_store.cpp support/RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_latencyhistogram SOURCES store/tst_latencyhistogram.cpp LIBS seam_core)
# Opening caches (store/CacheOpen, CacheCheck, RecoverCache): foreign and non-SQLite files left
# untouched, damage found and recovered from, read-only caches read, writers that cannot write saying
# why. Some tests hold root to permission bits (tests/support/CacheDamage.h).
seam_add_qtest(tst_storeopen SOURCES store/tst_storeopen.cpp support/CacheDamage.h support/RecordFactory.h LIBS seam_core)
seam_add_qtest(tst_qttext SOURCES store/tst_qttext.cpp LIBS seam_store)
seam_add_qtest(tst_schemamigration SOURCES store/tst_schemamigration.cpp support/SchemaV1.h LIBS seam_core)
seam_add_qtest(tst_notes SOURCES store/tst_notes.cpp LIBS seam_store)
# Ranges of a remote store whose rollups the cache holds (store/RollupCoverage), and the gaps a chart
# still asks the store for (analysis/RollupGaps).
seam_add_qtest(tst_rollupcoverage SOURCES store/tst_rollupcoverage.cpp LIBS seam_analysis)
# Span payloads in binary form: exact round trips, refusal of malformed bytes, the SQL functions and
# views that `seam query` users read payloads with, a writer remapping ids another process took.
seam_add_qtest(tst_payloadcodec SOURCES store/tst_payloadcodec.cpp support/RecordFactory.h LIBS seam_core)
# The scan for bytes a JSON string escapes (store/JsonRuns.h), shared by the JSON writer and the payload
# encoder: the same answers as the byte-by-byte rule.
seam_add_qtest(tst_jsonruns SOURCES store/tst_jsonruns.cpp LIBS seam_store)
# Schema v11: resource keys packed (store/ResourceKey) and back exactly, their SQL functions, the step
# (store/PackedResourceKeys) on a v10 cache the writer made.
seam_add_qtest(tst_resourcekey SOURCES store/tst_resourcekey.cpp LIBS seam_core seam_demo)
# RecordBatch::append, the writer's merge of a commit's small batches: order kept, geometric growth.
seam_add_qtest(tst_recordbatch SOURCES store/tst_recordbatch.cpp LIBS seam_store)
# The payload string dictionary (store/KeyDictionary): the same ids and refusals as a plain map model
# of its rules over a long random stream, seeding from a file's rows.
seam_add_qtest(tst_keydictionary SOURCES store/tst_keydictionary.cpp LIBS seam_store)
# The allocator SQLite is given (Debian's SQLite has no lookaside pool): bytes kept through realloc,
# reuse, frees on another thread, and SQLite using it.
seam_add_qtest(tst_sqliteallocator SOURCES store/tst_sqliteallocator.cpp LIBS seam_store)
# The WAL write batching of writers (store/WalWriteBatching): a commit in a few writes, each commit
# seen at once by another connection and kept through SIGKILL, rollbacks and truncating checkpoints.
seam_add_qtest(tst_walwritebatching SOURCES store/tst_walwritebatching.cpp LIBS seam_store)
