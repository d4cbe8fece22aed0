@{
    RootModule           = 'RolloutTools.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '7d0c5f0e-3a58-4a8e-9d7b-2f1c6b4e9a21'
    Author               = 'RolloutTools contributors'
    CompanyName          = 'RolloutTools'
    Copyright            = '(c) RolloutTools contributors. MIT License.'
    Description          = 'Reads the session traces ("rollouts") that AI coding agents such as Claude Code and OpenAI Codex leave on disk and turns each into one normalized PowerShell object: session facts, token usage and an OpenAI-style conversation, ready to explore, inventory or curate as training data.'
    PowerShellVersion    = '7.4'
    CompatiblePSEditions = @('Core')
    # Loaded before the types file, whose TypeAdapter entries name types from both assemblies.
    RequiredAssemblies   = @('RolloutTools.Core.dll', 'RolloutTools.dll')
    TypesToProcess       = @('RolloutTools.Types.ps1xml')
    FormatsToProcess     = @('RolloutTools.Format.ps1xml')
    CmdletsToExport      = @('Get-AgentRollout', 'ConvertTo-RolloutRecord', 'Get-RolloutFormat', 'Export-AgentRollout', 'ConvertTo-RolloutTranscript', 'Export-RolloutTranscript', 'Protect-AgentRollout')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    PrivateData          = @{
        PSData = @{
            Tags       = @('AI', 'Agents', 'ClaudeCode', 'Codex', 'Rollout', 'Transcript', 'JSONL', 'FineTuning', 'Dataset', 'PSEdition_Core', 'Linux', 'Windows', 'MacOS')
            ProjectUri = 'https://example.invalid/RolloutTools'
            LicenseUri = 'https://example.invalid/RolloutTools/LICENSE'
        }
    }
}
