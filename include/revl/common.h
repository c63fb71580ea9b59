/*
 * common.h -- error reporting and exit codes shared by every revl module.
 *
 * Core functions never longjmp: they return 0 on success or a negative
 * REVL_E* code and, when the caller passes one, fill a revl_error with the
 * place and a message.  The CLI turns an error into
 * "revl: FILE:LINE:COL: message" and the exit code the design fixes.
 */
#ifndef REVL_COMMON_H
#define REVL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#define REVL_VERSION "0.1.0"

/* Return codes of core functions. */
enum {
  REVL_OK = 0,
  REVL_ENOMEM = -1, /* allocation failed */
  REVL_EIO = -2,    /* file could not be read or written */
  REVL_EDATA = -3,  /* input data is malformed */
  REVL_EUSAGE = -4, /* caller asked for something impossible */
  REVL_ESCRIPT = -5 /* a Lua script failed */
};

/* Process exit codes (DESIGN.md "CLI"). */
enum {
  REVL_EXIT_OK = 0,
  REVL_EXIT_FAIL = 1,   /* rule or test failures */
  REVL_EXIT_DATA = 2,   /* usage, data or I/O error */
  REVL_EXIT_SCRIPT = 3  /* script error */
};

typedef struct revl_error {
  int code;        /* REVL_E* */
  char file[512];  /* "" when not about a file */
  long line;       /* 0 when unknown */
  long col;        /* 0 when unknown */
  char msg[1024];
} revl_error;

/* Fill err (which may be NULL) and return code.  file may be NULL. */
int revl_error_set(revl_error *err, int code, const char *file, long line,
                   long col, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;

/* Format err as "FILE:LINE:COL: msg" (parts omitted when unknown) into buf. */
void revl_error_format(const revl_error *err, char *buf, size_t size);

/* Print "revl: <formatted error>\n" to stderr. */
void revl_error_print(const revl_error *err);

/* Map a REVL_E* code to the process exit code. */
int revl_exit_code(int code);

/* Allocation helpers: abort-free; return NULL on failure like malloc. */
void *revl_realloc_array(void *p, size_t n, size_t size);

/* Ask for 2 MiB pages under a big block that is about to be filled
 * (columns, the string table): a million-row load then takes a few
 * dozen page faults instead of tens of thousands, and random lookups
 * stop missing the TLB.  Only a hint: small blocks and systems without
 * transparent huge pages are left as they are. */
void revl_advise_huge(void *p, size_t n);

/* Drop the pages of p[0..n), part of a read-only file mapping, from the
 * process (MADV_DONTNEED): they stay in the page cache and a later read
 * maps them again, so a file read once through (hashed) does not stay
 * resident.  Whole pages inside the range only; never for memory that
 * was written. */
void revl_advise_drop(const void *p, size_t n);

/* Suggesting the name a user meant.  revl_near_* keeps the candidate
 * closest to name by edit distance (case-insensitive; candidates whose
 * length alone puts them past what a hint allows are skipped, so best
 * is meaningful only when the hint is not empty); revl_near_hint
 * writes " (did you mean 'x'?)" into buf, or "" when no candidate is
 * close enough to be a likely typo, and returns buf. */
typedef struct revl_near {
  const char *name;
  const char *best;
  size_t dist;
} revl_near;

void revl_near_init(revl_near *n, const char *name);
void revl_near_add(revl_near *n, const char *candidate);
const char *revl_near_hint(const revl_near *n, char *buf, size_t size);

#endif
