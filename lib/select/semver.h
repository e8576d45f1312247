/* semver.h - release tags as versions, and which release matters most.
 *
 * Tags are read leniently, as projects write them: an optional "v" (or a
 * product prefix ending in "-v" / "/v", e.g. "helm-chart-v1.2.0"), 1 to 3
 * numeric parts (missing ones are 0), then an optional pre-release after
 * "-" ("-rc.2", "-beta1", "-alpha") and build metadata after "+" (ignored).
 * Pre-releases order as SemVer 2.0 says (numeric identifiers numerically,
 * "alpha" < "beta" < "rc" by plain comparison); a tag that is no version at
 * all is kept apart (ok = 0). */
#ifndef DG_SEMVER_H
#define DG_SEMVER_H

#include <stddef.h>

typedef struct dg_semver {
	int ok;                  /* 1 when the tag read as a version */
	long long major, minor, patch;
	char pre[64];            /* the pre-release, "" for a final release */
} dg_semver;

/* How much a release matters, highest first. */
enum dg_semver_kind {
	DG_SEMVER_OTHER = 0,     /* not a version */
	DG_SEMVER_PRE = 1,       /* a pre-release (rc, beta, alpha) */
	DG_SEMVER_PATCH = 2,     /* x.y.z with z > 0 */
	DG_SEMVER_MINOR = 3,     /* x.y.0 with y > 0 */
	DG_SEMVER_MAJOR = 4,     /* x.0.0 */
};

void dg_semver_parse(const char *tag, dg_semver *out);
/* <0, 0, >0 as versions order (a non-version sorts before every version). */
int dg_semver_cmp(const dg_semver *a, const dg_semver *b);
enum dg_semver_kind dg_semver_kind_of(const dg_semver *v);
/* 1 when `pre` is a pre-release of the final `final` (same major.minor.patch). */
int dg_semver_same_release(const dg_semver *a, const dg_semver *b);

#endif
