/* The kinds of issue digest builds: adding one is an entry here and a file
 * with its stages (lib/issue/<kind>.c). */
#include "issue/pipeline.h"

#include <string.h>

const dg_kind *const dg_kinds[] = {
	&dg_kind_community,
	&dg_kind_cnweekly,
	NULL,
};

const dg_kind *dg_kind_find(const char *name)
{
	for (const dg_kind *const *k = dg_kinds; *k; k++)
		if (!strcmp((*k)->name, name))
			return *k;
	return NULL;
}
