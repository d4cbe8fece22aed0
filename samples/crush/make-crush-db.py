#!/usr/bin/env python3
"""Writes tally-app/.crush/crush.db, the sample Crush database of this folder.

Run from anywhere: python3 samples/crush/make-crush-db.py. It replaces the file. The tables are those Crush's
migrations create (charmbracelet/crush internal/db/migrations, up to 20260127000000_add_read_files_table.sql), with
goose's goose_db_version table that records them. Rows are written as Crush writes them (internal/db/sql/*.sql,
internal/message/message.go marshalParts): times in Unix seconds (strftime('%s', 'now'), whatever the schema's
comments say), a message's parts as a JSON array of {"type": ..., "data": ...}, a binary part's fields without JSON
tags (Path, MIMEType, Data in base64), a sub-agent's session id "<assistant message id>$$<tool call id>". Everything
in the rows was written for these samples. The file uses the rollback journal (journal_mode=DELETE) so it is one file
in git; Crush runs SQLite in WAL mode, which the tests create on their own.
"""
import base64
import json
import os
import sqlite3
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "tally-app", ".crush", "crush.db")

SCHEMA = """
CREATE TABLE goose_db_version (id INTEGER PRIMARY KEY AUTOINCREMENT, version_id INTEGER NOT NULL, is_applied INTEGER NOT NULL,
    tstamp TIMESTAMP DEFAULT (datetime('now')));
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, parent_session_id TEXT, title TEXT NOT NULL,
    message_count INTEGER NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    prompt_tokens INTEGER NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
    completion_tokens INTEGER NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
    cost REAL NOT NULL DEFAULT 0.0 CHECK (cost >= 0.0),
    updated_at INTEGER NOT NULL, created_at INTEGER NOT NULL,
    summary_message_id TEXT, todos TEXT
);
CREATE TABLE files (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, path TEXT NOT NULL, content TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE, UNIQUE(path, session_id, version)
);
CREATE TABLE messages (
    id TEXT PRIMARY KEY, session_id TEXT NOT NULL, role TEXT NOT NULL, parts TEXT NOT NULL default '[]', model TEXT,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, finished_at INTEGER, provider TEXT,
    is_summary_message INTEGER DEFAULT 0 NOT NULL,
    FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE
);
CREATE TABLE read_files (
    session_id TEXT NOT NULL CHECK (session_id != ''), path TEXT NOT NULL CHECK (path != ''), read_at INTEGER NOT NULL,
    FOREIGN KEY (session_id) REFERENCES sessions (id) ON DELETE CASCADE, PRIMARY KEY (path, session_id)
);
CREATE INDEX idx_files_session_id ON files (session_id);
CREATE INDEX idx_messages_session_id ON messages (session_id);
CREATE INDEX idx_sessions_created_at ON sessions (created_at);
CREATE INDEX idx_messages_created_at ON messages (created_at);
"""
MIGRATIONS = [20250424200609, 20250515105448, 20250624000000, 20250627000000, 20250810000000, 20250812000000, 20260127000000]

# A 1x1 transparent PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
MODEL = "claude-sonnet-4-5"
SMALL = "claude-haiku-4-5"


def at(text):
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def part(kind, **data):
    return {"type": kind, "data": data}


def text(t):
    return part("text", text=t)


def finish(reason, time, message=None, details=None):
    data = {"reason": reason, "time": at(time)}
    if message:
        data["message"] = message
    if details:
        data["details"] = details
    return {"type": "finish", "data": data}


def call(call_id, name, arguments, finished=True):
    return part("tool_call", id=call_id, name=name, input=json.dumps(arguments) if arguments is not None else "",
                provider_executed=False, finished=finished)


def result(call_id, name, content, is_error=False, metadata="", data="", mime_type=""):
    return part("tool_result", tool_call_id=call_id, name=name, content=content, data=data, mime_type=mime_type,
                metadata=metadata if isinstance(metadata, str) else json.dumps(metadata), is_error=is_error)


def reasoning(thinking, start, end):
    return part("reasoning", thinking=thinking, signature="c2lnbmF0dXJl", thought_signature="", tool_id="",
                responses_data=None, started_at=at(start), finished_at=at(end))


def binary(path, mime, content):
    return {"type": "binary", "data": {"Path": path, "MIMEType": mime, "Data": base64.b64encode(content).decode()}}


A = "3f2a9c1e-5b7d-4e21-9a0c-7d1e2f3a4b5c"  # the main session: attachments, reasoning, calls, a sub-agent, a summary, an error
A_AGENT_MSG = "8c1d2e3f-0a1b-4c2d-9e3f-4a5b6c7d8e9f"  # the assistant message whose agent call spawned the sub-agent
C = A_AGENT_MSG + "$$toolu_agent_01"  # the sub-agent's session
B = "b7e6d5c4-3a21-4f0e-8d9c-1b2a3c4d5e6f"  # canceled mid-call, an image URL, an image a tool returned
E = "e0e1e2e3-e4e5-4e6e-8e7e-8e9eaebecede"  # created, never used: no message

SESSIONS = [
    dict(id=A, parent_session_id=None, title="Add a --json flag to tally", prompt_tokens=18250, completion_tokens=640,
         cost=0.1525, created_at=at("2026-04-02T10:00:00"), updated_at=at("2026-04-02T10:09:30"),
         summary_message_id="a-msg-13", todos=json.dumps([{"content": "Add --json", "status": "completed", "active_form": "Adding --json"}])),
    dict(id=C, parent_session_id=A, title="New Agent Session", prompt_tokens=4100, completion_tokens=90, cost=0.0142,
         created_at=at("2026-04-02T10:03:05"), updated_at=at("2026-04-02T10:03:40"), summary_message_id=None, todos=None),
    dict(id=B, parent_session_id=None, title="Untitled Session", prompt_tokens=2300, completion_tokens=45, cost=0.0081,
         created_at=at("2026-04-03T16:20:00"), updated_at=at("2026-04-03T16:21:10"), summary_message_id=None, todos=None),
    dict(id=E, parent_session_id=None, title="New Session", prompt_tokens=0, completion_tokens=0, cost=0.0,
         created_at=at("2026-04-04T08:00:00"), updated_at=at("2026-04-04T08:00:00"), summary_message_id=None, todos=None),
]

NOTES = b"tally counts lines, words and bytes.\nOutput today is a table; scripts want JSON.\n"

# (id, session, role, parts, created, finished, model, provider, is_summary)
MESSAGES = [
    ("a-msg-01", A, "user", [text("Add a --json flag to tally that prints the counts as one JSON object."),
                             binary("notes/design.txt", "text/plain", NOTES),
                             binary("screenshot.png", "image/png", base64.b64decode(PNG)),
                             finish("stop", "2026-04-02T10:00:05")], "2026-04-02T10:00:05", None, "", None, 0),
    ("a-msg-02", A, "assistant", [reasoning("Look at how the flags are parsed first.", "2026-04-02T10:00:07", "2026-04-02T10:00:09"),
                                  text("I'll start with the flag parsing."),
                                  call("toolu_view_01", "view", {"file_path": "/home/dev/src/tally-app/cmd/tally/main.go"}),
                                  finish("tool_use", "2026-04-02T10:00:12")],
     "2026-04-02T10:00:06", "2026-04-02T10:00:12", MODEL, "anthropic", 0),
    ("a-msg-03", A, "tool", [result("toolu_view_01", "view", "<file>\n     1|package main\n     2|\n     3|import \"flag\"\n</file>"),
                             finish("stop", "2026-04-02T10:00:13")], "2026-04-02T10:00:13", None, "", None, 0),
    ("a-msg-04", A, "assistant", [call("toolu_edit_01", "edit", {"file_path": "/home/dev/src/tally-app/cmd/tally/main.go",
                                                                  "old_string": "var words = flag.Bool(\"w\", false, \"count words\")",
                                                                  "new_string": "var words = flag.Bool(\"w\", false, \"count words\")\nvar asJSON = flag.Bool(\"json\", false, \"print JSON\")"}),
                                  finish("tool_use", "2026-04-02T10:01:02")],
     "2026-04-02T10:00:40", "2026-04-02T10:01:02", MODEL, "anthropic", 0),
    ("a-msg-05", A, "tool", [result("toolu_edit_01", "edit", "<result>\nContent replaced in file: /home/dev/src/tally-app/cmd/tally/main.go\n</result>",
                                    metadata={"diff": "@@ -5 +5,2 @@", "additions": 1, "removals": 0}),
                             finish("stop", "2026-04-02T10:01:03")], "2026-04-02T10:01:03", None, "", None, 0),
    (A_AGENT_MSG, A, "assistant", [text("Let me find the existing tests."),
                                   call("toolu_agent_01", "agent", {"prompt": "Find the tests that cover tally's output format and list their files."}),
                                   finish("tool_use", "2026-04-02T10:03:04")],
     "2026-04-02T10:03:00", "2026-04-02T10:03:04", MODEL, "anthropic", 0),
    ("c-msg-01", C, "user", [text("Find the tests that cover tally's output format and list their files."), finish("stop", "2026-04-02T10:03:06")],
     "2026-04-02T10:03:06", None, "", None, 0),
    ("c-msg-02", C, "assistant", [call("toolu_glob_01", "glob", {"pattern": "**/*_test.go"}), finish("tool_use", "2026-04-02T10:03:10")],
     "2026-04-02T10:03:07", "2026-04-02T10:03:10", SMALL, "anthropic", 0),
    ("c-msg-03", C, "tool", [result("toolu_glob_01", "glob", "cmd/tally/main_test.go\ninternal/count/count_test.go"),
                             finish("stop", "2026-04-02T10:03:11")], "2026-04-02T10:03:11", None, "", None, 0),
    ("c-msg-04", C, "assistant", [text("The output format is covered by cmd/tally/main_test.go."), finish("end_turn", "2026-04-02T10:03:40")],
     "2026-04-02T10:03:12", "2026-04-02T10:03:40", SMALL, "anthropic", 0),
    ("a-msg-07", A, "tool", [result("toolu_agent_01", "agent", "The output format is covered by cmd/tally/main_test.go."),
                             finish("stop", "2026-04-02T10:03:41")], "2026-04-02T10:03:41", None, "", None, 0),
    ("a-msg-08", A, "assistant", [call("toolu_bash_01", "bash", {"command": "go test ./...", "description": "Run the tests"}),
                                  finish("tool_use", "2026-04-02T10:04:00")],
     "2026-04-02T10:03:50", "2026-04-02T10:04:00", MODEL, "anthropic", 0),
    ("a-msg-09", A, "tool", [result("toolu_bash_01", "bash", "ok  \tgithub.com/dev/tally-app/cmd/tally\t0.012s",
                                    metadata={"start_time": 1775124240000, "end_time": 1775124242500, "output": "ok",
                                              "description": "Run the tests", "working_directory": "/home/dev/src/tally-app"}),
                             finish("stop", "2026-04-02T10:04:03")], "2026-04-02T10:04:03", None, "", None, 0),
    ("a-msg-10", A, "assistant", [text("Added --json; the tests pass."), finish("end_turn", "2026-04-02T10:04:20")],
     "2026-04-02T10:04:10", "2026-04-02T10:04:20", MODEL, "anthropic", 0),
    ("a-msg-11", A, "user", [part("shell_command", command="git status --short", output=" M cmd/tally/main.go\n", exit_code=0),
                             finish("stop", "2026-04-02T10:05:00")], "2026-04-02T10:05:00", None, "", None, 0),
    ("a-msg-13", A, "assistant", [text("Summary: the user asked for a --json flag in tally; it was added in cmd/tally/main.go "
                                       "and the tests pass. The working tree has that one change."),
                                  finish("end_turn", "2026-04-02T10:06:30")],
     "2026-04-02T10:06:00", "2026-04-02T10:06:30", MODEL, "anthropic", 1),
    ("a-msg-14", A, "user", [text("Now document the flag in the README."), finish("stop", "2026-04-02T10:09:00")],
     "2026-04-02T10:09:00", None, "", None, 0),
    ("a-msg-15", A, "assistant", [finish("error", "2026-04-02T10:09:30", "Overloaded", "The provider is overloaded; try again later.")],
     "2026-04-02T10:09:01", "2026-04-02T10:09:30", MODEL, "anthropic", 0),

    ("b-msg-01", B, "user", [text("What is in this picture?"), part("image_url", url="https://example.com/chart.png", detail="auto"),
                             finish("stop", "2026-04-03T16:20:05")], "2026-04-03T16:20:05", None, "", None, 0),
    ("b-msg-02", B, "assistant", [call("toolu_view_02", "view", {"file_path": "/home/dev/src/tally-app/docs/chart.png"}),
                                  finish("tool_use", "2026-04-03T16:20:20")],
     "2026-04-03T16:20:06", "2026-04-03T16:20:20", MODEL, "anthropic", 0),
    ("b-msg-03", B, "tool", [result("toolu_view_02", "view", "Image read: docs/chart.png", data=PNG, mime_type="image/png"),
                             finish("stop", "2026-04-03T16:20:21")], "2026-04-03T16:20:21", None, "", None, 0),
    ("b-msg-04", B, "assistant", [reasoning("The chart shows line counts per", "2026-04-03T16:20:22", "2026-04-03T16:20:22"),
                                  call("toolu_bash_02", "bash", None, finished=False),
                                  finish("canceled", "2026-04-03T16:21:10", "User canceled request")],
     "2026-04-03T16:20:22", "2026-04-03T16:21:10", MODEL, "anthropic", 0),
    ("b-msg-05", B, "tool", [result("toolu_bash_02", "bash", "Error: user cancelled assistant tool calling", is_error=True),
                             finish("stop", "2026-04-03T16:21:10")], "2026-04-03T16:21:10", None, "", None, 0),
]


def main():
    os.makedirs(os.path.dirname(PATH), exist_ok=True)
    if os.path.exists(PATH):
        os.remove(PATH)
    db = sqlite3.connect(PATH)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES (?, 1, '2026-04-01 09:00:00')",
                   [(0,)] + [(v,) for v in MIGRATIONS])
    for session in SESSIONS:
        count = sum(1 for m in MESSAGES if m[1] == session["id"])
        row = {**session, "message_count": count}
        db.execute(f"INSERT INTO sessions ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    for message_id, session_id, role, parts, created, finished, model, provider, summary in MESSAGES:
        # Crush creates a row when a message begins and updates it as it streams: updated_at is its last write.
        updated = at(finished) if finished else at(created)
        db.execute(
            "INSERT INTO messages (id, session_id, role, parts, model, created_at, updated_at, finished_at, provider, is_summary_message)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (message_id, session_id, role, json.dumps(parts), model, at(created), updated, at(finished) if finished else None,
             provider, summary))
    db.execute("INSERT INTO read_files (session_id, path, read_at) VALUES (?, ?, ?)",
               (A, "/home/dev/src/tally-app/cmd/tally/main.go", at("2026-04-02T10:00:13")))
    db.commit()
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    main()
