#!/usr/bin/env python3
"""Measurement helpers for bench/run (standard library only).

Subcommands (bench/run calls them; each prints what it found or fails with a
message saying what went wrong):

  bodies     build the JSON request bodies of one contender from bench/queries
  free-port  print a free TCP port on 127.0.0.1
  wait-ready poll a GraphQL endpoint until it answers `{ __typename }`
  rss        print a process's resident set size (kB)
  verify     send every body once: HTTP 200, no `errors`, and for the read
             workloads the same data as the reference contender
  wrk        run one timed wrk workload (after a warm-up) and record it
  pgbench    run one timed pgbench workload (after a warm-up) and record it
  capture-sql  run hasone once per read query with log_statement = 'all' and
             write the statements it issued as pgbench scripts
  meta       record the machine and versions
  report     write results.json, BENCHMARKS.md and the Q2 chart

A record (one line of the JSONL results file) holds throughput, latency
percentiles, SQL statements per request (pg_stat_statements of the
contender's database, reset before the timed run), peak RSS of the server
(VmHWM after `echo 5 > /proc/PID/clear_refs`, and VmRSS polled every 100 ms)
and the CPU time of the server, of the PostgreSQL processes serving the
contender's database and of the load generator during the timed run.
"""

import argparse
import base64
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

CLK_TCK = os.sysconf("SC_CLK_TCK")
WORKLOADS = {
    "q1": "Q1 one user, 4 has-one fields",
    "q2": "Q2 100 users, 4 has-one fields",
    "q3": "Q3 nested user→profile→user→project (100 users)",
    "m1": "M1 set/create profile churn on random users",
}
# Statements a hasone read should cost, and why: the rows of the query,
# then one per target table, association scope column, model scope and
# schema (billing and shipping addresses share theirs), one per nesting
# level; inverses back to rows already read cost none.
EXPECTED_STATEMENTS = {
    "q1": (4, "the user, then profiles, addresses (billing and shipping together), projects"),
    "q2": (4, "the page, then profiles, addresses (billing and shipping together), projects"),
    "q3": (3, "the page, profiles, projects: profile.user is a user of the page"),
}
READS = ("q1", "q2", "q3")


def die(msg):
    print(f"bench: error: {msg}", file=sys.stderr)
    sys.exit(1)


# --------------------------------------------------------------------------
# Request bodies


def compact_document(path):
    """A GraphQL document without its comment lines, on one line."""
    lines = [ln for ln in open(path).read().splitlines() if not ln.lstrip().startswith("#")]
    return re.sub(r"\s+", " ", " ".join(lines)).strip()


def cmd_bodies(a):
    os.makedirs(a.out, exist_ok=True)
    for w in READS:
        body = {"query": compact_document(os.path.join(a.queries, f"{w}.graphql"))}
        with open(os.path.join(a.out, f"{w}.json"), "w") as f:
            json.dump(body, f)
    variables = json.load(open(os.path.join(a.queries, "m1-variables.json")))
    for kind in ("set", "create"):
        doc = compact_document(os.path.join(a.queries, f"m1-{kind}.graphql"))
        text = json.dumps({"query": doc, "variables": variables[kind]})
        # A variable whose whole value is a placeholder is an Int: unquote it.
        text = re.sub(r'"(__(?:USER|PROFILE)__)"', r"\1", text)
        with open(os.path.join(a.out, f"m1-{kind}.json"), "w") as f:
            f.write(text)


# --------------------------------------------------------------------------
# HTTP


def post(url, body, timeout=30):
    data = body if isinstance(body, bytes) else body.encode()
    req = urllib.request.Request(
        url, data=data, headers={"content-type": "application/json", "accept": "application/json"}
    )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def cmd_free_port(a):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ")[1][0] != "Z"
    except OSError:
        return False


def cmd_wait_ready(a):
    deadline = time.time() + a.timeout
    last = "no answer"
    while time.time() < deadline:
        if a.pid and not alive(a.pid):
            die(f"{a.name} exited before it was ready (see {a.log})")
        try:
            status, body = post(a.url, '{"query":"{ __typename }"}', timeout=2)
            if status == 200 and b'"errors"' not in body:
                return
            last = f"HTTP {status}: {body[:200]!r}"
        except OSError as e:
            last = str(e)
        time.sleep(0.2)
    die(f"{a.name} did not answer {a.url} within {a.timeout}s (last: {last}; see {a.log})")


def wait_answering(server, url, timeout, request_timeout, interval, exited, late):
    """Waits until the child process `server` answers `{ __typename }` at `url`
    with HTTP 200; stops the run with exited() if it ends first, `late` after
    `timeout` seconds."""
    deadline = time.time() + timeout
    while True:
        if server.poll() is not None:
            die(exited())
        try:
            if post(url, '{"query":"{ __typename }"}', timeout=request_timeout)[0] == 200:
                return
        except OSError:
            pass
        if time.time() > deadline:
            die(late)
        time.sleep(interval)


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def parents():
    """{pid: parent pid} of every process."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/stat") as f:
                out[int(pid)] = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    return out


def process_tree(pid):
    """`pid` and all its descendants (a multi-process server: node:cluster's primary and workers)."""
    if not pid:
        return []
    children = {}
    for child, parent in parents().items():
        children.setdefault(parent, []).append(child)
    tree, todo = [], [int(pid)]
    while todo:
        p = todo.pop()
        tree.append(p)
        todo.extend(children.get(p, []))
    return tree


def tree_kb(pid, field):
    """The sum of a /proc/PID/status field over the process tree of `pid`."""
    total = 0
    for p in process_tree(pid):
        try:
            total += status_kb(p, field)
        except OSError:
            pass
    return total


def cmd_rss(a):
    print(tree_kb(a.pid, "VmRSS"))


# --------------------------------------------------------------------------
# Verification


def global_id(value):
    """PostGraphile's node ids (base64 of `["User",14]`) as hasone's `User:14`."""
    if isinstance(value, str) and ":" not in value:
        try:
            decoded = json.loads(base64.b64decode(value, validate=True))
            if isinstance(decoded, list) and len(decoded) == 2:
                return f"{decoded[0]}:{decoded[1]}"
        except ValueError:
            pass
    return value


RENAMES = {
    "allUsers": "users",
    "userByRowId": "user",
    "profileByUserId": "profile",
    "userByUserId": "user",
}


def normalize(value):
    """A response's data with PostGraphile's names and ids mapped to hasone's."""
    if isinstance(value, dict):
        return {RENAMES.get(k, k): (global_id(v) if k == "id" else normalize(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [normalize(v) for v in value]
    return value


# seaography: has-one relations are connections (`{nodes: [...]}`), ids are
# the integer primary keys, Q1's user is a filtered list aliased `user`.
SG_TYPES = {"user": "User", "users": "User", "profile": "Profile", "billingAddress": "Address",
            "shippingAddress": "Address", "project": "Project"}
SG_ONE = ("profile", "billingAddress", "shippingAddress", "project", "user")


def normalize_seaography(value, typename=None):
    """seaography's answer in hasone's shape: `users {edges {node}}`, one object or null per
    has-one, `Type:id` ids."""
    if isinstance(value, list):
        return [normalize_seaography(v, typename) for v in value]
    if not isinstance(value, dict):
        return value
    out = {}
    for k, v in value.items():
        if k == "id":
            out[k] = f"{typename}:{v}"
        elif k == "users" and isinstance(v, dict) and "nodes" in v:
            out[k] = {"edges": [{"node": normalize_seaography(n, "User")} for n in v["nodes"]]}
        elif k in SG_ONE and isinstance(v, dict) and "nodes" in v:
            if len(v["nodes"]) > 1:
                die(f"seaography: {k} has {len(v['nodes'])} rows where a has-one has at most one")
            out[k] = normalize_seaography(v["nodes"][0], SG_TYPES[k]) if v["nodes"] else None
        else:
            out[k] = normalize_seaography(v, SG_TYPES.get(k, typename))
    return out


def check_response(name, what, status, body):
    if status != 200:
        die(f"{name} {what}: HTTP {status}: {body[:500]!r}")
    try:
        doc = json.loads(body)
    except ValueError:
        die(f"{name} {what}: not JSON: {body[:500]!r}")
    if doc.get("errors") or "data" not in doc:
        die(f"{name} {what}: GraphQL errors: {json.dumps(doc)[:800]}")
    return doc


def cmd_verify(a):
    ref = json.load(open(a.reference)) if a.reference and os.path.exists(a.reference) else None
    sizes = {}
    if a.mode == "reads":
        mine = {}
        for w in READS:
            body = open(os.path.join(a.bodies, f"{w}.json")).read()
            status, resp = post(a.url, body)
            doc = check_response(a.name, w, status, resp)
            data = normalize_seaography(doc["data"]) if a.name == "seaography" else normalize(doc["data"])
            edges = (data.get("users") or {}).get("edges")
            if w != "q1" and (not edges or len(edges) != 100):
                die(f"{a.name} {w}: expected 100 users, got {len(edges or [])}")
            mine[w] = data
            sizes[w] = len(resp)
        if ref is None:
            with open(a.reference, "w") as f:
                json.dump(mine, f)
        else:
            for w in READS:
                if mine[w] != ref[w]:
                    die(
                        f"{a.name} {w}: the data differs from the reference contender's "
                        f"(normalized: {json.dumps(mine[w])[:400]} vs {json.dumps(ref[w])[:400]})"
                    )
        print(f"{a.name}: q1 q2 q3 answer HTTP 200 without errors, same data as the reference "
              f"(bytes: {sizes})")
    else:
        # Two requests of each kind on the last users and profiles.
        for i, kind in enumerate(("set", "create", "set", "create")):
            user, profile = a.users - i, a.profiles - i
            body = open(os.path.join(a.bodies, f"m1-{kind}.json")).read()
            body = body.replace("__USER__", str(user)).replace("__PROFILE__", str(profile))
            status, resp = post(a.url, body)
            doc = check_response(a.name, f"m1 {kind}", status, resp)
            payload = normalize(doc["data"])
            if "link" in payload:  # seaography: unlink, then link (a list for an update)
                target = payload["link"]
                if isinstance(target, list):
                    target = target[0] if target else None
            else:
                target = next(iter(payload.values()))
                target = target.get("profile") or target.get("result")
            if not target or str(target.get("userId")) not in (str(user), f"User:{user}"):
                die(f"{a.name} m1 {kind}: the payload does not link user {user}: {json.dumps(doc)}")
            if kind == "set" and str(target.get("id")) not in (f"Profile:{profile}", str(profile)):
                die(f"{a.name} m1 set: the payload does not show profile {profile}: {json.dumps(doc)}")
            sizes[kind] = len(resp)
        print(f"{a.name}: m1 set/create answer HTTP 200 without errors (bytes: {sizes})")


# --------------------------------------------------------------------------
# Capturing hasone's SQL for pgbench

PGBENCH_HEADER = """\
-- pgbench script written by bench/run (do not edit): the SQL statements hasone
-- issued for one {label} request, {count} statements; one pgbench transaction
-- stands for one GraphQL request. bench/run runs it as
--   pgbench -n -M prepared -c CONNECTIONS -j THREADS -T DURATION -f {name}.sql
-- (hasone's sqlx prepares and caches each statement too).
--
-- How it is captured: bench/run starts a second hasone (release build) on a
-- copy of the seeded database that has `ALTER DATABASE ... SET log_statement =
-- 'all'`, POSTs the workload's document (bench/queries/hasone/{name}.graphql)
-- {repeat} times one request at a time, and reads PostgreSQL's log: each
-- `LOG: execute sqlx_s_N: <statement>` line of a request is copied here with the
-- values of its `DETAIL: parameters: $1 = '...'` line written in for $1, $2, ...
-- (quoted as logged; PostgreSQL casts them as it did the parameters). Of the
-- {repeat} requests the one with the fewest statements is kept: hasone batches
-- the keys gathered within its dataloader window, and a request that misses the
-- window sends one level's batch as two statements. hasone sends the batches
-- of one level concurrently on several pool connections; pgbench sends them one
-- after another on one connection.
"""

LOG_LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] (\S*)@(\S+) (LOG|DETAIL):  (.*)$")
PARAM = re.compile(r"\$(\d+) = ('(?:[^']|'')*'|NULL)")


def parse_capture(lines, db):
    """Splits the log lines of database `db` at the capture markers: {marker: [statements]}."""
    out, current, pending = {}, None, {}
    for line in lines:
        m = LOG_LINE.match(line.rstrip("\n"))
        if not m or m.group(3) != db:
            continue
        pid, kind, text = m.group(1), m.group(4), m.group(5)
        marker = re.match(r"statement: select 'bench-capture (\S+)'", text)
        if kind == "LOG" and marker:
            current = marker.group(1)
            out.setdefault(current, [])
            continue
        if kind == "LOG" and text.startswith("execute "):
            sql = text.split(": ", 1)[1]
            pending[pid] = sql
            if current is not None and "$1" not in sql:
                out[current].append(sql)
                pending.pop(pid)
        elif kind == "DETAIL" and text.startswith("parameters: ") and pid in pending:
            sql = pending.pop(pid)
            values = dict(PARAM.findall(text))
            sql = re.sub(r"\$(\d+)\b", lambda mm: values[mm.group(1)], sql)
            if current is not None:
                out[current].append(sql)
    return out


def cmd_capture_sql(a):
    env = dict(os.environ, DATABASE_URL=a.db_url, HASONE_SEED_USERS="0", RUST_LOG="warn")
    port = socket.socket()
    port.bind(("127.0.0.1", 0))
    env["HASONE_ADDR"] = f"127.0.0.1:{port.getsockname()[1]}"
    url = f"http://{env['HASONE_ADDR']}/graphql"
    port.close()
    offset = os.path.getsize(a.log_file)
    psql(a, f'alter database "{a.db}" set log_statement = \'all\'')
    server = subprocess.Popen([a.hasone, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_answering(server, url, 60, 2, 0.2,
                       lambda: f"the capturing hasone exited: {server.stderr.read().decode()[-1000:]}",
                       "the capturing hasone did not start")
        for w in READS:
            body = open(os.path.join(a.bodies, f"{w}.json")).read()
            for i in range(a.repeat):
                psql(a, f"select 'bench-capture {w}:{i}'", db=a.db)
                status, resp = post(url, body)
                check_response("hasone (capture)", w, status, resp)
                time.sleep(0.3)
        psql(a, "select 'bench-capture end'", db=a.db)
        time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(10)
        psql(a, f'alter database "{a.db}" reset log_statement')
    with open(a.log_file, errors="replace") as f:
        f.seek(offset)
        captured = parse_capture(f.readlines(), a.db)
    os.makedirs(a.out, exist_ok=True)
    labels = {"q1": "Q1 (one user, 4 has-one fields)", "q2": "Q2 (100 users, 4 has-one fields)",
              "q3": "Q3 (100 users, profile -> user -> project)"}
    for w in READS:
        runs = [captured.get(f"{w}:{i}", []) for i in range(a.repeat)]
        runs = [r for r in runs if r]
        if not runs:
            die(f"no statement of {w} found in {a.log_file} (log_line_prefix '%m [%p] %q%u@%d ' expected)")
        best = min(runs, key=len)
        with open(os.path.join(a.out, f"{w}.sql"), "w") as f:
            f.write(PGBENCH_HEADER.format(label=labels[w], count=len(best), name=w, repeat=a.repeat))
            for sql in best:
                f.write(sql.rstrip(";") + ";\n")
        print(f"  {w}: {len(best)} statements (of {', '.join(str(len(r)) for r in runs)} in {a.repeat} requests)")


# --------------------------------------------------------------------------
# Measurement


def psql(a, sql, db="postgres"):
    cmd = ["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", a.pghost, "-p", str(a.pgport),
           "-U", a.pguser, "-d", db, "-c", sql]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        die(f"psql failed: {sql[:100]}: {r.stderr.strip()}")
    return r.stdout


def reset_statements(a):
    psql(a, "select pg_stat_statements_reset(0::oid, (select oid from pg_database "
            f"where datname = '{a.db}'), 0::bigint)")


def read_statements(a):
    out = psql(a, "select coalesce(json_agg(s order by s.calls desc), '[]') from ("
                  "select calls, rows, round(total_exec_time::numeric, 1) as total_ms, "
                  "left(regexp_replace(query, '\\s+', ' ', 'g'), 400) as query "
                  "from pg_stat_statements where dbid = (select oid from pg_database "
                  f"where datname = '{a.db}')) s")
    return json.loads(out)


def proc_ticks(pid, children=False):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # fields[0] is field 3 (state): utime=14, stime=15, cutime=16, cstime=17
    t = int(fields[11]) + int(fields[12])
    if children:
        t += int(fields[13]) + int(fields[14])
    return t


PG_BACKGROUND = ("checkpointer", "background writer", "walwriter", "autovacuum launcher",
                 "logical replication launcher", "stats collector", "archiver")


class PgCpuPoller(threading.Thread):
    """CPU of the PostgreSQL processes that work for database `db`.

    Its backends (found by the database name in their process title) and the
    cluster's background processes (WAL writer, checkpointer, ...); backends of
    other databases, i.e. other users of the server, are left out. With
    BENCH_PG_POSTMASTER set (bench/run's private cluster), only that
    postmaster's children are looked at, never another cluster's processes. Polled every
    200 ms so that backends which exit (pgbench's, at its end) are counted up
    to their last poll.
    """

    def __init__(self, db):
        super().__init__(daemon=True)
        self.db, self.stop = db, threading.Event()
        self.first, self.last = {}, {}
        # bench/run's private cluster: only its postmaster's children count.
        self.postmaster = int(os.environ.get("BENCH_PG_POSTMASTER") or 0) or None
        self.sample(initial=True)

    def sample(self, initial=False):
        needle = f" {self.db} "
        ppid = parents() if self.postmaster else None
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            if ppid is not None and ppid.get(int(pid)) != self.postmaster:
                continue
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() != "postgres":
                        continue
                with open(f"/proc/{pid}/cmdline", "rb") as f:
                    title = f.read().replace(b"\0", b" ").decode(errors="replace") + " "
            except OSError:
                continue
            if needle not in title and not any(b in title for b in PG_BACKGROUND):
                continue
            t = proc_ticks(pid)
            if initial:
                self.first[pid] = t
            self.first.setdefault(pid, 0)
            self.last[pid] = t

    def run(self):
        while not self.stop.wait(0.2):
            self.sample()

    def finish(self):
        self.stop.set()
        self.join()
        self.sample()
        return sum(self.last[p] - self.first[p] for p in self.last)


def machine_ticks():
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal
    return v[0] + v[1] + v[2] + v[5] + v[6] + v[7]


class RssPoller(threading.Thread):
    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.stop = pid, 0, threading.Event()

    def run(self):
        while not self.stop.is_set():
            try:
                self.peak = max(self.peak, tree_kb(self.pid, "VmRSS"))
            except OSError:
                return
            self.stop.wait(0.1)


def run_measured(cmd, env, db, server_pid=None):
    """Runs the load generator; returns its output and the CPU split."""
    poller = None
    tree = process_tree(server_pid)
    for pid in tree:
        try:
            with open(f"/proc/{pid}/clear_refs", "w") as f:
                f.write("5")  # resets VmHWM to the current RSS
        except OSError:
            pass
    if server_pid:
        poller = RssPoller(server_pid)
        poller.start()
    t0 = time.time()
    # A server of several processes (node:cluster) counts all of them.
    srv0 = sum(proc_ticks(p) for p in tree)
    pg = PgCpuPoller(db)
    pg.start()
    all0 = machine_ticks()
    p = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                         encoding="utf-8", errors="replace")
    out, err = p.communicate()
    # communicate() reaped the child; its rusage is in RUSAGE_CHILDREN deltas.
    elapsed = time.time() - t0
    srv1 = sum(proc_ticks(p) for p in tree)
    all1 = machine_ticks()
    pg_ticks = pg.finish()
    if p.returncode != 0:
        die(f"{cmd[0]} failed ({p.returncode}): {err.strip()[:1000]}")
    peak = None
    if poller:
        poller.stop.set()
        poller.join()
        # Several processes: the sum of their VmHWM (each one's own peak).
        peak = max(poller.peak, tree_kb(server_pid, "VmHWM"))
    cpu = {
        "server": (srv1 - srv0) / CLK_TCK / elapsed,
        "postgres": pg_ticks / CLK_TCK / elapsed,
        "machine": (all1 - all0) / CLK_TCK / elapsed,
    }
    return out, err, cpu, peak, elapsed


def children_cpu():
    import resource
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def load_generator_cpu(before, elapsed):
    return (children_cpu() - before) / elapsed


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def shown(cmd):
    """A command line for the report: paths relative to the repository."""
    return " ".join(shlex.quote(os.path.relpath(x, REPO) if x.startswith(REPO + os.sep) else x) for x in cmd)


def append(path, record):
    with open(path, "a") as f:
        f.write(json.dumps(record) + "\n")


def cmd_wrk(a):
    env = dict(os.environ)
    if a.workload == "m1":
        env.update(SET_FILE=os.path.join(a.bodies, "m1-set.json"),
                   CREATE_FILE=os.path.join(a.bodies, "m1-create.json"),
                   USERS=str(a.users), PROFILES=str(a.profiles))
    else:
        env["BODY_FILE"] = os.path.join(a.bodies, f"{a.workload}.json")

    def wrk(duration):
        return ["wrk", "-t", str(a.threads), "-c", str(a.connections), "-d", f"{duration}s",
                "--timeout", "10s", "--latency", "-s", a.script, a.url]

    if a.warmup > 0:
        subprocess.run(wrk(a.warmup), env=env, capture_output=True, check=False)
    reset_statements(a)
    c0 = children_cpu()
    out, _, cpu, peak, elapsed = run_measured(wrk(a.duration), env, a.db, a.pid)
    cpu["load_generator"] = load_generator_cpu(c0, elapsed)
    m = re.search(r"^WRK_JSON (.*)$", out, re.M)
    if not m:
        die(f"wrk printed no WRK_JSON line:\n{out}")
    w = json.loads(m.group(1))
    statements = read_statements(a)
    requests = w["requests"]
    lat = w["latency_us"]
    record = {
        "kind": "run",
        "contender": a.contender,
        "workload": a.workload,
        "tool": "wrk",
        "command": shown(wrk(a.duration)),
        "duration_s": w["duration_us"] / 1e6,
        "requests": requests,
        "rps": requests / (w["duration_us"] / 1e6),
        "latency_ms": {k: v / 1000 for k, v in lat.items()},
        "bytes_per_request": w["bytes"] / requests if requests else 0,
        "non200": w["non200"],
        "graphql_errors": w["graphql_errors"],
        "first_error": w.get("first_error") or None,
        "socket_errors": w["socket_errors"],
        **statement_fields(statements, requests),
        "peak_rss_kb": peak,
        "cpu_cores": cpu,
        "loadavg": open("/proc/loadavg").read().split()[:3],
        "wrk_output": out,
    }
    append(a.results, record)
    print(f"  {a.contender:<20} {a.workload}: {record['rps']:9.1f} req/s  p50 {lat['p50'] / 1000:7.2f} ms  "
          f"p99 {lat['p99'] / 1000:7.2f} ms  stmts/req {record['statements_per_request'] or 0:5.2f}  "
          f"peak RSS {(peak or 0) / 1024:6.1f} MB  errors {w['graphql_errors'] + w['non200']}  "
          f"CPU server/pg/wrk {cpu['server']:.2f}/{cpu['postgres']:.2f}/{cpu['load_generator']:.2f}")


def statement_fields(statements, requests):
    """The SQL part of a run's record: totals, per request, the most frequent."""
    total = sum(s["calls"] for s in statements)
    control = sum(s["calls"] for s in statements
                  if re.match(r"(?i)\s*(begin|commit|rollback|start transaction|savepoint|release)\b", s["query"]))
    return {
        "statements": total,
        "statements_per_request": total / requests if requests else None,
        # Without BEGIN / COMMIT / ROLLBACK / SAVEPOINT: the statements that do the work.
        "work_statements_per_request": (total - control) / requests if requests else None,
        "top_statements": statements[:8],
    }


def percentile(sorted_values, p):
    if not sorted_values:
        return 0
    k = (len(sorted_values) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def cmd_pgbench(a):
    def pgbench(duration, log_prefix=None):
        cmd = ["pgbench", "-n", "-M", "prepared", "-c", str(a.connections), "-j", str(a.threads),
               "-T", str(duration), "-f", a.script, "-h", a.pghost, "-p", str(a.pgport), "-U", a.pguser]
        if log_prefix:
            cmd += ["-l", "--log-prefix", log_prefix]
        return cmd + [a.db]

    if a.warmup > 0:
        subprocess.run(pgbench(a.warmup), capture_output=True, check=False)
    reset_statements(a)
    with tempfile.TemporaryDirectory() as tmp:
        prefix = os.path.join(tmp, "tx")
        c0 = children_cpu()
        out, err, cpu, _, elapsed = run_measured(pgbench(a.duration, prefix), dict(os.environ), a.db)
        cpu["load_generator"] = load_generator_cpu(c0, elapsed)
        cpu["server"] = 0.0
        latencies = []
        for name in os.listdir(tmp):
            with open(os.path.join(tmp, name)) as f:
                for line in f:
                    parts = line.split()
                    if len(parts) >= 3:
                        latencies.append(int(parts[2]))
    latencies.sort()
    text = out + err
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", text)
    n = re.search(r"number of transactions actually processed: (\d+)", text)
    failed = re.search(r"number of failed transactions: (\d+)", text)
    if not tps or not n:
        die(f"cannot read pgbench output:\n{text}")
    transactions = int(n.group(1))
    statements = read_statements(a)
    lat = {
        "min": latencies[0] / 1000 if latencies else 0,
        "mean": sum(latencies) / len(latencies) / 1000 if latencies else 0,
        "max": latencies[-1] / 1000 if latencies else 0,
        **{f"p{p}".replace(".", ""): percentile(latencies, p) / 1000 for p in (50, 75, 90, 99, 99.9)},
    }
    record = {
        "kind": "run",
        "contender": "pgbench",
        "workload": a.workload,
        "tool": "pgbench",
        "command": shown(pgbench(a.duration)),
        "duration_s": a.duration,
        "requests": transactions,
        "rps": float(tps.group(1)),
        "latency_ms": lat,
        "non200": 0,
        "graphql_errors": int(failed.group(1)) if failed else 0,
        "socket_errors": {},
        **statement_fields(statements, transactions),
        "peak_rss_kb": None,
        "cpu_cores": cpu,
        "loadavg": open("/proc/loadavg").read().split()[:3],
        "pgbench_output": text,
    }
    append(a.results, record)
    print(f"  {'pgbench':<20} {a.workload}: {record['rps']:9.1f} tx/s   p50 {lat['p50']:7.2f} ms  "
          f"p99 {lat['p99']:7.2f} ms  stmts/tx  {record['statements_per_request'] or 0:5.2f}  "
          f"CPU pg/pgbench {cpu['postgres']:.2f}/{cpu['load_generator']:.2f}")


def cmd_record(a):
    """Appends a free-form record, e.g. a contender's idle RSS."""
    record = json.loads(a.json)
    append(a.results, record)


def cargo_lock_versions(path, names):
    """`name version` of some packages of a Cargo.lock, comma-separated."""
    try:
        text = open(path).read()
    except OSError:
        return None
    found = []
    for name in names:
        m = re.search(r'\[\[package\]\]\nname = "' + re.escape(name) + r'"\nversion = "([^"]+)"', text)
        if m:
            found.append(f"{name} {m.group(1)}")
    return ", ".join(found) or None


def cmd_meta(a):
    def sh(cmd):
        try:
            return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=30).stdout.strip()
        except subprocess.TimeoutExpired:
            return ""

    def npm_version(folder, package):
        try:
            with open(os.path.join(folder, "node_modules", package, "package.json")) as f:
                return json.load(f)["version"]
        except OSError:
            return None

    mem_kb = int(re.search(r"MemTotal:\s+(\d+)", open("/proc/meminfo").read()).group(1))
    cpu_model = re.search(r"model name\s*:\s*(.*)", open("/proc/cpuinfo").read())
    pg_ver = psql(a, "select version()").strip()
    meta = {
        "kind": "meta",
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "command": a.command,
        "settings": json.loads(a.settings),
        "machine": {
            "nproc": os.cpu_count(),
            "memory_gib": round(mem_kb / 1024 / 1024, 1),
            "cpu": cpu_model.group(1) if cpu_model else None,
            "kernel": os.uname().release,
            "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
        },
        "versions": {
            "hasone": a.hasone_version,
            "rustc": sh("rustc --version"),
            "postgresql": pg_ver,
            "wrk": sh("wrk -v 2>&1 | head -n 1 | cut -d' ' -f1-2"),
            "pgbench": sh("pgbench --version"),
            "node (PostGraphile, Apollo)": sh(f"{shlex.quote(a.node)} --version"),
            "postgraphile": npm_version(a.postgraphile_dir, "postgraphile"),
            "@apollo/server": npm_version(a.apollo_dir, "@apollo/server"),
            "graphql (Apollo)": npm_version(a.apollo_dir, "graphql"),
            "sequelize": npm_version(a.apollo_dir, "sequelize"),
            "dataloader-sequelize": npm_version(a.apollo_dir, "dataloader-sequelize"),
            "pg (Apollo)": npm_version(a.apollo_dir, "pg"),
            "pg (PostGraphile)": npm_version(a.postgraphile_dir, "pg"),
            "seaography (its sea-orm, async-graphql)": cargo_lock_versions(
                os.path.join(REPO, "bench", "seaography", "Cargo.lock"), ("seaography", "sea-orm", "async-graphql")),
            "python": sys.version.split()[0],
        },
    }
    append(a.results, meta)


# --------------------------------------------------------------------------
# Report

CONTENDER_LABEL = {
    "hasone": "hasone",
    "postgraphile": "PostGraphile 5",
    "postgraphile-cluster": "PostGraphile 5 (1 worker/core)",
    "seaography": "seaography",
    "apollo-sequelize": "Apollo 4 + Sequelize 6",
    "pgbench": "pgbench (SQL ceiling)",
}


CONTENDER_ORDER = ["hasone", "postgraphile", "postgraphile-cluster", "apollo-sequelize", "seaography", "pgbench"]


def svg_chart(runs, path):
    """Horizontal bars of Q2 requests/s, one per contender, with p99 in the label."""
    rows = [r for r in runs if r["workload"] == "q2"]
    order = CONTENDER_ORDER
    rows.sort(key=lambda r: order.index(r["contender"]) if r["contender"] in order else 99)
    colors = {"hasone": "#d9480f", "postgraphile": "#1c7ed6", "postgraphile-cluster": "#4dabf7",
              "apollo-sequelize": "#7048e8", "seaography": "#2b8a3e", "pgbench": "#868e96"}
    width, left, bar_h, gap, top = 860, 200, 34, 16, 58
    height = top + len(rows) * (bar_h + gap) + 10
    vmax = max([r["rps"] for r in rows] + [1])
    scale = (width - left - 300) / vmax
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="13">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        '<text x="16" y="26" font-size="16" font-weight="bold">Q2: 100 users × 4 has-one fields — '
        "requests per second (higher is better)</text>",
        '<text x="16" y="46" fill="#555">wrk, 127.0.0.1, same data; pgbench runs hasone\'s SQL alone '
        "(no HTTP/GraphQL)</text>",
    ]
    for i, r in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = max(1.0, r["rps"] * scale)
        label = CONTENDER_LABEL.get(r["contender"], r["contender"])
        out.append(f'<text x="{left - 10}" y="{y + bar_h / 2 + 5}" text-anchor="end">{label}</text>')
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                   f'fill="{colors.get(r["contender"], "#495057")}" rx="3"/>')
        unit = "tx/s" if r["contender"] == "pgbench" else "req/s"
        weight = ' font-weight="bold"' if r["contender"] == "hasone" else ""
        out.append(f'<text x="{left + w + 8:.1f}" y="{y + bar_h / 2 + 5}"{weight}>{r["rps"]:,.0f} {unit} · '
                   f'p50 {r["latency_ms"]["p50"]:.1f} ms · p99 {r["latency_ms"]["p99"]:.1f} ms</text>')
    axis_y = top + len(rows) * (bar_h + gap) - gap / 2
    out.append(f'<line x1="{left}" y1="{top - 6}" x2="{left}" y2="{axis_y}" stroke="#333"/>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def times(v):
    return "–" if v is None else f"{v:,.2f}×"


def fmt(v, digits=1):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"


def mb(kb):
    return "–" if kb is None else f"{kb / 1024:.1f}"


def observations(by, workloads, machine):
    """Sentences computed from the numbers: what limited hasone in this run."""
    L = ["## What limits hasone in this run", ""]
    cores = machine.get("nproc") or 2
    for w in workloads:
        h = by.get(("hasone", w))
        if not h or not h["rps"]:
            continue
        cp = h["cpu_cores"]
        busy = cp["machine"]
        srv_ms = cp["server"] / h["rps"] * 1000
        pg_ms = cp["postgres"] / h["rps"] * 1000
        share = cp["server"] / busy * 100 if busy else 0
        line = (f"- **{w.upper()}**: {h['rps']:,.0f} req/s with the machine {busy / cores * 100:.0f} % busy; "
                f"hasone's process used {cp['server']:.2f} cores ({share:.0f} % of the busy time, "
                f"{srv_ms:.2f} ms CPU per request), PostgreSQL {cp['postgres']:.2f} cores "
                f"({pg_ms:.2f} ms per request), wrk {cp['load_generator']:.2f}.")
        pgb = by.get(("pgbench", w))
        if pgb and pgb["rps"]:
            pg_ms_ceiling = pgb["cpu_cores"]["postgres"] / pgb["rps"] * 1000
            line += (f" The same SQL alone (pgbench) runs at {pgb['rps']:,.0f} transactions/s, "
                     f"{pg_ms_ceiling:.2f} ms of PostgreSQL CPU each")
            line += (": the database is not the bottleneck, hasone's own CPU is." if srv_ms > 2 * pg_ms
                     else ".")
        spr = h.get("statements_per_request")
        if spr and w in READS:
            expected = EXPECTED_STATEMENTS[w][0]
            if spr > expected + 0.05:
                line += (f" It sent {spr:.2f} statements per request instead of {expected}: under load some "
                         "requests' keys miss the dataloader's batching window (a yield count) and a level "
                         "is loaded in two statements.")
        L.append(line)
    L.append("")
    return L


def cmd_report(a):
    records = [json.loads(line) for line in open(a.results) if line.strip()]
    meta = next((r for r in records if r["kind"] == "meta"), {})
    runs = [r for r in records if r["kind"] == "run"]
    idle = {r["contender"]: r["idle_rss_kb"] for r in records if r["kind"] == "idle_rss"}
    by = {(r["contender"], r["workload"]): r for r in runs}
    contenders = [c for c in CONTENDER_ORDER if any(r["contender"] == c for r in runs)]
    workloads = [w for w in WORKLOADS if any(r["workload"] == w for r in runs)]

    def ratio(w, other):
        h, o = by.get(("hasone", w)), by.get((other, w))
        if not h or not o or not o["rps"]:
            return None
        return h["rps"] / o["rps"]

    peak = {}
    for r in runs:
        if r.get("peak_rss_kb"):
            peak[r["contender"]] = max(peak.get(r["contender"], 0), r["peak_rss_kb"])

    # Targets (reported, not asserted).
    targets = []

    def target(name, value, ok):
        targets.append((name, value, "yes" if ok else ("no" if ok is not None else "–")))

    def per_request(c, w, part):
        r = by.get((c, w))
        if not r or not r["rps"]:
            return None
        return r["cpu_cores"][part] / r["rps"] * 1000

    def cpu_ratio(w, other, part):
        h, o = per_request("hasone", w, part), per_request(other, w, part)
        return None if h is None or not o else h / o

    pg_names = [("postgraphile", "PostGraphile 5 (one process)"),
                ("postgraphile-cluster", "PostGraphile 5 (one worker per core)")]
    limits = {"q1": (2 / 3, "⅔"), "q2": (1 / 2, "½"), "q3": (1 / 2, "½"), "m1": (2 / 3, "⅔")}
    for other, label in pg_names:
        for w in workloads:
            limit, text = limits[w]
            r = cpu_ratio(w, other, "server")
            if r is None and not by.get(("hasone", w)):
                continue
            target(f"{w.upper()} server CPU per request ≤ {text} of {label}'s", times(r),
                   None if r is None else r <= limit)
    speed = {"q1": 1.3, "q2": 2, "q3": 2, "m1": 1.3}
    for other, label in reversed(pg_names):
        for w in workloads:
            if not by.get(("hasone", w)):
                continue
            r = ratio(w, other)
            target(f"{w.upper()} throughput ≥ {speed[w]:g}× {label}", times(r),
                   None if r is None else r >= speed[w])
    pg_limits = {"q1": 1.2, "q2": 1.0, "q3": 1.0}
    for other, label in pg_names:
        for w in workloads:
            if w not in pg_limits or not by.get(("hasone", w)):
                continue
            r = cpu_ratio(w, other, "postgres")
            target(f"{w.upper()} PostgreSQL CPU per request ≤ {pg_limits[w]:g}× {label}'s", times(r),
                   None if r is None else r <= pg_limits[w])
    if by.get(("hasone", "q2")):
        r = ratio("q2", "apollo-sequelize")
        target("Q2 throughput ≥ 5× Apollo + Sequelize", times(r), None if r is None else r >= 5)
        r = ratio("q2", "pgbench")
        target("Q2 throughput ≥ 60 % of the pgbench ceiling", "–" if r is None else f"{r * 100:.0f} %",
               None if r is None else r >= 0.6)
    for w in workloads:
        hr = by.get(("hasone", w))
        if w in READS and hr:
            expected, why = EXPECTED_STATEMENTS[w]
            spr = hr["statements_per_request"]
            target(f"{w.upper()} statements/request = {expected} ({why})", fmt(spr, 2),
                   None if spr is None else abs(spr - expected) < 0.05)
    hm = by.get(("hasone", "m1"))
    if hm:
        work = hm.get("work_statements_per_request")
        target("M1 statements per mutation ≤ 4 (a set or a create on PostgreSQL; without BEGIN/COMMIT; "
               f"{fmt(hm['statements_per_request'], 2)} with them)", fmt(work, 2),
               None if work is None else work <= 4.05)
    for w in workloads:
        hr = by.get(("hasone", w))
        if hr:
            lat = hr["latency_ms"]
            target(f"{w.upper()} p99 ≤ 2× p50", f"{lat['p99'] / lat['p50']:.2f}×" if lat["p50"] else "–",
                   lat["p99"] <= 2 * lat["p50"] if lat["p50"] else None)
    if "hasone" in idle:
        target("idle RSS ≤ 30 MB", f"{mb(idle['hasone'])} MB", idle["hasone"] <= 30 * 1024)

    # Instructions per request (callgrind): the committed baseline and this run's binary.
    callgrind = []
    for path, label in ((a.callgrind_baseline, "baseline (start)"), (a.callgrind, "this run")):
        if path and os.path.exists(path):
            try:
                callgrind.append((label, json.load(open(path))))
            except ValueError:
                pass

    s = meta.get("settings", {})
    m = meta.get("machine", {})
    L = []
    L.append("# Benchmarks")
    L.append("")
    L.append("hasone against PostGraphile 5, Apollo Server 4 + Sequelize 6 + dataloader-sequelize, and")
    L.append("a pgbench run of the SQL hasone issues (the ceiling: the database alone, no HTTP or GraphQL).")
    L.append("Every number here was written by the command below; nothing was edited by hand.")
    L.append("")
    L.append("```sh")
    L.append(meta.get("command", "bench/run"))
    L.append("```")
    L.append("")
    L.append(f"Run on {meta.get('date', '?')}: {m.get('nproc')} cores ({m.get('cpu')}), "
             f"{m.get('memory_gib')} GiB memory, {m.get('os')}, Linux {m.get('kernel')}. "
             f"wrk with {s.get('connections')} connections and {s.get('threads')} threads over 127.0.0.1, "
             f"{s.get('warmup')} s warm-up then {s.get('duration')} s measured per workload; the "
             "contenders take turns workload by workload (Q1 for all, then Q2 for all, ...), each on "
             f"its own copy of one database seeded by `hasone seed` with {s.get('users')} users.")
    L.append("")
    L.append("![Q2 requests per second](bench/q2.svg)")
    L.append("")
    L.append("What was profiled and changed in hasone to get here, and what still stands between "
             "hasone and the targets: [docs/performance.md](docs/performance.md) (written by hand; "
             "this file is written by `bench/run` only).")
    L.append("")
    others = [max(0.0, r["cpu_cores"]["machine"] - r["cpu_cores"]["server"] - r["cpu_cores"]["postgres"]
                  - r["cpu_cores"]["load_generator"]) for r in runs]
    if others and sum(others) / len(others) > 0.25:
        loads = [float(r["loadavg"][0]) for r in runs]
        L.append(f"> **Shared machine.** Other processes kept on average {sum(others) / len(others):.2f} of the "
                 f"{m.get('nproc')} cores busy during the measured runs (up to {max(others):.2f}; 1-minute load "
                 f"average {min(loads):.1f}–{max(loads):.1f}), so requests/s here are lower and noisier than on "
                 "an idle machine, by different amounts for different runs. The CPU table below shows, per "
                 "run, how much CPU each contender got and what one request cost.")
        L.append("")
    L.append("## Q2 at a glance")
    L.append("")
    L.append("| contender | req/s | p50 ms | p99 ms | SQL statements / request | hasone ÷ contender |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: |")
    for c in contenders:
        r = by.get((c, "q2"))
        if not r:
            continue
        rt = ratio("q2", c) if c != "hasone" else None
        L.append(f"| {CONTENDER_LABEL[c]} | {fmt(r['rps'])} | {fmt(r['latency_ms']['p50'], 2)} | "
                 f"{fmt(r['latency_ms']['p99'], 2)} | {fmt(r['statements_per_request'], 2)} | "
                 f"{'–' if rt is None else fmt(rt, 2) + '×'} |")
    L.append("")
    L.append("## Targets (reported, not asserted)")
    L.append("")
    L.append("| target | measured | met |")
    L.append("| --- | ---: | :---: |")
    for name, value, ok in targets:
        L.append(f"| {name} | {value} | {ok} |")
    L.append("")
    if callgrind:
        L.append("## Instructions per request (callgrind)")
        L.append("")
        L.append("hasone alone under `valgrind --tool=callgrind` (`bench/callgrind`): instructions executed by "
                 "the server process per request (total Ir of 20 requests sent one after another after 5 "
                 "warm-up requests, ÷ 20). Unlike requests/s this does not depend on the machine's load.")
        L.append("")
        cg_w = ["q1", "q2", "q3", "m1"]
        L.append("| binary | " + " | ".join(f"{w.upper()} instructions / request" for w in cg_w) + " |")
        L.append("| --- | " + " | ".join("---:" for _ in cg_w) + " |")
        base = callgrind[0][1] if callgrind and callgrind[0][0].startswith("baseline") else None
        for label, d in callgrind:
            cells = []
            for w in cg_w:
                v = (d.get("workloads", {}).get(w) or {}).get("instructions_per_request")
                b = (base or {}).get("workloads", {}).get(w, {}).get("instructions_per_request") if base else None
                cell = "–" if v is None else f"{v:,.0f}"
                if v is not None and b and d is not base:
                    cell += f" ({v / b:.2f}× baseline)"
                cells.append(cell)
            L.append(f"| {label}: {d.get('describe', '?')} | " + " | ".join(cells) + " |")
        L.append("")
    L.append("## All workloads")
    L.append("")
    for w in workloads:
        L.append(f"### {WORKLOADS[w]}")
        L.append("")
        L.append("| contender | req/s | p50 ms | p99 ms | p99/p50 | statements / request | "
                 "peak RSS MB | errors | hasone ÷ contender |")
        L.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for c in contenders:
            r = by.get((c, w))
            if not r:
                continue
            lat = r["latency_ms"]
            errs = r["graphql_errors"] + r["non200"] + sum((r.get("socket_errors") or {}).values())
            rt = ratio(w, c) if c != "hasone" else None
            L.append(f"| {CONTENDER_LABEL[c]} | {fmt(r['rps'])} | {fmt(lat['p50'], 2)} | {fmt(lat['p99'], 2)} | "
                     f"{fmt(lat['p99'] / lat['p50'] if lat['p50'] else None, 2)} | "
                     f"{fmt(r['statements_per_request'], 2)} | {mb(r.get('peak_rss_kb'))} | {errs} | "
                     f"{'–' if rt is None else fmt(rt, 2) + '×'} |")
        L.append("")
    L.append("Errors: non-200 responses, responses with `errors`, and wrk socket errors during the timed")
    L.append("run (for pgbench: failed transactions). Under M1's concurrent moves of profiles between")
    L.append("random users, a deadlock or unique-key conflict between two requests is possible in every")
    L.append("contender; the count shows how often it happened.")
    L.append("")
    samples = [r for r in runs if r.get("first_error")]
    if samples:
        L.append("First bad response of each run that had one:")
        L.append("")
        for r in samples:
            text = " ".join(r["first_error"].split()).replace("`", "'")
            L.append(f"- {CONTENDER_LABEL[r['contender']]}, {r['workload'].upper()}: `{text[:300]}`")
        L.append("")
    L.append("## Memory")
    L.append("")
    L.append("| contender | idle RSS after start MB | peak RSS over all workloads MB |")
    L.append("| --- | ---: | ---: |")
    for c in contenders:
        if c == "pgbench":
            continue
        L.append(f"| {CONTENDER_LABEL[c]} | {mb(idle.get(c))} | {mb(peak.get(c))} |")
    L.append("")
    L.append("Idle RSS: VmRSS of the server process once it answers, before any benchmark request.")
    L.append("A server of several processes (PostGraphile with one worker per core: the node:cluster")
    L.append("primary and its workers) counts the sum over its processes, for RSS and for CPU.")
    L.append("Peak RSS: VmHWM of the server process during each timed run (reset with")
    L.append("`echo 5 > /proc/PID/clear_refs` after the warm-up), also polled every 100 ms.")
    L.append("")
    L.append("## Where the CPU went (cores busy during the timed run)")
    L.append("")
    L.append(f"The machine has {m.get('nproc')} cores shared by the load generator, the server and")
    L.append("PostgreSQL. `postgres` counts the backends of the contender's own database and the")
    L.append("cluster's background processes (WAL writer, checkpointer, ...); `other` is the machine's")
    L.append("remaining busy time: other users of this machine, the harness itself.")
    L.append("")
    L.append("| workload | contender | server | postgres | wrk / pgbench | other | machine | "
             "server CPU ms / request | postgres CPU ms / request | hasone ÷ contender, server CPU / request | "
             "load avg (1 min) |")
    L.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for w in workloads:
        for c in contenders:
            r = by.get((c, w))
            if not r:
                continue
            cp = r["cpu_cores"]
            other = max(0.0, cp["machine"] - cp["server"] - cp["postgres"] - cp["load_generator"])
            per = (lambda cores: f"{cores / r['rps'] * 1000:.2f}" if r["rps"] else "–")
            cr = cpu_ratio(w, c, "server") if c not in ("hasone", "pgbench") else None
            L.append(f"| {w.upper()} | {CONTENDER_LABEL[c]} | {cp['server']:.2f} | {cp['postgres']:.2f} | "
                     f"{cp['load_generator']:.2f} | {other:.2f} | {cp['machine']:.2f} | "
                     f"{per(cp['server']) if c != 'pgbench' else '–'} | {per(cp['postgres'])} | "
                     f"{'–' if cr is None else fmt(cr, 2) + '×'} | {r['loadavg'][0]} |")
    L.append("")
    L.append("CPU ms per request = cores busy ÷ requests per second: what one request costs, which")
    L.append("depends less on the other users of the machine than requests per second do.")
    L.append("")
    L.extend(observations(by, workloads, m))
    L.append("## SQL per request")
    L.append("")
    L.append("Statements per request: `pg_stat_statements` (enabled by bench/run through")
    L.append("`shared_preload_libraries`) of the contender's own database, reset after the warm-up,")
    L.append("total `calls` divided by the requests wrk completed (requests still in flight when wrk")
    L.append("stops add a fraction of a statement). Only top-level statements count: the statements")
    L.append("inside PostGraphile's SQL functions are not. The most frequent statements of Q2:")
    L.append("")
    for c in contenders:
        r = by.get((c, "q2"))
        if not r:
            continue
        L.append(f"**{CONTENDER_LABEL[c]}** ({fmt(r['statements_per_request'], 2)} statements per request)")
        L.append("")
        L.append("| calls | statement (normalized, shortened) |")
        L.append("| ---: | --- |")
        for st in r["top_statements"][:6]:
            q = st["query"].replace("|", "\\|")
            if len(q) > 160:
                q = q[:157] + "..."
            L.append(f"| {st['calls']} | `{q}` |")
        L.append("")
    L.append("## What runs")
    L.append("")
    L.append("| contender | how |")
    L.append("| --- | --- |")
    pool = s.get("pool_size", "?")
    L.append("| hasone | `target/release/hasone serve` (release build), defaults (one HTTP worker per core) "
             f"except a pool of {pool} connections |")
    L.append(f"| PostGraphile 5 | `bench/postgraphile/`: Amber preset, node:http, pool of {pool}; the scoped "
             "has-one fields are computed columns, the mutations SQL functions (`schema.sql`) |")
    L.append("| PostGraphile 5 (1 worker/core) | `bench/postgraphile/cluster.mjs`: the same server under "
             f"node:cluster, one worker per core (os.availableParallelism()), each with a pool of {pool} ÷ "
             "workers connections, on its own copy of the database; CPU and RSS summed over all its processes |")
    L.append("| seaography | `bench/seaography/` (seaography 2.0.0-rc.9 on SeaORM 2.0, async-graphql 7.0, "
             f"actix-web, one HTTP worker per core, pool of {pool}): has-ones are connections (`nodes`), the "
             "scopes are `filters` arguments, M1 is two of its mutations per request (unlink, then "
             "link/create; not one transaction), see bench/README.md |")
    L.append("| Apollo 4 + Sequelize 6 | `bench/apollo-sequelize/`: `startStandaloneServer`, Sequelize "
             f"`hasOne` associations read through dataloader-sequelize, pool of {pool} |")
    L.append("| pgbench | `bench/pgbench/q*.sql`: the statements hasone issues for one request, "
             "`-M prepared`, one transaction per request |")
    L.append("")
    L.append("Queries: `bench/queries/hasone/` (sent to hasone and to Apollo, whose schema copies "
             "hasone's field names) and `bench/queries/postgraphile/`. Before timing, bench/run sends "
             "each query once to each contender and stops unless every answer is HTTP 200 without "
             "`errors` and carries the same data as hasone's (PostGraphile's names and node ids mapped "
             "to hasone's).")
    L.append("")
    L.append("Caveats:")
    L.append("")
    L.append("- The pgbench ceiling is PostgreSQL alone: no HTTP, GraphQL parsing and execution or JSON;")
    L.append("  it sends a request's statements one after another on one connection per client, where")
    L.append("  hasone sends one level's batches concurrently on several pool connections.")
    L.append("- PostGraphile plans the whole selection into one SQL statement (lateral joins, computed")
    L.append("  columns inlined), so its statements per request are ~1 by design; it does not batch with")
    L.append("  dataloaders. M1 runs one SQL function call per mutation in PostGraphile (the function's own")
    L.append("  statements are not counted), a transaction of several statements in hasone and Apollo.")
    L.append("- hasone and seaography serve with one HTTP worker per core; PostGraphile runs twice: one")
    L.append("  process with one JavaScript thread, and one worker process per core under node:cluster (its")
    L.append("  CPU and RSS are the sums over the primary and the workers); Apollo is one process.")
    L.append("- seaography's dataloaders belong to the schema, not to a request: under load, concurrent")
    L.append("  requests share batches, so its statements per request fall below one per level. Its Q2/Q3")
    L.append("  cursor pagination adds two one-row statements (`hasNextPage`, `hasPreviousPage`); its has-one")
    L.append("  scopes are `filters` arguments (it ignores a relation's `on_condition`); its M1 is two")
    L.append("  mutations per request (unlink, then link or create), not one transaction.")
    L.append("- Apollo + Sequelize reads the scoped associations through one model per association because")
    L.append("  dataloader-sequelize ignores hasOne scopes (see `bench/apollo-sequelize/README.md`).")
    L.append("")
    L.append("## Versions")
    L.append("")
    L.append("| component | version |")
    L.append("| --- | --- |")
    for k, v in meta.get("versions", {}).items():
        L.append(f"| {k} | {v or '–'} |")
    L.append("")
    if a.notes and os.path.exists(a.notes):
        L.append(open(a.notes).read().rstrip())
        L.append("")
    with open(a.markdown, "w") as f:
        f.write("\n".join(L))

    summary = {
        "meta": meta,
        "idle_rss_kb": idle,
        "peak_rss_kb": peak,
        "runs": [{k: v for k, v in r.items() if k not in ("wrk_output", "pgbench_output")} for r in runs],
        "ratios_hasone_over": {
            w: {c: ratio(w, c) for c in contenders if c != "hasone"} for w in workloads
        },
        "targets": [{"target": n, "measured": v, "met": ok} for n, v, ok in targets],
        "callgrind": {label: d for label, d in callgrind},
    }
    with open(a.json_out, "w") as f:
        json.dump(summary, f, indent=2)
        f.write("\n")
    svg_chart(runs, a.svg)


# --------------------------------------------------------------------------
# Instructions per request (bench/callgrind)


def m1_bodies(bodies, users, profiles, count, seed=1000):
    """M1's bodies: set / create alternating, random users and profiles (fixed seed)."""
    import random
    rnd = random.Random(seed)
    set_body = open(os.path.join(bodies, "m1-set.json")).read()
    create_body = open(os.path.join(bodies, "m1-create.json")).read()
    out = []
    for i in range(count):
        if i % 2 == 0:
            out.append(set_body.replace("__USER__", str(rnd.randint(1, users)))
                       .replace("__PROFILE__", str(rnd.randint(1, profiles))))
        else:
            out.append(create_body.replace("__USER__", str(rnd.randint(1, users))))
    return out


def callgrind_total(path):
    """The total Ir of a callgrind dump (`totals:` or `summary:` line)."""
    total = None
    with open(path) as f:
        for line in f:
            if line.startswith("totals:") or (total is None and line.startswith("summary:")):
                total = int(line.split()[1])
    if total is None:
        die(f"no totals line in {path}")
    return total


def cmd_callgrind(a):
    os.makedirs(a.work, exist_ok=True)
    for name in os.listdir(a.work):
        os.remove(os.path.join(a.work, name))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    addr = f"127.0.0.1:{sock.getsockname()[1]}"
    sock.close()
    env = dict(os.environ, DATABASE_URL=a.db_url, HASONE_ADDR=addr, HASONE_SEED_USERS="0", RUST_LOG="warn")
    url = f"http://{addr}/graphql"
    outfile = os.path.join(a.work, "callgrind.out")
    log = open(os.path.join(a.work, "valgrind.log"), "w")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={outfile}", "--dump-instr=no",
           "--compress-strings=no", a.hasone, "serve"]
    server = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT)
    results = {}
    try:
        wait_answering(server, url, a.timeout, 5, 0.5,
                       lambda: f"hasone under valgrind exited (see {log.name})",
                       f"hasone under valgrind did not answer within {a.timeout}s (see {log.name})")
        for w in ("q1", "q2", "q3", "m1"):
            if w == "m1":
                bodies = m1_bodies(a.bodies, a.users, a.profiles, a.warmup + a.requests)
            else:
                body = open(os.path.join(a.bodies, f"{w}.json")).read()
                bodies = [body] * (a.warmup + a.requests)
            for b in bodies[:a.warmup]:
                check_response("hasone (callgrind)", w, *post(url, b, timeout=120))
            subprocess.run(["callgrind_control", "-z", str(server.pid)], check=True, capture_output=True)
            for b in bodies[a.warmup:]:
                # One request at a time: no conflicts, so any error is a failure (M1 too).
                check_response("hasone (callgrind)", w, *post(url, b, timeout=120))
            before = set(os.listdir(a.work))
            subprocess.run(["callgrind_control", "-d", str(server.pid)], check=True, capture_output=True)
            dumps = []
            for _ in range(100):
                dumps = sorted(set(os.listdir(a.work)) - before)
                dumps = [d for d in dumps if d.startswith("callgrind.out")]
                if dumps:
                    break
                time.sleep(0.1)
            if not dumps:
                die(f"callgrind_control -d wrote no dump in {a.work}")
            time.sleep(0.3)
            total = callgrind_total(os.path.join(a.work, dumps[-1]))
            results[w] = {"instructions": total, "requests": a.requests,
                          "instructions_per_request": round(total / a.requests)}
            print(f"  {w}: {total / a.requests:14,.0f} instructions per request")
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    out = {
        "describe": a.describe,
        "binary": a.hasone,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "valgrind": subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip(),
        "users": a.users,
        "warmup_requests": a.warmup,
        "requests": a.requests,
        "workloads": results,
    }
    if a.commit:
        out["commit"] = a.commit
    with open(a.out, "w") as f:
        json.dump(out, f, indent=2)
        f.write("\n")
    print(f"wrote {a.out}")


# --------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)

    def pg_args(sp):
        sp.add_argument("--pghost", default=os.environ.get("PGHOST", "127.0.0.1"))
        sp.add_argument("--pgport", default=os.environ.get("PGPORT", "5432"))
        sp.add_argument("--pguser", default=os.environ.get("PGUSER", "postgres"))

    sp = sub.add_parser("bodies")
    sp.add_argument("--queries", required=True)
    sp.add_argument("--out", required=True)
    sp.set_defaults(fn=cmd_bodies)

    sp = sub.add_parser("free-port")
    sp.set_defaults(fn=cmd_free_port)

    sp = sub.add_parser("wait-ready")
    sp.add_argument("--name", required=True)
    sp.add_argument("--url", required=True)
    sp.add_argument("--pid", type=int)
    sp.add_argument("--log", default="its log")
    sp.add_argument("--timeout", type=float, default=60)
    sp.set_defaults(fn=cmd_wait_ready)

    sp = sub.add_parser("rss")
    sp.add_argument("pid", type=int)
    sp.set_defaults(fn=cmd_rss)

    sp = sub.add_parser("verify")
    sp.add_argument("--name", required=True)
    sp.add_argument("--url", required=True)
    sp.add_argument("--bodies", required=True)
    sp.add_argument("--mode", choices=["reads", "mutations"], required=True)
    sp.add_argument("--reference")
    sp.add_argument("--users", type=int, default=10000)
    sp.add_argument("--profiles", type=int, default=8000)
    sp.set_defaults(fn=cmd_verify)

    for name, fn in (("wrk", cmd_wrk), ("pgbench", cmd_pgbench)):
        sp = sub.add_parser(name)
        sp.add_argument("--contender", default="pgbench")
        sp.add_argument("--workload", required=True, choices=list(WORKLOADS))
        sp.add_argument("--url")
        sp.add_argument("--pid", type=int)
        sp.add_argument("--bodies")
        sp.add_argument("--script", required=True)
        sp.add_argument("--db", required=True)
        sp.add_argument("--duration", type=int, required=True)
        sp.add_argument("--warmup", type=int, default=0)
        sp.add_argument("--connections", type=int, default=32)
        sp.add_argument("--threads", type=int, default=2)
        sp.add_argument("--users", type=int, default=10000)
        sp.add_argument("--profiles", type=int, default=8000)
        sp.add_argument("--results", required=True)
        pg_args(sp)
        sp.set_defaults(fn=fn)

    sp = sub.add_parser("capture-sql")
    sp.add_argument("--hasone", required=True)
    sp.add_argument("--db", required=True)
    sp.add_argument("--db-url", required=True)
    sp.add_argument("--bodies", required=True)
    sp.add_argument("--log-file", required=True)
    sp.add_argument("--out", required=True)
    sp.add_argument("--repeat", type=int, default=5)
    pg_args(sp)
    sp.set_defaults(fn=cmd_capture_sql)

    sp = sub.add_parser("callgrind")
    sp.add_argument("--hasone", required=True)
    sp.add_argument("--db-url", required=True)
    sp.add_argument("--bodies", required=True)
    sp.add_argument("--users", type=int, default=10000)
    sp.add_argument("--profiles", type=int, default=8000)
    sp.add_argument("--warmup", type=int, default=5)
    sp.add_argument("--requests", type=int, default=20)
    sp.add_argument("--timeout", type=float, default=180)
    sp.add_argument("--describe", required=True)
    sp.add_argument("--commit")
    sp.add_argument("--out", required=True)
    sp.add_argument("--work", required=True)
    sp.set_defaults(fn=cmd_callgrind)

    sp = sub.add_parser("record")
    sp.add_argument("--results", required=True)
    sp.add_argument("json")
    sp.set_defaults(fn=cmd_record)

    sp = sub.add_parser("meta")
    sp.add_argument("--results", required=True)
    sp.add_argument("--command", required=True)
    sp.add_argument("--settings", required=True)
    sp.add_argument("--hasone-version", required=True)
    sp.add_argument("--node", required=True)
    sp.add_argument("--postgraphile-dir", required=True)
    sp.add_argument("--apollo-dir", required=True)
    pg_args(sp)
    sp.set_defaults(fn=cmd_meta)

    sp = sub.add_parser("report")
    sp.add_argument("--results", required=True)
    sp.add_argument("--markdown", required=True)
    sp.add_argument("--json-out", required=True)
    sp.add_argument("--svg", required=True)
    sp.add_argument("--notes")
    sp.add_argument("--callgrind", help="bench/callgrind's JSON for this run's binary")
    sp.add_argument("--callgrind-baseline", help="the committed baseline (bench/callgrind-baseline.json)")
    sp.set_defaults(fn=cmd_report)

    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
