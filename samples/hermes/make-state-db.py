#!/usr/bin/env python3
"""Writes the sample state.db files of this folder: state.db (current schema, v30) and profiles/work/state.db
(an early schema: no titles, no active/compacted flags, the system prompt inline).

Run from anywhere: python3 samples/hermes/make-state-db.py. It replaces both files. The schema follows Hermes
Agent's hermes_state_common.py SCHEMA_SQL (sessions and messages as Hermes creates them; the tables this sample
does not fill are left out), and the rows are written as hermes_state_messages.py writes them: content as text,
structured content behind the "\\x00json:" prefix, tool_calls as JSON text, timestamps as epoch seconds. Everything
in the rows was written for these samples. The files use the rollback journal (journal_mode=DELETE) so that each
is one file in git; Hermes runs its store in WAL mode, which the tests create on their own.
"""
import hashlib
import json
import os
import sqlite3
from datetime import datetime, timezone

HERE = os.path.dirname(os.path.abspath(__file__))


def epoch(text):
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc).timestamp()


SESSIONS_V30 = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE system_prompts (hash TEXT PRIMARY KEY, prompt TEXT NOT NULL);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, created_source TEXT, user_id TEXT, session_key TEXT, chat_id TEXT,
    chat_type TEXT, thread_id TEXT, display_name TEXT, origin_json TEXT, expiry_finalized INTEGER DEFAULT 0,
    model TEXT, model_config TEXT, system_prompt TEXT, system_prompt_hash TEXT, parent_session_id TEXT,
    started_at REAL NOT NULL, ended_at REAL, end_reason TEXT, message_count INTEGER DEFAULT 0,
    tool_call_count INTEGER DEFAULT 0, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0,
    cache_read_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0,
    cwd TEXT, git_branch TEXT, git_repo_root TEXT, git_metadata_generation INTEGER NOT NULL DEFAULT 0,
    billing_provider TEXT, billing_base_url TEXT, billing_mode TEXT, estimated_cost_usd REAL, actual_cost_usd REAL,
    cost_status TEXT, cost_source TEXT, pricing_version TEXT, title TEXT, title_source TEXT, last_activity_at REAL,
    last_activity_description TEXT, last_activity_provenance TEXT, api_call_count INTEGER DEFAULT 0,
    profile_name TEXT, rewind_count INTEGER NOT NULL DEFAULT 0, archived INTEGER NOT NULL DEFAULT 0,
    pinned INTEGER NOT NULL DEFAULT 0, hidden INTEGER NOT NULL DEFAULT 0, last_read_at REAL, tool_names TEXT,
    FOREIGN KEY (parent_session_id) REFERENCES sessions(id),
    FOREIGN KEY (system_prompt_hash) REFERENCES system_prompts(hash)
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id), role TEXT NOT NULL,
    content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, effect_disposition TEXT,
    timestamp REAL NOT NULL, token_count INTEGER, finish_reason TEXT, reasoning TEXT, reasoning_content TEXT,
    reasoning_details TEXT, codex_reasoning_items TEXT, codex_message_items TEXT, platform_message_id TEXT,
    observed INTEGER DEFAULT 0, _compressed_summary INTEGER NOT NULL DEFAULT 0, active INTEGER NOT NULL DEFAULT 1,
    compacted INTEGER NOT NULL DEFAULT 0, api_content TEXT, display_kind TEXT, display_metadata TEXT,
    display_identity BLOB, display_order INTEGER
);
CREATE TABLE session_model_usage (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, model TEXT NOT NULL,
    billing_provider TEXT NOT NULL DEFAULT '', billing_base_url TEXT NOT NULL DEFAULT '',
    billing_mode TEXT NOT NULL DEFAULT '', task TEXT NOT NULL DEFAULT '', api_call_count INTEGER NOT NULL DEFAULT 0,
    input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0,
    cache_read_tokens INTEGER NOT NULL DEFAULT 0, cache_write_tokens INTEGER NOT NULL DEFAULT 0,
    reasoning_tokens INTEGER NOT NULL DEFAULT 0, estimated_cost_usd REAL NOT NULL DEFAULT 0,
    actual_cost_usd REAL NOT NULL DEFAULT 0, cost_status TEXT, cost_source TEXT, first_seen REAL, last_seen REAL,
    PRIMARY KEY (session_id, model, billing_provider, billing_base_url, billing_mode, task)
);
CREATE TABLE state_meta (key TEXT PRIMARY KEY, value TEXT);
CREATE INDEX idx_sessions_parent ON sessions(parent_session_id);
CREATE INDEX idx_messages_session ON messages(session_id, timestamp);
"""

SESSIONS_EARLY = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE sessions (
    id TEXT PRIMARY KEY, source TEXT NOT NULL, user_id TEXT, model TEXT, model_config TEXT, system_prompt TEXT,
    parent_session_id TEXT, started_at REAL NOT NULL, ended_at REAL, end_reason TEXT, message_count INTEGER DEFAULT 0,
    tool_call_count INTEGER DEFAULT 0, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0,
    FOREIGN KEY (parent_session_id) REFERENCES sessions(id)
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id), role TEXT NOT NULL,
    content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL, token_count INTEGER,
    finish_reason TEXT
);
"""

SYSTEM_PROMPT = (
    "You are Hermes, an AI assistant made by Nous Research. You are helpful, direct and careful with the user's files.\n\n"
    "## Memory\nThe user works on acme-shop, a Python web shop; tests run with pytest.\n\n"
    "## Tools\nUse terminal for shell commands, read_file and patch for files, delegate_task for research subtasks."
)


def call(call_id, name, arguments):
    return {"id": call_id, "call_id": call_id, "type": "function", "function": {"name": name, "arguments": json.dumps(arguments)}}


def write_current(path):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SESSIONS_V30)
    db.execute("INSERT INTO schema_version VALUES (30)")
    prompt_hash = hashlib.sha256(SYSTEM_PROMPT.encode()).hexdigest()
    db.execute("INSERT INTO system_prompts VALUES (?, ?)", (prompt_hash, SYSTEM_PROMPT))

    def session(**row):
        columns = ", ".join(row)
        db.execute(f"INSERT INTO sessions ({columns}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))

    def message(session_id, role, at, content=None, **extra):
        row = {"session_id": session_id, "role": role, "timestamp": epoch(at), "content": content}
        for key, value in extra.items():
            row[key] = json.dumps(value) if key == "tool_calls" else value
        columns = ", ".join(row)
        db.execute(f"INSERT INTO messages ({columns}) VALUES ({', '.join('?' for _ in row)})", tuple(row.values()))

    # A: a CLI session in a repository, with reasoning, three tool calls and a subagent (C).
    a = "20260312_091500_a1b2c3"
    session(id=a, source="cli", model="anthropic/claude-sonnet-4.5", system_prompt_hash=prompt_hash,
            started_at=epoch("2026-03-12T09:15:00"), ended_at=epoch("2026-03-12T09:21:40"), end_reason="user_exit",
            message_count=9, tool_call_count=4, input_tokens=18420, output_tokens=2315, cache_read_tokens=41200,
            cache_write_tokens=6100, reasoning_tokens=640, cwd="/home/dev/acme-shop", git_branch="fix/upload-retry",
            git_repo_root="/home/dev/acme-shop", billing_provider="openrouter", billing_base_url="https://openrouter.ai/api/v1",
            estimated_cost_usd=0.1187, title="Fix the flaky upload retry test", title_source="llm",
            last_activity_at=epoch("2026-03-12T09:21:38"), api_call_count=5)
    message(a, "user", "2026-03-12T09:15:04", "tests/test_upload.py::test_retry_after_timeout fails about one run in five. Find out why and fix it.")
    message(a, "assistant", "2026-03-12T09:15:09", "", finish_reason="tool_calls",
            reasoning="A test that fails one run in five smells of timing or randomness. Run it many times first.",
            tool_calls=[call("call_a01", "terminal", {"command": "pytest tests/test_upload.py -k retry -q --count 20"})])
    message(a, "tool", "2026-03-12T09:15:31", json.dumps({"output": "....F...F.......F...\n3 failed, 17 passed in 21.40s", "exit_code": 1}),
            tool_call_id="call_a01", tool_name="terminal")
    message(a, "assistant", "2026-03-12T09:15:36", "", finish_reason="tool_calls",
            tool_calls=[call("call_a02", "read_file", {"path": "acme_shop/upload.py", "offset": 40, "limit": 20}),
                        call("call_a03", "delegate_task", {"goal": "Find other tests that sleep for a random time"})])
    message(a, "tool", "2026-03-12T09:15:36.400000", "41|def retry(fn, attempts=3):\n42|    for attempt in range(attempts):\n43|        try:\n44|            return fn()\n45|        except Timeout:\n46|            time.sleep(random.uniform(0, 0.1))",
            tool_call_id="call_a02", tool_name="read_file")
    message(a, "tool", "2026-03-12T09:17:02", "Two other tests sleep for a random time: tests/test_payment.py:88 and tests/test_mail.py:31.",
            tool_call_id="call_a03", tool_name="delegate_task")
    message(a, "assistant", "2026-03-12T09:17:10", "", finish_reason="tool_calls",
            reasoning_content="The jitter is drawn from the global random module while the test's clock is frozen; inject the sleep instead.",
            tool_calls=[call("call_a04", "patch", {"mode": "replace", "path": "acme_shop/upload.py", "old_string": "time.sleep(random.uniform(0, 0.1))", "new_string": "sleep(backoff(attempt))"})])
    message(a, "tool", "2026-03-12T09:17:11", json.dumps({"success": True, "diff": "-            time.sleep(random.uniform(0, 0.1))\n+            sleep(backoff(attempt))"}),
            tool_call_id="call_a04", tool_name="patch")
    message(a, "assistant", "2026-03-12T09:21:38",
            "The retry helper slept for a random time drawn from the global `random` module, and the test's frozen clock timed out when the draw was large. "
            "`retry()` now takes a `sleep` function and a deterministic `backoff`; the test injects a no-op sleep. 50 runs pass. "
            "tests/test_payment.py and tests/test_mail.py sleep the same way and may flake too.",
            finish_reason="stop")
    db.execute("INSERT INTO session_model_usage (session_id, model, billing_provider, api_call_count, input_tokens, output_tokens, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
               (a, "anthropic/claude-sonnet-4.5", "openrouter", 5, 18420, 2315, epoch("2026-03-12T09:15:09"), epoch("2026-03-12T09:21:38")))

    # C: the subagent A's delegate_task started.
    c = "20260312_091540_c0ffee"
    session(id=c, source="subagent", model="google/gemini-2.5-flash", parent_session_id=a,
            started_at=epoch("2026-03-12T09:15:40"), ended_at=epoch("2026-03-12T09:17:01"), end_reason="completed",
            message_count=4, tool_call_count=1, input_tokens=5200, output_tokens=310, cwd="/home/dev/acme-shop",
            billing_provider="openrouter", estimated_cost_usd=0.0021, api_call_count=2)
    message(c, "user", "2026-03-12T09:15:40", "Find other tests that sleep for a random time")
    message(c, "assistant", "2026-03-12T09:15:44", "", finish_reason="tool_calls",
            tool_calls=[call("call_c01", "search_files", {"pattern": "random\\.uniform", "path": "tests"})])
    message(c, "tool", "2026-03-12T09:15:45", "tests/test_payment.py:88:    time.sleep(random.uniform(0, 0.2))\ntests/test_mail.py:31:    time.sleep(random.uniform(0, 0.05))",
            tool_call_id="call_c01", tool_name="search_files")
    message(c, "assistant", "2026-03-12T09:17:01", "Two other tests sleep for a random time: tests/test_payment.py:88 and tests/test_mail.py:31.", finish_reason="stop")

    # B: a Telegram session that was compacted once (rows 1-5 summarized away, the last two carried over) and
    # whose last answer was retried (the first answer rewound).
    b = "20260314_170230_d4e5f6"
    session(id=b, source="telegram", model="openai/gpt-5-mini", session_key="agent:main:telegram:dm:5550001",
            chat_id="5550001", chat_type="dm", user_id="user_3f9a0c1d2e4b", display_name="Sam (DM)",
            started_at=epoch("2026-03-14T17:02:30"), ended_at=None, message_count=6, tool_call_count=1,
            input_tokens=9300, output_tokens=1420, cache_read_tokens=2048, reasoning_tokens=256,
            billing_provider="openai", estimated_cost_usd=0.0094, title=None,
            last_activity_at=epoch("2026-03-14T17:41:05"), api_call_count=6, rewind_count=1)
    def archived(role, at, content=None, **extra):
        message(b, role, at, content, active=0, compacted=1, **extra)
    archived("session_meta", "2026-03-14T17:02:30")
    archived("user", "2026-03-14T17:02:31", "What changed in the billing service this week?", platform_message_id="9001")
    archived("assistant", "2026-03-14T17:02:35", "", finish_reason="tool_calls",
             tool_calls=[call("call_b01", "terminal", {"command": "git -C ~/src/billing log --since=1.week --oneline"})])
    archived("tool", "2026-03-14T17:02:36", "e41a9c2 Retry invoice export on 409\n7b20f11 Round VAT per line\n03cd5e8 Add EUR rounding test",
             tool_call_id="call_b01", tool_name="terminal")
    archived("assistant", "2026-03-14T17:02:44", "Three changes landed: invoice export now retries on 409, VAT is rounded per line, and a EUR rounding test was added.", finish_reason="stop")
    image = [{"type": "text", "text": "And what does this error mean?"},
             {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="}}]
    tail = [("user", "2026-03-14T17:20:03", "\x00json:" + json.dumps(image), {"platform_message_id": "9002"}),
            ("assistant", "2026-03-14T17:20:09", "It is the 409 the export now retries: the invoice was already being exported. It is harmless unless it repeats.", {"finish_reason": "stop"})]
    for role, at, content, extra in tail:  # the originals of the carried tail get rewind flags (superseded copies)
        message(b, role, at, content, active=0, compacted=0, **extra)
    message(b, "user", "2026-03-14T17:20:15",
            "[CONTEXT COMPACTION] Earlier turns were compacted into this summary. The user asked what changed in the billing "
            "service this week; the assistant ran git log and reported three commits (invoice export retries on 409, VAT rounded "
            "per line, a EUR rounding test).", _compressed_summary=1)
    for role, at, content, extra in tail:
        message(b, role, at, content, **extra)
    message(b, "user", "2026-03-14T17:40:12", "Thanks. Draft a two-line note for the team channel.", platform_message_id="9003")
    message(b, "assistant", "2026-03-14T17:40:20", "Billing this week: export retries on 409, VAT per line. Nothing to do.", finish_reason="stop", active=0, compacted=0)
    message(b, "assistant", "2026-03-14T17:41:05",
            "Billing update: invoice export now retries on 409 and VAT is rounded per line.\nNo action needed; ping me if exports fail twice in a row.",
            finish_reason="stop", reasoning="Keep it to two lines and say whether anyone has to act.")

    # D: a CLI session that is also in sessions/ as a JSON snapshot (sessions.write_json_snapshots on): one record, from here.
    d = "20260316_101010_abcdef"
    session(id=d, source="cli", model="anthropic/claude-sonnet-4.5", system_prompt_hash=prompt_hash,
            started_at=epoch("2026-03-16T10:10:10"), ended_at=epoch("2026-03-16T10:12:30"), end_reason="user_exit",
            message_count=4, tool_call_count=1, input_tokens=7400, output_tokens=520, cache_read_tokens=12000,
            cwd="/home/dev/acme-shop", git_branch="main", billing_provider="openrouter", estimated_cost_usd=0.0301,
            title="Which Python does CI use", title_source="llm", last_activity_at=epoch("2026-03-16T10:12:29"), api_call_count=2)
    message(d, "user", "2026-03-16T10:10:14", "Which Python version does CI run?")
    message(d, "assistant", "2026-03-16T10:10:18", "", finish_reason="tool_calls",
            tool_calls=[call("call_d01", "read_file", {"path": ".github/workflows/ci.yml"})])
    message(d, "tool", "2026-03-16T10:10:18.200000", "12|      - uses: actions/setup-python@v5\n13|        with:\n14|          python-version: \"3.12\"",
            tool_call_id="call_d01", tool_name="read_file")
    message(d, "assistant", "2026-03-16T10:12:29", "CI runs Python 3.12 (.github/workflows/ci.yml, line 14).", finish_reason="stop")

    # E: a session started and left before the first message (Hermes writes the row first): no record.
    session(id="20260317_120000_e1e2e3", source="cli", model="anthropic/claude-sonnet-4.5",
            started_at=epoch("2026-03-17T12:00:00"), ended_at=epoch("2026-03-17T12:00:05"), end_reason="user_exit")
    db.commit()
    db.execute("VACUUM")
    db.close()


def write_early(path):
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.executescript(SESSIONS_EARLY)
    db.execute("INSERT INTO schema_version VALUES (2)")
    s = "20260220_150000_b0b0b0"
    db.execute("INSERT INTO sessions (id, source, model, system_prompt, started_at, ended_at, end_reason, message_count, tool_call_count, input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (s, "cli", "nousresearch/hermes-4-70b", "You are Hermes, an AI assistant made by Nous Research.", epoch("2026-02-20T15:00:00"),
                epoch("2026-02-20T15:03:10"), "user_exit", 4, 1, 3100, 240))
    rows = [
        ("user", "2026-02-20T15:00:05", "How much space is left on the backup disk?", None, None, None, None),
        ("assistant", "2026-02-20T15:00:09", "", None, json.dumps([call("call_w01", "terminal", {"command": "df -h /mnt/backup"})]), None, "tool_calls"),
        ("tool", "2026-02-20T15:00:10", "Filesystem  Size  Used Avail Use% Mounted on\n/dev/sdb1   1.8T  1.5T  312G  83% /mnt/backup", "call_w01", None, "terminal", None),
        ("assistant", "2026-02-20T15:03:10", "312 GB are free on /mnt/backup (83% used).", None, None, None, "stop"),
    ]
    for role, at, content, tool_call_id, tool_calls, tool_name, finish in rows:
        db.execute("INSERT INTO messages (session_id, role, content, tool_call_id, tool_calls, tool_name, timestamp, finish_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   (s, role, content, tool_call_id, tool_calls, tool_name, epoch(at), finish))
    db.commit()
    db.execute("VACUUM")
    db.close()


write_current(os.path.join(HERE, "state.db"))
os.makedirs(os.path.join(HERE, "profiles", "work"), exist_ok=True)
write_early(os.path.join(HERE, "profiles", "work", "state.db"))
