# Shared by every test file: imports the built module and writes small Claude Code transcripts.
$script:ModulePath = if ($env:ROLLOUTTOOLS_MODULE) { $env:ROLLOUTTOOLS_MODULE } else {
    (Get-ChildItem (Join-Path $PSScriptRoot '../../out/RolloutTools') -Filter RolloutTools.psd1 -Recurse | Select-Object -First 1).FullName
}
Import-Module $script:ModulePath -Force

$script:SamplesRoot = Join-Path $PSScriptRoot '../../samples'

# No test reads the person's own agent folders: every agent's home points at a folder that does not exist, until a
# test points it at one of its own.
foreach ($variable in 'CLAUDE_CONFIG_DIR', 'CODEX_HOME', 'PI_CODING_AGENT_DIR', 'HERMES_HOME', 'QWEN_HOME', 'QWEN_RUNTIME_DIR', 'GEMINI_CLI_HOME', 'CURSOR_CONFIG_DIR', 'COPILOT_HOME', 'VSCODE_APPDATA', 'CLINE_DIR', 'CLINE_DATA_DIR', 'GOOSE_PATH_ROOT', 'VIBE_HOME', 'MSWEA_GLOBAL_CONFIG_DIR', 'OPENHANDS_PERSISTENCE_DIR', 'FILE_STORE_PATH', 'CRUSH_GLOBAL_DATA', 'CONTINUE_GLOBAL_DIR', 'GROK_HOME', 'DROID_SESSIONS_DIR', 'FLATPAK_XDG_DATA_HOME', 'KIMI_CODE_HOME', 'KIMI_SHARE_DIR', 'SCREAM_CODE_HOME', 'OPENCLAW_STATE_DIR', 'KIRO_HOME') {
    Set-Item "Env:$variable" (Join-Path ([System.IO.Path]::GetTempPath()) "rollouttools-tests-no-agent-home/$variable")
}
# The Cline SDK's session data dir follows CLINE_DATA_DIR (<data dir>/sessions) unless this names another.
Remove-Item Env:CLINE_SESSION_DATA_DIR -ErrorAction Ignore
# OpenHands' conversations folder follows OPENHANDS_PERSISTENCE_DIR (<dir>/conversations) unless this names another.
Remove-Item Env:OPENHANDS_CONVERSATIONS_DIR -ErrorAction Ignore
# OpenCode and Kilo CLI live in $XDG_DATA_HOME/opencode and /kilo, Amp in $XDG_DATA_HOME/amp. .NET takes LocalApplicationData from the same variable
# on Linux and macOS and makes paths relative when the folder is missing, so this one exists (empty of any agent).
$env:XDG_DATA_HOME = Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/XDG_DATA_HOME'
New-Item -ItemType Directory -Force -Path $env:XDG_DATA_HOME | Out-Null
# Antigravity's agy honours no variable of its own: it keeps its conversations under the user's home (.gemini/antigravity-cli),
# which .NET takes from HOME. The home is an empty folder that exists, since child pwsh processes write their caches in it.
$env:HOME = Join-Path ([System.IO.Path]::GetTempPath()) 'rollouttools-tests-no-agent-home/HOME'
New-Item -ItemType Directory -Force -Path $env:HOME | Out-Null
# A portable VS Code's data folder adds to the editors' folders (Cline's task folders): none in tests.
Remove-Item Env:VSCODE_PORTABLE -ErrorAction SilentlyContinue

function New-ClaudeSession {
    <# Writes a two-turn session (prompt, tool call, tool result, answer) and returns its path. #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $SessionId = [guid]::NewGuid().ToString(),
        [string] $Prompt = 'List the files',
        [datetime] $Start = [datetime]'2025-11-03T09:00:00Z',
        [string[]] $ExtraLines = @()
    )
    $t = { param($s) $Start.ToUniversalTime().AddSeconds($s).ToString("yyyy-MM-ddTHH:mm:ss.fffZ") }
    $envelope = "`"sessionId`":`"$SessionId`",`"cwd`":`"/home/dev/acme-shop`",`"gitBranch`":`"main`",`"version`":`"2.0.76`",`"isSidechain`":false,`"userType`":`"external`""
    $lines = @(
        "{`"type`":`"user`",`"uuid`":`"u1`",`"parentUuid`":null,$envelope,`"timestamp`":`"$(& $t 0)`",`"message`":{`"role`":`"user`",`"content`":$(ConvertTo-Json $Prompt)}}"
        "{`"type`":`"assistant`",`"uuid`":`"a1`",`"parentUuid`":`"u1`",$envelope,`"timestamp`":`"$(& $t 5)`",`"requestId`":`"req_1`",`"message`":{`"id`":`"msg_1`",`"role`":`"assistant`",`"model`":`"claude-opus-4-1-20250805`",`"content`":[{`"type`":`"tool_use`",`"id`":`"toolu_1`",`"name`":`"Bash`",`"input`":{`"command`":`"ls`"}}],`"usage`":{`"input_tokens`":10,`"output_tokens`":20,`"cache_read_input_tokens`":300,`"cache_creation_input_tokens`":40}}}"
        "{`"type`":`"user`",`"uuid`":`"u2`",`"parentUuid`":`"a1`",$envelope,`"timestamp`":`"$(& $t 10)`",`"message`":{`"role`":`"user`",`"content`":[{`"type`":`"tool_result`",`"tool_use_id`":`"toolu_1`",`"content`":`"a.txt`"}]}}"
        "{`"type`":`"assistant`",`"uuid`":`"a2`",`"parentUuid`":`"u2`",$envelope,`"timestamp`":`"$(& $t 65)`",`"requestId`":`"req_2`",`"message`":{`"id`":`"msg_2`",`"role`":`"assistant`",`"model`":`"claude-opus-4-1-20250805`",`"content`":[{`"type`":`"text`",`"text`":`"One file: a.txt`"}],`"usage`":{`"input_tokens`":5,`"output_tokens`":7}}}"
    ) + $ExtraLines
    $folder = Split-Path $Path -Parent
    if ($folder -and -not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
    [System.IO.File]::WriteAllText((Convert-Path -LiteralPath $folder) + [System.IO.Path]::DirectorySeparatorChar + (Split-Path $Path -Leaf), ($lines -join "`n") + "`n")
    Get-Item -LiteralPath $Path
}

function New-CodexRollout {
    <# Writes a one-turn Codex envelope rollout (meta, context, prompt, shell call, output, answer, tokens) and returns it. #>
    param(
        [Parameter(Mandatory)] [string] $Path,
        [string] $SessionId = [guid]::NewGuid().ToString(),
        [string] $Prompt = 'Run the tests',
        [datetime] $Start = [datetime]'2025-11-20T21:05:09Z'
    )
    $t = { param($s) $Start.ToUniversalTime().AddSeconds($s).ToString("yyyy-MM-ddTHH:mm:ss.fffZ") }
    $lines = @(
        "{`"timestamp`":`"$(& $t 0)`",`"type`":`"session_meta`",`"payload`":{`"id`":`"$SessionId`",`"timestamp`":`"$(& $t 0)`",`"cwd`":`"/home/dev/acme-shop`",`"originator`":`"codex_cli_rs`",`"cli_version`":`"0.58.0`",`"source`":`"cli`",`"model_provider`":`"openai`",`"git`":{`"commit_hash`":`"3f2a9c1`",`"branch`":`"main`"}}}"
        "{`"timestamp`":`"$(& $t 1)`",`"type`":`"turn_context`",`"payload`":{`"cwd`":`"/home/dev/acme-shop`",`"approval_policy`":`"on-request`",`"model`":`"gpt-5-codex`",`"effort`":`"medium`"}}"
        "{`"timestamp`":`"$(& $t 1)`",`"type`":`"response_item`",`"payload`":{`"type`":`"message`",`"role`":`"user`",`"content`":[{`"type`":`"input_text`",`"text`":$(ConvertTo-Json $Prompt)}]}}"
        "{`"timestamp`":`"$(& $t 3)`",`"type`":`"response_item`",`"payload`":{`"type`":`"function_call`",`"name`":`"shell`",`"arguments`":`"{\`"command\`":[\`"make\`",\`"test\`"]}`",`"call_id`":`"call_1`"}}"
        "{`"timestamp`":`"$(& $t 9)`",`"type`":`"response_item`",`"payload`":{`"type`":`"function_call_output`",`"call_id`":`"call_1`",`"output`":`"{\`"output\`":\`"ok\`",\`"metadata\`":{\`"exit_code\`":0,\`"duration_seconds\`":5.5}}`"}}"
        "{`"timestamp`":`"$(& $t 12)`",`"type`":`"response_item`",`"payload`":{`"type`":`"message`",`"role`":`"assistant`",`"content`":[{`"type`":`"output_text`",`"text`":`"All tests pass.`"}]}}"
        "{`"timestamp`":`"$(& $t 12)`",`"type`":`"event_msg`",`"payload`":{`"type`":`"token_count`",`"info`":{`"total_token_usage`":{`"input_tokens`":900,`"cached_input_tokens`":600,`"output_tokens`":80,`"reasoning_output_tokens`":30,`"total_tokens`":980},`"last_token_usage`":{`"input_tokens`":900,`"cached_input_tokens`":600,`"output_tokens`":80,`"reasoning_output_tokens`":30,`"total_tokens`":980}}}}"
    )
    $folder = Split-Path $Path -Parent
    if (-not (Test-Path -LiteralPath $folder)) { New-Item -ItemType Directory -Path $folder -Force | Out-Null }
    [System.IO.File]::WriteAllText((Convert-Path -LiteralPath $folder) + [System.IO.Path]::DirectorySeparatorChar + (Split-Path $Path -Leaf), ($lines -join "`n") + "`n")
    Get-Item -LiteralPath $Path
}
