#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A fault-injecting Messages API server for the `sseval stream` and
libsseval-curl tests. Python standard library only; binds 127.0.0.1 on an
ephemeral port, never anything else, and stops by itself (lifetime bound).

It replays the recordings of tests/fixtures/claude/ as
`Transfer-Encoding: chunked` event streams, and injects the faults a client
meets in production. The behaviour is chosen per request by the path:

    POST /s/<tag>/<steps>/v1/messages

<tag> is any name (one counter per tag + steps: use a fresh tag per test);
<steps> is a comma-separated list, the n-th request of that tag gets the
n-th step (the last one repeats). A step is NAME or NAME@FIXTURE
(FIXTURE: text, thinking, tool, web; default text). So a base URL of
http://127.0.0.1:PORT/s/t1/429,ok makes the client's first request get a
429 and its retry the recording.

Steps:
  ok          200 text/event-stream, the recording, one chunk per event
  bulk        the same in a single chunk
  drip        the same, one byte per chunk, DRIP_DELAY seconds apart
  cut         200, the stream ends cleanly (chunked terminator) before
              message_stop: truncated
  reset       200, half the stream, then a TCP reset (RST)
  stall       200, half the stream, then silence for STALL_MAX seconds
              (or until the client hangs up)
  stallhead   the request is read, then no response at all for STALL_MAX
  errorevent  200, half the stream, then `event: error` overloaded_error
  violation   200, the recording without its first content_block_start
  wrongtype   200 text/plain carrying the recording (not to be validated)
  notsse      200 text/event-stream whose body is an HTML error page
  429         429 rate_limit_error, retry-after: 2
  429ms       429 rate_limit_error, retry-after-ms: 300 and retry-after: 30
  529         529 overloaded_error (JSON body, no hints)
  529nr       529 overloaded_error with x-should-retry: false
  500         500 api_error
  400         400 invalid_request_error
  401         401 authentication_error
Hostile steps (issue 10):
  pings       200, message_start, then nothing but `ping` events, one every
              PING_EVERY seconds, until the client hangs up (ENDLESS_MAX)
  html        200 text/html, an HTML page that never ends (until the client
              hangs up, ENDLESS_MAX)
  gzip        200 text/event-stream, the recording gzip-compressed with
              content-encoding: gzip (whatever the client asked for)
  badenc      200 text/event-stream with content-encoding: x-bogus
  evil        200, a stream whose text carries terminal escape sequences
              (OSC title, clear screen, C1 CSI U+009B, bidi U+202E), and a
              request-id header with an escape sequence
  stoperror   200, the whole recording, then an `error` event after
              message_stop
  echo        200 text/plain whose body is the request body as received
  errorstall  200, half the stream, `event: error` overloaded_error, then
              silence for STALL_MAX seconds (or until the client hangs up):
              a reader that stops once the verdict is final returns at once
  violerror   200, the recording without its first content_block_start, cut
              after half its events, an `event: error` api_error, then
              silence as errorstall
Every response carries `request-id: req_<tag>_<n>` (evil: an escape
sequence follows it).

Use from a test (import): FaultServer().start(); .port; .requests(tag);
.stop(). Standalone: `fault_server.py --serve [--lifetime S]` prints the port
on stdout and serves until GET /_quit or the lifetime ends. Without
arguments (as ctest runs it) it tests itself over loopback.
"""
import gzip
import http.client
import json
import os
import select
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE_DIR = os.path.join(HERE, "fixtures", "claude", "recorded")
FIXTURES = {
    "text": "llm-anthropic/test_stream_events_text.interaction0.sse",
    "thinking": "pydantic-ai/test_anthropic_model_thinking_part_stream.interaction0.sse",
    "tool": "anthropic-sdk-go/tool_runner_next_streaming.interaction0.sse",
    "web": "llm-anthropic/test_web_search.interaction0.sse",
}
DRIP_DELAY = 0.001
STALL_MAX = 4.0
PING_EVERY = 0.05
ENDLESS_MAX = 40.0  # an endless step stops by itself after this long
DEFAULT_LIFETIME = 120.0

HTML = (b"<html>\n<head><title>502 Bad Gateway</title></head>\n<body>\n"
        b"<center><h1>502 Bad Gateway</h1></center>\n</body>\n</html>\n")


def fixture_bytes(name):
    with open(os.path.join(FIXTURE_DIR, FIXTURES[name]), "rb") as fh:
        return fh.read()


def split_events(data):
    """The recording as a list of events, each with its blank line."""
    out, start = [], 0
    while True:
        i = data.find(b"\n\n", start)
        if i < 0:
            if start < len(data):
                out.append(data[start:])
            return out
        out.append(data[start:i + 2])
        start = i + 2


def half(events):
    """The first half of the events, and at least up to the first text delta
    (so a client has printed some text when the fault comes)."""
    n = max(1, len(events) // 2)
    for i, ev in enumerate(events):
        if b'"text_delta"' in ev:
            n = max(n, i + 1)
            break
    return events[:n]


# what `evil` puts in its text: OSC 0 (window title), BEL, ED (clear
# screen), C1 CSI U+009B, bidi override U+202E, DEL
EVIL_TEXT = "Hi \x1b]0;PWNED\x07\x1b[2J\u009b31m\u202eevil\x7f\n"
EVIL_RID_SUFFIX = "\x1b]0;RID\x07"


def evil_stream():
    def ev(name, obj):
        return ("event: %s\ndata: %s\n\n" % (name, json.dumps(obj))).encode()
    return (ev("message_start", {"type": "message_start", "message": {
        "id": "msg_evil", "type": "message", "role": "assistant", "model": "claude-test",
        "content": [], "stop_reason": None, "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1}}})
        + ev("content_block_start", {"type": "content_block_start", "index": 0,
                                     "content_block": {"type": "text", "text": ""}})
        + ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta", "text": EVIL_TEXT[:9]}})
        + ev("content_block_delta", {"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta", "text": EVIL_TEXT[9:]}})
        + ev("content_block_stop", {"type": "content_block_stop", "index": 0})
        + ev("message_delta", {"type": "message_delta",
                               "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                               "usage": {"output_tokens": 5}})
        + ev("message_stop", {"type": "message_stop"}))


def error_json(etype, message):
    return json.dumps({"type": "error", "error": {"type": etype, "message": message},
                       "request_id": None}).encode()


ERRORS = {
    "429": (429, "rate_limit_error", "Number of request tokens has exceeded your rate limit.",
            [("retry-after", "2")]),
    "429ms": (429, "rate_limit_error", "Rate limited.",
              [("retry-after-ms", "300"), ("retry-after", "30")]),
    "529": (529, "overloaded_error", "Overloaded", []),
    "529nr": (529, "overloaded_error", "Overloaded", [("x-should-retry", "false")]),
    "500": (500, "api_error", "Internal server error", []),
    "400": (400, "invalid_request_error", "max_tokens: Field required", []),
    "401": (401, "authentication_error", "invalid x-api-key", []),
}


class _Hangup(Exception):
    """The connection was closed on purpose (reset, stall)."""


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "sseval-fault-server/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except (_Hangup, ConnectionError, BrokenPipeError):
            self.close_connection = True

    def finish(self):
        try:
            super().finish()
        except OSError:
            pass

    # ---- plumbing -----------------------------------------------------------
    def _head(self, status, ctype, rid, extra=(), chunked=True, length=None):
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("request-id", rid)
        for k, v in extra:
            self.send_header(k, v)
        if chunked:
            self.send_header("transfer-encoding", "chunked")
        else:
            self.send_header("content-length", str(length))
        self.end_headers()

    def _chunk(self, data):
        if data:
            self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))

    def _end_chunks(self):
        self.wfile.write(b"0\r\n\r\n")

    def _client_gone(self, timeout):
        r, _, _ = select.select([self.connection], [], [], timeout)
        if not r:
            return False
        try:
            return self.connection.recv(1, socket.MSG_PEEK) == b""
        except OSError:
            return True

    def _stall(self):
        end = time.monotonic() + STALL_MAX
        while time.monotonic() < end:
            if self._client_gone(0.05):
                break
        self.close_connection = True
        raise _Hangup()

    def _endless(self, name, rid):
        """Never ends on its own: pings, or HTML, until the client goes
        (a write fails or it hangs up) or ENDLESS_MAX passes."""
        end = time.monotonic() + ENDLESS_MAX
        if name == "pings":
            self._head(200, "text/event-stream; charset=utf-8", rid)
            self._chunk(split_events(fixture_bytes("text"))[0])  # message_start
            piece, pause = b'event: ping\ndata: {"type": "ping"}\n\n', PING_EVERY
        else:
            self._head(200, "text/html; charset=utf-8", rid)
            piece, pause = b"<html><body>" + b"<p>not an event stream</p>\n" * 600, 0
        try:
            while time.monotonic() < end:
                self._chunk(piece)
                if self._client_gone(pause):
                    break
        except OSError:
            pass
        self.close_connection = True
        raise _Hangup()

    def _reset(self):
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
        raise _Hangup()

    # ---- requests -----------------------------------------------------------
    def do_GET(self):
        if self.path == "/_quit":
            body = b"bye\n"
            self._head(200, "text/plain", "req_quit", chunked=False, length=len(body))
            self.wfile.write(body)
            threading.Thread(target=self.server.shutdown, daemon=True).start()
            return
        self.send_error(404)

    def do_POST(self):
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        parts = self.path.split("/")
        # ['', 's', tag, steps, 'v1', 'messages']
        if len(parts) != 6 or parts[1] != "s" or parts[4:] != ["v1", "messages"]:
            self.send_error(404)
            return
        tag, steps = parts[2], parts[3].split(",")
        n = self.server.count(tag, parts[3])
        step = steps[min(n, len(steps) - 1)]
        name, _, fix = step.partition("@")
        rid = "req_%s_%d" % (tag, n)
        self.server.record(dict(t=time.monotonic(), tag=tag, step=step, n=n, path=self.path,
                                headers={k.lower(): v for k, v in self.headers.items()},
                                body=body))
        if name == "echo":
            self._head(200, "text/plain", rid, chunked=False, length=len(body))
            self.wfile.write(body)
            return
        self.serve_step(name, fix or "text", rid)

    def serve_step(self, name, fix, rid):
        if name in ERRORS:
            status, etype, msg, extra = ERRORS[name]
            data = error_json(etype, msg)
            self._head(status, "application/json", rid, extra, chunked=False, length=len(data))
            self.wfile.write(data)
            return
        if name == "stallhead":
            self._stall()
        if name in ("pings", "html"):
            self._endless(name, rid)
            return
        if name == "evil":
            self._head(200, "text/event-stream; charset=utf-8", rid + EVIL_RID_SUFFIX)
            for ev in split_events(evil_stream()):
                self._chunk(ev)
            self._end_chunks()
            return
        data = fixture_bytes(fix)
        events = split_events(data)
        if name == "wrongtype":
            self._head(200, "text/plain; charset=utf-8", rid)
            self._chunk(data)
            self._end_chunks()
            return
        if name in ("gzip", "badenc"):
            body = gzip.compress(data) if name == "gzip" else data
            self._head(200, "text/event-stream; charset=utf-8", rid,
                       [("content-encoding", "gzip" if name == "gzip" else "x-bogus")],
                       chunked=False, length=len(body))
            self.wfile.write(body)
            return
        if name == "notsse":
            self._head(200, "text/event-stream; charset=utf-8", rid)
            self._chunk(HTML)
            self._end_chunks()
            return
        self._head(200, "text/event-stream; charset=utf-8", rid,
                   [("cache-control", "no-cache")])
        if name == "ok":
            for ev in events:
                self._chunk(ev)
        elif name == "bulk":
            self._chunk(data)
        elif name == "drip":
            for i in range(len(data)):
                self._chunk(data[i:i + 1])
                time.sleep(DRIP_DELAY)
        elif name == "cut":
            for ev in half(events):
                self._chunk(ev)
        elif name == "violation":
            dropped = False
            for ev in events:
                if not dropped and ev.startswith(b"event: content_block_start"):
                    dropped = True
                    continue
                self._chunk(ev)
        elif name == "stoperror":
            for ev in events:
                self._chunk(ev)
            self._chunk(b"event: error\ndata: " + error_json("overloaded_error", "late")
                        + b"\n\n")
        elif name == "errorevent":
            for ev in half(events):
                self._chunk(ev)
            self._chunk(b"event: error\ndata: " + error_json("overloaded_error", "Overloaded")
                        + b"\n\n")
        elif name in ("errorstall", "violerror"):
            evs = half(events)
            if name == "violerror":
                evs = [ev for ev in evs if not ev.startswith(b"event: content_block_start")]
            for ev in evs:
                self._chunk(ev)
            self._chunk(b"event: error\ndata: "
                        + error_json("overloaded_error" if name == "errorstall" else "api_error",
                                     "Overloaded" if name == "errorstall" else "relayed")
                        + b"\n\n")
            self._stall()
        elif name in ("reset", "stall"):
            for ev in half(events):
                self._chunk(ev)
            time.sleep(0.05)  # let the client read what was sent
            if name == "reset":
                self._reset()
            self._stall()
        else:
            self._chunk(b"event: error\ndata: " + error_json("api_error", "unknown step " + name)
                        + b"\n\n")
        self._end_chunks()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self._lock = threading.Lock()
        self._counts = {}
        self._log = []

    def count(self, tag, steps):
        with self._lock:
            n = self._counts.get((tag, steps), 0)
            self._counts[(tag, steps)] = n + 1
            return n

    def record(self, entry):
        with self._lock:
            self._log.append(entry)

    def requests(self, tag):
        with self._lock:
            return [e for e in self._log if e["tag"] == tag]


class FaultServer:
    """The server in a background thread, stopped by stop() or after
    `lifetime` seconds, whichever comes first."""

    def __init__(self, lifetime=DEFAULT_LIFETIME):
        self._srv = _Server()
        self.port = self._srv.server_address[1]
        self._thread = threading.Thread(target=self._srv.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._timer = threading.Timer(lifetime, self._srv.shutdown)
        self._timer.daemon = True

    def start(self):
        self._thread.start()
        self._timer.start()
        return self

    def url(self, tag, steps):
        return "http://127.0.0.1:%d/s/%s/%s" % (self.port, tag, steps)

    def requests(self, tag):
        return self._srv.requests(tag)

    def wait(self):
        self._thread.join()

    def stop(self):
        self._timer.cancel()
        self._srv.shutdown()
        self._srv.server_close()


# ---- self-test: what ctest runs --------------------------------------------------
def _request(port, path, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("POST", path, body=b'{"stream":true}', headers={"content-type": "application/json"})
    r = c.getresponse()
    try:
        body = r.read()
    except (http.client.IncompleteRead, ConnectionError) as e:
        body = getattr(e, "partial", b"") or b""
        return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body, "cut"
    finally:
        c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), body, "ok"


def self_test():
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
            print("FAIL:", what)

    srv = FaultServer(lifetime=60).start()
    try:
        p = srv.port
        data = fixture_bytes("text")
        st, h, body, how = _request(p, "/s/a/429,ok/v1/messages")
        check(st == 429 and h.get("retry-after") == "2", "429 with retry-after")
        check(json.loads(body)["error"]["type"] == "rate_limit_error", "429 body")
        check(h.get("request-id") == "req_a_0", "request id %r" % h.get("request-id"))
        st, h, body, how = _request(p, "/s/a/429,ok/v1/messages")
        check(st == 200 and body == data and how == "ok", "then the recording")
        check(h.get("transfer-encoding") == "chunked", "chunked")
        check(h.get("content-type", "").startswith("text/event-stream"), "content type")
        st, h, body, how = _request(p, "/s/a/429,ok/v1/messages")
        check(st == 200, "the last step repeats")
        check([e["step"] for e in srv.requests("a")] == ["429", "ok", "ok"], "request log")
        for code in ("529", "500", "400", "401", "529nr", "429ms"):
            st, h, body, how = _request(p, "/s/b%s/%s/v1/messages" % (code, code))
            check(st == int(code[:3]), "status of " + code)
            check(json.loads(body)["type"] == "error", "error body of " + code)
        st, h, body, how = _request(p, "/s/c/drip/v1/messages")
        check(body == data, "drip gives the whole recording")
        st, h, body, how = _request(p, "/s/c/cut/v1/messages")
        check(how == "ok" and data.startswith(body) and b"message_stop" not in body, "cut")
        st, h, body, how = _request(p, "/s/c/errorevent/v1/messages")
        check(b"event: error" in body and b"message_stop" not in body, "error event")
        st, h, body, how = _request(p, "/s/c/violation/v1/messages")
        check(b"content_block_start" not in body.split(b"\n\n")[1], "violation")
        st, h, body, how = _request(p, "/s/c/wrongtype/v1/messages")
        check(h.get("content-type", "").startswith("text/plain") and body == data, "wrong type")
        st, h, body, how = _request(p, "/s/c/notsse/v1/messages")
        check(body == HTML, "not sse")
        st, h, body, how = _request(p, "/s/c/gzip/v1/messages")
        check(h.get("content-encoding") == "gzip" and gzip.decompress(body) == data, "gzip")
        st, h, body, how = _request(p, "/s/c/stoperror/v1/messages")
        check(body.startswith(data) and body.endswith(b"\n\n") and b"late" in body, "stoperror")
        st, h, body, how = _request(p, "/s/c/evil/v1/messages")
        check(b"\\u001b]0;PW" in body and h.get("request-id", "").endswith("\x1b]0;RID\x07"),
              "evil %r" % h.get("request-id"))
        for step in ("pings", "html"):
            c = http.client.HTTPConnection("127.0.0.1", p, timeout=10)
            c.request("POST", "/s/c/%s/v1/messages" % step, body=b"{}")
            r = c.getresponse()
            got = r.read(200000 if step == "html" else 400)
            check(len(got) == (200000 if step == "html" else 400), "%s keeps sending" % step)
            c.close()
        t0 = time.monotonic()
        try:
            st, h, body, how = _request(p, "/s/c/reset/v1/messages")
            check(how == "cut" and data.startswith(body), "reset cuts the body")
        except (ConnectionError, http.client.HTTPException):
            pass
        check(time.monotonic() - t0 < 2, "reset is quick")
        t0 = time.monotonic()
        try:
            _request(p, "/s/c/stall/v1/messages", timeout=0.5)
            check(False, "stall must time out")
        except (socket.timeout, TimeoutError):
            pass
        check(time.monotonic() - t0 < 2, "stall timed out on the client side")
        # only loopback
        check(srv._srv.server_address[0] == "127.0.0.1", "bound to loopback")
    finally:
        srv.stop()
    print("fault_server self-test: %s" % ("ok" if not failures else "%d failures" % len(failures)))
    return 1 if failures else 0


def main(argv):
    if not argv:
        return self_test()
    if argv[0] == "--serve":
        lifetime = DEFAULT_LIFETIME
        if len(argv) >= 3 and argv[1] == "--lifetime":
            lifetime = float(argv[2])
        srv = FaultServer(lifetime=lifetime).start()
        sys.stdout.write("%d\n" % srv.port)
        sys.stdout.flush()
        srv.wait()
        srv._timer.cancel()
        srv._srv.server_close()
        return 0
    sys.stderr.write("usage: fault_server.py [--serve [--lifetime SECONDS]]\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
