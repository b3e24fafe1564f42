# app/: the command line (the real binary) and the main window.
seam_add_qtest(tst_cli SOURCES app/tst_cli.cpp LIBS seam_core)
add_dependencies(tst_cli seam)
set_tests_properties(tst_cli PROPERTIES FIXTURES_REQUIRED demo_60-seed3) # tests/app/demofixtures.cmake
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
set_tests_properties(tst_cliopen PROPERTIES FIXTURES_REQUIRED demo_60-seed3)
# The main window on a damaged cache: open read-only, recover into a new investigation, or cancel.
seam_add_qtest(tst_damagedcache SOURCES app/tst_damagedcache.cpp support/CacheDamage.h support/RecordFactory.h LIBS seam_gui)
# `seam anomalies` and `seam impact` through the real binary: JSON contract and exit codes.
seam_add_qtest(tst_incidentcommands SOURCES app/tst_incidentcommands.cpp LIBS Qt6::Core)
add_dependencies(tst_incidentcommands seam)
set_tests_properties(tst_incidentcommands PROPERTIES FIXTURES_REQUIRED demo_800-seed9)
# The window chrome on a laptop screen: minimum size, panes reachable at 1366x768, pane focus keys
# (F6, Ctrl+Tab, Alt+N), Tab out of the table, the Help pages, the landing text while the demo is made.
seam_add_qtest(tst_windowchrome SOURCES app/tst_windowchrome.cpp LIBS seam_gui)
# The main window on files that are not investigations (random bytes, a cut cache, a foreign SQLite
# file, text, an SDK telemetry event, all-bad telemetry): refused, nothing created or changed.
seam_add_qtest(tst_openrefused SOURCES app/tst_openrefused.cpp support/CacheDamage.h support/RecordFactory.h LIBS seam_gui)
# The seam binary on files that are not investigations (exit 2, untouched) and on input that is not
# telemetry (skipped, totals line, exit codes).
seam_add_qtest(tst_clibadfiles SOURCES app/tst_clibadfiles.cpp support/CacheDamage.h support/RecordFactory.h LIBS seam_core)
add_dependencies(tst_clibadfiles seam)
# Live mode in the status bar: the LIVE badge with its address, "N rejected" opening the reasons.
seam_add_qtest(tst_livestatus SOURCES app/tst_livestatus.cpp support/RecordFactory.h LIBS seam_gui)
# `seam note` and `seam notes` through the real binary: targets, JSON contract, exit codes, v1 caches.
seam_add_qtest(tst_notecommands SOURCES app/tst_notecommands.cpp support/SchemaV1.h LIBS seam_store)
add_dependencies(tst_notecommands seam)
# Incident review in the window: Ctrl+M note on a selection, saved investigation state, reopen, restore.
seam_add_qtest(tst_notesgui SOURCES app/tst_notesgui.cpp support/RecordFactory.h LIBS seam_gui)
# The review in the window: two notes compared side by side, a deleted note undone (Ctrl+Z, Edit menu),
# notes made on the command line opening on their span or service.
seam_add_qtest(tst_notesreview SOURCES app/tst_notesreview.cpp support/RecordFactory.h LIBS seam_gui)
add_dependencies(tst_notesreview seam)
