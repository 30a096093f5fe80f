#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A small Messages API client in the standard library, written to the
error-handling rules `sseval serve --suite` grades (tests/test_serve.py runs
the suite against it): retry 408/409/429/5xx and connection failures with
exponential backoff and jitter, honour x-should-retry, retry-after-ms and
retry-after, never retry other 4xx, read the stream to message_stop (a stream
that ends before it, an `error` event, a stall past the idle timeout or a
body that is not an event stream is a failure), and give up after a total
time. Prints the answer's text; exit 0 only with a complete answer.

Env: ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY, SSEVAL_SERVE_REQUEST (the body).
Options: --idle S (default 3), --max-time S (default 20), --retries N (2).
"""
import http.client
import json
import os
import random
import socket
import sys
import time
import urllib.parse


class Failed(Exception):
    def __init__(self, msg, retry):
        super().__init__(msg)
        self.retry = retry


def read_events(resp):
    """Yield (event, data) pairs of an event stream (LF, CRLF or CR)."""
    buf = b""
    name, data = None, []
    while True:
        chunk = resp.read1(65536) if hasattr(resp, "read1") else resp.read(65536)
        if not chunk:
            return
        buf += chunk
        while True:
            cut = [i for i in (buf.find(b"\n"), buf.find(b"\r")) if i >= 0]
            if not cut:
                break
            i = min(cut)
            if buf[i:i + 1] == b"\r" and i + 1 == len(buf):
                break  # a CR at the end may be half of CRLF
            line = buf[:i]
            buf = buf[i + (2 if buf[i:i + 2] == b"\r\n" else 1):]
            if not line:
                if data or name:
                    yield name or "message", "\n".join(data)
                name, data = None, []
                continue
            field, _, value = line.decode("utf-8", "replace").partition(":")
            if value.startswith(" "):
                value = value[1:]
            if field == "event":
                name = value
            elif field == "data":
                data.append(value)


def attempt(url, key, body, idle, deadline):
    u = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=idle)
    path = (u.path.rstrip("/") or "") + "/v1/messages"
    try:
        conn.request("POST", path, body=body, headers={
            "x-api-key": key, "anthropic-version": "2023-06-01",
            "content-type": "application/json", "accept": "text/event-stream"})
        resp = conn.getresponse()
    except (OSError, http.client.HTTPException) as e:
        conn.close()
        raise Failed("no response: %s" % e, True)
    try:
        if resp.status != 200:
            hdr = {k.lower(): v for k, v in resp.getheaders()}
            resp.read()
            should = hdr.get("x-should-retry")
            retry = (should == "true") if should in ("true", "false") else (
                resp.status in (408, 409, 429) or resp.status >= 500)
            wait = None
            if "retry-after-ms" in hdr:
                wait = float(hdr["retry-after-ms"]) / 1000.0
            elif "retry-after" in hdr:
                try:
                    wait = float(hdr["retry-after"])
                except ValueError:
                    wait = None
            err = Failed("HTTP %d" % resp.status, retry)
            err.wait = wait if wait is not None and 0 <= wait <= 60 else None
            raise err
        ctype = resp.getheader("content-type", "")
        if not ctype.startswith("text/event-stream") or resp.getheader("content-encoding"):
            raise Failed("not an event stream: %s" % ctype, False)
        text = []
        try:
            for name, data in read_events(resp):
                if time.monotonic() > deadline:
                    raise Failed("out of time (--max-time)", False)
                if name == "error":
                    raise Failed("error event: %s" % data, True)
                if name == "content_block_delta":
                    d = json.loads(data).get("delta", {})
                    if d.get("type") == "text_delta":
                        text.append(d.get("text", ""))
                elif name == "message_stop":
                    return "".join(text)
        except (socket.timeout, TimeoutError):
            raise Failed("stalled: no byte for %s s" % idle, True)
        except (OSError, http.client.HTTPException) as e:
            raise Failed("connection broken: %s" % e, True)
        raise Failed("the stream ended before message_stop", True)
    finally:
        conn.close()


def main():
    args = sys.argv[1:]
    opt = {"--idle": 3.0, "--max-time": 20.0, "--retries": 2}
    for i in range(0, len(args) - 1, 2):
        opt[args[i]] = float(args[i + 1])
    url = os.environ["ANTHROPIC_BASE_URL"]
    key = os.environ["ANTHROPIC_API_KEY"]
    with open(os.environ["SSEVAL_SERVE_REQUEST"], "rb") as fh:
        req = json.loads(fh.read())
    req["stream"] = True
    body = json.dumps(req).encode()
    start = time.monotonic()
    retries = int(opt["--retries"])
    for n in range(retries + 1):
        try:
            text = attempt(url, key, body, opt["--idle"], start + opt["--max-time"])
            sys.stdout.write(text + "\n")
            return 0
        except Failed as e:
            sys.stderr.write("attempt %d: %s\n" % (n + 1, e))
            if not e.retry or n == retries:
                return 1
            wait = getattr(e, "wait", None)
            if wait is None:
                wait = min(0.5 * 2 ** n, 8.0) * (1 - 0.25 * random.random())
            if time.monotonic() - start + wait > opt["--max-time"]:
                return 1
            time.sleep(wait)
    return 1


if __name__ == "__main__":
    sys.exit(main())
