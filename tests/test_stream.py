#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""`sseval stream` (and the two libcurl examples) against the fault-injecting
server of tests/fault_server.py, over loopback only.

For every scenario: the exit code, the text printed, the number of
requests and retries, the delay each retry logged and the spacing the server
saw, the request each attempt sent (headers, "stream": true, the API key),
the recording (`--record`, replayed through `sseval check`), that the key
never shows up in any output, and that the sanitizers stayed quiet.

Retry waits are scaled down with the hidden `--retry-scale` option (see
docs/TRANSPORT.md); the delays the policy chose are still logged unscaled.

Env: SSEVAL_BIN (the CLI), SSEVAL_BUILD (build dir, for the examples),
SSEVAL_HAVE_CURL (0: skip). Exit 77 (skipped) without libcurl."""
import concurrent.futures
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import fault_server  # noqa: E402

BIN = os.environ.get("SSEVAL_BIN", os.path.join(HERE, "..", "build", "test", "sseval"))
BUILD = os.environ.get("SSEVAL_BUILD", os.path.dirname(BIN))
SCALE = 0.05
KEY = "sk-ant-test-" + os.urandom(12).hex()

if os.environ.get("SSEVAL_HAVE_CURL") == "0":
    print("skipped: built without libcurl")
    sys.exit(77)
_probe = subprocess.run([BIN, "stream", "--help"], capture_output=True)
if _probe.returncode != 0:
    print("skipped: this sseval has no `stream`:", _probe.stderr.decode(errors="replace").strip())
    sys.exit(77)

RETRY_RE = re.compile(
    r"^sseval stream: attempt (\d+) of (\d+) failed: (.*), request-id (\S+); "
    r"retrying in (\d+) ms \((retry-after|backoff)\)(?:, scaled to (\d+) ms)?$")
NOTICE = "the answer printed so far is incomplete; printing it again from the start"
SANITIZER = ("AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer")

failures = []
checks = 0
_lock = threading.Lock()


def check(cond, what):
    global checks
    with _lock:
        checks += 1
        if not cond:
            failures.append(what)
            print("FAIL:", what, flush=True)
    return cond


def clean_env(key=KEY):
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "all_proxy", "no_proxy")}
    env["NO_PROXY"] = "*"  # loopback only, whatever the machine's proxy says
    env.pop("ANTHROPIC_API_KEY", None)
    if key is not None:
        env["ANTHROPIC_API_KEY"] = key
    return env


def fixture_path(name):
    return os.path.join(fault_server.FIXTURE_DIR, fault_server.FIXTURES[name])


def check_report(path):
    p = subprocess.run([BIN, "check", "--json", path], capture_output=True)
    return p.returncode, json.loads(p.stdout)


FACTS = {}


def facts(name):
    """The text and report `sseval check` gives for a recording."""
    if name not in FACTS:
        rc, rep = check_report(fixture_path(name))
        text = "".join(b.get("text", "") for b in rep["message"]["content"] if b["type"] == "text")
        thinking = "".join(b.get("thinking", "") for b in rep["message"]["content"]
                           if b["type"] == "thinking")
        FACTS[name] = dict(rc=rc, report=rep, text=text, thinking=thinking,
                           bytes=open(fixture_path(name), "rb").read())
    return FACTS[name]


REQUEST = {"model": "claude-test", "max_tokens": 64, "stream": False,
           "messages": [{"role": "user", "content": "Say hello \u00e9\u2603."}],
           "metadata": {"user_id": "u1"}}


class Run:
    pass


def run_tty(cmd, env, stdin_tty=False, feed=None, timeout=60):
    """Run cmd with stdout and stderr on a pseudo-terminal (and stdin too
    with stdin_tty; `feed` is then typed into it). Returns (exit code,
    every byte the terminal got)."""
    master, slave = os.openpty()
    p = subprocess.Popen(cmd, env=env, stdout=slave, stderr=slave,
                         stdin=slave if stdin_tty else subprocess.DEVNULL)
    os.close(slave)
    if feed is not None:
        os.write(master, feed)
    out, t_end = b"", time.monotonic() + timeout
    while time.monotonic() < t_end:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    try:
        rc = p.wait(timeout=max(1, t_end - time.monotonic()))
    except subprocess.TimeoutExpired:
        p.kill()
        rc = p.wait()
    os.close(master)
    return rc, out


def run(srv, tmp, tag, steps, *args, key=KEY, stdin=None, request="file", url=None,
        record=True, timeout=60, tty=False):
    """Run `sseval stream` against /s/<tag>/<steps>; returns a Run."""
    r = Run()
    r.tag = tag
    r.record = os.path.join(tmp, tag + ".sse")
    req_path = os.path.join(tmp, tag + ".request.json")
    with open(req_path, "w", encoding="utf-8") as fh:
        json.dump(REQUEST, fh, ensure_ascii=False)
    cmd = [BIN, "stream", "--base-url", url or srv.url(tag, steps), "--retry-scale", str(SCALE)]
    if request == "file":
        cmd += ["--request", req_path]
    elif request is not None:
        cmd += ["--request", request]
    if record:
        cmd += ["--record", r.record]
    cmd += list(args)
    t0 = time.monotonic()
    if tty:  # stdout and stderr on one terminal: r.raw_out has both
        r.rc, r.raw_out = run_tty(cmd, clean_env(key), timeout=timeout)
        r.raw_err = b""
    else:
        p = subprocess.run(cmd, env=clean_env(key), capture_output=True, timeout=timeout,
                           input=stdin)
        r.rc, r.raw_out, r.raw_err = p.returncode, p.stdout, p.stderr
    r.elapsed = time.monotonic() - t0
    r.out = r.raw_out.decode("utf-8", errors="replace")
    r.err = r.raw_err.decode("utf-8", errors="replace")
    r.requests = srv.requests(tag)
    r.retries = []
    for line in r.err.splitlines():
        m = RETRY_RE.match(line)
        if m:
            r.retries.append(dict(attempt=int(m.group(1)), of=int(m.group(2)), what=m.group(3),
                                  rid=m.group(4), delay=int(m.group(5)), source=m.group(6),
                                  wait=int(m.group(7)) if m.group(7) else int(m.group(5))))
    r.rec = open(r.record, "rb").read() if record and os.path.exists(r.record) else None
    return r


def common(r, name, max_retries=2):
    """Checks that hold for every run."""
    for s in SANITIZER:
        check(s not in r.err, "%s: sanitizer report: %s" % (name, r.err[-2000:]))
    check(KEY.encode() not in r.raw_out and KEY.encode() not in r.raw_err,
          "%s: the API key appears in the output" % name)
    if r.rec is not None:
        check(KEY.encode() not in r.rec, "%s: the API key appears in the recording" % name)
    for i, q in enumerate(r.requests):
        h = q["headers"]
        check(h.get("x-api-key") == KEY, "%s: request %d x-api-key" % (name, i))
        check(h.get("anthropic-version") == "2023-06-01", "%s: anthropic-version" % name)
        check(h.get("content-type") == "application/json", "%s: content-type" % name)
        check(h.get("accept") == "text/event-stream", "%s: accept" % name)
        check("expect" not in h, "%s: no Expect: 100-continue" % name)
        check(q["path"].endswith("/v1/messages"), "%s: path %s" % (name, q["path"]))
        try:
            body = json.loads(q["body"])
        except ValueError:
            check(False, "%s: request body is not JSON: %r" % (name, q["body"][:200]))
            continue
        want = dict(REQUEST)
        want["stream"] = True
        check(body == want, "%s: request body %r" % (name, body))
    # one log line per retry, numbered, with the request id of the failed attempt
    check(len(r.retries) == max(0, len(r.requests) - 1) or not r.requests,
          "%s: %d retry lines for %d requests:\n%s" % (name, len(r.retries), len(r.requests), r.err))
    for i, x in enumerate(r.retries):
        check(x["attempt"] == i + 1 and x["of"] == max_retries + 1,
              "%s: retry line %d numbering %r" % (name, i, x))
        if i < len(r.requests):
            check(x["rid"] == "req_%s_%d" % (r.tag, i), "%s: retry %d request id %s" % (name, i, x["rid"]))
        check(x["wait"] == int(x["delay"] * SCALE + 0.5), "%s: scaled wait %r" % (name, x))
    # spacing: never earlier than the logged wait
    for i in range(1, len(r.requests)):
        gap_ms = (r.requests[i]["t"] - r.requests[i - 1]["t"]) * 1000.0
        if i - 1 < len(r.retries):
            check(gap_ms >= r.retries[i - 1]["wait"] - 2,
                  "%s: retry %d came after %.1f ms, before its %d ms wait"
                  % (name, i, gap_ms, r.retries[i - 1]["wait"]))


def report_of(err):
    """The human report: stderr from its `stream: ` line on."""
    i = err.rfind("\nstream: ")
    if err.startswith("stream: ") and i < 0:
        return err
    return err[i + 1:] if i >= 0 else ""


def split_human(r):
    """(stdout: the answer only, the human report from stderr)."""
    return r.out, report_of(r.err)


def expected_stdout_text(final_text, partials=()):
    """stdout to a pipe: each partial answer ended by a newline, then the
    final answer byte for byte (nothing added)."""
    s = ""
    for p in partials:
        s += p + ("" if p.endswith("\n") else "\n")
    return s + final_text


def prompt_retries(r, name):
    """For failures that end at once (HTTP errors), the retry also comes
    soon after its wait: never much later than the delay chosen."""
    for i in range(1, min(len(r.requests), len(r.retries) + 1)):
        gap_ms = (r.requests[i]["t"] - r.requests[i - 1]["t"]) * 1000.0
        check(gap_ms <= r.retries[i - 1]["wait"] + 1500,
              "%s: retry %d came %.0f ms after the failure, its wait was %d ms"
              % (name, i, gap_ms, r.retries[i - 1]["wait"]))


def backoff_ok(r, name, indexes):
    for i in indexes:
        x = r.retries[i]
        check(x["source"] == "backoff" and 0 <= x["delay"] <= 500 * 2 ** i,
              "%s: retry %d backoff %r (full jitter, cap 500*2^n)" % (name, i, x))


def prefix_bytes(name, step):
    events = fault_server.split_events(facts(name)["bytes"])
    data = b"".join(fault_server.half(events))
    if step == "errorevent":
        data += (b"event: error\ndata: " + fault_server.error_json("overloaded_error", "Overloaded")
                 + b"\n\n")
    return data


# ---- the scenarios --------------------------------------------------------------------
def s_normal(srv, tmp):
    r = run(srv, tmp, "normal", "ok")
    f = facts("text")
    common(r, "normal")
    check(r.rc == 0, "normal: exit %d: %s" % (r.rc, r.err))
    check(len(r.requests) == 1 and not r.retries, "normal: one request")
    text, rep = split_human(r)
    check(text == expected_stdout_text(f["text"]), "normal: text %r" % text)
    check(rep.startswith("stream: complete"), "normal: report %r" % rep[:200])
    check("request-id req_normal_0" in rep and "attempts     1" in rep, "normal: report transport lines")
    check(r.rec == f["bytes"], "normal: recording is the body byte for byte")
    rc, crep = check_report(r.record)
    check(rc == 0 and crep["verdict"] == "complete", "normal: recording replays as complete")


def s_json_tool(srv, tmp):
    r = run(srv, tmp, "jsontool", "ok@tool", "--json")
    f = facts("tool")
    common(r, "json")
    check(r.rc == 0, "json: exit %d" % r.rc)
    rep = json.loads(r.out)
    for k, v in f["report"].items():
        check(rep.get(k) == v, "json: report key %s differs from sseval check" % k)
    check(rep.get("end") == "stream" and rep.get("http_status") == 200, "json: transport keys")
    check(rep.get("request_id") == "req_jsontool_0" and rep.get("attempts") == 1, "json: request id, attempts")
    check(f["text"] and f["text"] in r.err, "json: the text goes to stderr")
    check(r.rec == f["bytes"], "json: recording")


def s_stdin_thinking(srv, tmp):
    r = run(srv, tmp, "thinking", "ok@thinking", "--show-thinking", request=None,
            stdin=json.dumps(REQUEST).encode())
    f = facts("thinking")
    common(r, "thinking")
    check(r.rc == 0, "thinking: exit %d" % r.rc)
    text, rep = split_human(r)
    check(text == expected_stdout_text(f["text"]), "thinking: stdout has the text only")
    check(f["thinking"] and f["thinking"] in r.err, "thinking: thinking on stderr")
    check(f["thinking"] not in r.out, "thinking: thinking not on stdout")
    r2 = run(srv, tmp, "nothinking", "ok@thinking")
    check(f["thinking"] not in r2.err and f["thinking"] not in r2.out,
          "thinking: hidden without --show-thinking")


def s_drip(srv, tmp):
    r = run(srv, tmp, "drip", "drip")
    f = facts("text")
    common(r, "drip")
    check(r.rc == 0, "drip: exit %d: %s" % (r.rc, r.err))
    check(split_human(r)[0] == expected_stdout_text(f["text"]), "drip: text")
    check(r.rec == f["bytes"], "drip: recording")
    check(r.elapsed >= len(f["bytes"]) * fault_server.DRIP_DELAY, "drip: was dripped")


def s_429(srv, tmp):
    r = run(srv, tmp, "rate", "429,ok")
    common(r, "429")
    check(r.rc == 0, "429: exit %d" % r.rc)
    check(len(r.requests) == 2 and len(r.retries) == 1, "429: one retry")
    if r.retries:
        x = r.retries[0]
        check(x["what"] == "HTTP 429 rate_limit_error", "429: logged %r" % x["what"])
        check(x["delay"] == 2000 and x["source"] == "retry-after", "429: retry-after 2 s honoured %r" % x)
    prompt_retries(r, "429")
    check(r.rec == facts("text")["bytes"], "429: recording is the last attempt's")
    r = run(srv, tmp, "ratems", "429ms,ok")
    common(r, "429ms")
    check(r.rc == 0 and len(r.retries) == 1, "429ms: one retry")
    if r.retries:
        check(r.retries[0]["delay"] == 300 and r.retries[0]["source"] == "retry-after",
              "429ms: retry-after-ms wins over retry-after %r" % r.retries[0])


def s_529(srv, tmp):
    r = run(srv, tmp, "overloaded", "529", "--json")
    common(r, "529")
    check(r.rc == 7, "529: exit %d" % r.rc)
    check(len(r.requests) == 3 and len(r.retries) == 2, "529: two retries (default)")
    backoff_ok(r, "529", range(len(r.retries)))
    prompt_retries(r, "529")
    for x in r.retries:
        check(x["what"] == "HTTP 529 overloaded_error", "529: logged %r" % x["what"])
    check("giving up after 3 attempts" in r.err, "529: gives up")
    rep = json.loads(r.out)
    check(rep["verdict"] == "http_error" and rep["http_status"] == 529, "529: report verdict")
    check(rep["error"] == {"type": "overloaded_error", "message": "Overloaded", "retryable": True},
          "529: report error %r" % rep["error"])
    check(rep["request_id"] == "req_overloaded_2" and rep["attempts"] == 3, "529: report transport")
    check(json.loads(r.rec)["error"]["type"] == "overloaded_error", "529: recording is the error body")
    r = run(srv, tmp, "overloadednr", "529nr")
    common(r, "529nr")
    check(r.rc == 7 and len(r.requests) == 1, "529 + x-should-retry: false is not retried")
    r = run(srv, tmp, "overloaded1", "529", "--max-retries", "1")
    common(r, "529 max-retries 1", max_retries=1)
    check(r.rc == 7 and len(r.requests) == 2, "--max-retries 1: two attempts")
    r = run(srv, tmp, "overloaded0", "529", "--max-retries", "0")
    common(r, "529 max-retries 0", max_retries=0)
    check(r.rc == 7 and len(r.requests) == 1, "--max-retries 0: one attempt")


def s_500(srv, tmp):
    r = run(srv, tmp, "server", "500,ok")
    common(r, "500")
    check(r.rc == 0 and len(r.requests) == 2, "500: retried once then complete")
    backoff_ok(r, "500", range(len(r.retries)))
    prompt_retries(r, "500")
    if r.retries:
        check(r.retries[0]["what"] == "HTTP 500 api_error", "500: logged %r" % r.retries[0]["what"])
    check(split_human(r)[0] == expected_stdout_text("Hello"), "500: text once")


def s_4xx(srv, tmp):
    for code, etype in (("401", "authentication_error"), ("400", "invalid_request_error")):
        r = run(srv, tmp, "client" + code, code + ",ok")
        common(r, code)
        check(r.rc == 7, "%s: exit %d" % (code, r.rc))
        check(len(r.requests) == 1 and not r.retries, "%s: never retried" % code)
        rep = report_of(r.err)
        check(r.out == "", "%s: nothing on stdout %r" % (code, r.out[:100]))
        check(rep.startswith("stream: http_error (HTTP %s)" % code), "%s: report %r" % (code, rep[:100]))
        check(etype in rep and "not retryable" in rep, "%s: error type in report" % code)
        check("req_client%s_0" % code in rep, "%s: request id in report" % code)
    r = run(srv, tmp, "client401j", "401", "--json")
    rep = json.loads(r.out)
    check(rep["error"] == {"type": "authentication_error", "message": "invalid x-api-key",
                           "retryable": False}, "401 json: error %r" % rep["error"])
    check(rep["message"] is None and rep["verdict"] == "http_error", "401 json: verdict")


def s_error_event(srv, tmp):
    r = run(srv, tmp, "errev", "errorevent,ok")
    common(r, "error event")
    check(r.rc == 0 and len(r.requests) == 2, "error event: retried, then complete (exit %d)" % r.rc)
    if r.retries:
        check(r.retries[0]["what"] == "HTTP 200 error event overloaded_error",
              "error event: logged %r" % r.retries[0]["what"])
    check(NOTICE in r.err, "error event: says the text is printed again")
    check(split_human(r)[0] == expected_stdout_text("Hello", ["Hello"]),
          "error event: partial then whole text %r" % r.out[:100])
    check(r.rec == facts("text")["bytes"], "error event: recording is the last attempt's")
    r = run(srv, tmp, "errevkeep", "errorevent,ok", "--on-truncate", "keep", "--json")
    common(r, "error event keep")
    check(r.rc == 3 and len(r.requests) == 1, "error event keep: exit 3, one attempt")
    rep = json.loads(r.out)
    check(rep["verdict"] == "error_event" and rep["error"]["type"] == "overloaded_error", "error event keep: report")
    check(rep["message"]["content"][0]["text"] == "Hello", "error event keep: partial message kept")
    check(r.rec == prefix_bytes("text", "errorevent"), "error event keep: recording")
    rc, crep = check_report(r.record)
    check(rc == 3 and crep["verdict"] == "error_event", "error event keep: recording replays")


def s_reset(srv, tmp):
    r = run(srv, tmp, "reset", "reset,ok")
    common(r, "reset")
    check(r.rc == 0 and len(r.requests) == 2, "reset: retried, then complete")
    if r.retries:
        check(r.retries[0]["what"].startswith("HTTP 200 stream truncated"), "reset: logged %r" % r.retries[0]["what"])
    check(NOTICE in r.err, "reset: notice")
    check(split_human(r)[0] == expected_stdout_text("Hello", ["Hello"]), "reset: text twice")
    r = run(srv, tmp, "resetkeep", "reset", "--on-truncate", "keep")
    common(r, "reset keep")
    check(r.rc == 2 and len(r.requests) == 1, "reset keep: exit 2 after one attempt (%d)" % r.rc)
    check(r.out == "Hello" and report_of(r.err).startswith("stream: truncated"),
          "reset keep: partial text on stdout, report on stderr %r %r" % (r.out[:80], r.err[:200]))
    check(r.rec == prefix_bytes("text", "reset"), "reset keep: recording is what arrived")
    rc, crep = check_report(r.record)
    check(rc == 2 and crep["verdict"] == "truncated", "reset keep: recording replays as truncated")
    r = run(srv, tmp, "cut", "cut", "--max-retries", "1")
    common(r, "cut", max_retries=1)
    check(r.rc == 2 and len(r.requests) == 2, "clean cut: truncated, retried once")


def s_stall(srv, tmp):
    r = run(srv, tmp, "stall", "stall", "--timeout", "0.3", "--max-retries", "1")
    common(r, "stall", max_retries=1)
    check(r.rc == 2, "stall: exit %d" % r.rc)
    check(len(r.requests) == 2, "stall: retried once")
    if r.retries:
        check("idle timeout" in r.retries[0]["what"], "stall: logged %r" % r.retries[0]["what"])
    # two attempts the server would each hold STALL_MAX seconds
    check(r.elapsed < 2 * fault_server.STALL_MAX - 1, "stall: the idle timeout cut it (%.1f s)" % r.elapsed)
    check(r.rec == prefix_bytes("text", "stall"), "stall: recording")
    r = run(srv, tmp, "stallhead", "stallhead", "--timeout", "0.3", "--max-retries", "0")
    common(r, "stallhead", max_retries=0)
    check(r.rc == 8 and len(r.requests) == 1, "no response within the timeout: exit 8 (%d)" % r.rc)
    check(r.out == "" and report_of(r.err).startswith("stream: no_response"), "stallhead: report")
    check(r.rec == b"", "stallhead: empty recording")


def s_wrong_type(srv, tmp):
    r = run(srv, tmp, "wrongtype", "wrongtype", "--json")
    common(r, "wrong type")
    check(r.rc == 7 and len(r.requests) == 1, "wrong type: exit 7, not retried (%d)" % r.rc)
    rep = json.loads(r.out)
    check(rep["verdict"] == "not_event_stream" and rep["content_type"].startswith("text/plain"),
          "wrong type: report %r" % rep)
    check(rep["events"] == 0 and "Hello" not in r.err, "wrong type: body not validated nor printed")
    check(r.rec == facts("text")["bytes"], "wrong type: recording has the body")


def s_not_sse(srv, tmp):
    # an HTML page labelled text/event-stream: whatever verdict the validator
    # gives it (truncated, or not_event_stream exit 7), stream exits with it
    # and retries only a truncated one
    r = run(srv, tmp, "notsse", "notsse", "--max-retries", "1")
    common(r, "not sse", max_retries=1)
    rc, _ = check_report(r.record)
    check(r.rc == rc and rc in (2, 7), "not sse: exit %d, the recording's verdict %d" % (r.rc, rc))
    check(len(r.requests) == (2 if rc == 2 else 1), "not sse: %d attempts" % len(r.requests))
    check(r.rec == fault_server.HTML, "not sse: recording")
    r = run(srv, tmp, "notssekeep", "notsse", "--on-truncate", "keep")
    check(r.rc == rc and len(r.requests) == 1, "not sse keep: one attempt")
    r = run(srv, tmp, "violation", "violation")
    common(r, "violation")
    check(r.rc == 4 and len(r.requests) == 1, "protocol violation: exit 4, not retried (%d)" % r.rc)


def s_refused(srv, tmp):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    r = run(srv, tmp, "refused", "", url="http://127.0.0.1:%d/x" % port)
    common(r, "refused")
    check(r.rc == 8, "refused: exit %d" % r.rc)
    check(len(r.retries) == 2, "refused: retried twice")
    for x in r.retries:
        check(x["what"].startswith("no response") and x["rid"] == "-", "refused: logged %r" % x)
    backoff_ok(r, "refused", range(len(r.retries)))
    check(r.out == "" and report_of(r.err).startswith("stream: no_response"), "refused: report")


def s_config_errors(srv, tmp):
    r = run(srv, tmp, "nokey", "ok", key=None)
    check(r.rc == 1 and not r.requests, "no key: exit 1 before any request")
    check("ANTHROPIC_API_KEY" in r.err, "no key: says which variable")
    r = run(srv, tmp, "emptykey", "ok", key="")
    check(r.rc == 1 and not r.requests, "empty key: exit 1")
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as fh:
        fh.write("[1, 2]")
    r = run(srv, tmp, "badreq", "ok", request=bad)
    check(r.rc == 1 and not r.requests and "not a JSON object" in r.err, "request not an object: exit 1")
    r = run(srv, tmp, "badopt", "ok", "--on-truncate", "maybe")
    check(r.rc == 1 and not r.requests, "bad --on-truncate: exit 1")
    r = run(srv, tmp, "badopt2", "ok", "--max-retries", "-1")
    check(r.rc == 1 and not r.requests, "bad --max-retries: exit 1")
    r = run(srv, tmp, "missing", "ok", request=os.path.join(tmp, "nope.json"))
    check(r.rc == 1 and not r.requests, "missing request file: exit 1")


def s_examples(srv, tmp):
    easy = os.path.join(BUILD, "examples", "curl_easy")
    multi = os.path.join(BUILD, "examples", "curl_multi")
    if not os.path.exists(easy) or not os.path.exists(multi):
        print("examples not built: skipped")
        return
    env = clean_env()
    p = subprocess.run([easy, srv.url("exeasy", "500,ok")], env=env, capture_output=True, timeout=30)
    out = p.stdout.decode()
    check(p.returncode == 0 and out.startswith("Hello\n[complete]") and "req_exeasy_1" in out,
          "curl_easy: retried then complete: %r %r" % (out, p.stderr[-500:]))
    check(len(srv.requests("exeasy")) == 2, "curl_easy: two requests")
    p = subprocess.run([easy, srv.url("exeasy401", "401")], env=env, capture_output=True, timeout=30)
    check(p.returncode == 7 and b"authentication_error" in p.stdout, "curl_easy: 401 exit 7")
    p = subprocess.run([multi, srv.url("exmulti", "500,ok@tool"), "4"], env=env,
                       capture_output=True, timeout=60)
    lines = p.stdout.decode().split("[stream ")
    check(p.returncode == 0, "curl_multi: exit %d %r" % (p.returncode, p.stderr[-800:]))
    check(len(lines) == 5 and all(" complete, request-id req_exmulti_" in x for x in lines[1:]),
          "curl_multi: four complete streams %r" % p.stdout[:400])
    check(all(facts("tool")["text"] in x for x in lines[1:]), "curl_multi: each stream's text")
    check(len(srv.requests("exmulti")) == 5, "curl_multi: 4 streams + 1 retry")
    for s in SANITIZER:
        check(s.encode() not in p.stderr, "curl_multi: sanitizer report")


# ---- hostile servers and terminals (issue 10) ------------------------------------
RAW_BAD = [b"\x1b", b"\x07", b"\x7f", b"\xc2\x9b", b"\xe2\x80\xae"]


def s_evil(srv, tmp):
    """Escape sequences in the text and in the request-id header."""
    want = fault_server.EVIL_TEXT.encode()
    r = run(srv, tmp, "evil", "evil")
    common(r, "evil")
    check(r.rc == 0 and len(r.requests) == 1, "evil: exit %d" % r.rc)
    check(r.raw_out == want, "evil: a pipe gets the text byte for byte %r" % r.raw_out)
    for b in RAW_BAD:
        check(b not in r.raw_err, "evil: raw %r in the report on stderr %r" % (b, r.raw_err[-400:]))
    check("request-id req_evil_0\\x1b]0;RID\\x07" in r.err, "evil: request-id escaped %r" % r.err[-300:])
    r = run(srv, tmp, "evilj", "evil", "--json")
    check(r.rc == 0 and json.loads(r.out)["request_id"] == "req_evilj_0" + fault_server.EVIL_RID_SUFFIX,
          "evil --json: the JSON report keeps the value (JSON-escaped)")
    r = run(srv, tmp, "eviltty", "evil", tty=True)
    check(r.rc == 0, "evil on a terminal: exit %d" % r.rc)
    for b in RAW_BAD:
        check(b not in r.raw_out, "evil: raw %r reached the terminal %r" % (b, r.raw_out[:300]))
    check(b"Hi \\x1b]0;PWNED\\x07\\x1b[2J\\u009b31m\\u202eevil\\x7f\r\n" in r.raw_out,
          "evil: the terminal shows the escapes %r" % r.raw_out[:300])
    check(KEY.encode() not in r.raw_out, "evil tty: key")
    # retry lines escape what the server sent too
    r = run(srv, tmp, "evilretry", "529,evil", tty=True)
    check(r.rc == 0 and b"\x1b" not in r.raw_out and b"attempt 1 of 3 failed" in r.raw_out,
          "evil after a retry on a terminal %r" % r.raw_out[:400])


def s_stop_error(srv, tmp):
    """An error event after message_stop: the whole answer arrived, so the
    request is never sent again."""
    r = run(srv, tmp, "stoperr", "stoperror")
    common(r, "stop error")
    check(len(r.requests) == 1 and not r.retries, "stop error: one attempt (%d)" % len(r.requests))
    rc, crep = check_report(r.record)
    check(r.rc == rc, "stop error: exit %d is the verdict's of the recording (%d)" % (r.rc, rc))
    check(r.rc != 0, "stop error: not called complete")
    check(r.out == facts("text")["text"], "stop error: the answer once %r" % r.out)
    r = run(srv, tmp, "stoperrj", "stoperror", "--json", "--max-retries", "5")
    check(len(r.requests) == 1, "stop error --max-retries 5: still one attempt")


def s_pings(srv, tmp):
    """Nothing but pings after message_start: idle, cut at --timeout."""
    r = run(srv, tmp, "pings", "pings", "--timeout", "1", "--max-retries", "1", timeout=60)
    common(r, "pings", max_retries=1)
    check(r.rc == 2 and len(r.requests) == 2, "pings: truncated after 2 attempts (%d, %d)"
          % (r.rc, len(r.requests)))
    check(r.elapsed < 20, "pings: the idle timeout cut it (%.1f s)" % r.elapsed)
    if r.retries:
        check("idle timeout" in r.retries[0]["what"], "pings: logged %r" % r.retries[0]["what"])


def s_max_time(srv, tmp):
    """--max-time bounds the whole run, retries included."""
    r = run(srv, tmp, "maxtime", "pings", "--max-time", "1.5", "--max-retries", "5", timeout=60)
    common(r, "max-time", max_retries=5)
    check(r.rc == 2 and len(r.requests) == 1, "max-time: truncated, one attempt (%d, %d)"
          % (r.rc, len(r.requests)))
    check(r.elapsed < 10, "max-time: stopped near 1.5 s (%.1f s)" % r.elapsed)
    check("--max-time reached" in r.err, "max-time: says why %r" % r.err[-300:])
    r = run(srv, tmp, "maxtimehead", "stallhead", "--max-time", "0.5", timeout=60)
    check(r.rc == 8 and r.elapsed < fault_server.STALL_MAX - 0.1, "max-time before any response: exit 8 (%d, %.1f s)"
          % (r.rc, r.elapsed))
    r = run(srv, tmp, "maxtimebad", "ok", "--max-time", "-1")
    check(r.rc == 1 and not r.requests, "bad --max-time: exit 1")


def s_html(srv, tmp):
    """An endless 200 text/html body stops at max_body_bytes (64 KiB)."""
    r = run(srv, tmp, "html", "html", "--json", timeout=60)
    common(r, "html")
    check(r.rc == 7 and len(r.requests) == 1, "html: exit 7, one attempt (%d)" % r.rc)
    check(r.elapsed < 20, "html: stopped reading (%.1f s)" % r.elapsed)
    rep = json.loads(r.out) if r.out.startswith("{") else {}
    check(rep.get("verdict") == "not_event_stream", "html: verdict %r" % rep.get("verdict"))
    check(r.rec is not None and 65536 <= len(r.rec) < 65536 + 200000,
          "html: the recording is bounded (%d bytes)" % len(r.rec or b""))


def s_gzip(srv, tmp):
    """gzip: libcurl decodes it by default; asked for identity, an encoded
    body is refused with a clear message, and not retried."""
    f = facts("text")
    r = run(srv, tmp, "gzip", "gzip")
    common(r, "gzip")
    check(r.rc == 0 and r.out == f["text"] and len(r.requests) == 1, "gzip: decoded (%d)" % r.rc)
    check("gzip" in r.requests[0]["headers"].get("accept-encoding", "") if r.requests else False,
          "gzip: the request says what libcurl decodes")
    check(r.rec == f["bytes"], "gzip: the recording is the decoded stream")
    r = run(srv, tmp, "gzipid", "gzip", "--accept-encoding", "identity")
    common(r, "gzip identity")
    check(r.rc == 7 and len(r.requests) == 1, "gzip identity: refused, exit 7 (%d, %d)"
          % (r.rc, len(r.requests)))
    check(r.requests and r.requests[0]["headers"].get("accept-encoding") == "identity",
          "gzip identity: asked for identity")
    check("Content-Encoding" in r.err, "gzip identity: says why %r" % r.err[-400:])
    r = run(srv, tmp, "badenc", "badenc")
    common(r, "bad encoding")
    check(r.rc == 7 and len(r.requests) == 1, "unknown encoding: exit 7, not retried (%d, %d)"
          % (r.rc, len(r.requests)))


def s_output(srv, tmp):
    """-o FILE: the final attempt's answer once complete; stdout empty."""
    out = os.path.join(tmp, "answer.txt")
    r = run(srv, tmp, "outfile", "reset,ok", "-o", out)
    common(r, "output")
    check(r.rc == 0 and r.out == "", "output: exit 0, nothing on stdout (%d %r)" % (r.rc, r.out))
    check(open(out, "rb").read() == b"Hello", "output: the answer once")
    out2 = os.path.join(tmp, "partial.txt")
    r = run(srv, tmp, "outkeep", "reset", "--on-truncate", "keep", "--output", out2)
    check(r.rc == 2 and not os.path.exists(out2), "output: nothing written for a cut stream")
    check("not written" in r.err, "output: says so")
    r = run(srv, tmp, "outjson", "ok", "--json", "-o", os.path.join(tmp, "j.txt"))
    check(r.rc == 0 and json.loads(r.out)["verdict"] == "complete", "output --json: stdout is the JSON")


def s_hostile_config(srv, tmp):
    r = run(srv, tmp, "fileurl", "ok", url="file:///etc/hostname#")
    check(r.rc == 1 and "http" in r.err, "file:// base URL refused: %d %r" % (r.rc, r.err))
    r = run(srv, tmp, "inject", "ok", key="k\r\nX-Injected: 1")
    check(r.rc == 1 and not r.requests and "control character" in r.err,
          "API key with CR LF refused before any request: %d %r" % (r.rc, r.err))
    # no --request, stdin a terminal: a usage line, not a silent wait
    cmd = [BIN, "stream", "--base-url", srv.url("ttyreq", "ok")]
    rc, out = run_tty(cmd, clean_env(), stdin_tty=True, timeout=20)
    check(rc == 1 and b"--request" in out and b"usage:" in out, "no request on a terminal: %d %r"
          % (rc, out))
    check(not srv.requests("ttyreq"), "no request on a terminal: nothing sent")
    # --request - on a terminal: says what it waits for, then reads it
    rc, out = run_tty(cmd + ["--request", "-", "--retry-scale", "0"], clean_env(), stdin_tty=True,
                      feed=json.dumps(REQUEST).encode() + b"\n\x04", timeout=30)
    check(b"reading the request" in out and rc == 0, "--request - on a terminal: %d %r" % (rc, out[-300:]))


SCENARIOS = [s_normal, s_json_tool, s_stdin_thinking, s_drip, s_429, s_529, s_500, s_4xx,
             s_error_event, s_reset, s_stall, s_wrong_type, s_not_sse, s_refused,
             s_config_errors, s_examples, s_evil, s_stop_error, s_pings, s_max_time, s_html,
             s_gzip, s_output, s_hostile_config]


def main():
    t0 = time.monotonic()
    srv = fault_server.FaultServer(lifetime=170).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
                only = sys.argv[1:]  # scenario names, to run a few while working
                futs = {pool.submit(fn, srv, tmp): fn.__name__ for fn in SCENARIOS
                        if not only or fn.__name__ in only}
                for fut in concurrent.futures.as_completed(futs):
                    try:
                        fut.result()
                    except Exception as e:  # a crash in a scenario is a failure
                        check(False, "%s raised %r" % (futs[fut], e))
    finally:
        srv.stop()
    print("%d checks, %d failed, %.1f s" % (checks, len(failures), time.monotonic() - t0))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
