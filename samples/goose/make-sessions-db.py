#!/usr/bin/env python3
"""Writes data/sessions/sessions.db, the sample Goose database of this folder.

Run from anywhere: python3 samples/goose/make-sessions-db.py. It replaces the file. The tables are those goose
creates (block/goose crates/goose/src/session/session_manager.rs create) with the columns its migrations add up to
schema 13 (crates/goose/src/session/migrations.rs); the tables this sample does not fill (threads, thread_messages,
the provider inventory) are left out. Rows are written as goose writes them: a message's content list as
content_json, its visibility as metadata_json, its time in Unix seconds, session times as SQLite TIMESTAMP text.
Everything in the rows was written for these samples. The file uses the rollback journal (journal_mode=DELETE) so it
is one file in git; goose runs SQLite in WAL mode, which the tests create on their own.
"""
import json
import os
import sqlite3
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "data", "sessions", "sessions.db")

SCHEMA = """
CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '',
    user_set_name BOOLEAN DEFAULT FALSE, session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER,
    accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
    schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, provider_name TEXT, model_config_json TEXT,
    goose_mode TEXT NOT NULL DEFAULT 'auto', thread_id TEXT, archived_at TIMESTAMP, project_id TEXT,
    accumulated_cost REAL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id), role TEXT NOT NULL,
    content_json TEXT NOT NULL, created_timestamp INTEGER NOT NULL, timestamp TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
    tokens INTEGER, metadata_json TEXT, message_id TEXT
);
CREATE INDEX idx_messages_session ON messages(session_id);
CREATE INDEX idx_sessions_updated ON sessions(updated_at DESC);
"""

# A 1x1 transparent PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="


def seconds(text):
    return int(datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp())


def text(t):
    return {"type": "text", "text": t}


def call(call_id, name, arguments):
    return {"type": "toolRequest", "id": call_id, "toolCall": {"status": "success", "value": {"name": name, "arguments": arguments}}}


def result(call_id, output, is_error=False):
    return {"type": "toolResponse", "id": call_id,
            "toolResult": {"status": "success", "value": {"content": [text(output)], "isError": is_error}}}


VISIBLE = {"userVisible": True, "agentVisible": True}
AGENT_ONLY = {"userVisible": False, "agentVisible": True}
COMPACTED = {"userVisible": True, "agentVisible": False}

A = "20260312_1"  # a CLI session in a repository: image, reasoning, calls, results, an invalid call, a confirmation
B = "20260313_1"  # compacted once: the summary and continuation goose adds, the originals hidden from the agent
C = "20260313_2"  # a subagent's session
D = "20250111_101500"  # a session goose imported from its legacy file, which stays beside the database
E = "20260314_1"  # a session created and left without messages

SESSIONS = [
    dict(id=A, name="Fix the leap-year date test", working_dir="/home/dev/projects/calendar-kit",
         created_at="2026-03-12 09:15:00", updated_at="2026-03-12 09:18:40", provider_name="anthropic",
         model_config_json=json.dumps({"model_name": "claude-sonnet-4-5", "context_limit": 200000, "temperature": None}),
         total_tokens=6520, input_tokens=6100, output_tokens=420,
         accumulated_total_tokens=19650, accumulated_input_tokens=18400, accumulated_output_tokens=1250,
         accumulated_cost=0.0739, goose_mode="smart_approve", project_id="proj_calendar"),
    dict(id=B, name="README install section", working_dir="/home/dev/projects/notes-app",
         created_at="2026-03-13 14:00:00", updated_at="2026-03-13 14:30:05", provider_name="openai",
         model_config_json=json.dumps({"model_name": "gpt-4.1", "context_limit": 128000}),
         total_tokens=2300, input_tokens=2100, output_tokens=200,
         accumulated_total_tokens=41000, accumulated_input_tokens=39200, accumulated_output_tokens=1800),
    dict(id=C, name="Count TODO comments", session_type="sub_agent", working_dir="/home/dev/projects/notes-app",
         created_at="2026-03-13 14:10:00", updated_at="2026-03-13 14:10:30", provider_name="openai",
         model_config_json=json.dumps({"model_name": "gpt-4.1-mini", "context_limit": 128000}),
         accumulated_total_tokens=900, accumulated_input_tokens=820, accumulated_output_tokens=80),
    dict(id=D, name="Rename config keys", working_dir="/home/dev/projects/calendar-kit",
         created_at="2025-01-11 10:15:00", updated_at="2025-01-11 10:16:10",
         total_tokens=1500, input_tokens=1400, output_tokens=100,
         accumulated_total_tokens=2700, accumulated_input_tokens=2500, accumulated_output_tokens=200),
    dict(id=E, name="", working_dir="/home/dev", created_at="2026-03-14 08:00:00", updated_at="2026-03-14 08:00:00"),
]

MESSAGES = [
    (A, "user", [text("The date parsing test fails on leap years. Here is the failure:"),
                 {"type": "image", "data": PNG, "mimeType": "image/png"}], "2026-03-12T09:15:05", VISIBLE, "msg_a1"),
    (A, "assistant", [{"type": "thinking", "thinking": "Run the test first to see the failing date.", "signature": "sig-a2"},
                      text("Let me run the failing test."),
                      call("toolu_01", "developer__shell", {"command": "pytest tests/test_dates.py -q"})],
     "2026-03-12T09:15:12", VISIBLE, "msg_a2"),
    (A, "user", [result("toolu_01", "F.\n1 failed: test_feb_29 expected 2024-02-29, got 2024-03-01")],
     "2026-03-12T09:15:20", VISIBLE, "msg_a3"),
    (A, "assistant", [call("toolu_02", "developer__text_editor",
                           {"command": "str_replace", "path": "/home/dev/projects/calendar-kit/dates.py",
                            "old_str": "days = 28", "new_str": "days = 29 if is_leap(year) else 28"}),
                      {"type": "toolRequest", "id": "toolu_03",
                       "toolCall": {"status": "error", "error": "-32602: Could not interpret tool use parameters"}},
                      {"type": "toolConfirmationRequest", "id": "toolu_02", "toolName": "developer__text_editor",
                       "arguments": {"command": "str_replace"}, "prompt": "Allow this edit?"}],
     "2026-03-12T09:16:00", VISIBLE, "msg_a4"),
    (A, "user", [result("toolu_02", "The file /home/dev/projects/calendar-kit/dates.py has been edited.")],
     "2026-03-12T09:17:30", VISIBLE, "msg_a5"),
    (A, "assistant", [call("toolu_04", "developer__shell", {"command": "pytest tests/test_dates.py -q"})],
     "2026-03-12T09:17:35", VISIBLE, "msg_a6"),
    (A, "user", [{"type": "toolResponse", "id": "toolu_04",
                  "toolResult": {"status": "error", "error": "-32603: command timed out after 300 s"}}],
     "2026-03-12T09:18:10", VISIBLE, "msg_a7"),
    (A, "assistant", [text("February now has 29 days in leap years; the test run timed out, so run it again locally.")],
     "2026-03-12T09:18:40", VISIBLE, "msg_a8"),

    (B, "user", [text("Summarize the README of this project.")], "2026-03-13T14:00:10", COMPACTED, "msg_b1"),
    (B, "assistant", [text("The README describes a note-taking app with sync and tags.")], "2026-03-13T14:00:20", COMPACTED, "msg_b2"),
    (B, "user", [text("Summary: the user asked for a README summary; it covers a note-taking app with sync and tags.")],
     "2026-03-13T14:25:00", AGENT_ONLY, "msg_b3"),
    (B, "assistant", [text("Your context was compacted. The previous message contains a summary of the conversation so far.")],
     "2026-03-13T14:25:00", AGENT_ONLY, "msg_b4"),
    (B, "user", [text("Now add a section about installing it.")], "2026-03-13T14:29:00", VISIBLE, "msg_b5"),
    (B, "assistant", [{"type": "redactedThinking", "data": "ZW5jcnlwdGVk"},
                      text("Added an Installing section with the package manager commands.")],
     "2026-03-13T14:30:05", VISIBLE, "msg_b6"),

    (C, "user", [text("Count the TODO comments under src/ and report the number.")], "2026-03-13T14:10:01", VISIBLE, "msg_c1"),
    (C, "assistant", [text("There are 7 TODO comments under src/.")], "2026-03-13T14:10:30", VISIBLE, "msg_c2"),

    (D, "user", [text("Rename the config key tz to time_zone everywhere.")], "2025-01-11T10:15:05", VISIBLE, None),
    (D, "assistant", [text("Renamed tz to time_zone in config.toml and settings.py.")], "2025-01-11T10:16:10", VISIBLE, None),
]


def main():
    if os.path.exists(PATH):
        os.remove(PATH)
    db = sqlite3.connect(PATH)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO schema_version (version, applied_at) VALUES (?, '2026-03-01 00:00:00')", [(v,) for v in range(1, 14)])
    for session in SESSIONS:
        row = {"session_type": "user", "extension_data": "{}", **session}
        columns = ", ".join(row)
        db.execute(f"INSERT INTO sessions ({columns}) VALUES ({', '.join('?' for _ in row)})", list(row.values()))
    for session_id, role, content, created, metadata, message_id in MESSAGES:
        db.execute(
            "INSERT INTO messages (session_id, role, content_json, created_timestamp, timestamp, metadata_json, message_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (session_id, role, json.dumps(content), seconds(created), created.replace("T", " "), json.dumps(metadata), message_id))
    # Schema 7 named the messages that had no id after their row.
    db.execute("UPDATE messages SET message_id = 'msg_' || session_id || '_' || id WHERE message_id IS NULL")
    db.commit()
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    main()
