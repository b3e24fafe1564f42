# The page-load scatter chart: its data (decimation, p95), loader and view, brushing a time range that
# filters the page-load table (models/PageLoadScatter*, views/PageLoadScatterView, PageLoadsPanel).
seam_add_qtest(tst_pageloadscatter SOURCES tst_pageloadscatter.cpp LIBS seam_views)
