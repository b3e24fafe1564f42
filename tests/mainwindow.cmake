# The main window: opening, importing into the open investigation (menu and drag and drop), recent
# files, the import summary, closing, themes.
seam_add_qtest(tst_mainwindow SOURCES tst_mainwindow.cpp RecordFactory.h LIBS seam_gui)
