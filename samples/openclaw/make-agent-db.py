#!/usr/bin/env python3
"""Writes state-sqlite/, the sample OpenClaw state dir of a release that keeps sessions in SQLite (v2026.7.2 on).

Run from anywhere: python3 samples/openclaw/make-agent-db.py. It replaces agents/ops/agent/openclaw-agent.sqlite and
agents/ops/sessions/cold/. The tables are the ones a session's conversation needs, with the columns OpenClaw's agent
schema 23-24 gives them (openclaw/openclaw docs/reference/database-schemas/layout.md and agent-schema-history.md):
session_windows (one row per session id of a session key), session_nodes (the key's SessionEntry as entry_json, what
sessions.json held), transcript_events (each event is the line the session's JSONL file would hold; events of 1 KiB
and more are stored as a level-1 zstd frame with a checksum in event_zstd, event_json null) and
session_transcript_cold_archives (a session whose events were moved to sessions/cold/<sha256>.jsonl.zst: a header
line, then one line per event row). Python has no zstd module here, so the zstd command line compresses, as
samples/zed/make-threads-db.py does. Everything in the rows was written for these samples. The database uses the
rollback journal (journal_mode=DELETE) so it is one file in git; OpenClaw runs it in WAL mode.
"""
import hashlib
import json
import os
import sqlite3
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
AGENT = os.path.join(HERE, "state-sqlite", "agents", "ops")
DB = os.path.join(AGENT, "agent", "openclaw-agent.sqlite")
COLD = os.path.join(AGENT, "sessions", "cold")

SCHEMA = """
CREATE TABLE session_nodes (
  session_key TEXT NOT NULL PRIMARY KEY, current_session_id TEXT NOT NULL, entry_json TEXT NOT NULL,
  updated_at INTEGER NOT NULL, status TEXT, created_at INTEGER, created_via TEXT
) STRICT;
CREATE TABLE session_windows (
  session_id TEXT NOT NULL PRIMARY KEY, session_key TEXT NOT NULL, previous_session_id TEXT, reason TEXT,
  session_scope TEXT NOT NULL DEFAULT 'conversation', created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL
) STRICT;
CREATE TABLE transcript_events (
  session_id TEXT NOT NULL, seq INTEGER NOT NULL, event_json TEXT, created_at INTEGER NOT NULL, event_zstd BLOB,
  event_utf8_bytes INTEGER, navigation_json TEXT,
  PRIMARY KEY (session_id, seq),
  FOREIGN KEY (session_id) REFERENCES session_windows(session_id) ON DELETE CASCADE
) STRICT;
CREATE TABLE session_transcript_cold_archives (
  session_id TEXT NOT NULL PRIMARY KEY, generation TEXT NOT NULL, archive_name TEXT NOT NULL UNIQUE,
  archive_sha256 TEXT NOT NULL, event_count INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, archive_bytes INTEGER NOT NULL,
  last_seq INTEGER NOT NULL, archived_at INTEGER NOT NULL, storage TEXT NOT NULL, archive_blob BLOB,
  FOREIGN KEY (session_id) REFERENCES session_windows(session_id) ON DELETE CASCADE
) STRICT;
"""

WORKSPACE = "/home/dana/.openclaw/workspace-ops"
HOT = "3c5e7a9b-1d2f-4a6b-8c0d-2e4f6a8b0c1d"  # the key's current session: plain and zstd rows
COLD_ID = "8e0a2c4d-6f1b-4d3e-9a5c-7b9d1f3e5a7c"  # the key's session before the daily reset, moved to a cold archive
SPAWNED = "b1d3f5a7-9c2e-4b4d-8f6a-0c2e4a6c8e0a"  # a subagent the current session spawned
KEY = "agent:ops:main"
SUB_KEY = "agent:ops:subagent:5d7f9b1c-3e5a-4c7e-9b1d-3f5a7c9e1b3d"

LOG = "\n".join(f"2026-09-{d:02d} 02:00 backup db-{n} OK {1200 + 37 * d + n} MB in {40 + d + n} s" for d in range(1, 15) for n in (1, 2))


def usage(i, o, read, write, cost):
    return {"input": i, "output": o, "cacheRead": read, "cacheWrite": write, "totalTokens": i + o + read + write,
            "cost": {"total": cost}}


def events(session_id, start, items):
    """The session's header and entries, each a parent of the next, a second apart from start (ms)."""
    out = [{"type": "session", "version": 3, "id": session_id, "timestamp": iso(start), "cwd": WORKSPACE}]
    parent = None
    for n, (entry_id, entry) in enumerate(items, 1):
        entry = {"id": entry_id, "parentId": parent, "timestamp": iso(start + n * 1000), **entry}
        if "message" in entry:
            entry["message"] = {**entry["message"], "timestamp": start + n * 1000}
        out.append(entry)
        parent = entry_id
    return out


def iso(ms):
    import datetime
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def assistant(content, u, stop="stop", model="claude-sonnet-4-5"):
    return {"type": "message", "message": {"role": "assistant", "content": content, "api": "anthropic-messages",
                                           "provider": "anthropic", "model": model, "usage": u, "stopReason": stop}}


def user(text):
    return {"type": "message", "message": {"role": "user", "content": [{"type": "text", "text": text}]}}


def result(call_id, name, text, error=False):
    return {"type": "message", "message": {"role": "toolResult", "toolCallId": call_id, "toolName": name,
                                           "content": [{"type": "text", "text": text}], "isError": error}}


T_COLD = 1789362000000  # 2026-09-13T05:00:00Z, the day before the daily reset
T_HOT = 1789452000000  # 2026-09-15T06:00:00Z
T_SUB = T_HOT + 20000

COLD_EVENTS = events(COLD_ID, T_COLD, [
    ("c1a00001", {"type": "model_change", "provider": "anthropic", "modelId": "claude-sonnet-4-5"}),
    ("c1a00002", user("[Telegram Dana Ops (@dana_ops) id:7001002003 2026-09-13 05:00 UTC] is the staging cert renewed?")),
    ("c1a00003", assistant([{"type": "toolCall", "id": "toolu_01Cold0000001", "name": "exec",
                               "arguments": {"command": "openssl x509 -enddate -noout -in /etc/ssl/staging.pem"}}],
                             usage(3100, 52, 0, 9800, 0.0526), "toolUse")),
    ("c1a00004", result("toolu_01Cold0000001", "exec", "notAfter=Dec 12 23:59:59 2026 GMT")),
    ("c1a00005", assistant([{"type": "text", "text": "Yes: the staging certificate now runs to 12 December 2026."}],
                             usage(3200, 21, 9800, 0, 0.0130))),
])

HOT_EVENTS = events(HOT, T_HOT, [
    ("a1b00001", {"type": "model_change", "provider": "anthropic", "modelId": "claude-sonnet-4-5"}),
    ("a1b00002", {"type": "thinking_level_change", "thinkingLevel": "low"}),
    ("a1b00003", user("[Telegram Dana Ops (@dana_ops) id:7001002003 2026-09-15 06:00 UTC] did any backup take longer than a minute this month?")),
    ("a1b00004", assistant([{"type": "thinking", "thinking": "Read the backup log, then compare durations.",
                               "thinkingSignature": "EqQBsample0not_real=="},
                              {"type": "toolCall", "id": "toolu_01Hot00000001", "name": "read",
                               "arguments": {"path": "logs/backup.log"}}],
                             usage(4100, 61, 0, 12400, 0.0665), "toolUse")),
    # Over 1 KiB: stored as a zstd frame.
    ("a1b00005", result("toolu_01Hot00000001", "read", LOG)),
    ("a1b00006", assistant([{"type": "text", "text": "No backup reached a minute: the longest, db-2 on 14 September, took 58 s."},
                              {"type": "toolCall", "id": "toolu_01Hot00000002", "name": "sessions_spawn",
                               "arguments": {"task": "Check whether db-2's backups are growing", "label": "Backup growth"}}],
                             usage(5300, 88, 12400, 1500, 0.0314), "toolUse")),
    ("a1b00007", result("toolu_01Hot00000002", "sessions_spawn", json.dumps({"status": "accepted", "childSessionKey": SUB_KEY}))),
    ("a1b00008", assistant([{"type": "text", "text": "I asked a subagent to check whether db-2's backups are growing."}],
                             usage(5500, 19, 13900, 0, 0.0096))),
])

SUB_EVENTS = events(SPAWNED, T_SUB, [
    ("d1e00001", {"type": "model_change", "provider": "anthropic", "modelId": "claude-haiku-4-5"}),
    ("d1e00002", user("Check whether db-2's backups are growing")),
    ("d1e00003", assistant([{"type": "text", "text": "db-2 grew from 1276 MB to 1720 MB over 14 days, about 32 MB a day."}],
                             usage(1900, 33, 0, 0, 0.0021), model="claude-haiku-4-5")),
])

ENTRY = {
    "sessionId": HOT, "updatedAt": T_HOT + 8000, "chatType": "direct", "channel": "telegram",
    "displayName": "Dana Ops", "usageFamilySessionIds": [COLD_ID, HOT],
    "origin": {"label": "Dana Ops (@dana_ops)", "provider": "telegram", "surface": "telegram", "chatType": "direct",
               "from": "telegram:7001002003", "to": "telegram:7001002003", "accountId": "default"},
    "modelProvider": "anthropic", "model": "claude-sonnet-4-5", "inputTokens": 14900, "outputTokens": 168,
    "estimatedCostUsd": 0.1075, "compactionCount": 0,
}
SUB_ENTRY = {
    "sessionId": SPAWNED, "updatedAt": T_SUB + 3000, "spawnedBy": KEY, "spawnDepth": 1, "label": "Backup growth",
    "status": "done", "modelProvider": "anthropic", "model": "claude-haiku-4-5", "inputTokens": 1900, "outputTokens": 33,
    "estimatedCostUsd": 0.0021,
}


def zstd(data):
    return subprocess.run(["zstd", "-1", "--check", "-q", "-c"], input=data, capture_output=True, check=True).stdout


def compact(value):
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def main():
    os.makedirs(os.path.dirname(DB), exist_ok=True)
    os.makedirs(COLD, exist_ok=True)
    for old in os.listdir(COLD):
        os.remove(os.path.join(COLD, old))
    if os.path.exists(DB):
        os.remove(DB)
    db = sqlite3.connect(DB)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SCHEMA)
    db.execute("INSERT INTO session_nodes VALUES (?, ?, ?, ?, NULL, ?, 'channel')", (KEY, HOT, compact(ENTRY), T_HOT + 8000, T_COLD))
    db.execute("INSERT INTO session_nodes VALUES (?, ?, ?, ?, 'done', ?, 'spawn')", (SUB_KEY, SPAWNED, compact(SUB_ENTRY), T_SUB + 3000, T_SUB))
    windows = [
        (COLD_ID, KEY, None, "initial", T_COLD, T_COLD + 5000),
        (HOT, KEY, COLD_ID, "reset", T_HOT, T_HOT + 8000),
        (SPAWNED, SUB_KEY, None, "initial", T_SUB, T_SUB + 3000),
    ]
    db.executemany("INSERT INTO session_windows (session_id, session_key, previous_session_id, reason, created_at, updated_at)"
                   " VALUES (?, ?, ?, ?, ?, ?)", windows)
    for session_id, session_events, created in ((HOT, HOT_EVENTS, T_HOT), (SPAWNED, SUB_EVENTS, T_SUB)):
        for seq, event in enumerate(session_events):
            text = compact(event)
            raw = text.encode()
            if len(raw) >= 1024:
                db.execute("INSERT INTO transcript_events VALUES (?, ?, NULL, ?, ?, ?, ?)",
                           (session_id, seq, created + seq * 1000, zstd(raw), len(raw), compact({"version": 1})))
            else:
                db.execute("INSERT INTO transcript_events VALUES (?, ?, ?, ?, NULL, ?, NULL)",
                           (session_id, seq, text, created + seq * 1000, len(raw)))
    # The cold session: its rows moved to an archive, a header line and then each row as the table held it.
    lines = [compact({"kind": "header", "version": 1, "sessionId": COLD_ID, "generation": "g-cold-1"})]
    lines += [compact({"kind": "event", "row": {"seq": seq, "event_json": compact(e), "created_at": T_COLD + seq}})
              for seq, e in enumerate(COLD_EVENTS)]
    raw = ("\n".join(lines) + "\n").encode()
    archive = zstd(raw)
    digest = hashlib.sha256(archive).hexdigest()
    name = digest + ".jsonl.zst"
    with open(os.path.join(COLD, name), "wb") as f:
        f.write(archive)
    db.execute("INSERT INTO session_transcript_cold_archives VALUES (?, 'g-cold-1', ?, ?, ?, ?, ?, ?, ?, 'file', NULL)",
               (COLD_ID, name, digest, len(COLD_EVENTS), len(raw), len(archive), len(COLD_EVENTS) - 1, T_COLD + 86400000 * 31))
    db.commit()
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    main()
