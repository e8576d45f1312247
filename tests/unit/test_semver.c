/* Unit tests of release tags as versions (lib/select/semver.h). */
#include "check.h"
#include "select/semver.h"

static int cmp(const char *a, const char *b)
{
	dg_semver x, y;

	dg_semver_parse(a, &x);
	dg_semver_parse(b, &y);
	return dg_semver_cmp(&x, &y);
}

static enum dg_semver_kind kind(const char *tag)
{
	dg_semver v;

	dg_semver_parse(tag, &v);
	return dg_semver_kind_of(&v);
}

int main(void)
{
	dg_semver v;

	dg_semver_parse("v1.15.0", &v);
	CHECK(v.ok && v.major == 1 && v.minor == 15 && v.patch == 0 && !*v.pre, "v1.15.0");
	dg_semver_parse("v3.2.1-rc.2", &v);
	CHECK(v.ok && v.patch == 1 && !strcmp(v.pre, "rc.2"), "v3.2.1-rc.2: pre-release rc.2");
	dg_semver_parse("helm-chart-v2.4.1", &v);
	CHECK(v.ok && v.major == 2 && v.minor == 4 && v.patch == 1, "a product prefix is skipped");
	dg_semver_parse("release-1.2", &v);
	CHECK(v.ok && v.major == 1 && v.minor == 2 && v.patch == 0, "two parts: patch 0");
	dg_semver_parse("1.22.0+build.5", &v);
	CHECK(v.ok && !*v.pre, "build metadata is ignored");
	dg_semver_parse("v2.0.0beta1", &v);
	CHECK(v.ok && !strcmp(v.pre, "beta1"), "a pre-release without a dash");
	dg_semver_parse("nightly", &v);
	CHECK(!v.ok, "not a version");
	dg_semver_parse("", &v);
	CHECK(!v.ok, "empty");
	dg_semver_parse("v99999999999999999999999.1.0", &v);
	CHECK(v.ok, "a huge number does not overflow");

	CHECK(cmp("v1.13.7", "v1.15.0") < 0, "1.13.7 < 1.15.0");
	CHECK(cmp("v1.15.0-rc.1", "v1.15.0") < 0, "a pre-release before its final");
	CHECK(cmp("v1.15.0-rc.2", "v1.15.0-rc.10") < 0, "rc.2 < rc.10");
	CHECK(cmp("v1.15.0-alpha.1", "v1.15.0-beta.1") < 0, "alpha < beta");
	CHECK(cmp("v2.0.0-beta2", "v2.0.0-beta10") < 0, "beta2 < beta10");
	CHECK(cmp("v1.0.0-rc.1", "v1.0.0-rc.1.1") < 0, "fewer identifiers first");
	CHECK(cmp("nightly", "v0.0.1") < 0, "a non-version sorts first");
	CHECK(cmp("v1.2.3", "1.2.3") == 0, "v is optional");

	CHECK(kind("v2.0.0") == DG_SEMVER_MAJOR, "x.0.0 is a major release");
	CHECK(kind("v1.15.0") == DG_SEMVER_MINOR, "x.y.0 is a minor release");
	CHECK(kind("v0.9.0") == DG_SEMVER_MINOR, "0.y.0 is a minor release");
	CHECK(kind("v1.13.7") == DG_SEMVER_PATCH, "x.y.z is a patch");
	CHECK(kind("v3.2.1-rc.2") == DG_SEMVER_PRE, "an rc is a pre-release");
	CHECK(kind("latest") == DG_SEMVER_OTHER, "not a version");
	{
		dg_semver a, b;
		dg_semver_parse("v3.2.1-rc.2", &a);
		dg_semver_parse("v3.2.1", &b);
		CHECK(dg_semver_same_release(&a, &b), "rc.2 and the final are the same release");
		dg_semver_parse("v3.2.2", &b);
		CHECK(!dg_semver_same_release(&a, &b), "another patch is not");
	}
	return check_done();
}
