/*
 * snap.h -- the snapshot file format (snapshot.c), shared with the
 * cache (cache.c).
 */
#ifndef REVL_SNAP_H
#define REVL_SNAP_H

#include <stdint.h>
#include <stdio.h>

#include "revl/store.h"

#define SNAP_MAGIC "REVLSNP1"
#define SNAP_VERSION 3u /* 2: whole string table, columns mapped in place; 3: block-parallel checksum */
#define SNAP_HDR 64

/* The fixed header: magic, version, header size, payload length, XXH3-64
 * of the payload, then the 32-byte key (content hash, context hash). */
typedef struct snap_hdr {
  char magic[8];
  uint32_t version, hdrsize;
  uint64_t paylen;
  uint64_t check;
  unsigned char key[32];
} snap_hdr;

/* The checksum of bytes [from, to) of the snapshot file fd into *out:
 * the block-parallel XXH3-64 of revl/phash.h on revl_hash_threads()
 * threads, read with pread, so checking a snapshot maps none of it in
 * (what a run uses later faults in from the page cache).  0, or -1 with
 * errno. */
int revl_snap_hash(int fd, uint64_t from, uint64_t to, uint64_t *out);

/* Write the snapshot of t (just loaded into s; the string table held
 * n_before strings in nbytes_before bytes before) to f.  0, or -1 with
 * errno on a write error; 1 when t is not in a state a snapshot can
 * hold (nothing useful written). */
int revl_snap_write(FILE *f, const revl_store *s, const revl_table *t,
                    uint32_t n_before, size_t nbytes_before,
                    const unsigned char key[32]);

/* Restore the snapshot p[0..n) (a read-only file mapping, never heap
 * memory: the checksum drops its pages once read) as table
 * name (file path) of s.  0 done: the table's columns and s's string
 * table now point into p, which must stay mapped as long as s does
 * (revl_store_keep_map); 1 the snapshot is not valid for key and s (s
 * untouched, nothing points into p; *why says how); REVL_ENOMEM (s may
 * point into p). */
int revl_snap_read(const void *p, size_t n, int fd, const unsigned char key[32],
                   revl_store *s, const char *name, const char *path,
                   const char **why);

/* The table name and source path recorded in a snapshot's first bytes
 * (for `revl cache`); 0 or -1. */
int revl_snap_info(const void *p, size_t n, char *table, size_t tsize,
                   char *source, size_t ssize);

#endif
