namespace RolloutTools.Core.Model;

/// <summary>The on-disk trace formats the module reads.</summary>
public enum RolloutFormat
{
    ClaudeCode,
    Codex,

    /// <summary>Pi Coding Agent (badlogic/pi-mono); named as its source kind, pi_coding_agent, since "Pi" alone names many things.</summary>
    PiCodingAgent,

    /// <summary>RolloutTools' own records as JSON lines (Export-AgentRollout -As Normalized), and DataDesigner's rows.</summary>
    Normalized,

    /// <summary>Harbor's Agent Trajectory Interchange Format (ATIF-v1.0 to v1.7): trajectory*.json files.</summary>
    Atif,

    /// <summary>Hermes Agent (NousResearch): state.db, CLI snapshots and gateway transcripts under ~/.hermes.</summary>
    HermesAgent,

    /// <summary>Qwen Code (QwenLM/qwen-code): chats/&lt;session&gt;.jsonl under each project of ~/.qwen/projects.</summary>
    QwenCode,

    /// <summary>Google Gemini CLI: JSONL and legacy JSON sessions and /chat save checkpoints under ~/.gemini/tmp.</summary>
    GeminiCli,

    /// <summary>OpenCode (sst/opencode, anomalyco/opencode) and its fork Kilo CLI: the SQLite store and the JSON storage tree of earlier versions.</summary>
    OpenCode,

    /// <summary>Cursor's agent (cursor-agent): agent-transcripts/&lt;id&gt;/&lt;id&gt;.jsonl under each project of ~/.cursor/projects, with chats/…/store.db.</summary>
    Cursor,

    /// <summary>GitHub Copilot CLI: session-state/&lt;id&gt;/events.jsonl (and the older flat &lt;id&gt;.jsonl, history-session-state/) under ~/.copilot.</summary>
    CopilotCli,

    /// <summary>Cline and its forks Roo Code and Kilo Code: the task folders (tasks/&lt;id&gt;/api_conversation_history.json) in each editor's global storage and in ~/.cline/data.</summary>
    Cline,

    /// <summary>Goose (block/goose): sessions/sessions.db and the legacy sessions/&lt;id&gt;.jsonl files in its data directory (~/.local/share/goose).</summary>
    Goose,

    /// <summary>Aider (Aider-AI/aider): the Markdown chat history .aider.chat.history.md in each repository it runs in, one record per run.</summary>
    Aider,

    /// <summary>Mistral Vibe (mistralai/mistral-vibe): the session folders (messages.jsonl, meta.json) and legacy session_*.json files under ~/.vibe/logs/session.</summary>
    MistralVibe,

    /// <summary>SWE-agent's .traj and mini-swe-agent's .traj.json trajectories (SWE-bench runs), one record per file; SourceKind tells the two agents apart.</summary>
    SweAgent,

    /// <summary>OpenHands (OpenHands/OpenHands, its V1 SDK and CLI): a folder per conversation, one file per event, under ~/.openhands/conversations (V1) or ~/.openhands/sessions (legacy), and saved trajectories.</summary>
    OpenHands,

    /// <summary>Crush (charmbracelet/crush): each project's .crush/crush.db, found through projects.json in its global data folder (~/.local/share/crush).</summary>
    Crush,

    /// <summary>Continue (continuedev/continue), its IDE extensions and cn CLI: sessions/&lt;id&gt;.json beside sessions.json in ~/.continue.</summary>
    Continue,

    /// <summary>Grok CLI (xAI's grok, "Grok Build"): a folder per session (chat_history.jsonl, updates.jsonl, summary.json) under ~/.grok/sessions/&lt;encoded working directory&gt;.</summary>
    GrokCli,

    /// <summary>Amp (Sourcegraph): one JSON document per thread, threads/T-&lt;uuid&gt;.json in its data folder (~/.local/share/amp).</summary>
    Amp,

    /// <summary>Factory Droid (Factory's droid CLI): &lt;session id&gt;.jsonl with its .settings.json under each workspace folder of ~/.factory/sessions.</summary>
    FactoryDroid,

    /// <summary>Zed's Agent Panel (zed-industries/zed): threads/threads.db in Zed's data folder (~/.local/share/zed), one record per thread.</summary>
    Zed,

    /// <summary>Kimi Code (MoonshotAI/kimi-code): agents/&lt;id&gt;/wire.jsonl of each session under ~/.kimi-code/sessions, and kimi-cli's context.jsonl files under ~/.kimi/sessions.</summary>
    KimiCode,

    /// <summary>OpenClaw (formerly Clawdbot, Moltbot), the personal agent gateway on Pi's agent core: Pi's session files under ~/.openclaw/agents/&lt;agent&gt;/sessions, indexed by sessions.json, and the SQLite store (agent/openclaw-agent.sqlite) of later versions.</summary>
    OpenClaw,

    /// <summary>Devin CLI (Cognition's devin): cli/sessions.db in its data folder (~/.local/share/devin), one record per session and per sub-agent chain.</summary>
    DevinCli,

    /// <summary>Google Antigravity, its CLI (agy) and IDE: each conversation's .system_generated/logs/transcript.jsonl (or transcript_full.jsonl) under ~/.gemini/antigravity-cli/brain/&lt;id&gt;, the IDE's under ~/.gemini/antigravity/brain and ~/.gemini/antigravity-ide/brain.</summary>
    Antigravity,

    /// <summary>Kiro CLI (kiro-cli chat) and Amazon Q Developer CLI (q chat): the conversations tables of data.sqlite3 in kiro-cli or amazon-q under the local data folder (~/.local/share, ~/Library/Application Support, %LOCALAPPDATA%), one record per conversation.</summary>
    KiroCli,

    /// <summary>VS Code's Chat view (GitHub Copilot Chat): chatSessions/&lt;id&gt;.json or .jsonl in each workspace's storage, and globalStorage/emptyWindowChatSessions, under every VS Code-family user data dir (~/.config/Code/User, ~/Library/Application Support/Code/User, %APPDATA%\Code\User).</summary>
    CopilotChat,

    /// <summary>Cursor's IDE chats (Composer, Agent, Ask): the composerData and bubbleId rows of cursorDiskKV in globalStorage/state.vscdb of Cursor's user folder (~/.config/Cursor/User, ~/Library/Application Support/Cursor/User, %APPDATA%\Cursor\User), one record per composer.</summary>
    CursorIde,
}
