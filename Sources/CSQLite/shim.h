#ifndef PROJECT_CSQLITE_SHIM_H
#define PROJECT_CSQLITE_SHIM_H
#include <sqlite3.h>

/// SQLITE_TRANSIENT is a macro cast of -1 to a function pointer, which Swift cannot import.
static inline sqlite3_destructor_type project_sqlite_transient(void) {
  return SQLITE_TRANSIENT;
}

/// sqlite3_config is variadic, which Swift cannot call. Turns off SQLite's allocation
/// statistics, which take a global mutex on every allocation; must run before the first
/// connection opens (SQLITE_MISUSE after that, which is harmless).
static inline int project_sqlite_disable_memstatus(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

/// The smallest run, in pages, that SQLite's sorter writes to a temp file (default 250); must
/// run before the first connection opens.
static inline int project_sqlite_set_sorter_run_pages(unsigned int pages) {
  return sqlite3_config(SQLITE_CONFIG_PMASZ, pages);
}
#endif
