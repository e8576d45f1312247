/* feedlist.h - the list of feeds the Cloud Native Weekly reads.
 *
 * cnweekly.feeds, else the shipped feeds/cloud-native.toml (lib/base/datadir.h):
 *
 *   [[feed]]
 *   name = "Kubernetes Blog"   url = "https://kubernetes.io/feed.xml"
 *   category = "article"       # or "news"
 *   language = "en"
 *   priority = 10              # optional, -100..100, default 0: news of a
 *                              # higher-priority source ranks first
 *
 * Unknown keys and wrong types are errors naming the file and line. */
#ifndef DG_FEEDLIST_H
#define DG_FEEDLIST_H

#include <jansson.h>
#include "config/config.h"

/* *out = [{"name","url","category","language","priority"?}, ...] (caller decrefs). */
int dg_feedlist_load(const dg_config *cfg, json_t **out);

#endif
