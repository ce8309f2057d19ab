#include "CRE2Bridge.h"

#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include <re2/re2.h>

static_assert(CRE2_ERROR_MISSING_PAREN == re2::RE2::ErrorMissingParen, "re2.h changed");
static_assert(CRE2_ERROR_UNEXPECTED_PAREN == re2::RE2::ErrorUnexpectedParen, "re2.h changed");
static_assert(CRE2_ERROR_TRAILING_BACKSLASH == re2::RE2::ErrorTrailingBackslash, "re2.h changed");
static_assert(CRE2_ERROR_PATTERN_TOO_LARGE == re2::RE2::ErrorPatternTooLarge, "re2.h changed");

struct cre2_regex {
  re2::RE2 regex;
  cre2_regex(const re2::StringPiece &pattern, const re2::RE2::Options &options) : regex(pattern, options) {}
};

static char *copy(const std::string &text) {
  char *result = static_cast<char *>(std::malloc(text.size() + 1));
  if (result != nullptr) std::memcpy(result, text.c_str(), text.size() + 1);
  return result;
}

extern "C" cre2_regex *cre2_compile(const char *pattern, size_t length, int64_t max_mem,
                                    char **error, char **error_arg, int *error_code) {
  *error = nullptr;
  *error_arg = nullptr;
  *error_code = 0;
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingUTF8);
  options.set_log_errors(false);
  options.set_never_capture(true);
  options.set_max_mem(max_mem);
  cre2_regex *compiled = new (std::nothrow) cre2_regex(re2::StringPiece(pattern, length), options);
  if (compiled == nullptr) {
    *error = copy("out of memory");
    *error_code = re2::RE2::ErrorPatternTooLarge;
    return nullptr;
  }
  if (!compiled->regex.ok()) {
    *error = copy(compiled->regex.error());
    *error_arg = copy(compiled->regex.error_arg());
    *error_code = compiled->regex.error_code();
    delete compiled;
    return nullptr;
  }
  return compiled;
}

extern "C" int cre2_search(const cre2_regex *regex, const char *text, size_t length) {
  return regex->regex.Match(re2::StringPiece(text, length), 0, length, re2::RE2::UNANCHORED, nullptr, 0) ? 1 : 0;
}

extern "C" void cre2_free(cre2_regex *regex) { delete regex; }

extern "C" void cre2_free_string(char *string) { std::free(string); }
