/* wxkind.c - what each input element becomes in the WeChat pass (wx_kind,
 * wxint.h): one table, below every other file of the pass. */
#include "wechat/wxint.h"

#include <string.h>

/* Element name -> what it becomes (wx_kind, wxint.h); sorted for the binary search. */
static const struct {
	const char *name;
	wx_kind kind;
} wx_kinds[] = {
	{ "a", K_A }, { "address", K_BOX }, { "applet", K_STRIP }, { "area", K_DROP },
	{ "article", K_BOX }, { "aside", K_BOX }, { "audio", K_STRIP }, { "b", K_STRONG },
	{ "base", K_DROP }, { "basefont", K_DROP }, { "bgsound", K_DROP },
	{ "blockquote", K_BLOCKQUOTE }, { "body", K_BOX }, { "br", K_BR }, { "button", K_DROP },
	{ "canvas", K_STRIP }, { "caption", K_DROP }, { "center", K_BOX }, { "code", K_CODE },
	{ "col", K_DROP }, { "colgroup", K_DROP }, { "datalist", K_DROP }, { "dd", K_BOX },
	{ "del", K_DEL }, { "details", K_BOX }, { "dialog", K_DROP }, { "dir", K_LIST },
	{ "div", K_BOX }, { "dl", K_BOX }, { "dt", K_BOX }, { "em", K_EM }, { "embed", K_STRIP },
	{ "fieldset", K_BOX }, { "figcaption", K_BOX }, { "figure", K_BOX }, { "footer", K_BOX },
	{ "foreignobject", K_STRIP }, { "form", K_DROP }, { "frame", K_DROP },
	{ "frameset", K_DROP }, { "h1", K_H }, { "h2", K_H }, { "h3", K_H }, { "h4", K_H },
	{ "h5", K_H }, { "h6", K_H }, { "head", K_DROP }, { "header", K_BOX }, { "hgroup", K_BOX },
	{ "hr", K_HR }, { "html", K_BOX }, { "i", K_EM }, { "iframe", K_DROP }, { "img", K_IMG },
	{ "input", K_INPUT }, { "isindex", K_DROP }, { "kbd", K_CODE }, { "keygen", K_DROP },
	{ "li", K_LI }, { "link", K_DROP }, { "listing", K_PRE }, { "main", K_BOX },
	{ "map", K_DROP }, { "math", K_STRIP }, { "menu", K_LIST }, { "meta", K_DROP },
	{ "meter", K_DROP }, { "nav", K_BOX }, { "noembed", K_DROP }, { "noframes", K_DROP },
	{ "noscript", K_STRIP }, { "object", K_STRIP }, { "ol", K_LIST }, { "optgroup", K_DROP },
	{ "option", K_DROP }, { "output", K_DROP }, { "p", K_P }, { "param", K_DROP },
	{ "plaintext", K_PRE }, { "portal", K_DROP }, { "pre", K_PRE }, { "progress", K_DROP },
	{ "s", K_DEL }, { "samp", K_CODE }, { "script", K_DROP }, { "section", K_BOX },
	{ "select", K_DROP }, { "slot", K_DROP }, { "source", K_DROP }, { "strike", K_DEL },
	{ "strong", K_STRONG }, { "style", K_DROP }, { "summary", K_BOX }, { "svg", K_STRIP },
	{ "table", K_TABLE }, { "tbody", K_TABLEPART }, { "td", K_TABLEPART },
	{ "template", K_DROP }, { "textarea", K_DROP }, { "tfoot", K_TABLEPART },
	{ "th", K_TABLEPART }, { "thead", K_TABLEPART }, { "title", K_DROP },
	{ "tr", K_TABLEPART }, { "track", K_DROP }, { "tt", K_CODE }, { "ul", K_LIST },
	{ "video", K_STRIP }, { "wbr", K_DROP }, { "xmp", K_PRE },
};

wx_kind dg_wx_kind_of(const xmlNode *n)
{
	size_t lo = 0, hi = sizeof(wx_kinds) / sizeof(wx_kinds[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp((const char *)n->name, wx_kinds[mid].name);

		if (c == 0)
			return wx_kinds[mid].kind;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return K_UNWRAP;
}
