/*
 * mapguard.h -- a file mapped for reading that shrinks under revl (an
 * export rewritten in place while it is loaded) makes the kernel raise
 * SIGBUS at the first page past its new end.  A guarded mapping turns
 * that into one clear line, `revl: FILE: the file shrank while it was
 * read (it changed during the load); nothing was loaded from it`, and
 * exit 2, instead of a crash.  A SIGBUS outside every guarded mapping
 * keeps its default action.
 */
#ifndef REVL_MAPGUARD_H
#define REVL_MAPGUARD_H

#include <stddef.h>

/* Guard [p, p + len), a mapping of the file at path; -1 when every slot
 * is taken (the mapping is then unguarded), else the slot for
 * revl_mapguard_del.  Safe from any thread. */
int revl_mapguard_add(const void *p, size_t len, const char *path);
void revl_mapguard_del(int slot);

#endif
