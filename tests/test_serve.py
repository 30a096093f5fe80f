#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`sseval serve` over loopback: the request checks and the API's error
shape, streaming and non-streaming bodies, count_tokens, every scenario step
(the bytes sent, checked with `sseval check`, the headers, the timing), the
per-client sequences, the script file, the request log (never the key), the
graded suite against `sseval stream`, against a small Python client
(tests/_serve_client.py) and against a client that lies, and 200 concurrent
paced streams.

Env: SSEVAL_BIN, SSEVAL_HAVE_MHD (0: skip), SSEVAL_HAVE_CURL. Exit 77
(skipped) when this sseval has no `serve`."""
import concurrent.futures
import gzip
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SSEVAL_BIN", os.path.join(HERE, "..", "build", "test", "sseval"))
KEY = "sk-ant-serve-test-" + os.urandom(8).hex()

if os.environ.get("SSEVAL_HAVE_MHD") == "0":
    print("skipped: built without libmicrohttpd")
    sys.exit(77)
if subprocess.run([BIN, "serve", "--help"], capture_output=True).returncode != 0:
    print("skipped: this sseval has no `serve`")
    sys.exit(77)

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


def clean_env():
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env["NO_PROXY"] = "*"
    return env


class Server:
    def __init__(self, *args):
        self.tmp = tempfile.mkdtemp(prefix="sseval-serve-test.")
        self.log = os.path.join(self.tmp, "log.jsonl")
        self.p = subprocess.Popen(
            [BIN, "serve", "--port", "0", "--log", self.log, "--log-json",
             "--lifetime", "240"] + list(args),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=clean_env())
        line = self.p.stdout.readline().decode()
        self.port = int(line.strip().rsplit(":", 1)[1])

    def stop(self):
        self.p.terminate()
        try:
            _, err = self.p.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.p.kill()
            _, err = self.p.communicate()
        self.stderr = err.decode(errors="replace")
        check(self.p.returncode == 0, "server exit code %s" % self.p.returncode)
        for bad in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
            check(bad not in self.stderr, "server stderr has %s: %s" % (bad, self.stderr[-2000:]))

    def log_lines(self, want=0, wait=10.0):
        """The log's lines; with `want`, waits (up to `wait` s) until that
        many are written: a request's line is written when its connection
        ends, which can be just after the client has read the response."""
        deadline = time.time() + wait
        while True:
            with open(self.log, encoding="utf-8") as fh:
                lines = [json.loads(line) for line in fh if line.endswith("\n")]
            if len(lines) >= want or time.time() > deadline:
                return lines
            time.sleep(0.05)


BODY = {"model": "claude-test", "max_tokens": 64,
        "messages": [{"role": "user", "content": "hi"}]}
HEADERS = {"x-api-key": KEY, "anthropic-version": "2023-06-01",
           "content-type": "application/json"}


def post(srv, path="/v1/messages", body=None, headers=None, stream=True, timeout=30,
         raw=None):
    """One request; returns (status, headers, body bytes, broken, seconds)."""
    b = dict(BODY if body is None else body)
    if stream is not None:
        b["stream"] = stream
    data = raw if raw is not None else json.dumps(b).encode()
    h = dict(HEADERS if headers is None else headers)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=timeout)
    t0 = time.monotonic()
    conn.request("POST", path, body=data, headers=h)
    resp = conn.getresponse()
    broken = False
    chunks = []
    try:
        while True:
            c = resp.read1(65536)
            if not c:
                break
            chunks.append(c)
    except http.client.IncompleteRead as e:
        chunks.append(e.partial)
        broken = True
    except (OSError, http.client.HTTPException):
        broken = True
    conn.close()
    length = resp.getheader("content-length")
    if length is not None and sum(len(c) for c in chunks) < int(length):
        broken = True
    return resp.status, {k.lower(): v for k, v in resp.getheaders()}, b"".join(chunks), \
        broken, time.monotonic() - t0


def sseval_check(data):
    p = subprocess.run([BIN, "check", "--json"], input=data, capture_output=True)
    return p.returncode, json.loads(p.stdout or b"{}")


def error_shape(status, hdrs, body, want_status, want_type, what):
    check(status == want_status, "%s: status %d, want %d" % (what, status, want_status))
    try:
        j = json.loads(body)
    except ValueError:
        check(False, "%s: body is not JSON: %r" % (what, body[:200]))
        return
    check(j.get("type") == "error", "%s: type %r" % (what, j.get("type")))
    check(j.get("error", {}).get("type") == want_type,
          "%s: error.type %r, want %r" % (what, j.get("error"), want_type))
    check(isinstance(j.get("error", {}).get("message"), str), "%s: error.message" % what)
    check(hdrs.get("request-id", "").startswith("req_"), "%s: request-id header" % what)
    check(j.get("request_id") == hdrs.get("request-id"), "%s: request_id matches" % what)
    check(hdrs.get("content-type") == "application/json", "%s: content-type" % what)


def main():
    srv = Server("--stall-max", "3")
    try:
        run_server_checks(srv)
    finally:
        srv.stop()
    check_log(srv)
    check_script()
    check_suite()
    check_scale()
    print("%d checks, %d failures" % (checks, len(failures)))
    return 1 if failures else 0


def run_server_checks(srv):
    # ---- the request checks: the API's 400 shape -------------------------------------------
    h = dict(HEADERS)
    del h["x-api-key"]
    error_shape(*post(srv, headers=h)[:3], 401, "authentication_error", "no x-api-key")
    h = dict(HEADERS)
    del h["anthropic-version"]
    error_shape(*post(srv, headers=h)[:3], 400, "invalid_request_error", "no anthropic-version")
    h = dict(HEADERS, **{"content-type": "text/plain"})
    error_shape(*post(srv, headers=h)[:3], 400, "invalid_request_error", "text/plain body")
    error_shape(*post(srv, raw=b"{\"model\":")[:3], 400, "invalid_request_error", "bad JSON")
    error_shape(*post(srv, body={"model": "m", "messages": []})[:3], 400,
                "invalid_request_error", "no max_tokens")
    error_shape(*post(srv, path="/v1/nothing")[:3], 404, "not_found_error", "unknown path")
    h = dict(HEADERS, **{"x-sseval-scenario": "bogus"})
    error_shape(*post(srv, headers=h)[:3], 400, "invalid_request_error", "bad scenario")

    # ---- ok: streaming and not -----------------------------------------------------------
    st, hd, stream_body, broken, _ = post(srv)
    check(st == 200 and not broken, "ok stream: status %d broken %s" % (st, broken))
    check(hd.get("content-type", "").startswith("text/event-stream"), "ok stream content-type")
    check(hd.get("transfer-encoding") == "chunked", "ok stream is chunked")
    rc, rep = sseval_check(stream_body)
    check(rc == 0 and rep.get("verdict") == "complete", "ok stream is complete: %s" % rc)
    text = "".join(b.get("text", "") for b in rep["message"]["content"] if b["type"] == "text")
    check(len(text) > 20, "the built-in stream has text")
    st, hd, body, broken, _ = post(srv, stream=False)
    check(st == 200 and hd.get("content-type") == "application/json", "non-streaming ok")
    msg = json.loads(body)
    check(msg == rep["message"], "non-streaming body is the rebuilt message: %s" % body[:300])
    check(int(hd.get("content-length", -1)) == len(body), "non-streaming content-length")
    st, hd, body, _, _ = post(srv, path="/v1/messages/count_tokens", stream=None)
    check(st == 200 and isinstance(json.loads(body).get("input_tokens"), int),
          "count_tokens: %d %r" % (st, body))

    def step(spec, client="t", **kw):
        h = dict(HEADERS, **{"x-sseval-scenario": spec, "x-sseval-client": client})
        return post(srv, headers=h, **kw)

    # ---- HTTP errors, their headers, sequences per client ------------------------------------
    spec = "529&retry-after=2&retry-after-ms=150&x-should-retry=true,429,ok"
    st, hd, body, _, _ = step(spec, "A")
    error_shape(st, hd, body, 529, "overloaded_error", "529 step")
    check(hd.get("retry-after") == "2" and hd.get("retry-after-ms") == "150" and
          hd.get("x-should-retry") == "true", "529 step headers: %s" % hd)
    st, hd, body, _, _ = step(spec, "A")
    error_shape(st, hd, body, 429, "rate_limit_error", "second step of A")
    check("retry-after" not in hd, "no retry-after unless asked")
    st, _, body, _, _ = step(spec, "B")
    check(st == 529, "client B has its own sequence: %d" % st)
    st, _, body, _, _ = step(spec, "A")
    check(st == 200 and body == stream_body, "third step of A: ok")
    st, _, body, _, _ = step(spec, "A")
    check(st == 200, "the last step repeats")
    for code, typ in ((400, "invalid_request_error"), (401, "authentication_error"),
                      (403, "permission_error"), (404, "not_found_error"),
                      (413, "request_too_large"), (500, "api_error"), (504, "timeout_error")):
        error_shape(*step(str(code), "codes%d" % code)[:3], code, typ, "step %d" % code)
    error_shape(*step("529&type=api_error", "typed")[:3], 529, "api_error", "&type=")
    # a path prefix chooses the scenario too
    st, _, _, _, _ = post(srv, path="/s/503,ok/v1/messages")
    check(st == 503, "/s/<spec>/ prefix: %d" % st)

    # ---- cuts ---------------------------------------------------------------------------------
    st, hd, body, broken, _ = step("cut:40%", "c1")
    check(len(body) == len(stream_body) * 40 // 100 and not broken,
          "cut:40%%: %d of %d bytes, broken %s" % (len(body), len(stream_body), broken))
    check(stream_body.startswith(body), "a cut is a prefix")
    check(sseval_check(body)[0] == 2, "cut:40% is truncated")
    st, hd, body, broken, _ = step("cut:100", "c2")
    check(len(body) == 100, "cut:100 sends 100 bytes: %d" % len(body))
    st, hd, body, broken, _ = step("reset:40%", "c3")
    check(broken and len(body) == len(stream_body) * 40 // 100,
          "reset:40%%: broken %s, %d bytes" % (broken, len(body)))
    st, hd, body, broken, _ = step("cut:stop", "c4")
    check(body == stream_body[:stream_body.index(b"event: message_stop")],
          "cut:stop ends right before message_stop")
    rc, rep2 = sseval_check(body)
    check(rc == 2 and rep2.get("rule") == "eof_before_message_stop",
          "cut:stop is truncated before message_stop: %s %s" % (rc, rep2.get("rule")))
    st, hd, body, broken, _ = step("cut:event", "c5")
    check(not body.endswith(b"\n\n") and b"content_block_delta" in body[-120:],
          "cut:event ends inside a delta event: %r" % body[-60:])
    check(sseval_check(body)[0] == 2, "cut:event is truncated")
    st, hd, body, broken, _ = step("cut:tool&stream=tool", "c6")
    check(body.count(b"input_json_delta") == 2 and body.endswith(b"\n\n"),
          "cut:tool ends after the second input_json_delta")
    rc, rep2 = sseval_check(body)
    tools = [b for b in rep2["message"]["content"] if b["type"] == "tool_use"]
    check(rc == 2 and len(tools) == 1, "cut:tool: truncated inside the tool input")
    st, hd, body, broken, _ = step("ok&stream=tool", "c7")
    check(sseval_check(body)[0] == 0 and b"tool_use" in body, "ok&stream=tool is complete")
    st, hd, body, broken, _ = step("cut:40%", "c8", stream=False)
    check(broken and 0 < len(body) < int(hd.get("content-length", 0)),
          "non-streaming cut: shorter than content-length, broken")

    # ---- the error event ----------------------------------------------------------------------
    st, hd, body, broken, _ = step("error:50%", "e1")
    rc, rep2 = sseval_check(body)
    check(rc == 3 and rep2.get("verdict") == "error_event", "error:50%% is error_event: %s" % rc)
    check(body.rstrip().split(b"\n\n")[-1].startswith(b"event: error"),
          "the error event is the last one")
    check(b"overloaded_error" in body, "the error event is overloaded_error")
    st, hd, body, broken, _ = step("error:stop&type=api_error", "e2")
    check(b"api_error" in body and b"message_delta" in body and b"message_stop" not in body,
          "error:stop comes after message_delta")
    st, hd, body, broken, _ = step("error:50%", "e3", stream=False)
    error_shape(st, hd, body, 529, "overloaded_error", "error step, non-streaming")

    # ---- timing: stall, drip, pace, stallhead ------------------------------------------------
    st, hd, body, broken, secs = step("stall:50%&ms=600", "s1")
    check(body == stream_body and secs >= 0.55, "stall 600 ms: %.2f s, whole" % secs)
    st, hd, body, broken, secs = step("drip&bytes=256&ms=20", "s2")
    n = (len(stream_body) + 255) // 256
    check(body == stream_body and secs >= (n - 1) * 0.02 * 0.9,
          "drip: %.2f s for %d pieces" % (secs, n))
    st, hd, body, broken, secs = step("ok&pace=20", "s3")
    check(body == stream_body and secs >= 0.3, "pace 20 ms: %.2f s" % secs)
    st, hd, body, broken, secs = step("stallhead&ms=500", "s4")
    check(body == stream_body and secs >= 0.45, "stallhead 500 ms: %.2f s" % secs)
    st, hd, body, broken, secs = step("stall:30%", "s5")
    check(broken and secs >= 2.5 and len(body) == len(stream_body) * 30 // 100,
          "stall forever: dropped at --stall-max (%.2f s, %d bytes)" % (secs, len(body)))
    st, hd, body, broken, secs = step("stall:30%", "s6", timeout=1.0)
    check(broken and secs < 2.5, "a stall times a client out: %.2f s" % secs)
    st, hd, body, broken, secs = step("pings&ms=100", "s7")
    pings = body.count(b"event: ping")
    check(broken and pings >= 20 and b"content_block" not in body and secs >= 2.5,
          "endless pings: %d pings in %.2f s" % (pings, secs))

    # ---- hostile bodies ------------------------------------------------------------------------
    st, hd, body, broken, _ = step("html", "h1")
    check(st == 200 and hd.get("content-type", "").startswith("text/html") and
          body.startswith(b"<!DOCTYPE html>"), "html step")
    st, hd, body, broken, _ = step("gzip", "h2")
    check(hd.get("content-encoding") == "gzip" and gzip.decompress(body) == stream_body,
          "gzip step decodes to the stream")
    st, hd, body, broken, _ = step("gzip", "h3", stream=False)
    check(json.loads(gzip.decompress(body)) == msg, "gzip non-streaming decodes to the message")
    srv.stream_body = stream_body


def check_log(srv):
    lines = srv.log_lines(want=40)
    raw = open(srv.log, encoding="utf-8").read()
    check(KEY not in raw, "the API key is never logged")
    check(len(lines) >= 40, "one log line per request: %d" % len(lines))
    first = [ln for ln in lines if ln["client"] == "A"]
    check([ln["attempt"] for ln in first] == [1, 2, 3, 4], "attempts of A: %s" %
          [ln["attempt"] for ln in first])
    check(first[0]["since_previous_ms"] is None and
          all(isinstance(ln["since_previous_ms"], int) for ln in first[1:]),
          "since_previous_ms")
    check([ln["sent"]["status"] for ln in first] == [529, 429, 200, 200], "statuses of A")
    check(all(ln["headers"]["x-api-key"] is True for ln in first), "key presence logged")
    check(all(ln["headers"]["anthropic-version"] == "2023-06-01" for ln in first),
          "anthropic-version logged")
    ends = {ln["client"]: ln["end"] for ln in lines}
    check(ends.get("c1") == "cut" and ends.get("c3") == "reset" and
          ends.get("c2") == "cut", "ends: %s" % {k: ends.get(k) for k in ("c1", "c2", "c3")})
    check(ends.get("s5") == "reset", "stall forever ends reset: %s" % ends.get("s5"))
    check(ends.get("s6") == "reset" or ends.get("s6") == "client_closed",
          "a client that hangs up: %s" % ends.get("s6"))
    e1 = [ln for ln in lines if ln["client"] == "e1"][0]
    check(e1["sent"]["what"] == "error event" and e1["end"] == "complete", "error event log")
    noauth = [ln for ln in lines if not ln["headers"]["x-api-key"]]
    check(len(noauth) == 1 and noauth[0]["sent"]["status"] == 401, "the keyless request")


def check_script():
    tmp = tempfile.mkdtemp(prefix="sseval-serve-script.")
    path = os.path.join(tmp, "script.txt")
    with open(path, "w") as fh:
        fh.write("# a script: one step per line\n529&retry-after=1\n\ncut:10%  # then\nok\n")
    srv = Server("--script", path)
    try:
        got = [post(srv)[0] for _ in range(4)]
        check(got == [529, 200, 200, 200], "script sequence: %s" % got)
        lines = srv.log_lines(want=4)
        check([ln["step"] for ln in lines] == ["529&retry-after=1", "cut:10%", "ok", "ok"],
              "script steps: %s" % [ln["step"] for ln in lines])
    finally:
        srv.stop()
    p = subprocess.run([BIN, "serve", "--scenario", "cut:what"], capture_output=True)
    check(p.returncode == 1 and b"bad scenario step" in p.stderr, "bad --scenario refused")


def suite(client, only=None, timeout=20):
    cmd = [BIN, "serve", "--suite", "--json", "--client-timeout", str(timeout)]
    if client:
        cmd += ["--client", client]
    if only:
        cmd += ["--only", only]
    p = subprocess.run(cmd, capture_output=True, env=clean_env(), timeout=280)
    try:
        rep = json.loads(p.stdout)
    except ValueError:
        check(False, "suite JSON: %r %r" % (p.stdout[:300], p.stderr[-500:]))
        return p.returncode, {}
    return p.returncode, {s["name"]: s for s in rep["scenarios"]}


def check_suite():
    p = subprocess.run([BIN, "serve", "--suite", "--list"], capture_output=True)
    names = p.stdout.decode().split()
    check(p.returncode == 0 and len(p.stdout.decode().splitlines()) >= 20,
          "at least 20 scenarios")
    # a client that claims success with a wrong answer misses the must-checks
    rc, rep = suite("echo 'not the answer'", "ok,400,cut-before-stop")
    check(rc == 2, "a lying client fails the suite: %d" % rc)
    check(rep.get("ok", {}).get("grade") == "fail" and rep.get("400", {}).get("grade") == "fail"
          and rep.get("cut-before-stop", {}).get("grade") == "fail",
          "its rows fail: %s" % {k: v.get("grade") for k, v in rep.items()})
    # the Python client follows the rules: every must-check passes; sseval
    # stream itself on the scenarios that end quickly. Both at once.
    client = "%s %s --idle 1.5 --max-time 5" % (sys.executable, os.path.join(HERE, "_serve_client.py"))
    fast = ("ok,529-then-ok,500-then-ok,429-retry-after-ms,400,401,529-should-retry-false,"
            "error-event,cut-40%,cut-40%-then-ok,reset-40%,cut-in-event,cut-in-tool-input,"
            "cut-before-stop,html-body,slow-drip")
    with concurrent.futures.ThreadPoolExecutor(2) as ex:
        py = ex.submit(suite, client, None, 10)
        st = ex.submit(suite, None, fast, 30) if os.environ.get("SSEVAL_HAVE_CURL") != "0" else None
        rc, rep = py.result()
        st_res = st.result() if st else None
    check(rc == 0, "the Python client passes the suite: %d %s" % (
        rc, {k: [c for c in v["checks"] if not c["pass"]] for k, v in rep.items()
             if v["grade"] == "fail"}))
    check(len(rep) >= 20, "the whole suite ran: %d" % len(rep))
    if rep:
        w = rep["429-retry-after"]["waits_ms"]
        check(w and w[0] >= 2000, "retry-after honoured: %s" % w)
        check(rep["400"]["requests"] == 1 and rep["529-then-ok"]["requests"] == 2,
              "request counts")
    if st_res:
        rc, rep = st_res
        check(rc == 0, "sseval stream passes the fast scenarios: %d %s" % (
            rc, {k: [c for c in v["checks"] if not c["pass"]] for k, v in rep.items()
                 if v["grade"] != "pass"}))


def check_scale(n=200):
    srv = Server("--pace", "5", "--threads", "2", "--quiet")
    try:
        want = post(srv, headers=HEADERS)[2]
        barrier = threading.Barrier(n)

        def one(_):
            s = socket.create_connection(("127.0.0.1", srv.port), timeout=60)
            data = json.dumps(dict(BODY, stream=True)).encode()
            barrier.wait(timeout=60)
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=60)
            conn.sock = s
            conn.request("POST", "/v1/messages", body=data, headers=HEADERS)
            r = conn.getresponse()
            body = r.read()
            conn.close()
            return r.status, body

        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(n) as ex:
            res = list(ex.map(one, range(n)))
        secs = time.monotonic() - t0
        good = sum(1 for st, b in res if st == 200 and b == want)
        check(good == n, "%d concurrent paced streams: %d complete" % (n, good))
        print("%d concurrent paced streams (5 ms between events) in %.2f s" % (n, secs))
    finally:
        srv.stop()


if __name__ == "__main__":
    sys.exit(main())
