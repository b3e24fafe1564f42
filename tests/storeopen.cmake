# Opening caches (models/CacheOpen, CacheCheck, RecoverCache): foreign and non-SQLite files left
# untouched, damage found and recovered from, read-only caches read, writers that cannot write saying
# why. Some tests hold root to permission bits (tests/CacheDamage.h).
seam_add_qtest(tst_storeopen SOURCES tst_storeopen.cpp CacheDamage.h RecordFactory.h LIBS seam_core)
# The same through the seam binary: exit codes and messages of import, stats and pageloads.
seam_add_qtest(tst_cliopen SOURCES tst_cliopen.cpp CacheDamage.h LIBS seam_core)
add_dependencies(tst_cliopen seam)
# The main window on a damaged cache: open read-only, recover into a new investigation, or cancel.
seam_add_qtest(tst_damagedcache SOURCES tst_damagedcache.cpp CacheDamage.h RecordFactory.h LIBS seam_gui)
