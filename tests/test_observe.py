"""`nettsjekk observe` on the exam day: the proxy's own access.log read against the allowlist in force.

First the parsers on real-looking lines of both formats, then the reading (leaks, attempts, bursts,
ignored hosts), the store and its retention, the command as a subprocess, and last a real Squid in
front of the fake internet, whose own access.log observe reads.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import select
import socket
import subprocess
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from allowlist_rig import SQUID, SITES, SquidProxy, denied_standins
from nettsjekk.allowlists.readback import read_allowlist
from nettsjekk.checkpoints.config import load_config
from nettsjekk.core.errors import ConfigFileError
from nettsjekk.fakenet import FakeInternet
from nettsjekk.observe.classify import FORBIDDEN, IGNORED, OTHER, ALLOWED, Classifier, default_ignore_hosts
from nettsjekk.observe.logs import (
    LogStats,
    host_of,
    parse_combined,
    parse_squid,
    read_requests,
    sniff_format,
)
from nettsjekk.observe.observations import Observer
from nettsjekk.observe.report import report
from nettsjekk.observe.store import ObservationStore

CLI = [sys.executable, "-m", "nettsjekk.cli.main"]
FIXTURES = Path(__file__).parent / "allowlist_fixtures"
OSLO = ZoneInfo("Europe/Oslo")

DENIED_CONNECT = "1764752042.123    412 10.20.1.17 TCP_DENIED/403 3901 CONNECT chatgpt.com:443 - HIER_NONE/- text/html"
TUNNEL = "1764752301.004  20311 10.20.1.18 TCP_TUNNEL/200 5120 CONNECT claude.ai:443 - HIER_DIRECT/151.101.1.1 -"
IPV6_MISS = ("1764752303.004     20 2001:db8::7 TCP_MISS/200 5120 GET http://www.youtube.com:80/watch?v=x - "
             "FIRSTUP_PARENT/127.0.0.1 text/html")
COMBINED_DENIED = ('10.20.1.17 - - [03/Dec/2025:09:54:02 +0100] "CONNECT chatgpt.com:443 HTTP/1.1" 403 0 "-" '
                   '"Mozilla/5.0 (X11; Linux x86_64)"')
COMBINED_GET = ('2001:db8::7 - elev17 [03/Dec/2025:09:58:23 +0100] "GET http://www.youtube.com/watch?v=x HTTP/1.1" '
                '200 5120 "-" "Mozilla/5.0"')


def nettsjekk(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout)


def squid_line(when: float, client: str, result: str, method: str, url: str, hierarchy: str = "HIER_NONE/-") -> str:
    return f"{when:.3f}     12 {client} {result} 3901 {method} {url} - {hierarchy} text/html\n"


# --- the two log formats -----------------------------------------------------------------------


def test_a_denied_connect_in_squids_native_format_is_a_denied_request_to_the_host():
    request = parse_squid(DENIED_CONNECT)

    assert (request.client, request.host, request.method, request.code, request.status) == (
        "10.20.1.17", "chatgpt.com", "CONNECT", "TCP_DENIED", 403)
    assert request.denied and not request.let_through
    assert request.time == pytest.approx(1764752042.123)


def test_a_tunnel_and_a_miss_are_let_through_and_an_ipv6_client_stays_whole():
    tunnel, miss = parse_squid(TUNNEL), parse_squid(IPV6_MISS)

    assert tunnel.let_through and tunnel.host == "claude.ai" and tunnel.hierarchy == "HIER_DIRECT"
    assert miss.let_through and miss.client == "2001:db8::7" and miss.host == "www.youtube.com"


@pytest.mark.parametrize(("line", "denied", "let_through"), [
    ("1764752042.1 0 10.0.0.1 NONE_NONE/000 0 CONNECT chatgpt.com:443 - HIER_NONE/- -", False, False),
    ("1764752042.1 0 10.0.0.1 TAG_NONE/403 0 CONNECT chatgpt.com:443 - HIER_NONE/- text/html", True, False),
    ("1764752042.1 0 10.0.0.1 TAG_NONE/503 0 CONNECT chatgpt.com:443 - HIER_NONE/- text/html", False, False),
    ("1764752042.1 0 10.0.0.1 TCP_MISS/403 0 GET http://chatgpt.com/ - HIER_DIRECT/1.2.3.4 text/html", False, True),
    ("1764752042.1 0 10.0.0.1 TCP_DENIED_REPLY/403 0 GET http://chatgpt.com/ - HIER_DIRECT/1.2.3.4 -", True, False),
    ("1764752042.1 0 10.0.0.1 NONE_NONE/200 0 CONNECT chatgpt.com:443 - HIER_NONE/- -", False, True),
    ("1764752042.1 0 10.0.0.1 TCP_TUNNEL/503 0 CONNECT chatgpt.com:443 - HIER_NONE/- -", False, False),
    ("1764752042.1 0 10.0.0.1 TCP_DENIED/407 4168 CONNECT chatgpt.com:443 - HIER_NONE/- text/html", False, False),
])
def test_what_squid_did_is_read_from_its_result_code_status_and_hierarchy(line, denied, let_through):
    request = parse_squid(line)

    assert (request.denied, request.let_through) == (denied, let_through)


def test_the_combined_format_of_a_forward_proxy_reads_connect_and_absolute_urls():
    denied, get = parse_combined(COMBINED_DENIED), parse_combined(COMBINED_GET)

    assert (denied.client, denied.host, denied.status, denied.denied) == ("10.20.1.17", "chatgpt.com", 403, True)
    assert denied.time == dt.datetime(2025, 12, 3, 8, 54, 2, tzinfo=dt.UTC).timestamp()
    assert (get.client, get.host, get.let_through) == ("2001:db8::7", "www.youtube.com", True)


def test_squids_record_of_a_connection_closed_before_its_request_is_a_line_without_a_host():
    request = parse_squid("1796320873.827      0 127.0.0.1 NONE_NONE/000 0 - error:transaction-end-before-headers - "
                          "HIER_NONE/- -")

    assert request.host == "" and not request.denied and not request.let_through


@pytest.mark.parametrize(("method", "url", "host"), [
    ("CONNECT", "Chat.OpenAI.com:443", "chat.openai.com"),
    ("CONNECT", "[2001:db8::1]:443", "2001:db8::1"),
    ("GET", "http://user:pw@www.youtube.com:8080/x?y=1", "www.youtube.com"),
    ("GET", "https://claude.ai?x", "claude.ai"),
    ("GET", "/relative/path", ""),
])
def test_the_host_of_a_request(method, url, host):
    assert host_of(method, url) == host


@pytest.mark.parametrize("line", [
    "garbage",
    "1764752042.123 412 10.20.1.17 TCP_DENIED/403 3901 CONNECT",
    "yesterday 412 10.20.1.17 TCP_DENIED/403 3901 CONNECT chatgpt.com:443 - HIER_NONE/- text/html",
    "1764752042.1 412 10.20.1.17 TCP_DENIED/abc 3901 CONNECT chatgpt.com:443 - HIER_NONE/- text/html",
])
def test_a_line_that_is_not_squids_format_is_not_a_request(line):
    assert parse_squid(line) is None


def test_malformed_lines_are_counted_the_first_ten_kept_with_file_and_line_and_the_run_goes_on(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(DENIED_CONNECT + "\n" + "".join(f"broken {n}\n" for n in range(12)) + "\n" + TUNNEL + "\n")
    stats = LogStats()

    requests = list(read_requests([log], "squid", stats))

    assert [r.host for r in requests] == ["chatgpt.com", "claude.ai"]
    assert (stats.lines, stats.malformed, len(stats.examples)) == (15, 12, 10)
    assert stats.examples[0] == (str(log), 2, "broken 0")


def test_a_rotated_gz_log_reads_like_the_plain_one_and_the_format_is_guessed(tmp_path):
    plain, rotated, combined = tmp_path / "access.log", tmp_path / "access.log.1.gz", tmp_path / "combined.log"
    plain.write_text(TUNNEL + "\n")
    with gzip.open(rotated, "wt") as stream:
        stream.write(DENIED_CONNECT + "\n" + IPV6_MISS + "\n")
    combined.write_text(COMBINED_DENIED + "\n")
    stats = LogStats()

    hosts = [r.host for r in read_requests([rotated, plain, combined], "auto", stats)]

    assert hosts == ["chatgpt.com", "www.youtube.com", "claude.ai", "chatgpt.com"]
    assert (stats.lines, stats.malformed) == (4, 0)
    assert [sniff_format(p) for p in (rotated, plain, combined)] == ["squid", "squid", "combined"]


# --- classification and the reading ------------------------------------------------------------


@pytest.fixture()
def allowlist_file(tmp_path):
    path = tmp_path / "exam.txt"
    path.write_text("# exported\nwww.eksamensressurs.no\n.ressurs-media.no\n*.cdn-ressurs.no\nclaude.ai\n")
    return read_allowlist(path)


def test_each_host_is_allowed_forbidden_other_or_ignored_and_an_allowed_one_names_its_entry(allowlist_file):
    classify = Classifier(allowlist_file, ignore=default_ignore_hosts())

    assert classify("www.eksamensressurs.no") == (ALLOWED, None, "www.eksamensressurs.no")
    assert classify("bilder.ressurs-media.no") == (ALLOWED, None, ".ressurs-media.no")
    assert classify("a.cdn-ressurs.no") == (ALLOWED, None, "*.cdn-ressurs.no")
    assert classify("claude.ai") == (FORBIDDEN, "ai", "claude.ai")
    assert classify("www.youtube.com") == (FORBIDDEN, "video", None)
    assert classify("snl.no") == (OTHER, None, None)
    assert classify("clients2.google.com").kind == IGNORED  # Chrome's own updates, under google.com


def test_only_the_configured_categories_are_observations(allowlist_file):
    classify = Classifier(allowlist_file, categories=("ai",))

    assert classify("claude.ai").kind == FORBIDDEN
    assert classify("www.youtube.com").kind == OTHER


def read(lines: list[str], allowlist=None, window: float = 60.0) -> dict:
    stats = LogStats()
    requests = (parse_squid(line) for line in lines)
    observer = Observer(Classifier(allowlist, ignore=default_ignore_hosts()), window, stats)
    return report(observer.feed(requests), {"10.0.0.1": "Rom 204 plass 1"})


def test_a_forbidden_host_the_proxy_let_through_is_a_leak_with_its_clients_and_entry(allowlist_file):
    lines = [squid_line(1000, "10.0.0.1", "TCP_TUNNEL/200", "CONNECT", "claude.ai:443", "HIER_DIRECT/1.2.3.4"),
             squid_line(1200, "10.0.0.2", "TCP_TUNNEL/200", "CONNECT", "claude.ai:443", "HIER_DIRECT/1.2.3.4"),
             squid_line(1300, "10.0.0.1", "TCP_TUNNEL/200", "CONNECT", "claude.ai:443", "HIER_DIRECT/1.2.3.4")]

    found = read(lines, allowlist_file)

    assert found["leaks"] == [{"host": "claude.ai", "category": "ai", "clients": ["Rom 204 plass 1", "10.0.0.2"],
                               "first": "1970-01-01T00:16:40Z", "last": "1970-01-01T00:21:40Z", "requests": 3,
                               "allowed_by": "claude.ai"}]
    assert found["attempts"] == []


def test_repeated_denied_requests_in_a_burst_are_one_attempt_and_a_later_one_another():
    burst = [squid_line(1000 + s, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "chatgpt.com:443") for s in (0, 1, 30, 80)]
    later = [squid_line(2000, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "chatgpt.com:443")]
    other = [squid_line(1000, "10.0.0.9", "TCP_DENIED/403", "GET", "http://www.youtube.com/watch")]

    found = read(burst + later + other)

    assert [(a["client"], a["host"], a["category"], a["count"]) for a in found["attempts"]] == [
        ("10.0.0.9", "www.youtube.com", "video", 1), ("Rom 204 plass 1", "chatgpt.com", "ai", 2)]
    assert found["leaks"] == []


def test_denied_requests_to_ignored_and_ordinary_hosts_are_not_attempts():
    lines = [squid_line(1000, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "clients2.google.com:443"),
             squid_line(1000, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "www.vg.no:443")]

    assert read(lines)["attempts"] == []


# --- configuration and the store ---------------------------------------------------------------


def test_the_observe_settings_are_strict_and_name_the_line(tmp_path):
    config = tmp_path / "nettsjekk.yaml"
    config.write_text("lists: [x.yaml]\nobserve:\n  retention_days: 120\n  burst_windw_s: 30\n")

    with pytest.raises(ConfigFileError) as caught:
        load_config(config)

    assert "nettsjekk.yaml:4" in str(caught.value) and "burst_windw_s" in str(caught.value)


def test_the_observe_settings_have_the_danish_monitors_four_months_by_default(tmp_path):
    config = tmp_path / "nettsjekk.yaml"
    config.write_text("lists: [x.yaml]\ndatabase: data/results.db\nobserve: {categories: [ai]}\n")

    loaded = load_config(config)

    assert loaded.settings.observe.retention_days == 120
    assert loaded.settings.observe.categories == ["ai"]
    assert loaded.observations_store == tmp_path / "data" / "observations.db"


def observation(day: dt.date, client: str = "10.0.0.1") -> dict:
    return dict(kind="attempt", exam_day=day.isoformat(), clients=[client], host="chatgpt.com", category="ai",
                first=f"{day}T08:00:00Z", last=f"{day}T08:00:00Z", count=1, allowed_by=None)


def test_retention_deletes_an_observation_dated_121_days_back_and_keeps_one_from_119(tmp_path):
    today = dt.date(2027, 5, 20)
    store = ObservationStore(tmp_path / "observations.db")
    store.save([observation(today - dt.timedelta(days=121)), observation(today - dt.timedelta(days=119))])

    assert store.purge(120, today) == 1
    assert [row["exam_day"] for row in store.rows()] == [(today - dt.timedelta(days=119)).isoformat()]


def test_pseudonymous_client_ids_are_stable_and_are_not_the_address(tmp_path):
    day = dt.date(2027, 5, 20)
    store = ObservationStore(tmp_path / "observations.db", pseudonymous=True)
    store.save([observation(day, "10.0.0.1")])
    again = ObservationStore(tmp_path / "observations.db", pseudonymous=True)

    stored = store.rows()[0]["client"]
    assert stored.startswith("anon-") and "10.0.0.1" not in stored
    assert again.client_id("10.0.0.1") == stored != again.client_id("10.0.0.2")


# --- the command ----------------------------------------------------------------------------------


def write_log(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(lines))
    return path


def test_the_command_offers_exactly_the_formats_the_package_reads_and_writes():
    from nettsjekk.cli import observe as command
    from nettsjekk.observe import logs, render

    assert (command.FORMATS, command.FORMATS_OUT, command.LANGUAGES) == (logs.FORMATS, render.FORMATS_OUT,
                                                                         render.LANGUAGES)


def test_the_command_exits_1_on_a_leak_and_its_json_is_the_documented_contract(tmp_path):
    log = write_log(tmp_path / "access.log", [TUNNEL + "\n", DENIED_CONNECT + "\n", "not a line\n"])
    allow = tmp_path / "exam.txt"
    allow.write_text("www.eksamensressurs.no\nclaude.ai\n")

    done = nettsjekk("observe", str(log), "--allowlist", str(allow), "--format-out", "json",
                     "--store", str(tmp_path / "o.db"))

    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"lines", "malformed", "leaks", "attempts"}
    assert (data["lines"], data["malformed"]) == (3, 1)
    assert set(data["leaks"][0]) == {"host", "category", "clients", "first", "last", "requests", "allowed_by"}
    assert data["leaks"][0]["allowed_by"] == "claude.ai"
    assert set(data["attempts"][0]) == {"client", "host", "category", "first", "last", "count"}
    assert f"{log}:3: not a line" in done.stderr and "Traceback" not in done.stderr


def test_the_command_exits_0_without_a_leak_and_2_on_bad_input(tmp_path):
    log = write_log(tmp_path / "access.log", [DENIED_CONNECT + "\n"])
    bad_clients = tmp_path / "clients.csv"
    bad_clients.write_text("client,label\n10.20.1.17\n")

    clean = nettsjekk("observe", str(log), "--no-store")
    missing = nettsjekk("observe", str(tmp_path / "nope.log"), "--no-store")
    clients = nettsjekk("observe", str(log), "--no-store", "--clients", str(bad_clients))

    assert clean.returncode == 0 and "chatgpt.com (ai)" in clean.stdout
    assert missing.returncode == 2 and "nope.log: no such log file" in missing.stderr
    assert clients.returncode == 2 and f"{bad_clients}:2: expected two columns" in clients.stderr
    assert all("Traceback" not in done.stderr for done in (clean, missing, clients))


def test_the_html_report_is_bokmal_and_escapes_a_label_from_clients_csv(tmp_path):
    log = write_log(tmp_path / "access.log", [DENIED_CONNECT + "\n"])
    clients = tmp_path / "clients.csv"
    clients.write_text('client,label\n10.20.1.17,"<b>Rom 204</b> plass 17"\n')
    html, csv_file = tmp_path / "dag.html", tmp_path / "dag.csv"

    for fmt, out in (("html", html), ("csv", csv_file)):
        done = nettsjekk("observe", str(log), "--no-store", "--clients", str(clients), "--format-out", fmt, "-o", str(out))
        assert done.returncode == 0, done.stderr

    page = html.read_text()
    assert "Forsøk per maskin" in page and "Ingen lekkasjer" in page
    assert "&lt;b&gt;Rom 204&lt;/b&gt; plass 17" in page and "<b>Rom" not in page
    assert csv_file.read_text().splitlines()[1].startswith("forsøk,2025-12-03,<b>Rom 204</b> plass 17,chatgpt.com,KI")


def test_since_and_until_keep_the_exam_window(tmp_path):
    noon = dt.datetime(2027, 5, 20, 12, 0, tzinfo=OSLO).timestamp()
    log = write_log(tmp_path / "access.log", [
        squid_line(noon - 4 * 3600, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "chatgpt.com:443"),
        squid_line(noon, "10.0.0.2", "TCP_DENIED/403", "CONNECT", "claude.ai:443")])

    done = nettsjekk("observe", str(log), "--no-store", "--format-out", "json",
                     "--since", "2027-05-20T09:00", "--until", "2027-05-20T14:00")

    assert [a["client"] for a in json.loads(done.stdout)["attempts"]] == ["10.0.0.2"]


def test_every_run_and_purge_delete_observations_older_than_the_retention(tmp_path):
    today = dt.date.today()
    store_path = tmp_path / "observations.db"
    store = ObservationStore(store_path)
    store.save([observation(today - dt.timedelta(days=121)), observation(today - dt.timedelta(days=119))])
    store.close()

    purged = nettsjekk("observe", "--purge", "--store", str(store_path))

    assert purged.returncode == 0 and purged.stdout.startswith("1 observation(s) older than 120 days deleted")
    assert [r["exam_day"] for r in ObservationStore(store_path).rows()] == [
        (today - dt.timedelta(days=119)).isoformat()]
    old = dt.datetime.combine(today - dt.timedelta(days=121), dt.time(12), OSLO).timestamp()
    recent = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(12), OSLO).timestamp()
    log = write_log(tmp_path / "access.log", [
        squid_line(old, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "chatgpt.com:443"),
        squid_line(recent, "10.0.0.3", "TCP_DENIED/403", "CONNECT", "chatgpt.com:443")])

    nettsjekk("observe", str(log), "--store", str(store_path))

    assert sorted(r["client"] for r in ObservationStore(store_path).rows()) == ["10.0.0.1", "10.0.0.3"]
    assert all(r["exam_day"] > (today - dt.timedelta(days=120)).isoformat() for r in ObservationStore(store_path).rows())


def test_follow_prints_a_leak_the_moment_squid_writes_it(tmp_path):
    log = write_log(tmp_path / "access.log", [DENIED_CONNECT + "\n"])
    watch = subprocess.Popen([*CLI, "observe", str(log), "--follow", "--no-store"], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(1.0)
        with log.open("a") as stream:
            stream.write(squid_line(time.time(), "10.0.0.5", "TCP_TUNNEL/200", "CONNECT", "chatgpt.com:443",
                                    "HIER_DIRECT/1.2.3.4"))
        ready, _, _ = select.select([watch.stderr], [], [], 60)
        announced = watch.stderr.readline() if ready else ""
    finally:
        watch.terminate()
        out, err = watch.communicate(timeout=30)

    assert "LEAK" in announced and "chatgpt.com (ai) reached by 10.0.0.5" in announced
    assert watch.returncode == 1 and "Traceback" not in err
    assert "LEAK chatgpt.com (ai)" in out


# --- a real Squid -----------------------------------------------------------------------------------

needs_squid = pytest.mark.skipif(not Path(SQUID).exists(), reason="Debian's squid is not installed")
MACHINES = {"127.0.0.2": "Rom 204 plass 2", "127.0.0.3": "Rom 204 plass 3", "127.0.0.4": "Rom 205 plass 1"}


@pytest.fixture(scope="module")
def exam_internet(tmp_path_factory):
    standins = denied_standins(tmp_path_factory.mktemp("denied-standins"))
    with FakeInternet([SITES, standins], name="exam-day") as rig:
        yield rig


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The allowlist as the county exports it: ``nettsjekk export --format squid``."""
    path = tmp_path_factory.mktemp("export") / "nettsjekk-allowlist.txt"
    done = nettsjekk("export", "--format", "squid", "--lists", str(FIXTURES / "lists"), "--vendor-dir",
                     str(FIXTURES / "vendor_whitelists"), "--results", str(FIXTURES / "results.json"), "-o", str(path))
    assert done.returncode == 0, done.stderr
    return path


def through(proxy_port: int, machine: str, method: str, target: str) -> int:
    """One request from ``machine`` (a loopback address) through the proxy; the status it answered."""
    host = target.split("/")[2] if "://" in target else target
    with socket.create_connection(("127.0.0.1", proxy_port), timeout=20, source_address=(machine, 0)) as sock:
        sock.sendall(f"{method} {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        head = b""
        while b"\r\n" not in head:
            chunk = sock.recv(4096)
            if not chunk:
                break
            head += chunk
    return int(head.split()[1])


def logged(proxy: SquidProxy, count: int) -> Path:
    """Squid's access.log once it holds ``count`` lines (a tunnel is logged when it closes)."""
    deadline = time.monotonic() + 30
    while len(proxy.access_log().splitlines()) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return proxy.dir / "access.log"


def clients_csv(tmp_path: Path) -> Path:
    path = tmp_path / "clients.csv"
    path.write_text("client,label\n" + "".join(f"{ip},{label}\n" for ip, label in MACHINES.items()))
    return path


@needs_squid
def test_every_denied_attempt_in_squids_own_log_appears_under_its_machine_and_category(exam_internet, exported,
                                                                                       tmp_path):
    requests = [("127.0.0.2", "CONNECT", "chatgpt.com:443"), ("127.0.0.2", "CONNECT", "chatgpt.com:443"),
                ("127.0.0.2", "GET", "http://www.youtube.com/watch"),
                ("127.0.0.3", "CONNECT", "translate.googleapis.com:443"),
                ("127.0.0.3", "GET", "http://www.facebook.com/eksamensressurs"),
                ("127.0.0.4", "GET", "http://www.google.com/search?q=eksamen"),
                ("127.0.0.4", "CONNECT", "www.eksamensressurs.no:443")]
    with SquidProxy(exam_internet.port, {"exam": exported.read_text()}) as proxy:
        statuses = [through(proxy.ports["exam"], *request) for request in requests]
        log = logged(proxy, len(requests))

        done = nettsjekk("observe", str(log), "--allowlist", str(exported), "--clients", str(clients_csv(tmp_path)),
                         "--format-out", "json", "--store", str(tmp_path / "o.db"))

    assert statuses == [403, 403, 403, 403, 403, 403, 200]
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["leaks"] == [] and (data["lines"], data["malformed"]) == (len(requests) + 1, 0)  # + the rig's check
    assert sorted((a["client"], a["host"], a["category"], a["count"]) for a in data["attempts"]) == [
        ("Rom 204 plass 2", "chatgpt.com", "ai", 1),
        ("Rom 204 plass 2", "www.youtube.com", "video", 1),
        ("Rom 204 plass 3", "translate.googleapis.com", "translation", 1),
        ("Rom 204 plass 3", "www.facebook.com", "social", 1),
        ("Rom 205 plass 1", "www.google.com", "search_engine", 1)]


@needs_squid
def test_a_leaky_allowlist_shows_as_a_leak_with_the_entry_that_let_it_through(exam_internet, exported, tmp_path):
    leaky = tmp_path / "leaky-allowlist.txt"
    leaky.write_text(exported.read_text() + "chatgpt.com\n")
    with SquidProxy(exam_internet.port, {"exam": leaky.read_text()}) as proxy:
        statuses = [through(proxy.ports["exam"], "127.0.0.2", "CONNECT", "chatgpt.com:443"),
                    through(proxy.ports["exam"], "127.0.0.3", "GET", "http://chatgpt.com/index.html"),
                    through(proxy.ports["exam"], "127.0.0.4", "CONNECT", "claude.ai:443")]
        log = logged(proxy, 3)

        done = nettsjekk("observe", str(log), "--allowlist", str(leaky), "--clients", str(clients_csv(tmp_path)),
                         "--format-out", "json", "--store", str(tmp_path / "o.db"))

    assert statuses == [200, 200, 403]
    assert done.returncode == 1, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert [(leak["host"], leak["category"], leak["clients"], leak["requests"], leak["allowed_by"])
            for leak in data["leaks"]] == [("chatgpt.com", "ai", ["Rom 204 plass 2", "Rom 204 plass 3"], 2,
                                            "chatgpt.com")]
    assert [(a["client"], a["host"]) for a in data["attempts"]] == [("Rom 205 plass 1", "claude.ai")]


def test_with_run_the_allowlist_is_compiled_from_the_checkpoint_run_as_export_does(tmp_path):
    from nettsjekk.allowlists.probe_results import load_results
    from nettsjekk.checkpoints.store import CellKey, Store

    config = tmp_path / "nettsjekk.yaml"
    config.write_text(f"lists: ['{FIXTURES / 'lists'}']\nvendor_dir: '{FIXTURES / 'vendor_whitelists'}'\n"
                      "database: store.db\n")
    store = Store(tmp_path / "store.db")
    run_id = store.start_run("pre-exam", {}, run_id="20270518-060000-ab12cd")
    for entry in load_results([FIXTURES / "results.json"]):
        key = CellKey(entry.resource, entry.result.browser, entry.result.location)
        store.save_cell(run_id, key, "done", 1, entry.result)
    store.close()
    log = write_log(tmp_path / "access.log", [
        squid_line(1000, "10.0.0.1", "TCP_TUNNEL/200", "CONNECT", "www.eksamensressurs.no:443", "HIER_DIRECT/1.2.3.4"),
        squid_line(1001, "10.0.0.1", "TCP_TUNNEL/200", "CONNECT", "chatgpt.com:443", "HIER_DIRECT/1.2.3.4")])

    done = nettsjekk("observe", str(log), "--run", run_id, "--config", str(config), "--format-out", "json")

    assert done.returncode == 1, done.stderr
    assert [(leak["host"], leak["allowed_by"]) for leak in json.loads(done.stdout)["leaks"]] == [("chatgpt.com", None)]
    assert (tmp_path / "observations.db").is_file()  # next to the results store


def test_a_compiled_allowlist_names_the_entry_and_why_it_is_there():
    from nettsjekk.allowlists.compiler import compile_allowlist
    from nettsjekk.allowlists.selection import select

    selection = select([FIXTURES / "lists"], FIXTURES / "vendor_whitelists", [FIXTURES / "results.json"])
    allowlist = compile_allowlist(selection.catalog, selection.resources, selection.inventory)

    assert allowlist.entry_for("www.eksamensressurs.no").startswith("www.eksamensressurs.no (")
    assert allowlist.entry_for("bilder.ressurs-media.no").startswith("*.ressurs-media.no (")
    assert allowlist.entry_for("chatgpt.com") is None


CHAT_PAGE = ('<!doctype html><html lang="nb"><head><meta charset="utf-8"><title>Ordbok med chat</title>'
             '<script src="https://widget.intercom.io/widget/demo123" async></script></head>'
             '<body><h1>Ordbok</h1><p>Med en chat-widget i hjørnet.</p></body></html>')


@pytest.fixture(scope="module")
def browser_internet(fake_internet, tmp_path_factory):
    """The exam internet with a page that embeds a chat widget, under the CA the test browsers trust."""
    root = denied_standins(tmp_path_factory.mktemp("chat-standins"))
    (root / "www.chat-ordbok.no").mkdir()
    (root / "www.chat-ordbok.no" / "index.html").write_text(CHAT_PAGE, encoding="utf-8")
    rig = FakeInternet([SITES, root], name="exam-day-browser")
    rig.ca = fake_internet.ca
    rig.start()
    yield rig
    rig.stop()


@needs_squid
@pytest.mark.browser
def test_a_real_browser_behind_squid_leaves_the_widgets_and_the_video_it_was_denied_in_the_log(
        browsers, browser_internet, exported, tmp_path):
    allowlist = tmp_path / "allowlist.txt"
    allowlist.write_text(exported.read_text() + "www.chat-ordbok.no\n")
    with SquidProxy(browser_internet.port, {"exam": allowlist.read_text()}) as proxy:
        pages = [browsers.probe(url, "chromium", proxy.url("exam"), settle_s=1.0)
                 for url in ("https://www.chat-ordbok.no/", "https://www.eksamensressurs.no/",
                             "https://www.youtube.com/")]
        time.sleep(1.0)  # Chromium closes its tunnels; Squid logs a tunnel when it closes
        done = nettsjekk("observe", str(proxy.dir / "access.log"), "--allowlist", str(allowlist),
                         "--format-out", "json", "--no-store")

    assert [page.ok for page in pages] == [True, True, False]
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads(done.stdout)
    assert data["leaks"] == [] and data["malformed"] == 0
    assert {(a["client"], a["host"], a["category"]) for a in data["attempts"]} >= {
        ("127.0.0.1", "widget.intercom.io", "communication"),
        ("127.0.0.1", "translate.googleapis.com", "translation"),
        ("127.0.0.1", "www.youtube.com", "video")}


def test_the_observe_settings_of_the_configuration_decide_what_counts_and_what_is_stored(tmp_path):
    config = tmp_path / "nettsjekk.yaml"
    config.write_text("lists: [x.yaml]\ndatabase: results/nettsjekk.db\nobserve:\n  categories: [ai]\n"
                      "  pseudonymous_clients: true\n  ignore_hosts: [claude.ai]\n")
    now = time.time()
    log = write_log(tmp_path / "access.log", [
        squid_line(now - 60, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "chatgpt.com:443"),
        squid_line(now - 50, "10.0.0.1", "TCP_DENIED/403", "CONNECT", "claude.ai:443"),
        squid_line(now - 40, "10.0.0.2", "TCP_DENIED/403", "GET", "http://www.youtube.com/watch")])

    done = nettsjekk("observe", str(log), "--config", str(config), "--format-out", "json")

    assert done.returncode == 0, done.stderr
    assert [(a["client"], a["host"]) for a in json.loads(done.stdout)["attempts"]] == [("10.0.0.1", "chatgpt.com")]
    stored = ObservationStore(tmp_path / "results" / "observations.db").rows()
    assert [(row["host"], row["client"].startswith("anon-")) for row in stored] == [("chatgpt.com", True)]
