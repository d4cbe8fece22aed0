#!/usr/bin/env python3
"""Writes threads/threads.db, the sample Zed threads database of this folder (a stand-in for Zed's data folder).

Run from anywhere: python3 samples/zed/make-threads-db.py. It replaces the file. The table is the one Zed creates
(zed-industries/zed crates/agent/src/db.rs ThreadsDatabase::new) with the columns it adds since (parent_id,
folder_paths, folder_paths_order, created_at). Rows are written as Zed writes them (save_thread_sync): the thread
serialized as JSON with its "version", zstd-compressed (data_type "zstd"), times as RFC 3339 text, the project's
folders as util's PathList (sorted paths one a line, their order as comma-separated places). Python has no zstd module
here, so the zstd command line compresses (level 3, as Zed does). The threads of the first agent (legacy_thread.rs,
versions 0.2.0 and before) are stored as data_type "json", which Zed reads as well. Everything in the rows was written
for these samples. The file uses the rollback journal (journal_mode=DELETE) so it is one file in git; Zed runs SQLite
in WAL mode, which the tests create on their own.
"""
import json
import os
import sqlite3
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "threads", "threads.db")

SCHEMA = """
CREATE TABLE threads (
    id TEXT PRIMARY KEY, summary TEXT NOT NULL, updated_at TEXT NOT NULL, data_type TEXT NOT NULL, data BLOB NOT NULL,
    parent_id TEXT, folder_paths TEXT, folder_paths_order TEXT, created_at TEXT
);
"""

# A 1x1 transparent PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

A = "5b0e8f3a-2c41-4d7e-9a6b-1f2e3d4c5b6a"  # the current agent (0.3.0): mentions, thinking, tools, an image, a resume
B = "9c8d7e6f-5a4b-4c3d-8e2f-1a0b9c8d7e6f"  # a sub-agent A's subagent call ran
C = "thread-legacy-0.2.0"  # the first agent's thread (0.2.0), stored as JSON
D = "thread-legacy-unversioned"  # the first agent's oldest shape: no version, a text per message

PROMPT_A1 = "3e1f0a2b-7c6d-4e5f-8a9b-0c1d2e3f4a5b"
PROMPT_A2 = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d"
PROMPT_B1 = "1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e"


def use(use_id, name, arguments):
    return {"ToolUse": {"id": use_id, "name": name, "raw_input": json.dumps(arguments), "input": arguments,
                        "is_input_complete": True, "thought_signature": None}}


def result(use_id, name, content, output=None, is_error=False):
    return {"tool_use_id": use_id, "tool_name": name, "is_error": is_error, "content": content, "output": output}


def usage(i, o, read=0, write=0):
    u = {"input_tokens": i, "output_tokens": o}
    if write:
        u["cache_creation_input_tokens"] = write
    if read:
        u["cache_read_input_tokens"] = read
    return u


SNAPSHOT_A = {
    "worktree_snapshots": [
        {"worktree_path": "/home/dev/tally-app",
         "git_state": {"remote_url": "git@example.com:dev/tally-app.git", "head_sha": "4d2c9a1e7b3f", "current_branch": "fix-rounding",
                       "diff": None}},
        {"worktree_path": "/home/dev/tally-docs", "git_state": None},
    ],
    "timestamp": "2026-04-02T08:59:58Z",
}

THREAD_A = {
    "title": "Fix rounding in invoice totals",
    "messages": [
        {"User": {"id": PROMPT_A1, "content": [
            {"Text": "The totals in "},
            {"Mention": {"uri": {"File": {"abs_path": "/home/dev/tally-app/src/invoice.rs"}},
                         "content": "pub fn total(lines: &[Line]) -> f64 {\n    lines.iter().map(|l| l.amount).sum()\n}\n"}},
            {"Text": " are off by a cent. Compare with "},
            {"Mention": {"uri": {"Symbol": {"abs_path": "/home/dev/tally-app/src/money.rs", "name": "round_cents",
                                            "line_range": {"start": 11, "end": 14}}},
                         "content": "pub fn round_cents(x: f64) -> f64 {\n    (x * 100.0).round() / 100.0\n}\n"}},
            {"Text": " and fix it."},
        ]}},
        {"Agent": {"content": [
            {"Thinking": {"text": "Summing floats before rounding loses a cent; check the tests first.", "signature": "sig-a1"}},
            {"Text": "Let me look at the failing test."},
            use("toolu_01", "grep", {"regex": "fn total", "include_pattern": "tests/**/*.rs"}),
        ], "tool_results": {
            "toolu_01": result("toolu_01", "grep", {"Text": "tests/invoice.rs:12: fn total_rounds_each_line()"}),
        }, "reasoning_details": None}},
        {"Agent": {"content": [
            {"Text": "I'll round each line before summing."},
            use("toolu_02", "edit_file", {"display_description": "Round each line before summing", "path": "tally-app/src/invoice.rs", "mode": "edit"}),
            use("toolu_03", "terminal", {"command": "cargo test invoice", "cd": "tally-app"}),
        ], "tool_results": {
            "toolu_02": result("toolu_02", "edit_file", "Edited tally-app/src/invoice.rs:\n\n```diff\n-    lines.iter().map(|l| l.amount).sum()\n+    lines.iter().map(|l| round_cents(l.amount)).sum()\n```",
                               {"input_path": "tally-app/src/invoice.rs", "diff": "@@ -1,3 +1,3 @@"}),
            "toolu_03": result("toolu_03", "terminal", [{"Text": "test result: FAILED. 3 passed; 1 failed"}], None, True),
        }, "reasoning_details": None}},
        {"Agent": {"content": [
            {"Text": "One test still fails: it expects banker's rounding. I'll ask a sub-agent to check the spec."},
            use("toolu_04", "subagent", {"label": "Check rounding spec", "task_prompt": "Which rounding does docs/billing.md require?"}),
        ], "tool_results": {
            # The subagent tool's output (SubagentToolOutput) is given to the model as its JSON.
            "toolu_04": result("toolu_04", "subagent", json.dumps({"session_id": B, "output": "docs/billing.md requires half-even (banker's) rounding per line."})),
        }, "reasoning_details": None}},
        {"Agent": {"content": [
            {"Text": "The spec wants half-even rounding per line; I switched round_cents to it and all 4 tests pass."},
        ], "tool_results": {}, "reasoning_details": None}},
        {"User": {"id": PROMPT_A2, "content": [
            {"Text": "Here is the screenshot of the report "},
            {"Image": {"source": PNG, "size": {"width": 1, "height": 1}}},
            {"Text": "and the page "},
            {"Mention": {"uri": {"Fetch": {"url": "https://docs.example.com/rounding"}}, "content": "# Rounding\nHalf-even rounds 0.125 to 0.12."}},
            {"Text": ". Does it match?"},
        ]}},
        {"Agent": {"content": [
            {"RedactedThinking": "ErUBCkYIAxgCIkD3redacted"},
            {"Text": "Yes: 0.125 rounds to 0.12 in both."},
            use("toolu_05", "read_file", {"path": "tally-app/tests/invoice.rs", "start_line": 10, "end_line": 20}),
        ], "tool_results": {
            "toolu_05": result("toolu_05", "read_file", "fn total_rounds_each_line() {\n    assert_eq!(total(&lines()), 10.12);\n}"),
        }, "reasoning_details": None}},
        "Resume",
        {"Agent": {"content": [
            {"Text": "The test covers that case, so the report and the code agree."},
        ], "tool_results": {}, "reasoning_details": None}},
    ],
    "updated_at": "2026-04-02T09:07:41Z",
    "detailed_summary": "Rounded invoice lines half-even before summing; tests pass.",
    "initial_project_snapshot": SNAPSHOT_A,
    "cumulative_token_usage": usage(5120, 980, 31200, 4100),
    "request_token_usage": {
        PROMPT_A1: usage(2210, 164, 8400, 1300),
        PROMPT_A2: usage(1480, 96, 9800, 0),
    },
    "model": {"provider": "zed.dev", "model": "claude-sonnet-4-5"},
    "profile": "write",
    "imported": False,
    "subagent_context": None,
    "speed": None,
    "thinking_enabled": True,
    "thinking_effort": None,
    "draft_prompt": None,
    "ui_scroll_position": None,
    "sandboxed_terminal_temp_dir": None,
    "version": "0.3.0",
}

THREAD_B = {
    "title": "Check rounding spec",
    "messages": [
        {"User": {"id": PROMPT_B1, "content": [{"Text": "Which rounding does docs/billing.md require?"}]}},
        {"Agent": {"content": [use("toolu_b1", "read_file", {"path": "tally-app/docs/billing.md"})],
                   "tool_results": {"toolu_b1": result("toolu_b1", "read_file", "Totals round each line half-even (banker's rounding).")},
                   "reasoning_details": None}},
        {"Agent": {"content": [{"Text": "docs/billing.md requires half-even (banker's) rounding per line."}],
                   "tool_results": {}, "reasoning_details": None}},
    ],
    "updated_at": "2026-04-02T09:04:12Z",
    "request_token_usage": {PROMPT_B1: usage(900, 40, 2100, 600)},
    "model": {"provider": "zed.dev", "model": "claude-haiku-4-5"},
    "profile": "ask",
    "subagent_context": {"parent_thread_id": A, "depth": 1},
    "version": "0.3.0",
}

THREAD_C = {
    "version": "0.2.0",
    "summary": "Add CSV export",
    "updated_at": "2025-06-18T15:42:10Z",
    "messages": [
        {"id": 0, "role": "user", "segments": [{"type": "text", "text": "Add a CSV export to the report command."}],
         "tool_uses": [], "tool_results": [],
         "context": "<files>\n```rs tally-app/src/report.rs\npub fn report() {}\n```\n</files>\n", "creases": [], "is_hidden": False},
        {"id": 1, "role": "assistant", "segments": [
            {"type": "thinking", "text": "The report command needs a --csv flag.", "signature": "sig-c1"},
            {"type": "text", "text": "I'll add a --csv flag."}],
         "tool_uses": [{"id": "toolu_c1", "name": "edit_file", "input": {"path": "tally-app/src/report.rs", "display_description": "Add --csv"}}],
         "tool_results": [{"tool_use_id": "toolu_c1", "is_error": False, "content": "Edited tally-app/src/report.rs:\n\n```diff\n+    #[arg(long)]\n+    csv: bool,\n```", "output": None}],
         "context": "", "creases": [], "is_hidden": False},
        {"id": 2, "role": "assistant", "segments": [
            {"type": "RedactedThinking", "data": "EmwKAhgBEgy3redacted"},
            {"type": "text", "text": "Done: `tally report --csv` writes the rows as CSV."}],
         "tool_uses": [], "tool_results": [], "context": "", "creases": [], "is_hidden": False},
    ],
    "initial_project_snapshot": {"worktree_snapshots": [{"worktree_path": "/home/dev/tally-app", "git_state": {"remote_url": None, "head_sha": "9a8b7c6d5e4f", "current_branch": "main", "diff": None}}],
                                 "unsaved_buffer_paths": [], "timestamp": "2025-06-18T15:40:02Z"},
    "cumulative_token_usage": usage(3300, 420, 0, 0),
    "request_token_usage": [usage(0, 0), usage(1500, 260), usage(1800, 160)],
    "detailed_summary_state": {"Generated": {"text": "Added a --csv flag to the report command.", "message_id": 2}},
    "model": {"provider": "zed.dev", "model": "claude-3-7-sonnet"},
    "completion_mode": "normal",
    "tool_use_limit_reached": False,
    "profile": "write",
}

THREAD_D = {
    "summary": "Explain the build script",
    "updated_at": "2025-03-04T11:20:00Z",
    "messages": [
        {"id": 0, "role": "user", "text": "What does build.rs do?"},
        {"id": 1, "role": "assistant", "text": "It embeds the git revision into the binary at compile time."},
    ],
    "initial_project_snapshot": None,
}


def zstd(data):
    return subprocess.run(["zstd", "-3", "-q", "-c"], input=data, capture_output=True, check=True).stdout


def paths(*folders):
    """util's PathList: the paths sorted, and for each sorted path the place it was given in."""
    order = sorted(range(len(folders)), key=lambda i: folders[i])
    return "\n".join(folders[i] for i in order), ",".join(str(i) for i in order)


def main():
    os.makedirs(os.path.dirname(PATH), exist_ok=True)
    if os.path.exists(PATH):
        os.remove(PATH)
    db = sqlite3.connect(PATH)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SCHEMA)
    rows = [
        (A, None, THREAD_A, "zstd", paths("/home/dev/tally-app", "/home/dev/tally-docs"), "2026-04-02T09:00:03+00:00"),
        (B, A, THREAD_B, "zstd", paths("/home/dev/tally-app"), "2026-04-02T09:03:30+00:00"),
        (C, None, THREAD_C, "json", (None, None), "2025-06-18T15:42:10+00:00"),
        (D, None, THREAD_D, "json", (None, None), "2025-03-04T11:20:00+00:00"),
    ]
    for thread_id, parent, thread, data_type, (folders, order), created in rows:
        data = json.dumps(thread).encode()
        db.execute(
            "INSERT INTO threads (id, parent_id, folder_paths, folder_paths_order, summary, updated_at, data_type, data, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (thread_id, parent, folders, order, thread.get("title") or thread.get("summary"),
             thread["updated_at"].replace("Z", "+00:00"), data_type, zstd(data) if data_type == "zstd" else data, created))
    db.commit()
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    main()
