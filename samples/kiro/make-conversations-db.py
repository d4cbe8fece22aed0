#!/usr/bin/env python3
"""Writes amazon-q/data.sqlite3 and kiro-cli/data.sqlite3, the sample stores of this folder (a stand-in for the local
data folder: ~/.local/share, ~/Library/Application Support or %LOCALAPPDATA%).

Run from anywhere: python3 samples/kiro/make-conversations-db.py. It replaces both files. The tables are Amazon Q
Developer CLI's migrations (aws/amazon-q-developer-cli crates/chat-cli/src/database/sqlite_migrations 000 to 007) and,
for Kiro CLI, the conversations_v2 table its public readers query. Each value is the JSON serde writes for a
ConversationState (crates/chat-cli/src/cli/chat/conversation.rs, message.rs, parser.rs RequestMetadata): the pair
history of versions before 1.13 and the {user, assistant, request_metadata} history since. Everything in the rows was
written for these samples; no row holds a credential. The files use the rollback journal so each is one file in git.
"""
import json
import os
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))

MIGRATIONS = """
CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, version INTEGER NOT NULL, migration_time INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS history (id INTEGER PRIMARY KEY, command TEXT, shell TEXT, pid INTEGER, session_id TEXT, cwd TEXT,
    start_time INTEGER, hostname TEXT, exit_code INTEGER, end_time INTEGER, duration INTEGER);
CREATE TABLE state (key TEXT PRIMARY KEY, value BLOB);
CREATE TABLE auth_kv (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE conversations (key TEXT PRIMARY KEY, value TEXT);
"""

KIRO_TABLE = """
CREATE TABLE conversations_v2 (key TEXT NOT NULL, conversation_id TEXT NOT NULL, value TEXT NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, PRIMARY KEY (key, conversation_id));
"""

# A tiny PNG (1x1), as the CLI keeps an image: its bytes as a list of numbers.
PNG = [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 31, 21, 196, 137]


def env(cwd):
    return {"env_state": {"operating_system": "linux", "current_working_directory": cwd, "environment_variables": []}}


def user(cwd, content, timestamp=None, context="", images=None, with_time=True):
    message = {"additional_context": context, "env_context": env(cwd), "content": content, "images": images}
    if with_time:
        message["timestamp"] = timestamp
    return message


def prompt(text):
    return {"Prompt": {"prompt": text}}


def results(*items):
    return {"ToolUseResults": {"tool_use_results": list(items)}}


def result(call_id, *content, status="Success"):
    return {"tool_use_id": call_id, "content": list(content), "status": status}


def response(message_id, text):
    return {"Response": {"message_id": message_id, "content": text}}


def tool_use(message_id, text, *uses):
    return {"ToolUse": {"message_id": message_id, "content": text, "tool_uses": list(uses)}}


def use(call_id, name, args):
    return {"id": call_id, "name": name, "orig_name": name, "args": args, "orig_args": args}


def metadata(request_id, message_id, start_ms, end_ms, model, calls=()):
    return {
        "request_id": request_id, "message_id": message_id,
        "request_start_timestamp_ms": start_ms, "stream_end_timestamp_ms": end_ms,
        "time_to_first_chunk": {"secs": 1, "nanos": 200000000}, "time_between_chunks": [],
        "user_prompt_length": 120, "response_size": 480, "chat_conversation_type": "NotToolUse" if not calls else "ToolUse",
        "tool_use_ids_and_names": [[c, n] for c, n in calls], "model_id": model, "message_meta_tags": [],
    }


def state(conversation_id, history, model=None, summary=None, next_message=None, paths=(), profile="q_cli_default", tangent=None):
    value = {
        "conversation_id": conversation_id, "next_message": next_message, "history": history,
        "valid_history_range": [0, len(history)], "transcript": ["> (the chat as it was shown; not read)"],
        "tools": {}, "context_manager": {"max_context_files_size": 150000, "current_profile": profile, "paths": list(paths), "hooks": {}},
        "context_message_length": None, "latest_summary": summary, "file_line_tracker": {}, "checkpoint_manager": None,
        "mcp_enabled": True,
    }
    if model:
        value["model_info"] = {"model_name": model, "model_id": model, "context_window_tokens": 200000}
    if tangent:
        value["tangent_state"] = tangent
    return value


def invoice_api():
    """A: Amazon Q 1.16, history entries with request metadata."""
    cwd = "/home/dev/projects/invoice-api"
    model = "claude-sonnet-4"
    history = [
        {
            "user": user(cwd, prompt("Why does the invoice total test fail?"), "2025-09-02T10:15:03.120+02:00",
                         context="--- CONTEXT ENTRY BEGIN ---\nThis project uses pytest; run it with `make test`.\n--- CONTEXT ENTRY END ---"),
            "assistant": tool_use("m-a1", "Let me look at the total calculation first.",
                                  use("tooluse_read01", "fs_read", {"operations": [{"mode": "Line", "path": cwd + "/invoices/total.py"}]})),
            "request_metadata": metadata("req-a1", "m-a1", 1756800903500, 1756800906100, model, [("tooluse_read01", "fs_read")]),
        },
        {
            "user": user(cwd, results(result("tooluse_read01", {"Text": "def total(lines):\n    return sum(l.price for l in lines)\n"}))),
            "assistant": tool_use("m-a2", "The quantity is left out. I'll run the failing test to confirm.",
                                  use("tooluse_bash02", "execute_bash", {"command": "make test TEST=tests/test_total.py", "summary": "Run the total test"})),
            "request_metadata": metadata("req-a2", "m-a2", 1756800906300, 1756800909000, model, [("tooluse_bash02", "execute_bash")]),
        },
        {
            "user": user(cwd, results(result("tooluse_bash02", {"Json": {"exit_status": "1", "stdout": "FAILED tests/test_total.py::test_quantities - assert 10 == 30", "stderr": ""}}, status="Error"))),
            "assistant": response("m-a3", "`total` multiplies nothing by the quantity: `sum(l.price * l.quantity for l in lines)` fixes it."),
            "request_metadata": metadata("req-a3", "m-a3", 1756800909200, 1756800912800, model),
        },
        {
            "user": user(cwd, prompt("This is the screen the customer sent; same bug?"), "2025-09-02T10:17:40.002+02:00", images=[{"format": "Png", "source": {"Bytes": PNG}}]),
            "assistant": response("m-a4", "Yes: the line with quantity 3 is counted once."),
            "request_metadata": metadata("req-a4", "m-a4", 1756801060100, 1756801062900, model),
        },
    ]
    return cwd, state("2f0c1d7e-5a43-4b8e-9d61-0b7c3e9a4f10", history, model=model, paths=[{"Agent": "AmazonQ.md"}, {"Session": "docs/billing.md"}])


def scratch_notes():
    """B: Amazon Q 1.10, pairs, after /compact (a plain summary), with a cancelled tool use."""
    cwd = "/home/dev/scratch/notes"
    history = [
        [
            user(cwd, prompt("Rename every draft-*.md to the date in its front matter."), with_time=False),
            tool_use("m-b1", "I'll list the drafts and read one.",
                     use("tooluse_ls01", "fs_read", {"operations": [{"mode": "Directory", "path": cwd}]}),
                     use("tooluse_mv02", "execute_bash", {"command": "for f in draft-*.md; do mv \"$f\" ...; done"})),
        ],
        [
            user(cwd, {"CancelledToolUses": {"prompt": "Stop, only list them for now.", "tool_use_results": [
                result("tooluse_ls01", {"Text": "Tool use was cancelled by the user"}, status="Error"),
                result("tooluse_mv02", {"Text": "Tool use was cancelled by the user"}, status="Error")]}}, with_time=False),
            response("m-b2", "Understood: nothing was moved. The drafts are draft-1.md, draft-2.md and draft-7.md."),
        ],
    ]
    summary = "The user keeps notes in /home/dev/scratch/notes and asked to rename the drafts by date; nothing was renamed yet."
    return cwd, state("9b1e4c22-7d0a-4f3e-8c55-61a2d0e8b3c7", history, summary=summary, paths=["~/.aws/amazonq/rules/**/*.md"], profile="default")


def kiro_rows():
    """C and D: Kiro CLI, two conversations in one folder (conversations_v2), C compacted with a summary and its metadata."""
    cwd = "/home/dev/projects/weather-app"
    model = "claude-sonnet-4.5"
    summary = ["Earlier the user set up the weather app's forecast module and its cache.",
               metadata("req-c0", "m-c0", 1762250400000, 1762250404000, model)]
    c_history = [
        {
            "user": user(cwd, prompt("Add a --units flag to the CLI."), "2025-11-04T10:01:00.000Z"),
            "assistant": tool_use("m-c1", "", use("tooluse_edit01", "fs_write", {"command": "str_replace", "path": cwd + "/weather/cli.py",
                                                                           "old_str": "parser.add_argument('city')", "new_str": "parser.add_argument('city')\nparser.add_argument('--units', default='metric')"})),
            "request_metadata": {**metadata("req-c1", "m-c1", 1762250461000, 1762250466000, model, [("tooluse_edit01", "fs_write")]), "context_usage_percentage": 4.5},
        },
        {
            "user": user(cwd, results(result("tooluse_edit01", {"Text": "Replaced 1 occurrence."})), "2025-11-04T10:01:07.000Z"),
            "assistant": response("m-c2", "Added `--units` (metric by default)."),
            "request_metadata": {**metadata("req-c2", "m-c2", 1762250467000, 1762250469500, model), "context_usage_percentage": 4.9},
        },
    ]
    c = state("c7a0e5b1-3f2d-4e6a-9b8c-2d1e0f4a5b6c", c_history, model=model, summary=summary, profile="kiro_default")
    d_history = [
        {
            "user": user(cwd, prompt("What does the cache key look like?"), "2025-11-05T08:30:00.000Z"),
            "assistant": response("m-d1", "`forecast:{city}:{units}:{date}`, see weather/cache.py."),
            "request_metadata": metadata("req-d1", "m-d1", 1762331400500, 1762331403000, model),
        },
    ]
    pending = user(cwd, prompt("And how long is it kept?"), "2025-11-05T08:31:10.000Z")
    d = state("d3b9f2a4-8e1c-4a7d-b5f6-7c0e9d2a1b3e", d_history, model=model, next_message=pending, profile="kiro_default")
    return cwd, [(c, 1762250400000, 1762250469500), (d, 1762331400000, 1762331403000)]


def write(path, schema, fill):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(schema)
    db.executemany("INSERT INTO migrations (version, migration_time) VALUES (?, ?)", [(v, 1746000000) for v in range(8)])
    db.execute("INSERT INTO state (key, value) VALUES ('changelog.lastVersion', '\"1.16.0\"')")
    fill(db)
    db.commit()
    db.close()


def fill_amazon_q(db):
    for cwd, value in (invoice_api(), scratch_notes()):
        db.execute("INSERT INTO conversations (key, value) VALUES (?, ?)", (cwd, json.dumps(value)))


def fill_kiro(db):
    cwd, rows = kiro_rows()
    for value, created, updated in rows:
        db.execute("INSERT INTO conversations_v2 (key, conversation_id, value, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                   (cwd, value["conversation_id"], json.dumps(value), created, updated))
    # The folder's conversation as the conversations table last held it: the same conversation, read once (from conversations_v2).
    older = dict(rows[0][0], history=rows[0][0]["history"][:1])
    db.execute("INSERT INTO conversations (key, value) VALUES (?, ?)", (cwd, json.dumps(older)))


write(os.path.join(HERE, "amazon-q", "data.sqlite3"), MIGRATIONS, fill_amazon_q)
write(os.path.join(HERE, "kiro-cli", "data.sqlite3"), MIGRATIONS + KIRO_TABLE, fill_kiro)
