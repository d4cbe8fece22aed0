#!/usr/bin/env pwsh
<#
.SYNOPSIS
Writes the OpenCode and Kilo CLI sample stores of this folder (laid out as $XDG_DATA_HOME).

.DESCRIPTION
opencode/opencode.db (OpenCode 1.2+, SQLite), opencode/storage/ (the per-file JSON tree of OpenCode before 1.2) and
kilo/kilo.db (Kilo CLI). Run from anywhere: pwsh samples/opencode/make-samples.ps1. It replaces what it writes. The
databases are written with the sqlite3 command-line shell (apt install sqlite3, brew install sqlite, winget install
SQLite.SQLite). Tables follow packages/opencode/src/session/session.sql.ts and project/project.sql.ts; the rows'
data columns hold the message or part JSON without its ids, as OpenCode stores them; the JSON tree's files hold
the whole object, ids included, indented. Everything in the rows was written for these samples. The databases use
the rollback journal so each is one file in git; OpenCode runs its store in WAL mode, which the tests create.
#>
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest
$here = $PSScriptRoot

function Ms([string] $utc) { [DateTimeOffset]::Parse($utc + 'Z', [Globalization.CultureInfo]::InvariantCulture).ToUnixTimeMilliseconds() }
function Json($value) { ConvertTo-Json $value -Depth 20 -Compress }
function Sql([string] $text) { if ($null -eq $text) { 'NULL' } else { "'" + $text.Replace("'", "''") + "'" } }
function Tokens([long] $in, [long] $out, [long] $reasoning, [long] $read, [long] $write) {
    [ordered]@{ input = $in; output = $out; reasoning = $reasoning; cache = [ordered]@{ read = $read; write = $write } }
}
function User([string] $id, [string] $session, [string] $at, [string] $agent, [object[]] $parts, [string] $model = 'claude-sonnet-4-5', [string] $provider = 'anthropic') {
    [pscustomobject]@{ Id = $id; Session = $session; Created = (Ms $at); Parts = $parts
        Info = [ordered]@{ role = 'user'; time = [ordered]@{ created = (Ms $at) }; agent = $agent; model = [ordered]@{ providerID = $provider; modelID = $model } } }
}
function Assistant([string] $id, [string] $session, [string] $parent, [string] $at, [string] $done, [hashtable] $extra, [object[]] $parts) {
    $info = [ordered]@{ role = 'assistant'; time = [ordered]@{ created = (Ms $at); completed = (Ms $done) }; parentID = $parent
        modelID = 'claude-sonnet-4-5'; providerID = 'anthropic'; mode = 'build'; agent = 'build'
        path = [ordered]@{ cwd = '/home/dev/acme-shop'; root = '/home/dev/acme-shop' }; cost = 0; tokens = (Tokens 0 0 0 0 0) }
    foreach ($key in $extra.Keys) { $info[$key] = $extra[$key] }
    if ($null -eq $info['completed']) { }
    [pscustomobject]@{ Id = $id; Session = $session; Created = (Ms $at); Parts = $parts; Info = $info }
}
function Part([string] $id, [Collections.IDictionary] $data) { [pscustomobject]@{ Id = $id; Data = $data } }
function Tool([string] $call, [string] $tool, [Collections.IDictionary] $state) { [ordered]@{ type = 'tool'; callID = $call; tool = $tool; state = $state } }
function StepFinish([string] $reason, [double] $cost, $tokens) { [ordered]@{ type = 'step-finish'; reason = $reason; cost = $cost; tokens = $tokens } }

$schema = @"
CREATE TABLE project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL, vcs TEXT, name TEXT, icon_url TEXT, icon_color TEXT,
  time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, time_initialized INTEGER, sandboxes TEXT NOT NULL, commands TEXT);
CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT NOT NULL REFERENCES project(id) ON DELETE CASCADE, workspace_id TEXT,
  parent_id TEXT, slug TEXT NOT NULL, directory TEXT NOT NULL, path TEXT, title TEXT NOT NULL, version TEXT NOT NULL, share_url TEXT,
  summary_additions INTEGER, summary_deletions INTEGER, summary_files INTEGER, summary_diffs TEXT, cost REAL NOT NULL DEFAULT 0,
  tokens_input INTEGER NOT NULL DEFAULT 0, tokens_output INTEGER NOT NULL DEFAULT 0, tokens_reasoning INTEGER NOT NULL DEFAULT 0,
  tokens_cache_read INTEGER NOT NULL DEFAULT 0, tokens_cache_write INTEGER NOT NULL DEFAULT 0, revert TEXT, permission TEXT,
  agent TEXT, model TEXT, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, time_compacting INTEGER, time_archived INTEGER);
CREATE INDEX session_project_idx ON session (project_id);
CREATE INDEX session_parent_idx ON session (parent_id);
CREATE TABLE message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE,
  time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX message_session_time_created_id_idx ON message (session_id, time_created, id);
CREATE TABLE part (id TEXT PRIMARY KEY, message_id TEXT NOT NULL REFERENCES message(id) ON DELETE CASCADE, session_id TEXT NOT NULL,
  time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX part_message_id_id_idx ON part (message_id, id);
CREATE INDEX part_session_idx ON part (session_id);
CREATE TABLE todo (session_id TEXT NOT NULL REFERENCES session(id) ON DELETE CASCADE, content TEXT NOT NULL, status TEXT NOT NULL,
  priority TEXT NOT NULL, position INTEGER NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, PRIMARY KEY (session_id, position));
"@

function Write-Database([string] $path, [object[]] $projects, [object[]] $sessions, [object[]] $messages) {
    if (Test-Path -LiteralPath $path) { Remove-Item -LiteralPath $path }
    New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
    $sql = [Text.StringBuilder]::new()
    [void] $sql.AppendLine('PRAGMA journal_mode = DELETE;').AppendLine('BEGIN;').AppendLine($schema)
    foreach ($p in $projects) {
        [void] $sql.AppendLine("INSERT INTO project (id, worktree, vcs, time_created, time_updated, sandboxes) VALUES ($(Sql $p.id), $(Sql $p.worktree), 'git', $($p.time.created), $($p.time.updated), '[]');")
    }
    foreach ($s in $sessions) {
        $parent = if ($s.Contains('parentID')) { Sql $s.parentID } else { 'NULL' }
        $share = if ($s.Contains('share')) { Sql $s.share.url } else { 'NULL' }
        $archived = if ($s.time.Contains('archived')) { $s.time.archived } else { 'NULL' }
        $add = if ($s.Contains('summary')) { "$($s.summary.additions), $($s.summary.deletions), $($s.summary.files)" } else { 'NULL, NULL, NULL' }
        [void] $sql.AppendLine("INSERT INTO session (id, project_id, parent_id, slug, directory, title, version, share_url, summary_additions, summary_deletions, summary_files, time_created, time_updated, time_archived) VALUES ($(Sql $s.id), $(Sql $s.projectID), $parent, $(Sql $s.slug), $(Sql $s.directory), $(Sql $s.title), $(Sql $s.version), $share, $add, $($s.time.created), $($s.time.updated), $archived);")
    }
    foreach ($m in $messages) {
        $updated = if ($m.Info.time.Contains('completed')) { $m.Info.time.completed } else { $m.Created }
        [void] $sql.AppendLine("INSERT INTO message VALUES ($(Sql $m.Id), $(Sql $m.Session), $($m.Created), $updated, $(Sql (Json $m.Info)));")
        foreach ($p in $m.Parts) {
            [void] $sql.AppendLine("INSERT INTO part VALUES ($(Sql $p.Id), $(Sql $m.Id), $(Sql $m.Session), $($m.Created), $updated, $(Sql (Json $p.Data)));")
        }
    }
    [void] $sql.AppendLine('COMMIT;')
    $sql.ToString() | sqlite3 $path | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sqlite3 failed on $path" }
}

function Write-Tree([string] $storage, [object[]] $projects, [object[]] $sessions, [object[]] $messages) {
    function Put([string] $path, $value) {
        New-Item -ItemType Directory -Force -Path (Split-Path $path) | Out-Null
        [IO.File]::WriteAllText($path, (ConvertTo-Json $value -Depth 20) + "`n")
    }
    foreach ($p in $projects) { Put (Join-Path $storage "project/$($p.id).json") $p }
    foreach ($s in $sessions) { Put (Join-Path $storage "session/$($s.projectID)/$($s.id).json") $s }
    foreach ($m in $messages) {
        $info = [ordered]@{ id = $m.Id; sessionID = $m.Session }
        foreach ($key in $m.Info.Keys) { $info[$key] = $m.Info[$key] }
        Put (Join-Path $storage "message/$($m.Session)/$($m.Id).json") $info
        foreach ($p in $m.Parts) {
            $part = [ordered]@{ id = $p.Id; sessionID = $m.Session; messageID = $m.Id }
            foreach ($key in $p.Data.Keys) { $part[$key] = $p.Data[$key] }
            Put (Join-Path $storage "part/$($m.Id)/$($p.Id).json") $part
        }
    }
}

$project = [ordered]@{ id = '6d1e0c4b9a2f7e38c5d0a1b2c3d4e5f60718293a'; worktree = '/home/dev/acme-shop'; vcs = 'git'
    time = [ordered]@{ created = (Ms '2026-02-10T08:00:00'); updated = (Ms '2026-03-04T16:00:00') } }
$pid_ = $project.id
function Session([string] $id, [string] $slug, [string] $title, [string] $version, [string] $created, [string] $updated, [hashtable] $extra = @{}) {
    $s = [ordered]@{ id = $id; slug = $slug; version = $version; projectID = $pid_; directory = '/home/dev/acme-shop'; title = $title
        time = [ordered]@{ created = (Ms $created); updated = (Ms $updated) } }
    foreach ($key in $extra.Keys) { if ($key -eq 'archived') { $s.time['archived'] = (Ms $extra[$key]) } else { $s[$key] = $extra[$key] } }
    $s
}

# A: a session in a repository, with reasoning, a read, a failing command, a subagent (C) and an edit; B's prompt follows.
$A = 'ses_3a1f0c2e8ffeQm4wTz7LkP2sVd'
$C = 'ses_3a1f0b7d2ffe9XnR5bHc1JtYqe'
$img = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='
$aMessages = @(
    (User 'msg_c5e0f3d1a001Kq2Wm8Zp4Lr7Tx' $A '2026-03-02T09:00:00' 'build' @(
        (Part 'prt_c5e0f3d1a002Ab3Cd4Ef5Gh6Ij' ([ordered]@{ type = 'text'; text = 'The date parser test fails on leap years. The screenshot shows the failure. Fix it.' })),
        (Part 'prt_c5e0f3d1a003Kl7Mn8Op9Qr0St' ([ordered]@{ type = 'file'; mime = 'image/png'; filename = 'failure.png'; url = $img })),
        (Part 'prt_c5e0f3d1a004Uv1Wx2Yz3Ab4Cd' ([ordered]@{ type = 'text'; synthetic = $true; text = 'Called the Read tool with the following input: {"filePath":"/home/dev/acme-shop/test/date.test.ts"}' })))),
    (Assistant 'msg_c5e0f3d2b001Ef5Gh6Ij7Kl8Mn' $A 'msg_c5e0f3d1a001Kq2Wm8Zp4Lr7Tx' '2026-03-02T09:00:02' '2026-03-02T09:00:09' @{ cost = 0.01215; finish = 'tool-calls'; tokens = (Tokens 1200 180 64 8000 2400) } @(
        (Part 'prt_c5e0f3d2b002Op9Qr0St1Uv2Wx' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3d2b003Yz3Ab4Cd5Ef6Gh' ([ordered]@{ type = 'reasoning'; text = 'The test uses 2024-02-29; the parser probably checks the year modulo 100 first.'; time = [ordered]@{ start = (Ms '2026-03-02T09:00:03'); end = (Ms '2026-03-02T09:00:04') } })),
        (Part 'prt_c5e0f3d2b004Ij7Kl8Mn9Op0Qr' ([ordered]@{ type = 'text'; text = 'Let me read the parser and run the failing test.'; time = [ordered]@{ start = (Ms '2026-03-02T09:00:04'); end = (Ms '2026-03-02T09:00:04') } })),
        (Part 'prt_c5e0f3d2b005St1Uv2Wx3Yz4Ab' (Tool 'toolu_01ReadParser' 'read' ([ordered]@{ status = 'completed'; input = [ordered]@{ filePath = '/home/dev/acme-shop/src/date.ts' }; output = "<file>`n00011| export function isLeapYear(y: number) {`n00012|   return y % 100 !== 0 && y % 4 === 0`n</file>"; title = 'src/date.ts'; metadata = [ordered]@{ preview = 'export function isLeapYear' }; time = [ordered]@{ start = (Ms '2026-03-02T09:00:05'); end = (Ms '2026-03-02T09:00:05') } }))),
        (Part 'prt_c5e0f3d2b006Cd5Ef6Gh7Ij8Kl' (Tool 'toolu_01RunTest' 'bash' ([ordered]@{ status = 'error'; input = [ordered]@{ command = 'npm test -- date'; description = 'Run the date tests' }; error = 'Error: command exited with code 1: expected true, received false (isLeapYear(2000))'; metadata = [ordered]@{ exit = 1 }; time = [ordered]@{ start = (Ms '2026-03-02T09:00:05'); end = (Ms '2026-03-02T09:00:08') } }))),
        (Part 'prt_c5e0f3d2b007Mn9Op0Qr1St2Uv' (StepFinish 'tool-calls' 0.01215 (Tokens 1200 180 64 8000 2400))))),
    (Assistant 'msg_c5e0f3d3c001Wx3Yz4Ab5Cd6Ef' $A 'msg_c5e0f3d1a001Kq2Wm8Zp4Lr7Tx' '2026-03-02T09:00:10' '2026-03-02T09:00:40' @{ cost = 0.00655; finish = 'tool-calls'; tokens = (Tokens 300 90 0 11200 0) } @(
        (Part 'prt_c5e0f3d3c002Gh7Ij8Kl9Mn0Op' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3d3c003Qr1St2Uv3Wx4Yz' (Tool 'toolu_01Task' 'task' ([ordered]@{ status = 'completed'; input = [ordered]@{ description = 'Find leap year handling'; prompt = 'Find every place that decides whether a year is a leap year and report file and line.'; subagent_type = 'general' }; output = 'isLeapYear in src/date.ts:11 is the only one; parseDate calls it.'; title = 'Find leap year handling'; metadata = [ordered]@{ sessionId = $C; summary = @() }; time = [ordered]@{ start = (Ms '2026-03-02T09:00:11'); end = (Ms '2026-03-02T09:00:38') } }))),
        (Part 'prt_c5e0f3d3c004Ab5Cd6Ef7Gh8Ij' (StepFinish 'tool-calls' 0.00655 (Tokens 300 90 0 11200 0))))),
    (Assistant 'msg_c5e0f3d4d001Kl9Mn0Op1Qr2St' $A 'msg_c5e0f3d1a001Kq2Wm8Zp4Lr7Tx' '2026-03-02T09:00:41' '2026-03-02T09:00:52' @{ cost = 0.00902; finish = 'stop'; tokens = (Tokens 410 220 0 11500 300) } @(
        (Part 'prt_c5e0f3d4d002Uv3Wx4Yz5Ab6Cd' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3d4d003Ef7Gh8Ij9Kl0Mn' (Tool 'toolu_01Edit' 'edit' ([ordered]@{ status = 'completed'; input = [ordered]@{ filePath = '/home/dev/acme-shop/src/date.ts'; oldString = 'return y % 100 !== 0 && y % 4 === 0'; newString = 'return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0' }; output = ''; title = 'src/date.ts'; metadata = [ordered]@{ diff = "-  return y % 100 !== 0 && y % 4 === 0`n+  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0" }; time = [ordered]@{ start = (Ms '2026-03-02T09:00:45'); end = (Ms '2026-03-02T09:00:46') } }))),
        (Part 'prt_c5e0f3d4d004Op1Qr2St3Uv4Wx' ([ordered]@{ type = 'text'; text = 'Fixed: years divisible by 400 are leap years again, so 2000 passes.' })),
        (Part 'prt_c5e0f3d4d005Yz5Ab6Cd7Ef8Gh' ([ordered]@{ type = 'patch'; hash = '4b825dc642cb6eb9a060e54bf8d69288fbee4904'; files = @('/home/dev/acme-shop/src/date.ts') })),
        (Part 'prt_c5e0f3d4d006Ij9Kl0Mn1Op2Qr' (StepFinish 'stop' 0.00902 (Tokens 410 220 0 11500 300))))),
    (User 'msg_c5e0f3f0e001St3Uv4Wx5Yz6Ab' $A '2026-03-02T09:02:00' 'build' @(
        (Part 'prt_c5e0f3f0e002Cd7Ef8Gh9Ij0Kl' ([ordered]@{ type = 'text'; text = 'Thanks. Now run the whole suite.' })))),
    (Assistant 'msg_c5e0f3f1f001Mn1Op2Qr3St4Uv' $A 'msg_c5e0f3f0e001St3Uv4Wx5Yz6Ab' '2026-03-02T09:02:01' '2026-03-02T09:02:20' @{ cost = 0.00731; finish = 'stop'; tokens = (Tokens 150 60 0 12000 0) } @(
        (Part 'prt_c5e0f3f1f002Wx5Yz6Ab7Cd8Ef' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3f1f003Gh9Ij0Kl1Mn2Op' (Tool 'toolu_02Suite' 'bash' ([ordered]@{ status = 'completed'; input = [ordered]@{ command = 'npm test'; description = 'Run all tests' }; output = "48 passing (1s)`n"; title = 'npm test'; metadata = [ordered]@{ exit = 0; description = 'Run all tests' }; time = [ordered]@{ start = (Ms '2026-03-02T09:02:03'); end = (Ms '2026-03-02T09:02:15') } }))),
        (Part 'prt_c5e0f3f1f004Qr3St4Uv5Wx6Yz' (StepFinish 'tool-calls' 0.0042 (Tokens 100 40 0 6000 0))),
        (Part 'prt_c5e0f3f1f005Ab7Cd8Ef9Gh0Ij' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3f1f006Kl1Mn2Op3Qr4St' ([ordered]@{ type = 'text'; text = 'All 48 tests pass.' })),
        (Part 'prt_c5e0f3f1f007Uv5Wx6Yz7Ab8Cd' (StepFinish 'stop' 0.00311 (Tokens 50 20 0 6000 0)))))
)
$cMessages = @(
    (User 'msg_c5e0f3d3c101Ef9Gh0Ij1Kl2Mn' $C '2026-03-02T09:00:11' 'general' @(
        (Part 'prt_c5e0f3d3c102Op3Qr4St5Uv6Wx' ([ordered]@{ type = 'text'; text = 'Find every place that decides whether a year is a leap year and report file and line.' })))),
    (Assistant 'msg_c5e0f3d3c201Yz7Ab8Cd9Ef0Gh' $C 'msg_c5e0f3d3c101Ef9Gh0Ij1Kl2Mn' '2026-03-02T09:00:12' '2026-03-02T09:00:37' @{ agent = 'general'; mode = 'general'; cost = 0.0031; finish = 'stop'; tokens = (Tokens 900 120 0 0 900) } @(
        (Part 'prt_c5e0f3d3c202Ij1Kl2Mn3Op4Qr' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3d3c203St5Uv6Wx7Yz8Ab' (Tool 'toolu_01Grep' 'grep' ([ordered]@{ status = 'completed'; input = [ordered]@{ pattern = 'LeapYear'; path = '/home/dev/acme-shop/src' }; output = "Found 2 matches`nsrc/date.ts:11: export function isLeapYear(y: number) {`nsrc/date.ts:30:   if (isLeapYear(year)) days[1] = 29"; title = 'LeapYear'; metadata = [ordered]@{ matches = 2 }; time = [ordered]@{ start = (Ms '2026-03-02T09:00:14'); end = (Ms '2026-03-02T09:00:15') } }))),
        (Part 'prt_c5e0f3d3c204Cd9Ef0Gh1Ij2Kl' (StepFinish 'tool-calls' 0.002 (Tokens 600 80 0 0 900))),
        (Part 'prt_c5e0f3d3c205Mn3Op4Qr5St6Uv' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5e0f3d3c206Wx7Yz8Ab9Cd0Ef' ([ordered]@{ type = 'text'; text = 'isLeapYear in src/date.ts:11 is the only one; parseDate calls it.' })),
        (Part 'prt_c5e0f3d3c207Gh1Ij2Kl3Mn4Op' (StepFinish 'stop' 0.0011 (Tokens 300 40 0 0 0)))))
)

# E: compaction, a subtask command, a retry, an interrupted tool call and an aborted response, an ignored text part.
$E = 'ses_3a0e1f4c7ffdPa8Rb2Sc4Td6Uf'
$eMessages = @(
    (User 'msg_c5f1e0b3a001Vg8Wh0Xi2Yj4Zk' $E '2026-03-04T15:00:00' 'build' @(
        (Part 'prt_c5f1e0b3a002Al6Bm8Cn0Do2Ep' ([ordered]@{ type = 'text'; text = 'Review the checkout flow for missing error handling.' })),
        (Part 'prt_c5f1e0b3a003Fq4Gr6Hs8It0Ju' ([ordered]@{ type = 'text'; ignored = $true; text = 'Shell output shown to the person only.' })))),
    (Assistant 'msg_c5f1e0b4b001Kv2Lw4Mx6Ny8Oz' $E 'msg_c5f1e0b3a001Vg8Wh0Xi2Yj4Zk' '2026-03-04T15:00:01' '2026-03-04T15:00:30' @{ cost = 0.02; finish = 'stop'; tokens = (Tokens 5000 700 0 60000 0) } @(
        (Part 'prt_c5f1e0b4b002Pa0Qb2Rc4Sd6Te' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5f1e0b4b003Uf8Vg0Wh2Xi4Yj' ([ordered]@{ type = 'text'; text = 'Three handlers swallow payment errors: submitOrder, applyCoupon and refund.' })),
        (Part 'prt_c5f1e0b4b004Zk6Al8Bm0Cn2Do' (StepFinish 'stop' 0.02 (Tokens 5000 700 0 60000 0))))),
    (User 'msg_c5f1e0c0c001Ep4Fq6Gr8Hs0It' $E '2026-03-04T15:10:00' 'build' @(
        (Part 'prt_c5f1e0c0c002Ju2Kv4Lw6Mx8Ny' ([ordered]@{ type = 'compaction'; auto = $true })))),
    (Assistant 'msg_c5f1e0c1d001Oz0Pa2Qb4Rc6Sd' $E 'msg_c5f1e0c0c001Ep4Fq6Gr8Hs0It' '2026-03-04T15:10:01' '2026-03-04T15:10:20' @{ agent = 'compaction'; mode = 'compaction'; summary = $true; cost = 0.015; finish = 'stop'; tokens = (Tokens 61000 900 0 0 0) } @(
        (Part 'prt_c5f1e0c1d002Te8Uf0Vg2Wh4Xi' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5f1e0c1d003Yj6Zk8Al0Bm2Cn' ([ordered]@{ type = 'text'; text = 'Summary: we reviewed the checkout flow; submitOrder, applyCoupon and refund swallow payment errors. Next: add handling and tests.' })),
        (Part 'prt_c5f1e0c1d004Do4Ep6Fq8Gr0Hs' (StepFinish 'stop' 0.015 (Tokens 61000 900 0 0 0))))),
    (User 'msg_c5f1e0d0e001It2Ju4Kv6Lw8Mx' $E '2026-03-04T15:12:00' 'build' @(
        (Part 'prt_c5f1e0d0e002Ny0Oz2Pa4Qb6Rc' ([ordered]@{ type = 'subtask'; prompt = 'Write tests for the checkout error paths.'; description = 'Checkout error tests'; agent = 'general'; command = 'test' })))),
    (Assistant 'msg_c5f1e0d1f001Sd8Te0Uf2Vg4Wh' $E 'msg_c5f1e0d0e001It2Ju4Kv6Lw8Mx' '2026-03-04T15:12:01' '2026-03-04T15:12:40' @{ finish = $null; error = [ordered]@{ name = 'MessageAbortedError'; data = [ordered]@{ message = 'The operation was aborted.' } } } @(
        (Part 'prt_c5f1e0d1f002Xi6Yj8Zk0Al2Bm' ([ordered]@{ type = 'retry'; attempt = 1; error = [ordered]@{ name = 'APIError'; data = [ordered]@{ message = 'Overloaded'; statusCode = 529; isRetryable = $true } }; time = [ordered]@{ created = (Ms '2026-03-04T15:12:03') } })),
        (Part 'prt_c5f1e0d1f003Cn4Do6Ep8Fq0Gr' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5f1e0d1f004Hs2It4Ju6Kv8Lw' (Tool 'toolu_03Long' 'bash' ([ordered]@{ status = 'running'; input = [ordered]@{ command = 'npm run e2e'; description = 'Run end-to-end tests' }; title = 'npm run e2e'; time = [ordered]@{ start = (Ms '2026-03-04T15:12:10') } })))))
)

# D: a session of the JSON tree that the database holds too (copied when OpenCode moved to SQLite).
$D = 'ses_3b9e2a1d5ffeKm3Ln5Po7Qr9St'
$dMessages = @(
    (User 'msg_c4618e3a1001Uv1Wx3Yz5Ab7Cd' $D '2026-02-20T11:00:00' 'plan' @(
        (Part 'prt_c4618e3a1002Ef9Gh1Ij3Kl5Mn' ([ordered]@{ type = 'text'; text = 'Plan the move from REST to GraphQL for the catalog.' })))),
    (Assistant 'msg_c4618e3b2001Op7Qr9St1Uv3Wx' $D 'msg_c4618e3a1001Uv1Wx3Yz5Ab7Cd' '2026-02-20T11:00:02' '2026-02-20T11:00:25' @{ agent = 'plan'; mode = 'plan'; cost = 0.0088; finish = 'stop'; tokens = (Tokens 2100 650 0 0 0) } @(
        (Part 'prt_c4618e3b2002Yz5Ab7Cd9Ef1Gh' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c4618e3b2003Ij3Kl5Mn7Op9Qr' ([ordered]@{ type = 'text'; text = 'Plan: 1. schema for products and prices; 2. resolvers over the existing services; 3. switch the storefront page by page.' })),
        (Part 'prt_c4618e3b2004St1Uv3Wx5Yz7Ab' (StepFinish 'stop' 0.0088 (Tokens 2100 650 0 0 0)))))
)

# L: a session only the JSON tree holds (OpenCode 0.15): a step with message-level totals, and an answer without step parts.
$L = 'ses_3c2d4e6f8ffdWx1Yz3Ab5Cd7Ef'
$lMessages = @(
    (User 'msg_c3d2b1a0f001Gh9Ij1Kl3Mn5Op' $L '2026-01-15T14:00:00' 'build' @(
        (Part 'prt_c3d2b1a0f002Qr7St9Uv1Wx3Yz' ([ordered]@{ type = 'text'; text = 'What is in the scripts folder?' })))),
    (Assistant 'msg_c3d2b1a1a001Ab5Cd7Ef9Gh1Ij' $L 'msg_c3d2b1a0f001Gh9Ij1Kl3Mn5Op' '2026-01-15T14:00:01' '2026-01-15T14:00:06' @{ cost = 0.0021; tokens = (Tokens 800 40 0 3000 0); path = [ordered]@{ cwd = '/home/dev/acme-shop/scripts'; root = '/home/dev/acme-shop' } } @(
        (Part 'prt_c3d2b1a1a002Kl3Mn5Op7Qr9St' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c3d2b1a1a003Uv1Wx3Yz5Ab7Cd' (Tool 'toolu_00List' 'list' ([ordered]@{ status = 'completed'; input = [ordered]@{ path = '/home/dev/acme-shop/scripts' }; output = "scripts/`n  deploy.sh`n  seed.ts"; title = 'scripts'; metadata = [ordered]@{ count = 2 }; time = [ordered]@{ start = (Ms '2026-01-15T14:00:03'); end = (Ms '2026-01-15T14:00:03') } }))),
        (Part 'prt_c3d2b1a1a004Ef9Gh1Ij3Kl5Mn' ([ordered]@{ type = 'step-finish'; cost = 0.0021; tokens = (Tokens 800 40 0 3000 0) })))),
    (Assistant 'msg_c3d2b1a2b001Op7Qr9St1Uv3Wx' $L 'msg_c3d2b1a0f001Gh9Ij1Kl3Mn5Op' '2026-01-15T14:00:07' '2026-01-15T14:00:09' @{ cost = 0.0012; tokens = (Tokens 60 30 0 3100 0); path = [ordered]@{ cwd = '/home/dev/acme-shop/scripts'; root = '/home/dev/acme-shop' } } @(
        (Part 'prt_c3d2b1a2b002Yz5Ab7Cd9Ef1Gh' ([ordered]@{ type = 'text'; text = 'Two scripts: deploy.sh and seed.ts.' }))))
)

$sessions = @(
    (Session $A 'brave-falcon' 'Fix leap year parsing' '1.2.10' '2026-03-02T09:00:00' '2026-03-02T09:02:20' @{ share = [ordered]@{ url = 'https://opencode.ai/s/Qm4wTz7L' }; summary = [ordered]@{ additions = 1; deletions = 1; files = 1 } }),
    (Session $C 'quiet-otter' 'Find leap year handling (@general subagent)' '1.2.10' '2026-03-02T09:00:11' '2026-03-02T09:00:37' @{ parentID = $A }),
    (Session $E 'swift-heron' 'Checkout error handling review' '1.3.2' '2026-03-04T15:00:00' '2026-03-04T15:12:40' @{ archived = '2026-03-05T10:00:00' }),
    (Session 'ses_3a0d9c8b7ffcEmptyNoMsgs01' 'calm-lynx' 'New session - 2026-03-04T16:00:00.000Z' '1.3.2' '2026-03-04T16:00:00' '2026-03-04T16:00:00'),
    (Session $D 'bold-crane' 'Catalog GraphQL plan' '1.1.40' '2026-02-20T11:00:00' '2026-02-20T11:00:25')
)
Write-Database (Join-Path $here 'opencode/opencode.db') @($project) $sessions ($aMessages + $cMessages + $eMessages + $dMessages)
$tree = Join-Path $here 'opencode/storage'
if (Test-Path $tree) { Remove-Item -Recurse -Force $tree }
Write-Tree $tree @($project) @((Session $D 'bold-crane' 'Catalog GraphQL plan' '1.1.40' '2026-02-20T11:00:00' '2026-02-20T11:00:25'), (Session $L 'tidy-badger' 'Scripts folder contents' '0.15.8' '2026-01-15T14:00:00' '2026-01-15T14:00:09')) ($dMessages + $lMessages)
[IO.File]::WriteAllText((Join-Path $tree 'migration'), "2`n")

# K: Kilo CLI, the same store under its own name.
$K = 'ses_3a05f1e2dffeKi1Lo2Cl3Iq4Rs'
$kProject = [ordered]@{ id = 'global'; worktree = '/'; vcs = $null; time = [ordered]@{ created = (Ms '2026-03-06T10:00:00'); updated = (Ms '2026-03-06T10:00:00') } }
$pid_ = 'global'
$kMessages = @(
    (User 'msg_c5fa0e1d2001Tu5Vw7Xy9Za1Bc' $K '2026-03-06T10:00:00' 'code' @(
        (Part 'prt_c5fa0e1d2002De3Fg5Hi7Jk9Lm' ([ordered]@{ type = 'text'; text = 'Write a haiku about unit tests.' }))) 'anthropic/claude-sonnet-4.5' 'kilo'),
    (Assistant 'msg_c5fa0e1d3001No1Pq3Rs5Tu7Vw' $K 'msg_c5fa0e1d2001Tu5Vw7Xy9Za1Bc' '2026-03-06T10:00:01' '2026-03-06T10:00:04' @{ modelID = 'anthropic/claude-sonnet-4.5'; providerID = 'kilo'; agent = 'code'; mode = 'code'; cost = 0.0009; finish = 'stop'; tokens = (Tokens 40 25 0 2500 0); path = [ordered]@{ cwd = '/home/dev/notes'; root = '/' } } @(
        (Part 'prt_c5fa0e1d3002Xy9Za1Bc3De5Fg' ([ordered]@{ type = 'step-start' })),
        (Part 'prt_c5fa0e1d3003Hi7Jk9Lm1No3Pq' ([ordered]@{ type = 'text'; text = "Green bar at dawn`nassertions hold their quiet breath`nrefactor in peace" })),
        (Part 'prt_c5fa0e1d3004Rs5Tu7Vw9Xy1Za' (StepFinish 'stop' 0.0009 (Tokens 40 25 0 2500 0)))))
)
$kSession = Session $K 'gentle-robin' 'Unit test haiku' '1.0.4' '2026-03-06T10:00:00' '2026-03-06T10:00:04'
$kSession.directory = '/home/dev/notes'
Write-Database (Join-Path $here 'kilo/kilo.db') @($kProject) @($kSession) $kMessages
