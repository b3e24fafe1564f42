# `seam serve` end to end (the real binary): ready line, SIGTERM drain, SIGKILL durability.
seam_add_qtest(tst_serve SOURCES tst_serve.cpp OtlpTestData.h LIBS seam_importers seam_core Qt6::Network)
add_dependencies(tst_serve seam)
