# The live OTLP/HTTP receiver (importers/live): protocol, limits and hostile clients over loopback.
seam_add_qtest(tst_receiver SOURCES tst_receiver.cpp OtlpTestData.h LIBS seam_live)
# Which Origin and Host headers the receiver accepts (importers/live/RequestPolicy), on its own.
seam_add_qtest(tst_requestpolicy SOURCES tst_requestpolicy.cpp LIBS seam_live)
# The receiver refusing foreign browser origins and DNS-rebound Host names over real loopback HTTP.
seam_add_qtest(tst_receiverpolicy SOURCES tst_receiverpolicy.cpp LIBS seam_live)
