# models/correlation: links by ids and headers, inferred links (precision/recall on the demo).
seam_add_qtest(tst_correlator SOURCES correlation/tst_correlator.cpp support/RecordFactory.h LIBS seam_core)
# Inferred links (models/LinkInference): matching rules on hand-built calls, and precision/recall
# against the demo's ground truth with propagation stripped from a share of the calls.
seam_add_qtest(tst_linkinference SOURCES correlation/tst_linkinference.cpp support/RecordFactory.h LIBS seam_importers)
# One navigation, one page load (models/correlation/PageLoadReconciler): the same session from OTel web,
# Datadog RUM, Faro and a HAR (tests/data/reconcile) in every import order, live order, ties.
seam_add_qtest(tst_pageloadreconciler SOURCES correlation/tst_pageloadreconciler.cpp support/ImportTestUtil.h
               LIBS seam_importers seam_analysis)
# One request, one call; one visit, one session; failed requests as network errors, per format
# (CallReconciler, SessionMerger; tests/data/reconcile and tests/data/reconcile/failed).
seam_add_qtest(tst_callreconciler SOURCES correlation/tst_callreconciler.cpp support/ImportTestUtil.h
               LIBS seam_importers seam_models)
# page_load_reach (issue 11, impact speed): written by the correlation step as calls and spans arrive,
# and backfilled the same by the schema step of an older cache.
seam_add_qtest(tst_pageloadreach SOURCES correlation/tst_pageloadreach.cpp support/RecordFactory.h
               LIBS seam_core seam_demo)
