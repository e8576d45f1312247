#!/usr/bin/env bash
# make demo: render a real digest from the bundled sample world through the
# real HTTP path (the fake GitHub on 127.0.0.1), and say where the files are.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
demo="$root/out/demo"
work="$root/build/demo"
rm -rf "$work" "$demo"
mkdir -p "$work" "$demo"

python3 "$root/tests/fake_github.py" --world "$root/tests/worlds/kubesphere.json" \
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

[events]
repos = ["kubesphere/community"]
label = "event"

[cnweekly]
feeds = "$work/feeds.toml"
picks_dir = "$work/picks"
watch_repos = ["kubesphere/kubesphere", "kubesphere/kubekey"]
include_prereleases = true
reference_date = "2021-01-04"
TOML

# Three real recorded feeds (tests/cnweekly/feeds) stand in for the feed list.
cat >"$work/feeds.toml" <<TOML
[[feed]]
name = "Cloudflare Blog"
url = "http://127.0.0.1:$port/_files/rss_2.0_cloudflare.xml"
category = "news"
language = "en"

[[feed]]
name = "Ghost Changelog"
url = "http://127.0.0.1:$port/_files/rss_2.0_ghost_2.xml"
category = "article"
language = "en"

[[feed]]
name = "Element Blog"
url = "http://127.0.0.1:$port/_files/rss_2.0_element_io.xml"
category = "article"
language = "en"
TOML

echo "demo: fake GitHub serving the KubeSphere sample world on 127.0.0.1:$port"
GITHUB_TOKEN=demo-token "$root/digest" --config "$work/digest.toml" --week 2021-W49 \
	--format md,html,json
GITHUB_TOKEN=demo-token "$root/digest" --config "$work/digest.toml" --kind cnweekly \
	--week 2021-W41 --format md,html,json
echo
echo "demo: the community report (2021-W49) and a Cloud Native Weekly issue (2021-W41)"
echo "      are in $demo/. Open the .html files in a browser and press the copy button;"
echo "      the .md files are the Markdown for GitHub or the website; certificates for"
echo "      new contributors are in $demo/certificates/."
