# Inferred links (models/LinkInference): matching rules on hand-built calls, and precision/recall
# against the demo's ground truth with propagation stripped from a share of the calls.
seam_add_qtest(tst_linkinference SOURCES tst_linkinference.cpp RecordFactory.h LIBS seam_importers)
