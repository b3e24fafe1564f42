# Span and error details: models/SpanDetails, models/ErrorListModel, views/SpanDetailsPanel and
# views/ErrorListPanel, and the `operation:` filter term they set.
seam_add_qtest(tst_spandetails SOURCES tst_spandetails.cpp RecordFactory.h LIBS seam_views)
