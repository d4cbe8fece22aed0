#!/usr/bin/env python3
"""Writes User/globalStorage/state.vscdb and User/workspaceStorage/<hash>/state.vscdb, the sample stores of this folder
(a stand-in for Cursor's user folder: ~/.config/Cursor/User, ~/Library/Application Support/Cursor/User or
%APPDATA%\\Cursor\\User).

Run from anywhere: python3 samples/cursor-ide/make-state-db.py. It replaces both files. Both tables are VS Code's
key-value tables as Cursor creates them (ItemTable and cursorDiskKV: key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB),
each value JSON text. Cursor is closed source: the keys and the JSON follow its public readers (README, "Cursor's IDE
chats"). Everything in the rows was written for these samples; no row holds a credential (the real ItemTable holds
sign-in tokens; the reader never queries it). The files use the rollback journal so each is one file in git.
"""
import json
import os
import sqlite3
from datetime import datetime, timedelta, timezone

HERE = os.path.dirname(os.path.abspath(__file__))
USER = os.path.join(HERE, "User")
WORKSPACE_HASH = "3f9a1c5e7b2d4f6a8c0e1b3d5f7a9c2e"

TABLES = """
CREATE TABLE ItemTable (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);
CREATE TABLE cursorDiskKV (key TEXT UNIQUE ON CONFLICT REPLACE, value BLOB);
"""

AGENT = "6b0f3c1e-2a4d-4f7b-9c8e-1d2a3b4c5d6e"
CHAT = "c41d9e7a-8b2f-4e1c-a6d3-5f7e9b0c2a14"
EMPTY = "e0a7b3d1-5c9f-4a2e-8d6b-3f1c7e9a0b25"

START = datetime(2026, 10, 14, 9, 12, 0, tzinfo=timezone.utc)


def ms(when):
    return int(when.timestamp() * 1000)


def iso(seconds):
    return (START + timedelta(seconds=seconds)).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def tool(call_id, name, number, args, result=None, status="completed", **extra):
    data = {"tool": number, "name": name, "toolCallId": call_id, "rawArgs": json.dumps(args),
            "params": json.dumps({k: v for k, v in args.items() if k != "explanation"}), "status": status, "additionalData": {}}
    if result is not None:
        data["result"] = json.dumps(result)
    data.update(extra)
    return data


def bubble(bubble_id, kind, seconds, text="", **fields):
    value = {"_v": 3, "type": kind, "bubbleId": bubble_id, "text": text, "richText": "", "createdAt": iso(seconds),
             "tokenCount": {"inputTokens": 0, "outputTokens": 0}, "capabilities": [], "codeBlocks": []}
    value.update(fields)
    return value


# The agent chat: a prompt, reasoning, two calls in a row (one read, one command that fails), an answer with its
# token count; a second prompt, an edit with its code block, a test run that errors, a push the user rejected (no
# result), and the closing answer. One assistant bubble holds nothing but its capability, as many real ones do.
AGENT_BUBBLES = [
    bubble("b-u1", 1, 0, "The test for parse_date fails on CI but passes on my machine. Can you find out why?",
           workspaceUris=["file:///home/dev/projects/date-utils"]),
    bubble("b-a0", 2, 2, capabilityType=30),
    bubble("b-a1", 2, 3, thinking={"text": "CI runs in UTC while the laptop is in Europe/Berlin; a DST gap at 02:30 would only bite in one zone.",
                                   "signature": "c2lnLXNhbXBsZQ=="}),
    bubble("b-a2", 2, 4, "Let me read the test and run it the way CI does.",
           toolFormerData=tool("toolu_01Aq", "read_file", 5, {"target_file": "tests/test_dates.py", "should_read_entire_file": True},
                               {"contents": "def test_parse_date():\n    assert parse_date('2026-03-29 02:30').hour == 2\n"})),
    bubble("b-a3", 2, 6, toolFormerData=tool("toolu_01Bw", "run_terminal_cmd", 15, {"command": "TZ=UTC pytest tests/test_dates.py -q", "is_background": False},
                                             {"output": "F\nFAILED tests/test_dates.py::test_parse_date - assert 3 == 2\n1 failed in 0.12s", "exitCode": 1})),
    bubble("b-a4", 2, 9, "The test builds a local time inside the spring-forward gap. In Berlin 02:30 on 29 March does not exist, so "
           "the parser moves it to 03:30; on CI it is read as UTC and survives. Shall I make parse_date take an explicit zone?",
           tokenCount={"inputTokens": 18234, "outputTokens": 412}, modelInfo={"modelName": "claude-4.5-sonnet-thinking"}),
    bubble("b-u2", 1, 40, "Yes, make it explicit and default to UTC."),
    bubble("b-a5", 2, 43, toolFormerData=tool("toolu_01Cx", "search_replace", 38,
                                              {"file_path": "src/date_utils/parse.py", "old_string": "def parse_date(text):\n    return datetime.fromisoformat(text)\n",
                                               "new_string": "def parse_date(text, tz=timezone.utc):\n    return datetime.fromisoformat(text).replace(tzinfo=tz)\n"},
                                              {"diff": {"chunks": [{"linesAdded": 2, "linesRemoved": 2}]}, "isApplied": True}),
           codeBlocks=[{"content": "def parse_date(text, tz=timezone.utc):\n    return datetime.fromisoformat(text).replace(tzinfo=tz)\n",
                        "languageId": "python", "codeBlockIdx": 0}]),
    bubble("b-a6", 2, 47, toolFormerData=tool("toolu_01Dy", "run_terminal_cmd", 15, {"command": "pytest -q"},
                                              {"output": "ImportError: cannot import name 'timezone' from 'date_utils.parse'"}, status="error")),
    bubble("b-a7", 2, 52, "The edit needed `from datetime import timezone`; with it added the suite passes in both zones.",
           toolFormerData=tool("toolu_01Ez", "run_terminal_cmd", 15, {"command": "git push origin fix/parse-date-tz"}, status="cancelled",
                               userDecision="rejected"),
           tokenCount={"inputTokens": 20411, "outputTokens": 233}),
    bubble("b-a8", 2, 60, "I left the push to you. The fix is on fix/parse-date-tz: parse_date now takes tz and defaults to UTC.",
           tokenCount={"inputTokens": 20702, "outputTokens": 61}),
]

AGENT_COMPOSER = {
    "_v": 10, "composerId": AGENT, "name": "Fix flaky parse_date test", "richText": "", "text": "",
    "createdAt": ms(START), "lastUpdatedAt": ms(START + timedelta(seconds=61)), "status": "completed", "unifiedMode": "agent",
    "forceMode": "edit", "isAgentic": True, "modelConfig": {"modelName": "claude-4.5-sonnet-thinking", "maxMode": False},
    "fullConversationHeadersOnly": [{"bubbleId": b["bubbleId"], "type": b["type"], **({"serverBubbleId": "s-" + b["bubbleId"]} if b["type"] == 2 else {})}
                                    for b in AGENT_BUBBLES],
    "conversationMap": {}, "context": {"fileSelections": [], "folderSelections": [], "selections": []},
}

# An older chat (Ask), its bubbles inline in conversation, without times, names or a model ("default" is automatic).
CHAT_COMPOSER = {
    "_v": 3, "composerId": CHAT, "richText": "", "text": "",
    "createdAt": ms(START - timedelta(days=200)), "lastUpdatedAt": ms(START - timedelta(days=200) + timedelta(minutes=4)),
    "status": "completed", "unifiedMode": "chat", "modelConfig": {"modelName": "default"},
    "conversation": [
        {"type": 1, "bubbleId": "c-u1", "text": "How do I make this regex match across lines in Python?", "codeBlocks": []},
        {"type": 2, "bubbleId": "c-a1", "text": "Pass `re.DOTALL` so that `.` also matches a newline:\n\n```python\nre.search(r'BEGIN.*END', text, re.DOTALL)\n```",
         "codeBlocks": [{"content": "re.search(r'BEGIN.*END', text, re.DOTALL)", "languageId": "python"}]},
        {"type": 1, "bubbleId": "c-u2", "text": "And if ^ should match at every line start?", "codeBlocks": []},
        {"type": 2, "bubbleId": "c-a2", "text": "Add `re.MULTILINE`; the flags combine: `re.DOTALL | re.MULTILINE`.", "codeBlocks": []},
    ],
}

# A chat opened and closed without a message, as Cursor leaves many.
EMPTY_COMPOSER = {"_v": 10, "composerId": EMPTY, "richText": "", "text": "", "fullConversationHeadersOnly": [], "conversationMap": {},
                  "status": "none", "createdAt": ms(START + timedelta(hours=2))}


def write(path, items, disk):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if os.path.exists(path):
        os.remove(path)
    db = sqlite3.connect(path)
    db.executescript(TABLES)
    db.executemany("INSERT INTO ItemTable (key, value) VALUES (?, ?)", [(k, json.dumps(v)) for k, v in items])
    db.executemany("INSERT INTO cursorDiskKV (key, value) VALUES (?, ?)", [(k, json.dumps(v)) for k, v in disk])
    db.commit()
    db.execute("VACUUM")
    db.close()


def main():
    disk = [("composerData:" + AGENT, AGENT_COMPOSER), ("composerData:" + CHAT, CHAT_COMPOSER), ("composerData:" + EMPTY, EMPTY_COMPOSER)]
    disk += [(f"bubbleId:{AGENT}:{b['bubbleId']}", b) for b in AGENT_BUBBLES]
    write(os.path.join(USER, "globalStorage", "state.vscdb"), [("workbench.activity.pinnedViewlets2", [])], disk)

    workspace = os.path.join(USER, "workspaceStorage", WORKSPACE_HASH)
    listing = {"allComposers": [{"type": "head", "composerId": AGENT, "name": AGENT_COMPOSER["name"], "createdAt": AGENT_COMPOSER["createdAt"],
                                 "lastUpdatedAt": AGENT_COMPOSER["lastUpdatedAt"], "unifiedMode": "agent"}],
               "selectedComposerIds": [AGENT]}
    write(os.path.join(workspace, "state.vscdb"), [("composer.composerData", listing)], [])
    with open(os.path.join(workspace, "workspace.json"), "w", encoding="utf-8") as f:
        json.dump({"folder": "file:///home/dev/projects/date-utils"}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
