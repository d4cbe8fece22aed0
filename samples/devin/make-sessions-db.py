#!/usr/bin/env python3
"""Writes cli/sessions.db, the sample Devin CLI session store of this folder (a stand-in for ~/.local/share/devin).

Run from anywhere: python3 samples/devin/make-sessions-db.py. It replaces the file. Devin CLI is closed source: the
tables (refinery's schema version 17) and the chat_message JSON follow its public readers (jazzyalex/agent-sessions
AgentSessions/Devin/DevinSqliteReader.swift, DevinSessionParser.swift and their tests; junhoyeo/tokscale
crates/tokscale-core/src/sessions/devin.rs; vshulcz/deja-vu and the fixture notes of another reader), not a file the
CLI wrote. Times are Unix seconds in the columns and RFC 3339 in a message's metadata. Everything in the rows was
written for these samples. The file uses the rollback journal (journal_mode=DELETE) so it is one file in git; Devin
CLI runs SQLite in WAL mode, which the xunit tests create on their own.
"""
import json
import os
import sqlite3
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
PATH = os.path.join(HERE, "cli", "sessions.db")

SCHEMA = """
CREATE TABLE refinery_schema_history (version INT4 PRIMARY KEY, name VARCHAR(255), applied_on VARCHAR(255), checksum VARCHAR(255));
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, working_directory TEXT NOT NULL, backend_type TEXT NOT NULL, model TEXT NOT NULL,
    agent_mode TEXT NOT NULL, created_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL, title TEXT,
    main_chain_id INTEGER, shell_last_seen_index INTEGER DEFAULT 0, cogs_json TEXT, workspace_dirs TEXT,
    hidden INTEGER NOT NULL DEFAULT 0, metadata TEXT
);
CREATE TABLE message_nodes (
    row_id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, node_id INTEGER NOT NULL, parent_node_id INTEGER,
    chat_message TEXT NOT NULL, created_at INTEGER NOT NULL, metadata TEXT, UNIQUE(session_id, node_id)
);
CREATE TABLE tool_call_state (session_id TEXT NOT NULL, tool_call_id TEXT NOT NULL, tool_call_json TEXT, tool_call_update_json TEXT,
    PRIMARY KEY (session_id, tool_call_id));
CREATE TABLE subagent_heads (session_id TEXT NOT NULL, agent_id TEXT NOT NULL, chain_node_id INTEGER NOT NULL, updated_at INTEGER NOT NULL,
    PRIMARY KEY (session_id, agent_id));
CREATE TABLE prompt_history (id INTEGER PRIMARY KEY AUTOINCREMENT, content TEXT NOT NULL, timestamp INTEGER NOT NULL, session_id TEXT, is_shell INTEGER DEFAULT 0);
CREATE TABLE rendered_commits (session_id TEXT NOT NULL, commit_sha TEXT NOT NULL);
CREATE TABLE app_state (key TEXT PRIMARY KEY, value TEXT);
"""

MIGRATIONS = ["initial_schema", "add_thinking_column", "add_prompt_history", "add_metadata_column", "message_forest",
              "add_node_metadata", "add_shell_context", "add_session_cogs", "add_rendered_commits", "add_workspace_dirs",
              "add_prompt_history_is_shell", "add_app_state", "rename_permission_mode_to_agent_mode", "tool_call_state",
              "add_hidden_column", "add_session_json_metadata", "subagent_heads"]

# A 1x1 transparent PNG.
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="

A = "quiet-harbor"  # a session: prompts, thinking, calls, a retried response, a sub-agent, an image, a compaction
B = "amber-falcon"  # an early session: hidden, no main chain, no session model

T0 = 1785312000  # 2026-07-29T08:00:00Z


def iso(seconds):
    return datetime.fromtimestamp(seconds, timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def message(message_id, role, content, at, metadata=None, **more):
    meta = {"created_at": iso(at)}
    meta.update(metadata or {})
    body = {"message_id": message_id, "role": role, "content": content, "metadata": meta}
    body.update(more)
    return body


def prompt(message_id, text, at, **more):
    return message(message_id, "user", text, at, {"is_user_input": True,
                                                  "extensions": {"chisel/client-message-id": "c-" + message_id}}, **more)


def response(message_id, text, at, model, usage, finish, calls=None, thinking=None):
    i, o, read, write = usage
    metadata = {"num_tokens": o, "request_id": "req-" + message_id, "generation_model": model, "finish_reason": finish,
                "metrics": {"ttft_ms": 640, "total_time_ms": 2100, "input_tokens": i, "output_tokens": o,
                            "cache_read_tokens": read, "cache_creation_tokens": write}}
    more = {"tool_calls": calls or []}
    if thinking:
        more["thinking"] = {"thinking": thinking, "signature": "sealed.v1.sample", "signature_type": "sealed"}
    return message(message_id, "assistant", text, at, metadata, **more)


def call(call_id, name, arguments, index=0):
    return {"id": call_id, "name": name, "arguments": arguments, "index": index, "kind": "function"}


def result(message_id, call_id, text, at, success=True, exit_code=None, duration_ms=120, extensions=None):
    ext = {"chisel/tool_result_meta": {"success": success, "kind": "execute" if exit_code is not None else "read"},
           "chisel/tool_call_timing": {"started_at": iso(at - 1), "finished_at": iso(at), "duration_ms": duration_ms}}
    if exit_code is not None:
        ext["chisel/terminal_output"] = {"text": text, "cwd": "/home/dev/ledger-cli", "exit": {"terminal_id": "t1", "exit_code": exit_code}}
    ext.update(extensions or {})
    return message(message_id, "tool", text, at, {"extensions": ext}, tool_call_id=call_id)


PREFIX = message("a-sys", "system", "You are Devin, a software engineering agent working in the user's terminal.", T0)

# Session A's forest. (node, parent, chat_message, node metadata)
NODES_A = [
    (1, None, PREFIX, {"is_system_prefix": True}),
    (2, 1, message("a-info", "system", "<system_info>OS: linux; shell: bash; cwd: /home/dev/ledger-cli</system_info>", T0 + 1,
                   {"extensions": {"affogato/cog-context": {"key": "workspace/context"}}}), None),
    (3, 2, prompt("a-u1", "Add a --dry-run flag to the sync command", T0 + 10), None),
    (4, 3, response("a-r1", "Let me look at the sync command first.", T0 + 14, "swe-1.5", (1200, 80, 9000, 400), "tool_calls",
                    [call("read_0#1", "read", {"file_path": "/home/dev/ledger-cli/src/sync.rs"})],
                    "The flag belongs in the clap struct; read sync.rs."), None),
    (5, 4, result("a-t1", "read_0#1", "pub fn sync(args: SyncArgs) -> Result<()> {\n    upload(&args.remote)?;\n    Ok(())\n}", T0 + 15), None),
    # A response the CLI retried: abandoned beside the one kept (node 7), never on the main chain.
    (6, 5, response("a-r2-retried", "ABANDONED: I'll rewrite the whole module.", T0 + 18, "swe-1.5", (300, 20, 10200, 0), "stop"), None),
    (7, 5, response("a-r2", "I'll add the flag and run the tests.", T0 + 20, "swe-1.5", (310, 150, 10200, 0), "tool_calls",
                    [call("edit_0#2", "edit", {"file_path": "/home/dev/ledger-cli/src/sync.rs", "old_string": "upload(&args.remote)?;",
                                               "new_string": "if !args.dry_run { upload(&args.remote)?; }"}, 0),
                     call("exec_1#2", "exec", {"command": "cargo test sync", "workdir": "/home/dev/ledger-cli"}, 1)]), None),
    (8, 7, result("a-t2", "edit_0#2", "Edited /home/dev/ledger-cli/src/sync.rs", T0 + 21,
                  extensions={"chisel/undo": [{"kind": "edit", "tool_name": "edit", "description": "src/sync.rs"}]}), None),
    (9, 8, result("a-t3", "exec_1#2", "error[E0609]: no field `dry_run` on type `SyncArgs`", T0 + 30, success=False, exit_code=101,
                  duration_ms=8800), None),
    (10, 9, response("a-r3", "The field is missing; I'll ask a sub-agent where the args are defined.", T0 + 33, "swe-1.5",
                     (520, 60, 10600, 0), "tool_calls",
                     [call("run_subagent_0#3", "run_subagent", {"profile": "Explore", "task": "Find where SyncArgs is defined"})]), None),
    (11, 10, result("a-t4", "run_subagent_0#3", "SyncArgs is defined in src/cli.rs at line 40.", T0 + 52,
                    extensions={"subagent/agent_id": "explore-1", "subagent/chain_node_id": 34, "subagent/profile_name": "Explore",
                                "subagent/model": "swe-1.5-lite"}), None),
    (12, 11, prompt("a-u2", "This is the error I saw earlier:", T0 + 60,
                    images=[{"width": 1, "height": 1, "base64_data": PNG}]), None),
    (13, 12, response("a-r4", "That matches: with the field added to SyncArgs in src/cli.rs the tests pass.", T0 + 66, "swe-1.5",
                      (900, 40, 11000, 0), "stop"), None),
    # The sub-agent's own chain: its profile's prompt, the lead's brief (a handoff), a call, its report.
    (30, None, message("s-sys", "system", "You are an Explore sub-agent: search the code and report back.", T0 + 34), {"is_system_prefix": True}),
    (31, 30, message("s-u1", "user", "Find where SyncArgs is defined", T0 + 35,
                     {"is_user_input": True, "extensions": {"subagent/handoff": True, "chisel/fusion_lead_model_uid": "swe-1.5"}}), None),
    (32, 31, response("s-r1", "", T0 + 40, "swe-1.5-lite", (400, 30, 2000, 0), "tool_calls",
                      [call("grep_0#1", "grep", {"pattern": "struct SyncArgs", "path": "src"})]), None),
    (33, 32, result("s-t1", "grep_0#1", "src/cli.rs:40:pub struct SyncArgs {", T0 + 41), None),
    (34, 33, response("s-r2", "SyncArgs is defined in src/cli.rs at line 40.", T0 + 50, "swe-1.5-lite", (450, 25, 2400, 0), "stop"), None),
    # The compaction's summarizer, a thread of its own off the main chain.
    (40, None, message("c-sys", "system", "Summarize the conversation for a continuation.", T0 + 70), {"is_system_prefix": True}),
    (41, 40, message("c-u1", "user", "Conversation to summarize: ...", T0 + 70), None),
    (42, 41, response("c-r1", "<summary>Added --dry-run to sync; SyncArgs needed the field.</summary>", T0 + 75, "swe-1.5",
                      (3000, 90, 0, 0), "stop"), {"summarized_from": 13}),
    # The rebuilt chain after the compaction: the system prompt copied (same message id, compact/prior_node_ids), the
    # summary carried on as a system message, the last answer copied, then the conversation goes on.
    (50, None, PREFIX, {"is_system_prefix": True, "extensions": {"compact/prior_node_ids": [1]}}),
    (51, 50, message("a-summary", "system",
                     "You are continuing work from a previous conversation thread. Summary: added --dry-run to sync; SyncArgs needed the field.",
                     T0 + 76, {"extensions": {"devin-rs/summary": {"source": "async_file_compactor"}}}),
     {"summarized_from": 13, "num_tokens_preceding": 15400}),
    (52, 51, response("a-r4", "That matches: with the field added to SyncArgs in src/cli.rs the tests pass.", T0 + 66, "swe-1.5",
                      (900, 40, 11000, 0), "stop"), {"extensions": {"compact/prior_node_ids": [13]}}),
    (53, 52, prompt("a-u3", "Now mention the flag in the README", T0 + 90), None),
    (54, 53, response("a-r5", "", T0 + 94, "swe-1.5", (700, 60, 3100, 0), "tool_calls",
                      [call("edit_0#5", "edit", {"file_path": "/home/dev/ledger-cli/README.md", "old_string": "## Sync",
                                                 "new_string": "## Sync\n\n`--dry-run` shows what would be uploaded."})]), None),
    (55, 54, result("a-t5", "edit_0#5", "Edited /home/dev/ledger-cli/README.md", T0 + 95), None),
    (56, 55, response("a-r6", "Done: the README documents --dry-run.", T0 + 98, "swe-1.5", (760, 20, 3300, 0), "stop"), None),
]

NODES_B = [
    (1, None, prompt("b-u1", "What does the --verbose flag of ledger do?", T0 - 86400), None),
    (2, 1, response("b-r1", "It prints each transaction as it is imported.", T0 - 86395, "claude-sonnet-4-5", (2100, 45, 0, 1800), "stop"), None),
]


def main():
    os.makedirs(os.path.dirname(PATH), exist_ok=True)
    if os.path.exists(PATH):
        os.remove(PATH)
    db = sqlite3.connect(PATH)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SCHEMA)
    for version, name in enumerate(MIGRATIONS, start=1):
        db.execute("INSERT INTO refinery_schema_history VALUES (?, ?, ?, ?)", (version, name, "2026-07-01T00:00:00Z", str(1000 + version)))
    db.execute("INSERT INTO sessions (id, working_directory, backend_type, model, agent_mode, created_at, last_activity_at, title,"
               " main_chain_id, workspace_dirs, hidden, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (B, "/home/dev/ledger-cli", "windsurf", "", "normal", T0 - 86400, T0 - 86395, None, None, "[]", 1, None))
    db.execute("INSERT INTO sessions (id, working_directory, backend_type, model, agent_mode, created_at, last_activity_at, title,"
               " main_chain_id, workspace_dirs, hidden, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (A, "/home/dev/ledger-cli", "windsurf", "swe-1.5", "accept-edits", T0, T0 + 98, "Add --dry-run to sync", 56,
                json.dumps(["/home/dev/ledger-docs"]), 0, json.dumps({"total_credit_cost": 12.5, "total_acu_cost": 0.8})))
    for session, nodes in ((A, NODES_A), (B, NODES_B)):
        for node, parent, chat, meta in nodes:
            at = int(datetime.fromisoformat(chat["metadata"]["created_at"].replace("Z", "+00:00")).timestamp())
            db.execute("INSERT INTO message_nodes (session_id, node_id, parent_node_id, chat_message, created_at, metadata)"
                       " VALUES (?, ?, ?, ?, ?, ?)",
                       (session, node, parent, json.dumps(chat), at, json.dumps(meta) if meta is not None else "null"))
    db.execute("INSERT INTO subagent_heads VALUES (?, ?, ?, ?)", (A, "explore-1", 34, T0 + 50))
    db.execute("INSERT INTO tool_call_state VALUES (?, ?, ?, ?)",
               (A, "exec_1#2", json.dumps({"toolCallId": "exec_1#2", "title": "cargo test sync", "status": "pending"}),
                json.dumps({"toolCallId": "exec_1#2", "status": "failed", "_meta": {"cognition.ai/terminal_exit": {"exit_code": 101}}})))
    db.execute("INSERT INTO prompt_history (content, timestamp, session_id, is_shell) VALUES (?, ?, ?, ?)",
               ("Add a --dry-run flag to the sync command", T0 + 10, A, 0))
    db.commit()
    db.execute("VACUUM")
    db.close()


if __name__ == "__main__":
    main()
