#!/usr/bin/env python3
"""Writes the sample chat stores of this folder: chats/<md5 of the project path>/<session id>/store.db.

Run from anywhere: python3 samples/cursor/make-store-db.py. It replaces the files. The layout follows what
third-party readers report of cursor-agent (Cursor is closed source): a meta table (key TEXT PRIMARY KEY,
value TEXT) whose key "0" holds the session's metadata as hex-encoded JSON (agentId, name, mode, createdAt in
epoch milliseconds, lastUsedModel, latestRootBlobId), and a blobs table (id TEXT PRIMARY KEY, data BLOB) of
protobuf-framed, content-addressed message blobs. The blobs written here are placeholders, as RolloutTools reads
none of them. Everything in the rows was written for these samples. The files use the rollback journal
(journal_mode=DELETE) so that each is one file in git.
"""
import hashlib
import json
import os
import sqlite3

HERE = os.path.dirname(os.path.abspath(__file__))

SESSIONS = [
    # (project path, session id, metadata)
    ("/home/dev/shop-api", "7c1e4a92-3b5d-4f60-8a2e-91d4c6b0f3a7", {
        "agentId": "7c1e4a92-3b5d-4f60-8a2e-91d4c6b0f3a7",
        "name": "Cart total ignores discounts",
        "mode": "default",
        "createdAt": 1782300605123,
        "lastUsedModel": "claude-4.5-sonnet",
        "latestRootBlobId": "5d1f0c7e9a2b4c6d8e0f1a3b5c7d9e1f",
    }),
    ("/home/dev/notes-cli", "b4e09f7d-2c61-48a3-9d5e-0a7f3c1e8b26", {
        "agentId": "b4e09f7d-2c61-48a3-9d5e-0a7f3c1e8b26",
        "name": "",
        "mode": "default",
        "createdAt": 1781003710000,
        "lastUsedModel": "default",
        "latestRootBlobId": "0a9b8c7d6e5f40312233445566778899",
    }),
]


def write(project, session, meta):
    folder = os.path.join(HERE, "chats", hashlib.md5(project.encode()).hexdigest(), session)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "store.db")
    for stale in (path, path + "-wal", path + "-shm"):
        if os.path.exists(stale):
            os.remove(stale)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=DELETE")
    db.execute("CREATE TABLE blobs (id TEXT PRIMARY KEY, data BLOB)")
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    db.execute("INSERT INTO meta VALUES ('0', ?)", (json.dumps(meta, separators=(",", ":")).encode().hex(),))
    db.execute("INSERT INTO blobs VALUES (?, ?)", (meta["latestRootBlobId"], b"\x0a\x00"))
    db.commit()
    db.close()


for project, session, meta in SESSIONS:
    write(project, session, meta)
