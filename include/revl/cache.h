/*
 * cache.h -- typed snapshots of loaded tables, kept in a cache directory
 * so that an unchanged file is parsed once.
 *
 * A snapshot is the state revl_load_file leaves behind for one file:
 * the table (columns, null bitmaps, rejects, warnings) and what the
 * load added to the store's string table.  It is keyed by the content
 * hash of the file (XXH3-128), the path, the mapping file's bytes, the
 * strict flag, the store's string table before the load and the revl
 * executable, so a hit restores exactly what a fresh parse would build.
 * See docs/cache.md.
 */
#ifndef REVL_CACHE_H
#define REVL_CACHE_H

#include <stdint.h>

#include "revl/common.h"
#include "revl/ingest.h"
#include "revl/store.h"

/* Resolve the cache directory of this process: dir when given (--cache),
 * none when off (--no-cache) or REVL_CACHE=off, else $XDG_CACHE_HOME/revl
 * or ~/.cache/revl.  Until called the cache is off (unit tests, the
 * library).  REVL_CACHE_MAX (bytes, or with K, M, G) caps its size. */
void revl_cache_setup(const char *dir, int off);
/* The directory in use or NULL when the cache is off. */
const char *revl_cache_dir(void);
/* The size cap in bytes (default 2 GB). */
uint64_t revl_cache_max(void);

/* revl_load_file_at through the cache: restore the snapshot of path
 * when there is a valid one, else parse and write one.  mapkey
 * identifies the mapping (16 bytes, see revl_cache_mapkey); as_of (NULL:
 * none) is part of the key when the map has an expand = {...}, whose
 * rows depend on it.  Problems with the
 * cache itself never fail the load: they are said once on stderr
 * (unless quiet) and the file is parsed. */
int revl_cache_load(revl_store *s, const char *name, const char *path,
                    const revl_table_map *map, int strict,
                    const int32_t *as_of, const unsigned char mapkey[16],
                    int quiet, revl_error *err);
/* Hash of a mapping file's path and bytes (NULL: no mapping). */
void revl_cache_mapkey(const char *map_file, unsigned char out[16]);

typedef struct revl_cache_entry {
  char file[64];        /* snapshot file name in the cache dir */
  char table[64];       /* table it holds */
  char source[512];     /* the CSV it was parsed from */
  uint64_t bytes;
  int64_t used;         /* mtime: last written or used (seconds) */
  int valid;            /* header readable and of this version */
} revl_cache_entry;

/* The snapshots of dir, least recently used first; caller frees *out.
 * Returns the count or -1 (errno) when dir cannot be read. */
int revl_cache_list(const char *dir, revl_cache_entry **out);
/* Remove every snapshot (and stale temporary file) of dir; the count
 * removed, or -1 with errno. */
int revl_cache_clear(const char *dir, uint64_t *bytes);

#endif
