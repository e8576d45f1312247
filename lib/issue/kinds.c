/* The kinds of issue digest builds: adding one is an entry here and a file
 * with its stages (lib/issue/<kind>.c). */
#include "issue/pipeline.h"

#include <string.h>

static const dg_kind *const kinds[] = {
	&dg_kind_community,
	&dg_kind_cnweekly,
};

const dg_kind *dg_kind_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i]->name, name))
			return kinds[i];
	return NULL;
}
