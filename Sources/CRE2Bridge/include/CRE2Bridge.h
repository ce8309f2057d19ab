#ifndef CRE2_BRIDGE_H
#define CRE2_BRIDGE_H

// A C face for RE2, which is C++: Swift imports this header as C, and the functions behind it
// (CRE2Bridge.cc) are compiled as C++ and linked with libre2.a.

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cre2_regex cre2_regex;

/// Compiles a UTF-8 pattern in RE2's syntax, case-sensitive, with captures off (only whether it
/// matches is ever asked). `max_mem` is RE2's memory budget for the regex in bytes. Returns
/// NULL when RE2 refuses the pattern; then `*error` is RE2's message, `*error_arg` the offending
/// fragment of the pattern (both malloc'ed, free with cre2_free_string) and `*error_code` the
/// RE2::ErrorCode.
cre2_regex *cre2_compile(const char *pattern, size_t length, int64_t max_mem,
                         char **error, char **error_arg, int *error_code);

/// 1 when the regex matches anywhere in the UTF-8 text (an unanchored search), 0 when not.
int cre2_search(const cre2_regex *regex, const char *text, size_t length);

void cre2_free(cre2_regex *regex);
void cre2_free_string(char *string);

/// The RE2::ErrorCode values the caller tells apart (CRE2Bridge.cc checks them against re2.h).
enum {
  CRE2_ERROR_MISSING_PAREN = 6,
  CRE2_ERROR_UNEXPECTED_PAREN = 7,
  CRE2_ERROR_TRAILING_BACKSLASH = 8,
  CRE2_ERROR_PATTERN_TOO_LARGE = 15,
};

#ifdef __cplusplus
}
#endif

#endif
