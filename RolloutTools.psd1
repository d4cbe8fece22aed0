@{
    RootModule           = 'RolloutTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '7d0c5f0e-3a58-4a8e-9d7b-2f1c6b4e9a21'
    Author               = 'RolloutTools contributors'
    CompanyName          = 'RolloutTools'
    Copyright            = '(c) 2026 RolloutTools contributors. MIT License.'
    Description          = 'Reads the session traces ("rollouts") that AI coding agents leave on disk (Claude Code, OpenAI Codex, Gemini CLI, Qwen Code, OpenCode, Cursor, GitHub Copilot CLI, Cline, Roo Code, Kilo Code, Zoo Code, Goose, Aider, Mistral Vibe, OpenHands, Crush, Continue, Grok CLI, Amp, Factory Droid, Zed''s Agent Panel, Kimi Code, OpenClaw, Devin CLI, Google Antigravity, Kiro CLI and Amazon Q Developer CLI, GitHub Copilot Chat in VS Code, Cursor''s IDE chats, Pi Coding Agent, Hermes Agent, ATIF trajectories, and SWE-agent and mini-swe-agent trajectories) and turns each into one normalized PowerShell object: session facts, token usage and an OpenAI-style conversation, ready to explore, inventory or curate as training data.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Loaded before the types file, whose TypeAdapter entries name types from both assemblies.
    RequiredAssemblies   = @('RolloutTools.Core.dll', 'RolloutTools.dll')
    TypesToProcess       = @('RolloutTools.Types.ps1xml')
    FormatsToProcess     = @('RolloutTools.Format.ps1xml')
    CmdletsToExport      = @('Get-AgentRollout', 'ConvertTo-RolloutRecord', 'Get-RolloutFormat', 'Export-AgentRollout', 'ConvertTo-RolloutTranscript', 'Export-RolloutTranscript', 'Show-RolloutTranscript', 'Protect-AgentRollout', 'Get-RolloutMessage', 'Get-RolloutToolCall', 'Measure-AgentRollout')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags         = @('AI', 'Agents', 'ClaudeCode', 'Codex', 'HermesAgent', 'Pi', 'ATIF', 'GeminiCLI', 'QwenCode', 'OpenCode', 'Cursor', 'Copilot', 'Cline', 'Goose', 'Aider', 'MistralVibe', 'OpenHands', 'Crush', 'Continue', 'GrokCLI', 'Amp', 'FactoryDroid', 'Zed', 'KimiCode', 'OpenClaw', 'DevinCLI', 'Antigravity', 'KiroCLI', 'AmazonQ', 'CopilotChat', 'VSCode', 'CursorIDE', 'Rollout', 'Transcript', 'JSONL', 'Redaction', 'FineTuning', 'Dataset', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS', 'SWEAgent', 'SWEbench',
                             # Find-PSResource -CommandName looks for these tags; the PowerShell Gallery adds them on
                             # publish, but Compress-PSResource does not, so a file or NuGet repository needs them here.
                             'PSCommand_Get-AgentRollout', 'PSCommand_ConvertTo-RolloutRecord', 'PSCommand_Get-RolloutFormat', 'PSCommand_Export-AgentRollout', 'PSCommand_ConvertTo-RolloutTranscript', 'PSCommand_Export-RolloutTranscript', 'PSCommand_Show-RolloutTranscript', 'PSCommand_Protect-AgentRollout', 'PSCommand_Get-RolloutMessage', 'PSCommand_Get-RolloutToolCall', 'PSCommand_Measure-AgentRollout')
            # No ProjectUri or LicenseUri: there is no public repository yet; the MIT LICENSE file ships in the package.
            ReleaseNotes = @'
0.1.0, the first release.
- Reads Claude Code, OpenAI Codex CLI, Pi Coding Agent, Hermes Agent (state.db, snapshots, gateway transcripts),
  Qwen Code, Gemini CLI, OpenCode and Kilo CLI, Cursor's agent, GitHub Copilot CLI, Cline, Roo Code, Kilo Code and Zoo Code
  (task folders and the Cline SDK's sessions), Goose, Aider's chat histories, Mistral Vibe, OpenHands'
  conversations, Crush's project databases, Continue's sessions, Grok CLI's sessions, Amp's threads, Factory Droid's
  sessions, Zed's Agent Panel threads, Kimi Code's sessions (and kimi-cli's and Scream Code's), OpenClaw's sessions,
  Devin CLI's session store and Google Antigravity's conversations (the agy CLI's and the IDE's; both closed source,
  read as their public readers read them), SWE-agent's and mini-swe-agent's trajectories and ATIF trajectories, plus
  its own Normalized datasets, into one normalized record per session, read by a native (ahead-of-time compiled)
  reader where the package ships one for the platform, so a fresh process's first call is as fast as its tenth.
- Reads the conversations of Kiro CLI and Amazon Q Developer CLI before it (data.sqlite3 in kiro-cli or amazon-q):
  Amazon Q's as its source writes them, Kiro CLI's conversations_v2 table as its public readers read it; and the
  session files of Kiro CLI's V2 engine (~/.kiro/sessions/cli/<id>.jsonl, KIRO_HOME), one record each, with the
  credits each turn states.
- Reads the sessions of VS Code's Chat view (GitHub Copilot Chat's agent, edit and ask modes): chatSessions/<id>.json
  and the newer .jsonl change logs in each workspace's storage and emptyWindowChatSessions, Copilot's own tool loop
  where it kept one.
- Reads Cursor's IDE chats (Composer, Agent, Ask: globalStorage/state.vscdb of Cursor's user folder, -Format CursorIde),
  one record per composer with its folder from the workspace that lists it, as Cursor's public readers read the store.
- Measure-AgentRollout reports usage and cost per day, week, month, session, project, model or five-hour block, Claude
  Code's advisor calls at the advisor's model; Get-RolloutMessage and Get-RolloutToolCall look inside sessions.
- Export-AgentRollout writes datasets: Normalized, OpenAIChat or ShareGPT JSONL, or Parquet.
- Protect-AgentRollout redacts secrets and home directories before anything is shared.
- ConvertTo-RolloutTranscript and Export-RolloutTranscript render Markdown or self-contained HTML transcripts.
'@
        }
    }
}
