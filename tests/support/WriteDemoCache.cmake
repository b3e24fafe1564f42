# A CTest fixture's setup (tests/app/demofixtures.cmake): writes one `seam demo` investigation (and its
# ground truth beside it) that several tests read; each test copies it (tests/support/DemoFixture.h).
#   cmake -DSEAM=<seam binary> -DDB=<cache> -DSESSIONS=<n> [-DSEED=<seed>] -P WriteDemoCache.cmake
# `seam demo` adds to an existing cache, so what an earlier run left is removed first.
file(REMOVE "${DB}" "${DB}.truth.json" "${DB}-wal" "${DB}-shm" "${DB}-journal")
get_filename_component(dir "${DB}" DIRECTORY)
file(MAKE_DIRECTORY "${dir}")
set(args demo --db "${DB}" --sessions "${SESSIONS}")
if(DEFINED SEED)
    list(APPEND args --seed "${SEED}")
endif()
execute_process(COMMAND "${SEAM}" ${args} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    file(REMOVE "${DB}" "${DB}.truth.json" "${DB}-wal" "${DB}-shm" "${DB}-journal")
    message(FATAL_ERROR "seam demo ${args} failed: ${rc}")
endif()
