# The session journey strip: its data (models/SessionJourney), loader, view and panel.
seam_add_qtest(tst_sessionjourney SOURCES tst_sessionjourney.cpp RecordFactory.h LIBS seam_views)
