#!/usr/bin/env python3
"""Signed workflow_job deliveries for bench/intake, from the real example payload of
@octokit/webhooks-examples (installed by the build under src/test/npm).

  deliveries.py lua OUT N         writes a Lua table of N signed bodies (distinct job ids)
  deliveries.py latency PORT LOG N sends N queued deliveries one by one and prints, per delivery,
                                   the ms from sending it to the service's log line of the
                                   capacity call it caused ("scaling out to capacity")
"""
import datetime
import hashlib
import hmac
import http.client
import json
import os
import re
import sys
import time
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = os.path.join(ROOT, "src/test/npm/node_modules/@octokit/webhooks-examples/api.github.com/index.json")
SECRET = b"bench-only-webhook-secret"


def queued_example():
    for event in json.load(open(EXAMPLES)):
        if event["name"] == "workflow_job":
            for example in event["examples"]:
                if example["action"] == "queued":
                    return example
    raise SystemExit("no queued workflow_job example in " + EXAMPLES)


def body(job_id):
    payload = queued_example_cache
    payload["workflow_job"]["id"] = job_id
    payload["workflow_job"]["labels"] = ["self-hosted", "linux", "x64"]
    payload["repository"]["full_name"] = "octo-org/app"
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return raw, "sha256=" + hmac.new(SECRET, raw, hashlib.sha256).hexdigest()


def lua(out, n):
    with open(out, "w") as f:
        f.write("return {\n")
        for i in range(n):
            raw, sig = body(9_000_000 + i)
            f.write('{sig="%s", body=[==[%s]==]},\n' % (sig, raw.decode()))
        f.write("}\n")


def log_times(log):
    """Epoch seconds of every 'scaling out' line (the log has the local time of day, in ms)."""
    today = datetime.date.today()
    times = []
    for line in open(log, errors="replace"):
        if "scaling out to capacity" in line:
            hms = re.match(r"(\d\d):(\d\d):(\d\d)\.(\d\d\d)", line)
            if hms:
                h, m, s, ms = map(int, hms.groups())
                times.append(datetime.datetime(today.year, today.month, today.day, h, m, s, ms * 1000).timestamp())
    return times


def latency(port, log, n):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    for i in range(n):
        before = len(log_times(log))
        raw, sig = body(8_000_000 + i)
        headers = {"Content-Type": "application/json", "X-GitHub-Event": "workflow_job",
                   "X-GitHub-Delivery": str(uuid.uuid4()), "X-Hub-Signature-256": sig}
        sent = time.time()
        conn.request("POST", "/github/webhook", raw, headers)
        answer = conn.getresponse()
        answer.read()
        if answer.status != 202:
            raise SystemExit("delivery answered %d" % answer.status)
        deadline = time.time() + 10
        while len(log_times(log)) <= before:
            if time.time() > deadline:
                raise SystemExit("no capacity call within 10 s of delivery %d" % i)
            time.sleep(0.01)
        logged = log_times(log)[before]
        # the log has whole ms; a line in the same ms as the send can read as up to 1 ms early
        print("%.1f" % max(0.0, (logged - sent) * 1000))
        sys.stdout.flush()
        time.sleep(0.4)  # the capacity call completes and the scale set is listed again before the next


queued_example_cache = queued_example()
if __name__ == "__main__":
    if sys.argv[1] == "lua":
        lua(sys.argv[2], int(sys.argv[3]))
    else:
        latency(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
