seam_add_qtest(tst_spantree SOURCES analysis/tst_spantree.cpp LIBS seam_analysis)
# The one spelling of durations, offsets and percentages; the command line's time text.
seam_add_qtest(tst_format SOURCES analysis/tst_format.cpp LIBS seam_analysis)
# What the command line and the GUI both compute from a cache (StoreQueries formats these as JSON).
seam_add_qtest(tst_backendcauses SOURCES analysis/tst_backendcauses.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
seam_add_qtest(tst_traceservices SOURCES analysis/tst_traceservices.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
seam_add_qtest(tst_investigationstats SOURCES analysis/tst_investigationstats.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
seam_add_qtest(tst_serviceseries SOURCES analysis/tst_serviceseries.cpp support/RecordFactory.h
               LIBS seam_analysis seam_ingest)
# Incident windows from rollups (models/analysis/Anomalies): synthetic series and the demo's incidents.
seam_add_qtest(tst_anomalies SOURCES analysis/tst_anomalies.cpp support/RollupFactory.h
               LIBS seam_analysis seam_demo seam_ingest)
# The normal baseline of a service outside its incident windows (models/analysis/NormalBaseline).
seam_add_qtest(tst_normalbaseline SOURCES analysis/tst_normalbaseline.cpp support/RollupFactory.h LIBS seam_analysis)
# Business impact of an incident window (models/analysis/BusinessImpact): counts against plain SQL on
# the demo, seeded sessions with known lost conversions and revenue.
seam_add_qtest(tst_businessimpact SOURCES analysis/tst_businessimpact.cpp support/ImpactSessions.h
               LIBS seam_analysis seam_demo seam_ingest)
# Propagation health (analysis/PropagationHealth, `seam propagation`): the duplicate-traceparent setup is
# backend_started_new_trace; missing backend, missing context.
seam_add_qtest(tst_propagationhealth SOURCES analysis/tst_propagationhealth.cpp support/ImportTestUtil.h
               LIBS seam_importers seam_analysis)
# Business impact on thin data (analysis/BorrowedControls, ConversionStrata): thin strata borrow
# controls from around the window and the interval widens; a window over the whole capture.
seam_add_qtest(tst_impactcontrols SOURCES analysis/tst_impactcontrols.cpp support/ImpactSessions.h
               LIBS seam_analysis seam_ingest)
# Lost conversions against the demo's true cost: the same seed generated with an incident made
# harmless (DemoOptions::harmlessIncidents) gives what it cost; the impact interval must hold it.
seam_add_qtest(tst_revenueestimate SOURCES analysis/tst_revenueestimate.cpp LIBS seam_analysis)
# One entry per seed: each generates its demo four or five times (the cache, the real run, one harmless
# run per incident), about 80 s under the sanitizers; side by side under ctest -j.
seam_add_qtest(tst_impacttruth NO_TEST SOURCES analysis/tst_impacttruth.cpp support/DemoCache.h
               LIBS seam_analysis seam_demo seam_ingest)
add_test(NAME tst_impacttruth_seed1 COMMAND tst_impacttruth harmlessRunDiffersOnlyByTheIncident
         orderValuesAreTheSessions "catalogDeployLoss:seed 1" "paymentsLockLoss:seed 1")
add_test(NAME tst_impacttruth_seed5 COMMAND tst_impacttruth "catalogDeployLoss:seed 5"
         "paymentsLockLoss:seed 5")
seam_test_properties(tst_impacttruth_seed1)
seam_test_properties(tst_impacttruth_seed5)
# Conversion times read for many sessions in one range (analysis/ConversionTimes) answer as one query
# per session does: ranges that cut sessions, moments past the range, definitions it cannot serve.
seam_add_qtest(tst_conversiontimes SOURCES analysis/tst_conversiontimes.cpp support/DemoCache.h
               LIBS seam_analysis seam_demo seam_ingest)
