#!/usr/bin/env python3
"""Writes this folder's samples of Codex's later storage: a compressed rollout and a reverted thread.

Run from anywhere: python3 samples/codex/make-later-rollouts.py (needs the zstd command). It replaces the files.

- archived_sessions/rollout-2025-10-12T16-20-00-0199d9a1-3b7e-7c42-9f1d-2a6e5b8c4d10.jsonl.zst: a rollout as Codex's
  compression worker leaves it once cold, one zstd frame at level 3 under the plain name plus .zst
  (openai/codex codex-rs/rollout/src/compression.rs).
- sessions/2026/10/02/: a thread reverted before its second turn. The first rollout is named by the thread id
  alone; thread/revert starts a second one named <thread id>_<rollout id> whose session_meta.history_base says it
  takes the first rollout's records up to (not including) ordinal 5 as its own beginning, and holds only the
  records from ordinal 5 on (rollout_file_name.rs, rollout_reference_index.rs). The first rollout keeps the
  reverted turn: Codex never rewrites a rollout it has closed.
Everything in the lines was written for these samples.
"""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def line(ts, ordinal, kind, payload):
    record = {"timestamp": ts}
    if ordinal is not None:
        record["ordinal"] = ordinal
    record.update({"type": kind, "payload": payload})
    return json.dumps(record, separators=(",", ":"))


def meta(thread, ts, version, extra=None):
    payload = {"id": thread, "timestamp": ts, "cwd": "/home/dev/tile-cache", "originator": "codex_cli_rs",
               "cli_version": version, "source": "cli", "model_provider": "openai",
               "git": {"branch": "main", "repository_url": "https://git.example.com/dev/tile-cache.git"}}
    payload.update(extra or {})
    return payload


def usage(input_tokens, cached, output):
    return {"input_tokens": input_tokens, "cached_input_tokens": cached, "output_tokens": output,
            "reasoning_output_tokens": 0, "total_tokens": input_tokens + output}


def user(text):
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def assistant(text):
    return {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": text}]}


def token_count(last, total):
    return {"type": "token_count", "info": {"total_token_usage": total, "last_token_usage": last, "model_context_window": 272000}}


def write(path, lines):
    path = os.path.join(HERE, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")
    return path


def compressed():
    thread = "0199d9a1-3b7e-7c42-9f1d-2a6e5b8c4d10"
    first = usage(9120, 0, 214)
    lines = [
        line("2025-10-12T14:20:00.412Z", None, "session_meta", meta(thread, "2025-10-12T14:20:00.398Z", "0.46.0")),
        line("2025-10-12T14:20:00.430Z", None, "turn_context", {"cwd": "/home/dev/tile-cache", "approval_policy": "on-request", "model": "gpt-5-codex", "effort": "medium", "summary": "auto"}),
        line("2025-10-12T14:20:00.431Z", None, "response_item", user("Why does the tile cache miss on every zoom change?")),
        line("2025-10-12T14:20:00.432Z", None, "event_msg", {"type": "user_message", "message": "Why does the tile cache miss on every zoom change?", "kind": "plain"}),
        line("2025-10-12T14:20:06.901Z", None, "response_item", assistant("The cache key includes the viewport size in pixels, which changes with zoom; key on tile coordinates and zoom level instead.")),
        line("2025-10-12T14:20:06.902Z", None, "event_msg", {"type": "agent_message", "message": "The cache key includes the viewport size in pixels, which changes with zoom; key on tile coordinates and zoom level instead."}),
        line("2025-10-12T14:20:06.910Z", None, "event_msg", token_count(first, first)),
    ]
    plain = write("archived_sessions/rollout-2025-10-12T16-20-00-" + thread + ".jsonl", lines)
    subprocess.run(["zstd", "-3", "-q", "-f", "--rm", plain], check=True)


def reverted():
    thread = "01a11b2c-4d5e-7f60-8a1b-2c3d4e5f6071"
    rollout = "01a11b40-9e8d-7c6b-9a5f-4e3d2c1b0a99"
    folder = "sessions/2026/10/02/"
    turn1, turn2, turn3 = "01a11b2c-5000-7001-8000-000000000001", "01a11b2c-6000-7002-8000-000000000002", "01a11b40-a000-7003-8000-000000000003"
    u1, u2, u3 = usage(10400, 0, 96), usage(10650, 10240, 130), usage(10610, 10240, 88)
    first = [
        line("2026-10-02T07:00:00.100Z", 0, "session_meta", meta(thread, "2026-10-02T07:00:00.090Z", "0.158.0", {"history_mode": "paginated"})),
        line("2026-10-02T07:00:00.110Z", 1, "turn_context", {"turn_id": turn1, "cwd": "/home/dev/tile-cache", "model": "gpt-5.5", "effort": "low"}),
        line("2026-10-02T07:00:00.120Z", 2, "response_item", user("Add a size limit to the tile cache.")),
        line("2026-10-02T07:00:04.500Z", 3, "response_item", assistant("Added a 256 MB limit with least-recently-used eviction in cache/limit.go.")),
        line("2026-10-02T07:00:04.510Z", 4, "event_msg", token_count(u1, u1)),
        line("2026-10-02T07:03:00.100Z", 5, "turn_context", {"turn_id": turn2, "cwd": "/home/dev/tile-cache", "model": "gpt-5.5", "effort": "low"}),
        line("2026-10-02T07:03:00.110Z", 6, "response_item", user("Now evict by tile age instead.")),
        line("2026-10-02T07:03:05.200Z", 7, "response_item", assistant("Switched eviction to the oldest tile first.")),
        line("2026-10-02T07:03:05.210Z", 8, "event_msg", token_count(u2, usage(21050, 10240, 226))),
    ]
    path = write(folder + "rollout-2026-10-02T09-00-00-" + thread + ".jsonl", first)
    with open(path, "rb") as f:
        end_byte_offset = sum(len(l) for l in f.readlines()[:5])
    later = [
        line("2026-10-02T07:10:00.100Z", 5, "session_meta", meta(thread, "2026-10-02T07:10:00.090Z", "0.158.0", {
            "history_mode": "paginated",
            "history_base": {"thread_id": thread, "end_ordinal_exclusive": 5, "end_byte_offset": end_byte_offset}})),
        line("2026-10-02T07:10:00.110Z", 6, "turn_context", {"turn_id": turn3, "cwd": "/home/dev/tile-cache", "model": "gpt-5.5", "effort": "low"}),
        line("2026-10-02T07:10:00.120Z", 7, "response_item", user("Keep LRU, but never evict tiles of the current zoom level.")),
        line("2026-10-02T07:10:04.800Z", 8, "response_item", assistant("LRU now skips tiles at the current zoom level; they leave only when the level changes.")),
        line("2026-10-02T07:10:04.810Z", 9, "event_msg", token_count(u3, usage(21010, 10240, 184))),
    ]
    write(folder + "rollout-2026-10-02T09-10-00-" + thread + "_" + rollout + ".jsonl", later)


compressed()
reverted()
