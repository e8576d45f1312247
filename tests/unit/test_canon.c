#include "check.h"
#include "feeds/canon.h"

#include <stdlib.h>

static void same(const char *a, const char *want)
{
	char *got = dg_canon_url(a);
	CHECK_STR(got, want, "canon(%s)", a);
	free(got);
}

int main(void)
{
	same("https://Kubernetes.IO/blog/2024/05/01/post/", "https://kubernetes.io/blog/2024/05/01/post");
	same("http://www.cncf.io/blog/x/?utm_source=rss&utm_medium=rss#comments", "https://cncf.io/blog/x");
	same("https://example.com/a?id=3&utm_campaign=z&fbclid=abc&page=2", "https://example.com/a?id=3&page=2");
	same("https://example.com:443/a", "https://example.com/a");
	same("https://example.com:8443/a", "https://example.com:8443/a");
	same("http://example.com:8/a", "https://example.com:8/a");
	same("http://[::1]:80/a", "https://[::1]/a");
	same("https://[2001:db8::1]:8443/a/", "https://[2001:db8::1]:8443/a");
	same("https://www.www.example.com/a / /", "https://example.com/a");
	{
		/* canonical form is a fixed point */
		const char *urls[] = {"https://www.www.x.org/a /?utm_source=1", "http://[::1]:80/", "https://X.org:443//"};
		for (size_t i = 0; i < 3; i++) {
			char *a = dg_canon_url(urls[i]), *b = a ? dg_canon_url(a) : NULL;
			CHECK(a && b && !strcmp(a, b), "canon is idempotent on %s", urls[i]);
			free(a);
			free(b);
		}
	}
	same("https://user:pw@example.com/a", "https://example.com/a");
	same("https://mp.weixin.qq.com/s/abc?scene=21&chksm=x", "https://mp.weixin.qq.com/s/abc");
	same("  https://example.com  ", "https://example.com");
	CHECK(dg_canon_url("javascript:alert(1)") == NULL, "non-http URLs have no canonical form");
	CHECK(dg_canon_url("") == NULL && dg_canon_url(NULL) == NULL, "empty");
	{
		char *a = dg_canon_url("https://blog.example.com/post/?utm_source=twitter");
		char *b = dg_canon_url("http://blog.example.com/post#top");
		CHECK(a && b && !strcmp(a, b), "a tracking variant is the same item");
		free(a);
		free(b);
	}
	return check_done();
}
