#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The sseval command facing hostile input where a person reads it.

* `sseval check`'s human report escapes every field that came from the
  input (message id, model, stop reason, block type, tool name, tool input,
  usage, error type and message, the file name): no C0 control, DEL, C1
  control (U+009B is a one-character CSI) or bidi control (U+202E) reaches
  the output raw, whether it is a pipe or a terminal (run here under a
  pseudo-terminal too).
* Size options reject a value whose suffix overflows, naming the flag
  (`--max-line-bytes 18014398509481985k` used to become 1024 bytes).

Env: SSEVAL_BIN (the CLI)."""
import os
import pty
import select
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BIN = os.environ.get("SSEVAL_BIN", os.path.join(HERE, "..", "build", "test", "sseval"))

failures = []
checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        failures.append(what)
        print("FAIL:", what, flush=True)
    return cond


# Bytes that must never reach a terminal raw: C0 (ESC, BEL, CR, BS), DEL,
# C1 (U+009B as UTF-8, and a raw 0x9B byte), bidi override U+202E.
RAW_BAD = [b"\x1b", b"\x07", b"\r", b"\x08", b"\x7f", b"\xc2\x9b", b"\x9b", b"\xe2\x80\xae"]
EVIL = "\\u001b]0;PWNED\\u0007\\u001b[2J\\r\\b\\u007f\\u009b\\u202e"  # as JSON escapes


def ev(name, data):
    return ("event: %s\ndata: %s\n\n" % (name, data)).encode()


def hostile_stream():
    s = ev("message_start", '{"type":"message_start","message":{"id":"msg_%s","type":"message",'
           '"role":"assistant","model":"claude-%s","content":[],"stop_reason":null,'
           '"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1,"x_%s":"v%s"}}}'
           % (EVIL, EVIL, EVIL, EVIL))
    s += ev("content_block_start", '{"type":"content_block_start","index":0,"content_block":'
            '{"type":"tool_use","id":"toolu_1","name":"run_%s","input":{}}}' % EVIL)
    s += ev("content_block_delta", '{"type":"content_block_delta","index":0,"delta":'
            '{"type":"input_json_delta","partial_json":"{\\"cmd\\":\\"%s\\"}"}}'
            % EVIL.replace("\\", "\\\\"))
    s += ev("content_block_stop", '{"type":"content_block_stop","index":0}')
    s += ev("content_block_start", '{"type":"content_block_start","index":1,"content_block":'
            '{"type":"text","text":""}}')
    s += ev("content_block_delta", '{"type":"content_block_delta","index":1,"delta":'
            '{"type":"text_delta","text":"hi %s"}}' % EVIL)
    s += ev("content_block_stop", '{"type":"content_block_stop","index":1}')
    s += ev("message_delta", '{"type":"message_delta","delta":{"stop_reason":"end_%s",'
            '"stop_sequence":null},"usage":{"output_tokens":2}}' % EVIL)
    s += ev("message_stop", '{"type":"message_stop"}')
    return s


def hostile_error_stream():
    s = ev("message_start", '{"type":"message_start","message":{"id":"msg_1","type":"message",'
           '"role":"assistant","model":"m","content":[],"stop_reason":null,'
           '"stop_sequence":null,"usage":{"input_tokens":1,"output_tokens":1}}}')
    s += ev("error", '{"type":"error","error":{"type":"overloaded_%s","message":"late %s"}}'
            % (EVIL, EVIL))
    return s


def run_pty(argv):
    """Run argv with stdout and stderr on a pseudo-terminal; returns
    (exit code, everything the terminal received)."""
    pid, fd = pty.fork()
    if pid == 0:
        try:
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    out = b""
    while True:
        r, _, _ = select.select([fd], [], [], 30)
        if not r:
            break
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), out


def no_raw_controls(data, what):
    for b in RAW_BAD:
        check(b not in data, "%s: raw %r reached the output: %r" % (what, b, data[:600]))


def t_check_report(tmp):
    # the file name itself carries an escape sequence
    path = os.path.join(tmp, "rec\x1b]0;name\x07.sse")
    with open(path, "wb") as fh:
        fh.write(hostile_stream())
    p = subprocess.run([BIN, "check", path], capture_output=True)
    check(p.returncode == 0, "check hostile fields: exit %d %r" % (p.returncode, p.stderr))
    no_raw_controls(p.stdout, "check report (pipe)")
    out = p.stdout.decode("utf-8", "replace")
    for want in ("msg_\\x1b]0;PWNED\\x07\\x1b[2J\\r\\x08\\x7f\\u009b\\u202e",
                 "claude-\\x1b]0;PWNED", "end_\\x1b]0;PWNED", "run_\\x1b]0;PWNED",
                 "rec\\x1b]0;name\\x07.sse"):
        check(want in out, "check report shows %r escaped: %r" % (want, out[:800]))
    rc, tty = run_pty([BIN, "check", path])
    check(rc == 0, "check under a terminal: exit %d" % rc)
    no_raw_controls(tty.replace(b"\r\n", b"\n"), "check report (terminal)")
    # JSON output: C0 controls escaped by the JSON rules (for machines)
    p = subprocess.run([BIN, "check", "--json", path], capture_output=True)
    check(b"\x1b" not in p.stdout and b"\x07" not in p.stdout, "check --json: C0 escaped")

    err = os.path.join(tmp, "err.sse")
    with open(err, "wb") as fh:
        fh.write(hostile_error_stream())
    p = subprocess.run([BIN, "check", err], capture_output=True)
    check(p.returncode == 3, "check error event: exit %d" % p.returncode)
    no_raw_controls(p.stdout, "check error event report")
    out = p.stdout.decode("utf-8", "replace")
    check("overloaded_\\x1b]0;PWNED" in out and "late \\x1b]0;PWNED" in out,
          "error type and message escaped: %r" % out)


def t_size_overflow(tmp):
    empty = os.path.join(tmp, "empty")
    open(empty, "wb").close()
    for sub, flag in (("check", "--max-line-bytes"), ("check", "--max-event-bytes"),
                      ("check", "--max-block-bytes"), ("events", "--max-line-bytes"),
                      ("events", "--max-event-bytes")):
        for value in ("18014398509481985k", "17592186044417m", "99999999999999999999"):
            p = subprocess.run([BIN, sub, flag, value, empty], capture_output=True)
            check(p.returncode == 1, "%s %s %s: exit %d, not rejected" % (sub, flag, value, p.returncode))
            check(flag.encode() in p.stderr, "%s %s %s: the message names the flag: %r"
                  % (sub, flag, value, p.stderr))
    p = subprocess.run([BIN, "check", "--max-line-bytes", "1k", empty], capture_output=True)
    check(p.returncode == 2, "1k is still a valid size (exit %d)" % p.returncode)


def main():
    with tempfile.TemporaryDirectory() as tmp:
        t_check_report(tmp)
        t_size_overflow(tmp)
    print("%d checks, %d failed" % (checks, len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
