/* catalog.h: the tables that tools/catalogc generates into catalog_data.c, and nothing else.
 * Inside liberrwhy only; everyone outside reads entries through errwhy.h. */
#ifndef ERRWHY_CATALOG_H
#define ERRWHY_CATALOG_H

#include "errwhy.h"

extern const struct ew_entry ew_catalog[];
extern const size_t ew_catalog_size;

#endif
