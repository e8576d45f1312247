/* modelopts.h - what the model stage reads of the config, and nothing
 * else: built by lib/issue/stageopts.c, so a signature that takes it says
 * what it reads. Everything borrowed from the config. */
#ifndef DG_MODELOPTS_H
#define DG_MODELOPTS_H

#include "config/schema.h"

typedef struct dg_model_opts {
	const char *language;          /* digest.language: "zh" | "en" */
	const char *timezone;          /* digest.timezone: every local date */
	const char *title;             /* digest.title: the report's, when report.title is unset */
	const char *title_biweekly;    /* digest.title_biweekly: a biweekly's; NULL: the title made biweekly */
	const char *community;         /* digest.community; NULL/"": the org's display name */
	const dg_strv *orgs;           /* github.orgs: the first names the community, else */
	const dg_strv *repos;          /* github.repos: the first */
	const char *author;            /* digest.author (front matter) */
	const char *intro;             /* digest.intro */
	const char *footer;            /* digest.footer */
	const char *cover_image;       /* digest.cover_image (front matter "snapshot") */
	int cover_made;                /* images.cover: the cover is written beside it ("snapshot") */
	const char *tag;               /* digest.tag (front matter) */
	const dg_strmap *links;        /* digest.links: footer label -> URL */
	const char *qr_image;          /* digest.qr_image */
	int partial_note;              /* digest.partial_note */
	const char *community_title;   /* report.title; NULL: digest.title, else the language's */
	int release_note_lines;        /* report.release_note_lines */
	const char *certificate_url;   /* contributors.certificate_url, with {login} */
	const dg_strmap *certificates; /* contributors.certificates: login -> URL */
	int poster;                    /* images.poster: the new contributors' poster is in the issue */
	const char *cn_title;          /* cnweekly.title */
	const char *cn_intro;          /* cnweekly.intro */
	const char *cn_footer;         /* cnweekly.footer */
	const dg_strmap *cn_links;     /* cnweekly.links: label -> URL */
} dg_model_opts;

#endif
