# views/: widgets driven offscreen with QTest events, on real caches.
seam_add_qtest(tst_flamegraphview SOURCES views/tst_flamegraphview.cpp LIBS seam_views seam_ingest)
# The page-load scatter chart: its data (decimation, p95), loader and view, brushing a time range that
# filters the page-load table (models/PageLoadScatter*, views/PageLoadScatterView, PageLoadsPanel).
seam_add_qtest(tst_pageloadscatter SOURCES views/tst_pageloadscatter.cpp LIBS seam_views seam_ingest)
# Per-service error rate and latency around the selected page load: data (models/ServiceRatesData) and panel.
seam_add_qtest(tst_servicerates SOURCES views/tst_servicerates.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
seam_add_qtest(tst_serviceratesdemo SOURCES views/tst_serviceratesdemo.cpp support/DemoCache.h LIBS seam_views seam_importers)
# The session journey strip: its data (models/SessionJourney), loader, view and panel.
seam_add_qtest(tst_sessionjourney SOURCES views/tst_sessionjourney.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
# Span and error details: models/SpanDetails, models/ErrorListModel, views/SpanDetailsPanel and
# views/ErrorListPanel, and the `operation:` filter term they set.
seam_add_qtest(tst_spandetails SOURCES views/tst_spandetails.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
# The page-load waterfall: its data (models/WaterfallData) and view, and its place in the linked views.
seam_add_qtest(tst_waterfall SOURCES views/tst_waterfall.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
seam_add_qtest(tst_mainviews SOURCES views/tst_mainviews.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
# The flamegraph pane: Ctrl+F search (hit count, next / previous) and the overview strip when zoomed.
seam_add_qtest(tst_flamegraphpanel SOURCES views/tst_flamegraphpanel.cpp LIBS seam_views)
# The Compare view (views/ComparePanel, DiffColourSource, models/CompareData) on the demo, and the
# flamegraph panel's by-time / aggregated toggle.
seam_add_qtest(tst_compare SOURCES views/tst_compare.cpp LIBS seam_views seam_demo seam_ingest)
# Time-axis labels from the span shown (views/TimeAxisScale): distinct ticks, years when they change.
seam_add_qtest(tst_timeaxisscale SOURCES views/tst_timeaxisscale.cpp LIBS seam_views)
# The incidents overview and the saved conversion (models/IncidentsData, views/IncidentsPanel,
# IncidentTimeline, ConversionDialog, analysis/SavedConversion) on the demo's ground truth; runs `seam impact`.
seam_add_qtest(tst_incidents SOURCES views/tst_incidents.cpp support/RecordFactory.h LIBS seam_views seam_importers)
add_dependencies(tst_incidents seam)
# The service charts on short or thin data: the window within the data's extent, axis units, no verdict
# without traffic (models/ServiceRatesData, views/ServiceRatesPanel).
seam_add_qtest(tst_serviceratesshort SOURCES views/tst_serviceratesshort.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
# The "Why?" pane (views/WhyPanel, WhySideBars) driven on the demo investigation.
seam_add_qtest(tst_whypanel SOURCES views/tst_whypanel.cpp support/DemoCache.h LIBS seam_views seam_ingest seam_demo)
# The waterfall's axis (own extent, later calls, zoom), mark names, critical path and legend; the
# flamegraph's critical-path marks in the linked views.
seam_add_qtest(tst_waterfallaxis SOURCES views/tst_waterfallaxis.cpp support/RecordFactory.h LIBS seam_views seam_ingest)
# The incidents panel under live imports: rate-limited refreshes, only windows with new data read again.
seam_add_qtest(tst_incidentslive SOURCES views/tst_incidentslive.cpp support/RecordFactory.h support/RollupFactory.h LIBS seam_views seam_importers)
# The details' Sources tab (views/PageLoadSourcesPanel, models/PageLoadSourcesData, analysis/PageLoadReports):
# a page load's reports and, per call, the sources that reported it, on the four-source reconcile fixtures.
seam_add_qtest(tst_pageloadsources SOURCES views/tst_pageloadsources.cpp LIBS seam_views seam_importers)
