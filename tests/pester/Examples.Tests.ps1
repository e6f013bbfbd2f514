# The `Get-Help <cmdlet> -Examples` examples of the model, price, batch, post-processing, usage and budget cmdlets run
# as written against the emulator, each in a fresh folder with its own data folder (issue 15). The generating cmdlets'
# examples are run in their own test files (New-/Edit-GeminiImage, Start-/Stop-GeminiEmulator, the chat cmdlets ...).
BeforeDiscovery {
    $cases = @(
        @{ Name = 'Get-GeminiModel'; Number = 1 }
        @{ Name = 'Get-GeminiModel'; Number = 2 }
        @{ Name = 'Get-GeminiModel'; Number = 3 }
        @{ Name = 'Get-GeminiModel'; Number = 4 }
        @{ Name = 'Get-GeminiModel'; Number = 5 }
        @{ Name = 'Get-GeminiModel'; Number = 6 }
        @{ Name = 'Get-GeminiModel'; Number = 7 }
        @{ Name = 'Get-GeminiPricing'; Number = 1 }
        @{ Name = 'Get-GeminiPricing'; Number = 2 }
        @{ Name = 'Get-GeminiPricing'; Number = 3; Setup = { Set-Content prices.json '{ "models": { "gemini-2.5-flash-image": { "imageOutput": 25.0 } } }'; Set-GeminiPricing -Path prices.json } }
        @{ Name = 'Invoke-GeminiBatch'; Number = 1; Setup = { Set-Content tasks.csv 'Id,Prompt', 'fox,a red fox', 'jay,a blue jay' } }
        @{ Name = 'Invoke-GeminiBatch'; Number = 2; Setup = { Set-Content tasks.jsonl '{"Id":"fox","Prompt":"a red fox"}' } }
        # The blocked row's error is what the example is about.
        @{ Name = 'Invoke-GeminiBatch'; Number = 3; Setup = { Set-Content tasks.csv 'Id,Prompt', 'fox,a red fox', 'bad,[emulator:block] no' }; Expect = 'GeminiImage.PromptBlocked' }
        @{ Name = 'Invoke-GeminiBatch'; Number = 4; Setup = { Set-Content tasks.csv 'Id,Prompt', 'fox,a red fox' } }
        @{ Name = 'Resize-GeminiImage'; Number = 1; Setup = { $null = New-GeminiImage 'a red fox' -OutputDirectory out } }
        @{ Name = 'Resize-GeminiImage'; Number = 2 }
        @{ Name = 'Resize-GeminiImage'; Number = 3; Setup = { Copy-Item -LiteralPath (Join-Path $RepoRoot 'tests/unit/data/images/good.png') -Destination './photo [1].png' } }
        @{ Name = 'Resize-GeminiImage'; Number = 4; Setup = { $null = New-GeminiImage 'a red fox' -Model gemini-3-pro-image -OutputDirectory out } }
        @{ Name = 'New-GeminiContactSheet'; Number = 1; Setup = { $null = 'a', 'b' | New-GeminiImage -OutputDirectory out } }
        @{ Name = 'New-GeminiContactSheet'; Number = 2; Setup = { $null = 'a', 'b' | New-GeminiImage -OutputDirectory out } }
        @{ Name = 'New-GeminiContactSheet'; Number = 3 }
        @{ Name = 'Get-GeminiUsage'; Number = 1; Setup = { $null = New-GeminiImage 'a red fox' } }
        @{ Name = 'Get-GeminiUsage'; Number = 2 }
        @{ Name = 'Get-GeminiUsage'; Number = 3; Setup = { $null = New-GeminiImage 'a fox [emulator:block]' -ErrorAction SilentlyContinue } }
        @{ Name = 'Get-GeminiUsage'; Number = 4; Setup = { $null = New-GeminiImage 'a red fox' -Tag catalog-2025 } }
        @{ Name = 'Get-GeminiCost'; Number = 1; Setup = { $null = New-GeminiImage 'a red fox' } }
        @{ Name = 'Get-GeminiCost'; Number = 2; Setup = { $null = New-GeminiImage 'a red fox' } }
        @{ Name = 'Get-GeminiCost'; Number = 3; Setup = { $null = New-GeminiImage 'a red fox' -Tag poster }
            # Opening a browser is the reader's part; the test checks the file is there.
            Replace = @{ 'Invoke-Item spend.html' = 'Test-Path spend.html' } }
        @{ Name = 'Get-GeminiCost'; Number = 4; Setup = { $null = New-GeminiImage 'a red fox' -Tag catalog-2025 } }
        @{ Name = 'Set-GeminiBudget'; Number = 1 }
        @{ Name = 'Set-GeminiBudget'; Number = 2 }
        @{ Name = 'Set-GeminiBudget'; Number = 3; Setup = { Set-Content prompts.csv 'Prompt', 'a red fox', 'a blue jay', 'a green frog', 'an owl' } }
        @{ Name = 'Get-GeminiBudget'; Number = 1 }
        @{ Name = 'Get-GeminiBudget'; Number = 2; Setup = { Set-GeminiBudget -Daily 0.1; $null = New-GeminiImage 'a red fox' } }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
    $script:SavedHome = $env:GEMINI_IMAGE_HOME
    $script:Emulator = Start-TestEmulator
    # Small answers: these tests are about what the examples do, not pixels.
    $Emulator.ImageFile = Join-Path $RepoRoot 'tests/unit/data/images/good.png'
}
AfterAll {
    Stop-GeminiEmulator
    $env:GEMINI_IMAGE_HOME = $script:SavedHome
}

Describe 'Get-Help <Name> example <Number>' -ForEach $cases {
    BeforeAll {
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'examples-home'
        $script:Work = New-TestFolder 'examples'
        $Emulator.Reset()
        if ($Setup) {
            Push-Location -LiteralPath $Work
            try { . $Setup }
            finally { Pop-Location }
        }
        $script:Result = Invoke-HelpExample $Name $Number -In $Work -Replace $(if ($Replace) { $Replace } else { @{} })
    }

    It 'runs as written without an error (but the one it shows)' {
        $unexpected = @($Result.Errors | Where-Object { -not $Expect -or $_.FullyQualifiedErrorId -notlike "$Expect,*" })
        $unexpected | Should -BeNullOrEmpty -Because ($unexpected | Out-String)
    }
}

# What some examples promise, beyond running.
Describe 'What the examples do' {
    BeforeEach {
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'examples-home'
        $script:Work = New-TestFolder 'examples'
        $Emulator.Reset()
    }

    It 'Get-GeminiModel example 4 shows the model in effect' {
        (Invoke-HelpExample Get-GeminiModel 4 -In $Work).Output.Id | Should -Be (Get-GeminiConfig).Model
    }

    It 'Invoke-GeminiBatch example 1 writes out/<Id>.png and the report' {
        Set-Content -LiteralPath (Join-Path $Work 'tasks.csv') -Value 'Id,Prompt', 'fox,a red fox', 'jay,a blue jay'
        $r = Invoke-HelpExample Invoke-GeminiBatch 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        foreach ($name in 'fox.png', 'jay.png', 'batch-report.html') { Join-Path $Work "out/$name" | Should -Exist }
    }

    It 'Invoke-GeminiBatch example 3 shows only the rows that did not succeed' {
        Set-Content -LiteralPath (Join-Path $Work 'tasks.csv') -Value 'Id,Prompt', 'fox,a red fox', 'bad,[emulator:block] no'
        $r = Invoke-HelpExample Invoke-GeminiBatch 3 -In $Work
        @($r.Output.Id) | Should -Be @('bad')
    }

    It 'Set-GeminiBudget example 3 stops the rows past the daily limit with GeminiImage.BudgetExceeded' {
        Set-Content -LiteralPath (Join-Path $Work 'prompts.csv') -Value 'Prompt', 'a', 'b', 'c', 'd', 'e'
        $code = (Get-HelpExampleCode Set-GeminiBudget 3).Replace('Set-GeminiBudget -Daily 2', 'Set-GeminiBudget -Daily 0.2')
        Push-Location -LiteralPath $Work
        try { $out = & ([scriptblock]::Create($code)) }
        finally { Pop-Location }
        $refused = @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] })
        $refused.Count | Should -BeGreaterThan 0
        $refused | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.BudgetExceeded*' }
        @($out | Where-Object { $_ -isnot [System.Management.Automation.ErrorRecord] }).Count + $refused.Count | Should -Be 5
    }
}
