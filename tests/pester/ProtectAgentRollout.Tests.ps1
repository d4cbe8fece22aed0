BeforeAll {
    . (Join-Path $PSScriptRoot 'Common.ps1')
}

Describe 'Protect-AgentRollout' {
    BeforeAll {
        # Fake secrets, assembled from pieces so no file holds a whole key.
        $secrets = [ordered]@{
            'anthropic-key' = 'sk-ant-' + 'api03-' + ('Qw3rTy' * 15)
            'aws-access-key' = 'AKIA' + 'Z7Q4' + 'XK2P' + 'M9VB' + 'L3TD'
            'github-token'   = 'ghp_' + ('a1B2c3D4e5' * 4)
            'email'          = 'dana.' + 'rivera' + '@acme-corp.io'
        }
        $prompt = "Deploy with $($secrets['anthropic-key']) and $($secrets['aws-access-key']); token $($secrets['github-token']); mail $($secrets['email']). Code: password = os.environ[""DB_PASSWORD""]"
        $session = New-ClaudeSession -Path (Join-Path $TestDrive 'secret/s.jsonl') -Prompt $prompt
        $hashBefore = (Get-FileHash -LiteralPath $session.FullName).Hash
    }

    It 'redacts every planted secret, counts them by kind and leaves ordinary code alone' {
        $protected = Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout
        $json = $protected.ToJson()
        foreach ($secret in $secrets.Values) { $json | Should -Not -BeLike "*$secret*" }
        foreach ($kind in $secrets.Keys) { $json | Should -BeLike "*[[]REDACTED:$kind]*" }
        $json | Should -BeLike '*password = os.environ*DB_PASSWORD*'
        $counts = $protected.SourceMeta['redactions']
        foreach ($kind in $secrets.Keys) { $counts[$kind] | Should -BeGreaterOrEqual 1 }
    }

    It 'never modifies the source file, and the record it was given stays as it was' {
        $record = Get-AgentRollout -LiteralPath $session.FullName
        $null = $record | Protect-AgentRollout
        $record.Messages[0].Text | Should -BeLike "*$($secrets['github-token'])*"
        (Get-FileHash -LiteralPath $session.FullName).Hash | Should -Be $hashBefore
    }

    It 'keeps secrets out of every exported dataset shape' {
        foreach ($shape in 'Normalized', 'OpenAIChat', 'ShareGPT') {
            $file = Join-Path $TestDrive "shared-$shape.jsonl"
            Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout | Export-AgentRollout -Path $file -As $shape
            $text = Get-Content -LiteralPath $file -Raw
            foreach ($secret in $secrets.Values) { $text | Should -Not -BeLike "*$secret*" }
        }
    }

    It 'takes the user''s own patterns and rejects invalid ones' {
        $protected = Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout -Pattern 'Deploy'
        $protected.Messages[0].Text | Should -BeLike '[[]REDACTED:custom]*'
        { Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout -Pattern '([a-z' } | Should -Throw -ErrorId 'RolloutInvalidPattern,*'
    }
}
