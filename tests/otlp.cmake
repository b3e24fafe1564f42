# The OTLP importer (importers/otlp) and its shared helpers (importers/common).
foreach(t inputsource formatdetector formatdetectorproperty otlpprotobuf otlpjson otlpmapper useragent route)
    seam_add_qtest(tst_${t} SOURCES tst_${t}.cpp OtlpTestData.h LIBS seam_importers)
endforeach()
