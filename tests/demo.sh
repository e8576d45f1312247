#!/usr/bin/env bash
# make demo: render a real digest from the bundled sample world through the
# real HTTP path (the fake GitHub on 127.0.0.1), and say where the files are.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/out/demo"
work="$root/build/demo"
rm -rf "$work" "$demo"
mkdir -p "$work" "$demo"

# The sample world plus the project facts its git history lacks, for the
# weekly's project picks: the licences its README records at `now`, the
# language, the "kubernetes" topic and the repositories' GitHub descriptions.
# Stars are not in the world and are not invented (the issue shows none).
python3 - "$root/tests/worlds/kubesphere.json" "$work/world.json" <<'PY'
import json, sys
w = json.load(open(sys.argv[1], encoding="utf-8"))
facts = {
    "kubesphere": ("The container platform tailored for Kubernetes multi-cloud, datacenter, and edge management",
                   "Go", "Apache-2.0", "Apache License 2.0"),
    "kubekey": ("Install Kubernetes/K3s only, both Kubernetes/K3s and KubeSphere, and related cloud-native add-ons, "
                "it supports all-in-one, multi-node, and HA", "Go", "Apache-2.0", "Apache License 2.0"),
    "console": ("KubeSphere Console is the web interface for KubeSphere.", "JavaScript", "AGPL-3.0",
                "GNU Affero General Public License v3.0"),
}
for r in w["repos"]:
    if r["name"] in facts:
        d, lang, spdx, name = facts[r["name"]]
        r.update(description=d, language=lang, topics=["kubernetes"],
                 license={"key": spdx.lower(), "name": name, "spdx_id": spdx})
json.dump(w, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
PY
python3 "$root/tests/fake_github.py" --world "$work/world.json" \
	--port 0 --port-file "$work/port" --search-quota 1000 --max-idle 120 \
	--files "$root/tests/cnweekly/feeds" \
	>"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
[ -s "$work/port" ] || { echo "demo: the fake GitHub did not start:"; cat "$work/server.log"; exit 1; }
port=$(cat "$work/port")

cat >"$work/digest.toml" <<TOML
[digest]
title = "KubeSphere 社区周报"
community = "KubeSphere"
language = "zh"
timezone = "Asia/Shanghai"
output_dir = "$demo"
state_dir = "$work/state"
author = "KubeSphere"
intro = "欢迎阅读 KubeSphere 社区周报！本期数据来自 digest 自带的示例：KubeSphere 组织 2021 年 12 月第二周的真实历史。"
footer = "欢迎加入 KubeSphere 社区：[GitHub](https://github.com/kubesphere) · [官网](https://kubesphere.io/zh/) · [往期周报](https://mp.weixin.qq.com/s/kubesphere-weekly)"

[github]
api_url = "http://127.0.0.1:$port"
orgs = ["kubesphere"]
bots = ["ks-ci-bot"]

[[report.products]]
name = "KubeSphere"
repos = ["kubesphere/kubesphere", "kubesphere/console", "kubesphere/ks-installer"]

[events]
repos = ["kubesphere/community"]
label = "event"

[cnweekly]
feeds = "$work/feeds.toml"
picks_dir = "$work/picks"
watch_repos = ["kubesphere/kubesphere", "kubesphere/kubekey"]
include_prereleases = true
topics = ["kubernetes"]
min_stars = 0
project_days = 3650
max_projects = 3
reference_date = "2021-01-04"
footer = "云原生周刊由 KubeSphere 社区编辑，欢迎投稿：[kubesphere/community](https://github.com/kubesphere/community)"

[cnweekly.links]
"往期回顾" = "https://kubesphere.io/zh/news/"
"KubeSphere 官网" = "https://kubesphere.io/zh/"
TOML

# Real posts of the Kubernetes blog (tests/cnweekly/feeds, see its README).
cat >"$work/feeds.toml" <<TOML
[[feed]]
name = "Kubernetes Blog"
url = "http://127.0.0.1:$port/_files/kubernetes-blog-2021-12.xml"
category = "article"
language = "en"
priority = 10
TOML

echo "demo: fake GitHub serving the KubeSphere sample world on 127.0.0.1:$port"
GITHUB_TOKEN=demo-token "$root/digest" --config "$work/digest.toml" --week 2021-W49 \
	--format md,html,json
# The weekly of 2021-W50: kubesphere v3.2.1 is the headline, the Kubernetes
# blog's posts are the articles; the items nobody has written yet show zh
# sentences made from their facts, and a warning lists them.
GITHUB_TOKEN=demo-token "$root/digest" --config "$work/digest.toml" --kind cnweekly \
	--week 2021-W50 --format md,html,json
echo
echo "demo: the community report (2021-W49) and a Cloud Native Weekly issue (2021-W50)"
echo "      are in $demo/. Open the .html files in a browser and press the copy button;"
echo "      the .md files are the Markdown for GitHub or the website; certificates for"
echo "      new contributors are in $demo/certificates/."
