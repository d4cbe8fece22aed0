"""Writes the Copilot Chat samples: a VS Code user data dir (Code/User) with one workspace holding a .json session and
a .jsonl session, and one session of a window without a folder. Every value is made up. Run from this folder."""
import json
import os

ROOT = os.path.join("Code", "User")
WORKSPACE = os.path.join(ROOT, "workspaceStorage", "9c41e7a2d05b38f6a1c4e9d27b80f351")
EMPTY = os.path.join(ROOT, "globalStorage", "emptyWindowChatSessions")
FOLDER_URI = "file:///home/dev/ledger-sync"
T0 = 1760003000000  # 2025-10-09T09:43:20Z


def uri(path):
    return {"$mid": 1, "fsPath": path, "external": "file://" + path, "path": path, "scheme": "file"}


def md(text):
    return {"value": text, "supportThemeIcons": False, "supportHtml": False}


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


# 1. An agent-mode request whose tool loop Copilot kept (toolCallRounds/toolCallResults), an ask-mode request read from
#    its response parts, and a request the person cancelled: <id>.json, the whole object, as JSON.stringify(.., 2) writes it.
agent_request = {
    "requestId": "request_7f3c1a20-4b6e-4d2a-9e51-0c8f2b7a6d11",
    "message": {"text": "Add a --dry-run flag to the sync command", "parts": [{"kind": "text", "text": "Add a --dry-run flag to the sync command"}]},
    "variableData": {"variables": [
        {"id": "vscode.implicit.viewport", "name": "file:sync.ts", "value": {"uri": uri("/home/dev/ledger-sync/src/sync.ts"), "range": {"startLineNumber": 1, "startColumn": 1, "endLineNumber": 40, "endColumn": 1}}, "kind": "file", "isImplicit": True},
    ]},
    "response": [
        {"kind": "thinking", "value": "The flag has to stop the writes but keep the report.", "id": "thinking_0"},
        {"value": "I'll look at the command first.", "supportThemeIcons": False},
        {"kind": "toolInvocationSerialized", "invocationMessage": md("Reading [sync.ts](file:///home/dev/ledger-sync/src/sync.ts)"), "pastTenseMessage": md("Read [sync.ts](file:///home/dev/ledger-sync/src/sync.ts)"), "isConfirmed": {"type": 1}, "isComplete": True, "source": {"type": "internal", "label": "Built-In"}, "toolCallId": "5e0d9b1c-3f7a-4c22-8d64-a1b2c3d4e5f6", "toolId": "copilot_readFile"},
        {"kind": "undoStop", "id": "undo_1"},
        {"kind": "toolInvocationSerialized", "invocationMessage": md("Editing sync.ts"), "pastTenseMessage": md("Edited sync.ts"), "isConfirmed": {"type": 1}, "isComplete": True, "source": {"type": "internal", "label": "Built-In"}, "toolCallId": "8a1f2e3d-4c5b-4a69-b7e8-f9a0b1c2d3e4", "toolId": "copilot_replaceString"},
        {"kind": "codeblockUri", "uri": uri("/home/dev/ledger-sync/src/sync.ts"), "isEdit": True},
        {"kind": "textEditGroup", "uri": uri("/home/dev/ledger-sync/src/sync.ts"), "edits": [[{"text": "  if (options.dryRun) return report;\n", "range": {"startLineNumber": 31, "startColumn": 1, "endLineNumber": 31, "endColumn": 1}}], []], "done": True},
        {"value": "Added `--dry-run`: `sync` now builds the report and returns before any write.", "supportThemeIcons": False},
    ],
    "responseId": "response_c2b7e0f4-1a3d-4e59-8b6c-7d0e1f2a3b4c",
    "result": {
        "timings": {"firstProgress": 2210, "totalElapsed": 14880},
        "details": "Claude Sonnet 4 \u2022 1x",
        "metadata": {
            "codeBlocks": [],
            "renderedUserMessage": [{"type": 1, "text": "<attachments>...</attachments>\n<userRequest>\nAdd a --dry-run flag to the sync command\n</userRequest>"}],
            "toolCallRounds": [
                {"id": "round_1", "response": "I'll look at the command first.", "toolInputRetry": 0, "timestamp": T0 + 2300,
                 "thinking": {"id": "thinking_0", "text": "The flag has to stop the writes but keep the report."},
                 "toolCalls": [{"id": "toolu_01Read", "name": "read_file", "arguments": "{\"filePath\":\"/home/dev/ledger-sync/src/sync.ts\",\"startLine\":1,\"endLine\":60}"}]},
                {"id": "round_2", "response": "", "toolInputRetry": 0, "timestamp": T0 + 6100,
                 "toolCalls": [{"id": "toolu_02Edit", "name": "replace_string_in_file", "arguments": "{\"filePath\":\"/home/dev/ledger-sync/src/sync.ts\",\"oldString\":\"  const report = buildReport(rows);\\n\",\"newString\":\"  const report = buildReport(rows);\\n  if (options.dryRun) return report;\\n\"}"}]},
                {"id": "round_3", "response": "Added `--dry-run`: `sync` now builds the report and returns before any write.", "toolInputRetry": 0, "timestamp": T0 + 12400, "toolCalls": []},
            ],
            "toolCallResults": {
                "toolu_01Read": {"$mid": 20, "content": [{"$mid": 21, "value": "export async function sync(rows: Row[], options: SyncOptions) {\n  const report = buildReport(rows);\n  await writeLedger(rows);\n  return report;\n}"}]},
                "toolu_02Edit": {"$mid": 20, "content": [{"$mid": 23, "value": {"node": {"type": 1, "ctor": 2, "ctorName": "Ue", "children": [
                    {"type": 2, "priority": 9007199254740991, "text": "The following files were successfully edited:", "lineBreakBefore": False},
                    {"type": 2, "priority": 9007199254740991, "text": "/home/dev/ledger-sync/src/sync.ts", "lineBreakBefore": True}], "props": {}, "references": []}}}]},
            },
            "modelMessageId": "a1b2c3d4-0000-4000-8000-000000000001",
            "responseId": "b1c2d3e4-0000-4000-8000-000000000002",
            "sessionId": "c1d2e3f4-0000-4000-8000-000000000003",
            "agentId": "github.copilot.editsAgent",
        },
    },
    "followups": [],
    "modelState": {"value": 1, "completedAt": T0 + 14880},
    "contentReferences": [],
    "codeCitations": [],
    "timestamp": T0,
    "modelId": "copilot/claude-sonnet-4",
    "agent": {"extensionId": {"value": "GitHub.copilot-chat", "_lower": "github.copilot-chat"}, "id": "github.copilot.editsAgent", "name": "agent", "fullName": "GitHub Copilot", "isDefault": True, "modes": ["agent"]},
    "editedFileEvents": [{"eventKind": 1, "uri": uri("/home/dev/ledger-sync/src/sync.ts")}],
}

ask_request = {
    "requestId": "request_0d9e8f7a-6b5c-4d3e-a2f1-0e9d8c7b6a50",
    "message": {"text": "Why is the flag parsed before the config loads?", "parts": [{"kind": "text", "text": "Why is the flag parsed before the config loads?"}]},
    "variableData": {"variables": [
        {"id": "file:///home/dev/ledger-sync/src/config.ts", "name": "config.ts", "value": uri("/home/dev/ledger-sync/src/config.ts"), "kind": "file"},
        {"id": "vscode.selection", "name": "selection", "value": {"uri": uri("/home/dev/ledger-sync/src/cli.ts"), "range": {"startLineNumber": 12, "startColumn": 1, "endLineNumber": 18, "endColumn": 2}}, "kind": "file"},
    ]},
    "response": [
        {"kind": "toolInvocationSerialized", "invocationMessage": md("Searching text for `loadConfig`"), "pastTenseMessage": md("Searched text for `loadConfig`, 2 results"), "isConfirmed": {"type": 1}, "isComplete": True, "source": {"type": "internal", "label": "Built-In"},
         "resultDetails": {"input": "{\"query\":\"loadConfig\",\"isRegexp\":false}", "output": [{"type": "embed", "isText": True, "value": "src/cli.ts:14: const config = await loadConfig(flags.config);\nsrc/config.ts:3: export async function loadConfig(path?: string) {"}]},
         "toolCallId": "2c4e6a8b-0d1f-4e3a-9b5c-7d9e1f3a5b7c", "toolId": "copilot_findTextInFiles"},
        {"value": "Because ", "supportThemeIcons": False},
        {"kind": "inlineReference", "inlineReference": uri("/home/dev/ledger-sync/src/cli.ts")},
        {"value": " reads `--config` from the flags to know which file to load, so the flags come first.", "supportThemeIcons": False},
        {"kind": "progressMessage", "content": md("Done")},
    ],
    "responseId": "response_5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
    "result": {"timings": {"firstProgress": 900, "totalElapsed": 4100}, "metadata": {"modelMessageId": "a1b2c3d4-0000-4000-8000-000000000004", "agentId": "github.copilot.default"}},
    "followups": [],
    "modelState": {"value": 1, "completedAt": T0 + 64100},
    "timestamp": T0 + 60000,
    "modelId": "copilot/gpt-4.1",
    "agent": {"id": "github.copilot.default", "name": "GitHub Copilot", "isDefault": True, "modes": ["ask"]},
}

cancelled_request = {
    "requestId": "request_91a2b3c4-d5e6-4f70-8192-a3b4c5d6e7f8",
    "message": {"text": "Now run the tests", "parts": [{"kind": "text", "text": "Now run the tests"}]},
    "variableData": {"variables": []},
    "response": [
        {"kind": "progressMessage", "content": md("Preparing")},
        {"value": "I'll run the test suite with", "supportThemeIcons": False},
    ],
    "result": {"timings": {"totalElapsed": 2300}},
    "modelState": {"value": 2, "completedAt": T0 + 122300},
    "timestamp": T0 + 120000,
    "modelId": "copilot/claude-sonnet-4",
    "agent": {"id": "github.copilot.editsAgent", "name": "agent", "isDefault": True, "modes": ["agent"]},
}

document = {
    "version": 3,
    "requesterUsername": "dev",
    "responderUsername": "GitHub Copilot",
    "initialLocation": "panel",
    "requests": [agent_request, ask_request, cancelled_request],
    "sessionId": "3f8a1c2e-7b4d-4e6a-9c1f-2d5e8b7a4c30",
    "creationDate": T0 - 5000,
    "lastMessageDate": T0 + 120000,
    "customTitle": "Dry-run flag for sync",
    "inputState": {"inputText": "", "mode": {"id": "agent", "kind": "agent"}, "selectedModel": {"identifier": "copilot/claude-sonnet-4"}},
}
write(os.path.join(WORKSPACE, "workspace.json"), json.dumps({"folder": FOLDER_URI}))
write(os.path.join(WORKSPACE, "chatSessions", document["sessionId"] + ".json"), json.dumps(document, indent=2, ensure_ascii=False))

# 2. The same store's log form (<id>.jsonl): a first full copy, then the changes VS Code appended as the session went on:
#    a request pushed, its parts pushed, a part cut and replaced (i), values set, a property deleted; then a failed request.
T1 = T0 + 86400000
log_id = "6d2b9e4f-1a7c-4f3e-8b5d-0c9a2e4f6b18"
first_request = {
    "requestId": "request_aa11bb22-cc33-4d44-8e55-ff6677889900",
    "timestamp": T1,
    "message": {"text": "Rename parseRow to parseLedgerRow everywhere", "parts": [{"kind": "text", "text": "Rename parseRow to parseLedgerRow everywhere"}]},
    "variableData": {"variables": []},
    "agent": {"id": "github.copilot.editsAgent", "name": "agent", "isDefault": True, "modes": ["agent"]},
    "modelId": "copilot/gpt-5-mini",
    "response": [],
    "modelState": {"value": 0},
}
lines = [
    {"kind": 0, "v": {"version": 3, "creationDate": T1 - 2000, "initialLocation": "panel", "responderUsername": "GitHub Copilot", "sessionId": log_id,
                      "requests": [], "hasPendingEdits": False, "inputState": {"inputText": "", "mode": {"id": "agent", "kind": "agent"}}}},
    {"kind": 2, "k": ["requests"], "v": [first_request]},
    {"kind": 2, "k": ["requests", 0, "response"], "v": [{"kind": "thinking", "value": ["Find every caller ", "before renaming."], "id": "thinking_1"}]},
    {"kind": 2, "k": ["requests", 0, "response"], "v": [{"kind": "toolInvocationSerialized", "invocationMessage": md("Searching for `parseRow`"), "isComplete": False, "toolCallId": "call_Lk3", "toolId": "copilot_findTextInFiles"}]},
    {"kind": 2, "k": ["requests", 0, "response"], "i": 1, "v": [{"kind": "toolInvocationSerialized", "invocationMessage": md("Searching for `parseRow`"), "pastTenseMessage": md("Searched for `parseRow`, 3 results"), "isComplete": True, "toolCallId": "call_Lk3", "toolId": "copilot_findTextInFiles"}]},
    {"kind": 1, "k": ["hasPendingEdits"], "v": True},
    {"kind": 2, "k": ["requests", 0, "response"], "v": [{"value": "Renamed `parseRow` in 3 files.", "supportThemeIcons": False}]},
    {"kind": 1, "k": ["requests", 0, "result"], "v": {"timings": {"firstProgress": 1200, "totalElapsed": 9800}, "metadata": {
        "toolCallRounds": [
            {"id": "round_a", "response": "", "toolInputRetry": 0, "timestamp": T1 + 1500, "thinking": {"id": "thinking_1", "text": ["Find every caller ", "before renaming."]},
             "toolCalls": [{"id": "call_Lk3", "name": "grep_search", "arguments": "{\"query\":\"parseRow\",\"isRegexp\":false}"}]},
            {"id": "round_b", "response": "Renamed `parseRow` in 3 files.", "toolInputRetry": 0, "timestamp": T1 + 8200, "toolCalls": []},
        ],
        "toolCallResults": {"call_Lk3": {"$mid": 20, "content": [{"$mid": 21, "value": "src/parse.ts:8\nsrc/import.ts:21\ntest/parse.test.ts:5"}]}},
    }}},
    {"kind": 1, "k": ["requests", 0, "modelState"], "v": {"value": 1, "completedAt": T1 + 9800}},
    {"kind": 1, "k": ["customTitle"], "v": "Rename parseRow"},
    {"kind": 3, "k": ["hasPendingEdits"]},
    {"kind": 2, "k": ["requests"], "v": [{
        "requestId": "request_bb22cc33-dd44-4e55-8f66-0011223344aa", "timestamp": T1 + 30000,
        "message": {"text": "Also update the changelog", "parts": [{"kind": "text", "text": "Also update the changelog"}]},
        "variableData": {"variables": []}, "agent": {"id": "github.copilot.editsAgent", "name": "agent"}, "modelId": "copilot/gpt-5-mini",
        "response": [], "modelState": {"value": 0}}]},
    {"kind": 1, "k": ["requests", 1, "result"], "v": {"errorDetails": {"message": "Sorry, you have been rate-limited. Please wait a moment before trying again.", "code": "rate_limited"}, "timings": {"totalElapsed": 1100}}},
    {"kind": 1, "k": ["requests", 1, "modelState"], "v": {"value": 3, "completedAt": T1 + 31100}},
]
write(os.path.join(WORKSPACE, "chatSessions", log_id + ".jsonl"), "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines))

# 3. A window without a folder, an older session (version 1): message as an object, markdown parts only, no modelId.
empty = {
    "version": 1,
    "requesterUsername": "dev",
    "responderUsername": "GitHub Copilot",
    "initialLocation": "panel",
    "requests": [{
        "requestId": "request_cc33dd44-ee55-4f66-9077-112233445566",
        "message": {"text": "What does git rebase --onto do?", "parts": [{"kind": "text", "text": "What does git rebase --onto do?"}]},
        "variableData": {"variables": []},
        "response": [{"value": "It replays the commits after one base onto another: `git rebase --onto new old branch` moves `branch`'s commits since `old` onto `new`.", "supportThemeIcons": False}],
        "result": {"metadata": {"modelMessageId": "a1b2c3d4-0000-4000-8000-000000000009"}},
        "followups": [],
        "isCanceled": False,
        "agent": {"id": "github.copilot.default", "name": "GitHub Copilot"},
        "timestamp": T0 - 86400000,
    }],
    "sessionId": "0e7c5a3b-9d1f-4b2e-8c6a-4f1e3d5b7a92",
    "creationDate": T0 - 86410000,
    "lastMessageDate": T0 - 86400000,
}
write(os.path.join(EMPTY, empty["sessionId"] + ".json"), json.dumps(empty, indent=2, ensure_ascii=False))
