"""history.engine = "clickhouse" against a real ClickHouse (Debian's
clickhouse-server, started here on loopback with a throwaway data directory
and config; /etc and /var/lib/clickhouse untouched), the github_events table
loaded with the hold-out world's events (tests/holdout.py): the same series
as the store/REST engine on the same world, new contributors included, with
no REST backfill; the password never printed; closed weeks kept in the store;
ClickHouse down -> the issue written, exit 3, a failed: line naming it."""
import csv, io, os, shutil, socket, subprocess, sys, tempfile, time, urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from digesttest import DIGEST, FakeGitHub, Workspace, check, done  # noqa: E402
import holdout  # noqa: E402

SERVER = "/usr/sbin/clickhouse-server"
PASSWORD = "ch-Secret-never-printed"
WEEK = "2024-W09"
check(os.path.exists(SERVER), "clickhouse-server is installed (TEST_DEB_PKGS)")
if not os.path.exists(SERVER):
    done()

tmp = tempfile.mkdtemp(prefix="dg-ch-")
world = holdout.make(tmp)
want, bots = holdout.counts(world, 8)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


http_port, tcp_port = free_port(), free_port()
os.makedirs(os.path.join(tmp, "data"))
with open(os.path.join(tmp, "config.xml"), "w") as f:
    f.write("""<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>{d}/server.log</log><errorlog>{d}/server.err.log</errorlog></logger>
  <http_port>{h}</http_port><tcp_port>{t}</tcp_port><listen_host>127.0.0.1</listen_host>
  <path>{d}/data/</path><tmp_path>{d}/tmp/</tmp_path><user_files_path>{d}/files/</user_files_path>
  <format_schema_path>{d}/schemas/</format_schema_path>
  <users_config>{d}/users.xml</users_config><default_profile>default</default_profile>
  <default_database>default</default_database><timezone>UTC</timezone>
  <mark_cache_size>5368709</mark_cache_size><uncompressed_cache_size>8589934</uncompressed_cache_size>
  <max_concurrent_queries>10</max_concurrent_queries>
</yandex>
""".format(d=tmp, h=http_port, t=tcp_port))
with open(os.path.join(tmp, "users.xml"), "w") as f:
    f.write("""<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>500000000</max_memory_usage></default></profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
    <digest><password>{p}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></digest>
  </users>
  <quotas><default></default></quotas>
</yandex>
""".format(p=PASSWORD))
server = subprocess.Popen([SERVER, "--config-file=" + os.path.join(tmp, "config.xml")],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
URL = "http://127.0.0.1:%d" % http_port


def sql(q, data=None):
    body = q if data is None else q + "\n" + data
    with urllib.request.urlopen(urllib.request.Request(URL + "/", data=body.encode()), timeout=30) as r:
        return r.read().decode()


up = False
deadline = time.time() + 20
while time.time() < deadline and server.poll() is None:
    try:
        up = urllib.request.urlopen(URL + "/ping", timeout=2).read() == b"Ok.\n"
        break
    except OSError:
        time.sleep(0.1)
check(up, "the throwaway ClickHouse answers /ping", open(os.path.join(tmp, "server.err.log")).read()[-800:]
      if os.path.exists(os.path.join(tmp, "server.err.log")) else "")


def history(ws, *args, env=None):
    e = dict(os.environ, DIGEST_NOW="2024-03-04T01:00:00Z", CH_USER="digest", CH_PASSWORD=PASSWORD)
    e.update(env or {})
    return subprocess.run([DIGEST, "history", "--config", ws.config] + list(args), capture_output=True, text=True,
                          env=e, timeout=120)


try:
    if up:
        sql("CREATE TABLE github_events (event_type Enum8('PushEvent' = 1, 'PullRequestEvent' = 2, "
            "'IssuesEvent' = 3), action Enum8('none' = 0, 'opened' = 1, 'closed' = 2, 'reopened' = 3), "
            "repo_name String, number UInt32, title String, creator_user_login String, actor_login String, "
            "merged UInt8, merged_at DateTime, created_at DateTime) "
            "ENGINE = MergeTree ORDER BY (event_type, repo_name, created_at)")
        sql("INSERT INTO github_events FORMAT JSONEachRow", holdout.events(world))
        check(int(sql("SELECT count() FROM github_events")) > 100, "the world's events are loaded")

    bots_toml = "[%s]" % ", ".join('"%s"' % b for b in bots if not b.endswith("[bot]"))
    extra = ("[trends]\nweeks = 8\n[history]\nengine = \"clickhouse\"\nurl = \"%s\"\nuser_env = \"CH_USER\"\n"
             "password_env = \"CH_PASSWORD\"\n" % URL)
    with FakeGitHub(world, "--search-quota", "1000") as gh:
        def workspace(text):
            ws = Workspace(gh.url, orgs=("holdout",), event_repos=("holdout/community",), language="zh", extra=text)
            text = open(ws.config).read()   # the table knows no account type: bots by name
            with open(ws.config, "w") as f:
                f.write(text.replace("[events]", "bots = %s\n\n[events]" % bots_toml, 1))
            return ws

        ws = workspace(extra)
        env = {"CH_USER": "digest", "CH_PASSWORD": PASSWORD}
        p = ws.run("--week", WEEK, "--format", "md,html,json", "-v", env=env)
        check(p.returncode == 0, "the issue is written with ClickHouse as the history (exit %d)" % p.returncode,
              p.stderr[-800:])
        trend = ws.model("community-%s.json" % WEEK).get("trend") or {}
        got = {w["week"]: (w["merged_prs"], w["contributors"], w["new_contributors"]) for w in trend.get("weeks", [])}
        check(got == want, "ClickHouse's series equals the world's, new contributors included",
              "\n".join("%s got %s want %s" % (k, got.get(k), want[k]) for k in want))
        searches = [r["query"].get("q", "") for r in gh.log() if r["path"] == "/search/issues"]
        check(searches and all("merged:2024-02-26" in q or "author:" in q for q in searches),
              "no REST backfill: every search is the issue's own week's", searches)
        leaked = [n for n, text in (("stderr", p.stderr), ("stdout", p.stdout)) if PASSWORD in text]
        for d, _, names in os.walk(ws.dir):
            for n in names:
                if PASSWORD.encode() in open(os.path.join(d, n), "rb").read():
                    leaked.append(n)
        check(not leaked and "POST %s/" % URL in p.stderr, "the password is in no output, file or store "
              "(-v names the POST)", leaked)

        # The same world through the store/REST engine: the same merged PRs and contributors.
        rest = workspace("[trends]\nweeks = 8\n")
        p = rest.run("--week", WEEK, "--format", "json")
        rtrend = rest.model("community-%s.json" % WEEK).get("trend") or {}
        rgot = {w["week"]: (w["merged_prs"], w["contributors"]) for w in rtrend.get("weeks", [])}
        check(p.returncode == 0 and rgot == {k: v[:2] for k, v in got.items()},
              "the store/REST series equals ClickHouse's", (rgot, got))
        rest.close()

        # digest history with the engine: the same series, kept weeks, no query needed.
        p = history(ws, "--weeks", "8")
        rows = list(csv.DictReader(io.StringIO(p.stdout)))
        check(p.returncode == 0 and {r["week"]: (int(r["merged_prs"]), int(r["contributors"]),
                                                 int(r["new_contributors"])) for r in rows} == want,
              "digest history prints ClickHouse's series", p.stdout + p.stderr[-300:])

        # Refused: ClickHouse's own words in the failed: line, never the password.
        wrong = workspace(extra)
        p = history(wrong, "--weeks", "2", "-q", env={"CH_PASSWORD": "wrong-" + PASSWORD})
        check(p.returncode == 3 and "HTTP 401" in p.stderr and "Wrong password" in p.stderr and
              PASSWORD not in p.stderr + p.stdout, "a refused password: exit 3, ClickHouse's reason, "
              "the password not printed", p.stderr[-400:])
        wrong.close()

        # ClickHouse down: the store's weeks, exit 3, a failed: line naming it.
        server.terminate()
        server.wait(20)
        gh.control(reset_log=True)
        p = ws.run("--week", WEEK, "--format", "md,json", env=env)
        check(p.returncode == 0 and ws.model("community-%s.json" % WEEK).get("trend") == trend,
              "closed weeks kept in the store: a re-run needs no ClickHouse", p.stderr[-400:])
        down = workspace(extra)
        p = down.run("--week", WEEK, "--format", "md,json", "-q", env=env)
        check(p.returncode == 3, "ClickHouse down: exit 3 (%d)" % p.returncode, p.stderr[-600:])
        check(any(l.startswith("digest: failed: ") and "clickhouse" in l.lower() for l in p.stderr.splitlines()),
              "a failed: line names ClickHouse", p.stderr[-600:])
        m = down.model("community-%s.json" % WEEK)
        weeks = (m.get("trend") or {}).get("weeks", [])
        check(os.path.exists(os.path.join(down.out, "community-%s.md" % WEEK)) and len(weeks) == 8 and
              all(w["merged_prs"] is None for w in weeks[:-1]) and weeks[-1]["merged_prs"] == want[WEEK][0],
              "the issue is written with what the store has (its own week), the rest gaps", weeks)
        check(not [r for r in gh.log() if r["path"] == "/search/issues" and "merged:2024-02-26" not in
                   r["query"].get("q", "") and "author:" not in r["query"].get("q", "")],
              "and no REST backfill stands in for it")
        p = history(down, "--weeks", "4", "-q")
        check(p.returncode == 3 and "clickhouse" in p.stderr.lower(), "digest history: exit 3 naming it",
              p.stderr[-300:])
        down.close()
        ws.close()
finally:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
    shutil.rmtree(tmp, ignore_errors=True)

done()
