# app/: the command line (the real binary) and the main window.
seam_add_qtest(tst_cli SOURCES app/tst_cli.cpp LIBS seam_core)
add_dependencies(tst_cli seam)
# `seam serve` end to end (the real binary): ready line, SIGTERM drain, SIGKILL durability.
seam_add_qtest(tst_serve SOURCES app/tst_serve.cpp support/OtlpTestData.h LIBS seam_importers seam_core Qt6::Network)
add_dependencies(tst_serve seam)
# The main window: opening, importing into the open investigation (menu and drag and drop), recent
# files, the import summary, closing, themes.
seam_add_qtest(tst_mainwindow SOURCES app/tst_mainwindow.cpp support/RecordFactory.h LIBS seam_gui)
seam_add_qtest(tst_backgroundjob SOURCES app/tst_backgroundjob.cpp LIBS seam_gui)
seam_add_qtest(tst_demoinvestigation SOURCES app/tst_demoinvestigation.cpp LIBS seam_importers seam_core)
seam_add_qtest(tst_querycommand SOURCES app/tst_querycommand.cpp support/RecordFactory.h LIBS seam_core)
add_dependencies(tst_querycommand seam)
# Opening caches through the seam binary: exit codes and messages of import, stats and pageloads.
seam_add_qtest(tst_cliopen SOURCES app/tst_cliopen.cpp support/CacheDamage.h LIBS seam_core)
add_dependencies(tst_cliopen seam)
# The main window on a damaged cache: open read-only, recover into a new investigation, or cancel.
seam_add_qtest(tst_damagedcache SOURCES app/tst_damagedcache.cpp support/CacheDamage.h support/RecordFactory.h LIBS seam_gui)
# `seam anomalies` and `seam impact` through the real binary: JSON contract and exit codes.
seam_add_qtest(tst_incidentcommands SOURCES app/tst_incidentcommands.cpp LIBS Qt6::Core)
add_dependencies(tst_incidentcommands seam)
# `seam note` and `seam notes` through the real binary: targets, JSON contract, exit codes, v1 caches.
seam_add_qtest(tst_notecommands SOURCES app/tst_notecommands.cpp support/SchemaV1.h LIBS seam_store)
add_dependencies(tst_notecommands seam)
# Incident review in the window: Ctrl+M note on a selection, saved investigation state, reopen, restore.
seam_add_qtest(tst_notesgui SOURCES app/tst_notesgui.cpp support/RecordFactory.h LIBS seam_gui)
