/* The writer's answer checks (lib/writer/wcheck.c). */
#include "check.h"
#include "writer/wcheck.h"

int main(void)
{
	const char *facts = "{\"tag\":\"v1.16.0\",\"notes\":[\"Support 2.3.1-rc.1 images\"]}";

	CHECK(!dg_writer_check("新增多组件调度支持，提升资源利用率。", facts, "zh"), "a Chinese sentence passes");
	CHECK(!dg_writer_check("Karmada v1.16.0 发布，新增多组件工作负载的精确配额支持。", facts, "zh"),
	      "a version of the facts passes (with its v)");
	CHECK(!dg_writer_check("支持 2.3.1-rc.1 版本的镜像。", facts, "zh"), "a prerelease of the facts passes");
	CHECK(dg_writer_check("Karmada v1.17.0 发布，新增调度功能。", facts, "zh") != NULL,
	      "a version not in the facts is refused");
	CHECK(dg_writer_check("新增调度功能，版本 2.0。", facts, "zh") != NULL, "a bare N.N not in the facts is refused");
	CHECK(dg_writer_check("详见 https://evil.example/x 的说明。", facts, "zh") != NULL, "a URL is refused");
	CHECK(dg_writer_check("详见 www.evil.example 说明。", facts, "zh") != NULL, "a www. host is refused");
	CHECK(dg_writer_check("新增<img src=x onerror=alert(1)>功能。", facts, "zh") != NULL, "an HTML tag is refused");
	CHECK(dg_writer_check("新增<!-- x -->功能。", facts, "zh") != NULL, "an HTML comment is refused");
	CHECK(dg_writer_check("新增[调度](javascript:alert(1))功能。", facts, "zh") != NULL, "a Markdown link is refused");
	CHECK(dg_writer_check("新增![图](x.png)功能。", facts, "zh") != NULL, "a Markdown image is refused");
	CHECK(dg_writer_check("Adds multi-component scheduling to the scheduler.", facts, "zh") != NULL,
	      "English for zh is refused");
	CHECK(dg_writer_check("新增调度。", facts, "en") != NULL, "Chinese for en is refused");
	CHECK(!dg_writer_check("Adds multi-component scheduling (v1.16.0).", facts, "en"), "English for en passes");
	CHECK(dg_writer_check("第一行。\n第二行。", facts, "zh") != NULL, "a line break is refused");
	CHECK(dg_writer_check("", facts, "zh") != NULL, "empty is refused");
	{
		char longtext[1024] = "";
		for (int i = 0; i < 301; i++)
			strcat(longtext, "中");
		CHECK(dg_writer_check(longtext, facts, "zh") != NULL, "301 characters are refused");
		longtext[300 * 3] = '\0';
		CHECK(!dg_writer_check(longtext, facts, "zh"), "300 characters pass");
	}
	CHECK(!dg_writer_check("版本号不变，修复 1 个问题。", NULL, "zh"), "no version token: no facts needed");
	CHECK(dg_writer_check("新增调度功能，版本 2.3 发布。", facts, "zh") != NULL,
	      "2.3 is not the facts' 2.3.1-rc.1: a version inside a longer one is refused");
	CHECK(dg_writer_check("新增调度功能，版本 16.0 发布。", facts, "zh") != NULL,
	      "16.0 is not the facts' 1.16.0");
	CHECK(dg_writer_check("新增调度功能，版本 1.16 发布。", facts, "zh") != NULL, "1.16 is not the facts' 1.16.0");
	CHECK(!dg_writer_check("新增调度功能，版本 1.16.0 发布。", facts, "zh"), "1.16.0 without its v is the facts' v1.16.0");
	CHECK(dg_writer_check("新增调度\xe2\x80\xae功能。", facts, "zh") != NULL, "a bidi override is refused");
	CHECK(dg_writer_check("新增调度\xc2\x85功能。", facts, "zh") != NULL, "a C1 control is refused");
	return check_done();
}
