# build.ps1 -Task LiveTest runs tools/LiveTest.ps1 (never run by CI). Here it runs against the emulator, which speaks
# Google's wire format, so the whole check (list, diff, estimate, generate, shape, drift report) is exercised for free.
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:LiveTest = Join-Path $RepoRoot 'tools/LiveTest.ps1'
    function Invoke-LiveTest([hashtable] $Environment) {
        Invoke-TestPwsh -Script "& '$LiveTest' -ModulePath '$ModulePath'; exit `$LASTEXITCODE" -Environment $Environment
    }
}
AfterAll { Stop-GeminiEmulator }

Describe 'LiveTest' {
    BeforeEach { $Emulator.Reset() }

    It 'is skipped with a clear message when GEMINI_API_KEY is unset, and sends nothing' {
        $run = Invoke-LiveTest @{ GEMINI_API_KEY = $null; GOOGLE_API_KEY = $null; GEMINI_BASE_URL = $Emulator.BaseUri.ToString() }
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match 'LiveTest skipped: GEMINI_API_KEY is not set'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'prints the estimate first, generates once per stable image model, and reports no drift when the service matches' {
        $run = Invoke-LiveTest @{ GEMINI_API_KEY = $Emulator.ApiKey; GOOGLE_API_KEY = $null; GEMINI_BASE_URL = $Emulator.BaseUri.ToString() }
        $run.Output | Should -Match 'Estimated spend: \$0\.\d{3} for 3 generation'
        $lines = $run.Output -split "`r?`n"
        $estimateLine = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^Estimated spend' })
        $firstGeneration = [array]::FindIndex($lines, [Predicate[string]] { param($l) $l -match '^gemini-.* ok ' })
        $estimateLine | Should -BeLessThan $firstGeneration
        $lines[-1] | Should -Match 'Drift report: none'
        $run.ExitCode | Should -Be 0
        $generated = @($Emulator.Requests | Where-Object Path -like '*:generateContent')
        $generated.Count | Should -Be 3
        ($generated | ForEach-Object { $_.RawJson | ConvertFrom-Json }).generationConfig.responseModalities | Select-Object -Unique | Should -Be 'IMAGE'
    }

    It 'reports a model that disappeared from the service as drift and fails' {
        $Emulator.RetiredModels = [string[]]@('gemini-3-pro-image')
        $run = Invoke-LiveTest @{ GEMINI_API_KEY = $Emulator.ApiKey; GOOGLE_API_KEY = $null; GEMINI_BASE_URL = $Emulator.BaseUri.ToString() }
        $run.ExitCode | Should -Be 1
        $run.Output | Should -Match 'MISSING\s+gemini-3-pro-image'
    }
}
