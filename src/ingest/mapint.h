/*
 * mapint.h -- what the ingest modules share and nobody else needs:
 * positions in a mapping file (mapsrc.c), the derived columns and
 * declared column types a mapping compiles to (transform.c), the null
 * tokens of a file, the duplicate-key report (dups.c) and the deal
 * outcomes (outcomes.c).
 */
#ifndef REVL_MAPINT_H
#define REVL_MAPINT_H

#include "revl/ingest.h"

#include <regex.h>
#include <stdint.h>
#include <string.h>

struct lua_State;

/* ---- positions in the mapping file (mapsrc.c) ----------------------- */

#define REVL_MAPSEP '\x1f' /* between the keys of a path */

typedef struct revl_mappos {
  char *path;        /* keys from the returned table down, REVL_MAPSEP */
  int kline, kcol;   /* the key */
  int line, col;     /* the value */
} revl_mappos;

typedef struct revl_mapsrc {
  revl_mappos *pos;
  int n, cap;
} revl_mapsrc;

/* Scan the source of a mapping file; what cannot be scanned just has no
 * position.  Free with revl_mapsrc_done. */
void revl_mapsrc_scan(revl_mapsrc *ms, const char *src, size_t n);
void revl_mapsrc_done(revl_mapsrc *ms);
/* Position of the value (key = 0) or the key (1) at path, else of the
 * nearest enclosing entry's key; 0, 0 when none is known. */
void revl_mapsrc_find(const revl_mapsrc *ms, const char *path, int key,
                      int *line, int *col);

/* ---- null tokens ---------------------------------------------------- */

/* The null tokens of a file, with a mask of their lengths (bit n: some
 * token is n bytes long; bit 63: 63 or more), so most values need no
 * comparison at all. */
typedef struct nullset {
  const char *tok[REVL_MAX_NULLS];
  size_t len[REVL_MAX_NULLS];
  int n;
  uint64_t mask;
} nullset;

static inline uint64_t revl_len_bit(size_t n) { return 1ull << (n < 63 ? n : 63); }

static inline int revl_is_null(const nullset *ns, const char *s, size_t n) {
  if (!(ns->mask & revl_len_bit(n))) return 0;
  for (int i = 0; i < ns->n; i++)
    if (ns->len[i] == n && memcmp(ns->tok[i], s, n) == 0) return 1;
  return 0;
}

/* ---- one record's values, as the loader parses them ----------------- */

typedef union revl_ival {
  int64_t i;
  double d;
  uint32_t s;
  int32_t date;
} revl_ival;

/* ---- duplicate keys (dups.c) ---------------------------------------- */

/* Slot of the first column where row r of t differs from the record
 * being loaded (nslots values: slot j goes to column target[j]; skip is
 * the key's slot), or -1 when they are equal. */
int revl_dup_differs(const revl_table *t, size_t r, const int *target,
                     int nslots, int skip, const uint8_t *isnull,
                     const revl_ival *vals, const uint32_t *curs);
/* `amount 10.00 vs 30.00` for that slot, into buf. */
void revl_dup_describe(const revl_store *s, const revl_table *t, size_t r,
                       int ci, int isnull, revl_ival v, uint32_t cur,
                       char *buf, size_t size);
/* Remove the rows marked in drop (and their entries of lines and pct,
 * which may be NULL). */
int revl_dup_drop_rows(revl_table *t, const uint8_t *drop, uint32_t *lines,
                       uint8_t *pct);

/* ---- after the rows (outcomes.c) ------------------------------------ */

int revl_constants_add(revl_store *s, revl_table *t, const revl_table_map *m,
                       const char *path, revl_error *err);
/* is_closed / is_won of deals from the stage, with the warnings. */
int revl_outcomes_derive(revl_store *s, revl_table *t, const revl_table_map *m);

/* ---- derived columns and declared types (transform.c) --------------- */

enum { REVL_TX_COPY, REVL_TX_MAP, REVL_TX_CONCAT, REVL_TX_MATCH,
       REVL_TX_DATE, REVL_TX_SCALE, REVL_TX_FN };

/* What a derive function returned (fn = function(v) ... end). */
enum { REVL_FN_NIL, REVL_FN_TEXT, REVL_FN_NUMBER, REVL_FN_BOOL };

/* A derive function, called on one source value (s NULL: a null): 0
 * with *kind and the result as text in out (cap bytes; *outn: its
 * length; a number as "%.15g", a boolean "true"/"false"), or -1 with
 * why (a message naming the mapping file's line).  The core knows it
 * only by this callback: the Lua side is mapfn.c.  Thread-safe. */
typedef int (*revl_derive_cb)(void *ud, int fn, const char *s, size_t n,
                              int *kind, char *out, size_t cap, size_t *outn,
                              char *why, size_t whysize);

/* Results of a derive function by source value (transform.c). */
struct revl_memo;

/* A date format of the mapping: Y (4-digit year), y (2-digit, 2000+),
 * m, d (1 or 2 digits), b (month name: Jan, January), H, M, S (time of
 * day: the value is a date-time); any other character must be there. */
typedef struct revl_datefmt {
  char fmt[32];
  int has_time;
} revl_datefmt;

/* derive = { field = { from = "Header", <transform> } } */
typedef struct revl_derive {
  char *name;          /* the field it makes */
  int kind;            /* REVL_TX_* */
  char *from;          /* source header (all but concat) */
  int line, col;       /* of the entry in the mapping file */
  int nmap;            /* map = { ["value"] = "result" } */
  char **mkey, **mval;
  char *deflt;         /* default = "...": unmapped or unmatched values */
  int nparts;          /* concat = "{First} {Last}": literals, headers */
  char **part;
  uint8_t *part_col;   /* 1: part is a header */
  regex_t re;          /* match = "ERE" */
  int re_ok, group;
  revl_datefmt date;   /* date = "d.m.Y" */
  int64_t scale_m;     /* scale = m / 10^scale_e, exactly */
  int scale_e;
  revl_derive_cb fn;   /* fn = function(v) ... end: called once per */
  void *fn_ud;         /*   distinct source value, the results kept in */
  int fn_id;           /*   memo (mapfn.c sets fn, fn_ud, fn_id) */
  struct revl_memo *memo;
} revl_derive;

/* The memo of a derive function (fnmemo.c), and d's result for source
 * value s (NULL: a null) from it or from one call of d->fn: 0 with
 * *out (its text stays valid while the mapping lives), or -1 with why. */
struct revl_memo *revl_memo_new(void);
void revl_memo_free(struct revl_memo *mo);
/* How many times derive d's function has been called (a test's view of
 * the memo: once per distinct source value). */
unsigned long revl_derive_fn_calls(const revl_derive *d);

/* types = { column = "integer" | {"money", "EUR"} | {"date", "d.m.Y"} } */
typedef struct revl_coltype {
  char *name;          /* column name (after renames) or header */
  revl_type type;
  char currency[4];    /* money: "" = the table's currency */
  revl_datefmt date;   /* date / datetime: fmt "" = the usual parsers */
  int line, col;
  int by_expand;       /* not written in types, implied by expand (1)
                          or by its events (2) */
} revl_coltype;

/* Read derive = {...} and types = {...} of the table at the top of the
 * Lua stack into tm (where: its path for positions).  0, or REVL_EDATA
 * with err at the entry. */
int revl_transform_read(struct lua_State *L, const char *path,
                        const revl_mapsrc *src, const char *where,
                        revl_table_map *tm, revl_error *err);
void revl_transform_done(revl_table_map *tm);

/* A date in format f: 0 and *days (and *secs when f has a time), or -1. */
int revl_datefmt_parse(const revl_datefmt *f, const char *s, size_t n,
                       int32_t *days, int64_t *secs);

/* What a derived column holds for one record. */
enum { REVL_DV_NULL, REVL_DV_TEXT, REVL_DV_DATE, REVL_DV_DATETIME,
       REVL_DV_DEC };

typedef struct revl_dval {
  int kind;            /* REVL_DV_* */
  const char *s;       /* TEXT: bytes (in the record or buf) */
  size_t n;
  int32_t days;        /* DATE */
  int64_t secs;        /* DATETIME */
  int64_t m;           /* DEC: m / 10^e */
  int e;
} revl_dval;

/* The record as fields: their bytes, NUL-terminated. */
typedef struct revl_rowview {
  const char *row;
  const size_t *foff, *flen;
} revl_rowview;

/* Apply d to a record.  src: csv column of d->from (or -1); parts: csv
 * column of each concat part that is a header.  buf (cap bytes, reused)
 * holds built text.  0 with *out, or -1 with why (a message) and *badcol
 * the csv column at fault. */
int revl_derive_apply(const revl_derive *d, int src, const int *parts,
                      const revl_rowview *rv, const nullset *nulls,
                      const revl_parse_opts *po, char *buf, size_t cap,
                      revl_dval *out, char *why, size_t whysize, int *badcol);
int revl_fn_apply(const revl_derive *d, const char *s, size_t n,
                  revl_dval *out, char *why, size_t whysize);

/* A decimal m / 10^e as minor units of a currency with dec digits:
 * 0, or -1 when it does not fit or has more digits than dec. */
int revl_dec_to_minor(int64_t m, int e, int dec, int64_t *out);
/* The decimal as text ("-1250000.5"), into buf. */
size_t revl_dec_format(int64_t m, int e, char *buf, size_t size);
/* Parse a plain decimal number ("1,250.75", "-3.5") exactly. */
int revl_dec_parse(const char *s, size_t n, const revl_parse_opts *po,
                   int64_t *m, int *e);

const char *revl_type_word(revl_type t); /* "integer", "money", ... */

/* ---- the mapping's Lua state, kept for derive functions (mapfn.c) --- */

typedef struct revl_mapfn revl_mapfn;

/* A bare Lua state for reading mapping file path, its memory capped;
 * NULL when out of memory. */
revl_mapfn *revl_mapfn_new(const char *path);
struct lua_State *revl_mapfn_state(revl_mapfn *h);
/* 1 when the state's last allocation failure was the cap. */
int revl_mapfn_capped(struct lua_State *L);
/* The function at idx of L (a revl_mapfn's state) becomes derive d's:
 * kept in the state, called through d->fn.  0 or REVL_ENOMEM. */
int revl_mapfn_add(struct lua_State *L, int idx, revl_derive *d);
/* The mapping is read: with no function kept, the state is closed and
 * *h freed (set to NULL); else the functions get their sandbox (the
 * chunk's environment, registry key "revl.chunk") and *h stays, to free
 * with revl_mapfn_free.  0 or REVL_ENOMEM (*h still to free). */
int revl_mapfn_finish(revl_mapfn **h);
void revl_mapfn_free(revl_mapfn *h);

/* ---- a mapping's derive and types for one file (derived.c) ---------- */

typedef struct derived {
  int nderive;
  int *src;            /* per derive: csv column of from, or -1 */
  int **parts;         /* per derive: csv column of each concat part */
  const revl_coltype **ctype; /* per csv column: declared type or NULL */
  uint32_t *ccur;      /* per csv column: declared currency id, or 0 */
  uint8_t *fixed;      /* per table column: declared, not inferred */
  int nfixed;
  char *buf;           /* built values (concat, match), reused */
  size_t cap;
} derived;

/* The header is read (ncsv fields of hdr, csv column j loaded into
 * table column target[j]): resolve the mapping's derive and types for
 * this file, add the derived columns (their table columns go to
 * target[ncsv + k]) and give declared columns their types.  0, or an
 * error at the mapping entry. */
int revl_derived_setup(derived *dv, revl_store *s, revl_table *t,
                       const revl_table_map *m, const char *path,
                       const revl_rowview *hdr, int ncsv, int *target,
                       revl_error *err);
void revl_derived_done(derived *dv);

#endif
