/* modelint.h - pieces of the community report's model, shared by the files
 * of lib/model/ only. */
#ifndef DG_MODELINT_H
#define DG_MODELINT_H

#include <jansson.h>
#include "config/config.h"

/* "release_groups": one group per product (lib/select/releases.h), lead
 * first: {"product", "repo" (the same name), "latest", "others",
 * "has_others"}; an entry is {"name", "tag", "url", "date", "prerelease",
 * "repos": [{"repo", "url", "sep"}], "has_repos" (more than one),
 * "notes", "has_notes", "more", "more_url" (the repository's release list)}.
 * Sets *lead to the lead entry {"product", "name", "tag", "url",
 * "prerelease"} or NULL, and *versions to the entries' count. New array. */
json_t *dg_model_release_groups(const dg_config *cfg, const char *sep, json_t *releases, json_t *pulls,
				json_t *repos, json_t **lead, size_t *versions);

#endif
