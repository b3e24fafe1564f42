# The page-load waterfall: its data (models/WaterfallData) and view, and its place in the linked views.
seam_add_qtest(tst_waterfall SOURCES tst_waterfall.cpp RecordFactory.h LIBS seam_views)
