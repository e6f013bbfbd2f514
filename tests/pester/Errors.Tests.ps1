<#
    One error path (issue 14): every failure a cmdlet writes is an ErrorRecord with a stable GeminiImage.* id and the
    category the README's "Error ids" table gives. One table for what the emulator can make the service do, one for
    what is refused before sending (nothing reaches the emulator).
#>
BeforeDiscovery {
    # Each emulator fault kind: the id and category the user sees (no retries, so each costs one request).
    $script:Faults = @(
        @{ Kind = 'RateLimited429';    Id = 'GeminiImage.RateLimited';        Category = 'QuotaExceeded' }
        @{ Kind = 'DailyQuota429';     Id = 'GeminiImage.DailyQuotaExceeded'; Category = 'QuotaExceeded' }
        @{ Kind = 'ServerError500';    Id = 'GeminiImage.ServiceError';       Category = 'InvalidResult' }
        @{ Kind = 'Unavailable503';    Id = 'GeminiImage.ServiceUnavailable'; Category = 'ResourceUnavailable' }
        @{ Kind = 'HtmlError502';      Id = 'GeminiImage.ServiceError';       Category = 'InvalidResult' }
        @{ Kind = 'BadRequest400';     Id = 'GeminiImage.BadRequest';         Category = 'InvalidArgument' }
        @{ Kind = 'PromptBlocked';     Id = 'GeminiImage.PromptBlocked';      Category = 'PermissionDenied' }
        @{ Kind = 'ImageSafety';       Id = 'GeminiImage.ContentBlocked';     Category = 'PermissionDenied' }
        @{ Kind = 'TextOnly';          Id = 'GeminiImage.NoImage';            Category = 'InvalidResult' }
        @{ Kind = 'MalformedBody';     Id = 'GeminiImage.MalformedResponse';  Category = 'ProtocolError' }
        @{ Kind = 'TruncatedBody';     Id = 'GeminiImage.MalformedResponse';  Category = 'ProtocolError' }
        @{ Kind = 'DroppedConnection'; Id = 'GeminiImage.ConnectionFailed';   Category = 'ConnectionError' }
        @{ Kind = 'Slow';              Id = 'GeminiImage.Timeout';            Category = 'OperationTimeout' }
        @{ Kind = 'Hang';              Id = 'GeminiImage.Timeout';            Category = 'OperationTimeout' }
    )
    # Each refusal before sending: a New-GeminiImage call (splatted after the prompt) and what it must say.
    # Files named here are made in BeforeAll: 'empty.png' (0 bytes), 'text.png' (words), 'exists.png'.
    $script:Refusals = @(
        @{ Case = 'a blank prompt';                 Prompt = '   '; Params = @{};                                                        Id = 'GeminiImage.EmptyPrompt';              Category = 'InvalidArgument' }
        @{ Case = 'an aspect ratio the model lacks'; Prompt = 'x'; Params = @{ AspectRatio = '7:3' };                                Id = 'GeminiImage.InvalidAspectRatio';       Category = 'InvalidArgument' }
        @{ Case = 'a size on a fixed-size model';   Prompt = 'x'; Params = @{ Model = 'gemini-2.5-flash-image'; ImageSize = '2K' };  Id = 'GeminiImage.InvalidImageSize';         Category = 'InvalidArgument' }
        @{ Case = 'too many input images';          Prompt = 'x'; Params = @{ Model = 'gemini-2.5-flash-image'; ReferenceImage = @('good.png', 'good.png', 'good.png', 'good.png') }; Id = 'GeminiImage.TooManyImages'; Category = 'InvalidArgument' }
        @{ Case = 'a missing reference image';      Prompt = 'x'; Params = @{ ReferenceImage = 'missing.png' };                     Id = 'GeminiImage.ImageNotFound';            Category = 'ObjectNotFound' }
        @{ Case = 'an empty image file';            Prompt = 'x'; Params = @{ ReferenceImage = 'empty.png' };                       Id = 'GeminiImage.InvalidImage';             Category = 'InvalidData' }
        @{ Case = 'a text file named .png';         Prompt = 'x'; Params = @{ ReferenceImage = 'text.png' };                        Id = 'GeminiImage.UnsupportedImageFormat';   Category = 'InvalidData' }
        @{ Case = 'an -OutFile that exists';        Prompt = 'x'; Params = @{ OutFile = 'exists.png' };                             Id = 'GeminiImage.OutputExists';             Category = 'ResourceExists' }
        @{ Case = 'a shut-down model';              Prompt = 'x'; Params = @{ Model = 'gemini-3-pro-image-preview' };               Id = 'GeminiImage.ModelShutDown';            Category = 'InvalidArgument' }
        @{ Case = 'a thinking level the model lacks'; Prompt = 'x'; Params = @{ Model = 'gemini-2.5-flash-image'; ThinkingLevel = 'High' }; Id = 'GeminiImage.InvalidThinkingLevel'; Category = 'InvalidArgument' }
        @{ Case = 'Search on a model without it';   Prompt = 'x'; Params = @{ Model = 'gemini-2.5-flash-image'; GoogleSearch = $true }; Id = 'GeminiImage.GoogleSearchNotSupported'; Category = 'InvalidArgument' }
        @{ Case = 'an unknown style';               Prompt = 'x'; Params = @{ Style = 'no-such-style' };                            Id = 'GeminiImage.StyleNotFound';            Category = 'ObjectNotFound' }
        @{ Case = 'a -BaseUri that is not http(s)'; Prompt = 'x'; Params = @{ BaseUri = 'ftp://127.0.0.1/' };                       Id = 'GeminiImage.InvalidBaseUri';           Category = 'InvalidArgument' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:In = New-TestFolder 'errors-in'
    $script:Out = New-TestFolder 'errors-out'
    $png = [Convert]::FromBase64String('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==')
    [IO.File]::WriteAllBytes((Join-Path $In 'good.png'), $png)
    [IO.File]::WriteAllBytes((Join-Path $In 'empty.png'), [byte[]]@())
    [IO.File]::WriteAllText((Join-Path $In 'text.png'), 'not an image at all')
    [IO.File]::WriteAllBytes((Join-Path $Out 'exists.png'), $png)
    $script:FaultType = Get-GeminiType 'GeminiImage.Emulator.EmulatorFault'
}
AfterAll { Stop-GeminiEmulator }

Describe 'Each emulator fault reaches the user as its id and category' {
    BeforeEach { $Emulator.Reset() }

    It '<Kind> is <Id> (<Category>)' -TestCases $Faults {
        param($Kind, $Id, $Category)
        $fault = $FaultType::new($Kind)
        $fault.Delay = [timespan]::FromSeconds(4)
        $Emulator.EnqueueFault($fault)
        $err = $null
        # Only the slow and hanging answers meet a short timeout; the rest get time for a loaded machine.
        $timeout = if ($Kind -in 'Slow', 'Hang') { 1 } else { 60 }
        $image = New-GeminiImage "fault $Kind" -OutputDirectory $Out -MaxRetries 0 -TimeoutSec $timeout -ErrorVariable err -ErrorAction SilentlyContinue
        $image | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].CategoryInfo.Category | Should -Be $Category
        $err[0].TargetObject | Should -Be "fault $Kind"
        $err[0].Exception.GetType().Namespace | Should -Match '^GeminiImage\.' -Because 'errors come from typed exceptions, not raw .NET ones'
    }
}

Describe 'Each refusal before sending is its id and category, and nothing is sent' {
    BeforeEach {
        $Emulator.Reset()
        Push-Location -LiteralPath $In
    }
    AfterEach { Pop-Location }

    It '<Case> is <Id> (<Category>)' -TestCases $Refusals {
        param($Case, $Prompt, $Params, $Id, $Category)
        $p = @{} + $Params
        if ($p.ContainsKey('OutFile')) { $p.OutFile = Join-Path $Out $p.OutFile }
        $err = $null
        # A refusal about the whole call (a bad connection) is terminating; one about this prompt is not.
        try { New-GeminiImage $Prompt @p -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue }
        catch { $err = @($_) }
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].CategoryInfo.Category | Should -Be $Category
        $Emulator.RequestCount | Should -Be 0
    }
}

Describe 'Errors the cmdlets raise themselves go through the typed path' {
    It '<Command> writes <Id> (<Category>)' -TestCases @(
        @{ Command = 'Get-GeminiModel';        Script = { Get-GeminiModel -Name 'no-such-model' };                                Id = 'GeminiImage.ModelNotFound';         Category = 'ObjectNotFound' }
        @{ Command = 'Get-GeminiPricing';      Script = { Get-GeminiPricing -Model 'no-such-model' };                             Id = 'GeminiImage.ModelNotFound';         Category = 'ObjectNotFound' }
        @{ Command = 'Remove-GeminiModel';     Script = { Remove-GeminiModel -Id 'no-such-model' -Confirm:$false };               Id = 'GeminiImage.ModelNotFound';         Category = 'ObjectNotFound' }
        @{ Command = 'Set-GeminiPricing';      Script = { Set-GeminiPricing -Path (Join-Path $Out 'no-prices.json') -Confirm:$false }; Id = 'GeminiImage.PriceFileNotFound'; Category = 'ObjectNotFound' }
        @{ Command = 'Import-GeminiImageChat'; Script = { Import-GeminiImageChat -Path (Join-Path $Out 'no-chat.json') };         Id = 'GeminiImage.ChatNotFound';          Category = 'ObjectNotFound' }
        @{ Command = 'Import-GeminiImageChat'; Script = { Import-GeminiImageChat -Path (Join-Path $In 'text.png') };              Id = 'GeminiImage.InvalidChatFile';       Category = 'InvalidData' }
        @{ Command = 'New-GeminiContactSheet'; Script = { @() | New-GeminiContactSheet -OutFile (Join-Path $Out 'sheet.png') };  Id = 'GeminiImage.NoInput';               Category = 'InvalidArgument' }
        @{ Command = 'Invoke-GeminiBatch';     Script = { Invoke-GeminiBatch -Path (Join-Path $Out 'no-rows.csv') -OutputDirectory $Out }; Id = 'GeminiImage.BatchFileNotFound'; Category = 'ObjectNotFound' }
        @{ Command = 'Get-GeminiFolderWatchTask'; Script = { Get-GeminiFolderWatchTask };                                          Id = 'GeminiImage.TaskSchedulerUnavailable'; Category = 'NotImplemented'; NotOn = 'Windows' }
    ) {
        param($Command, $Script, $Id, $Category, $NotOn)
        if ($NotOn -eq 'Windows' -and $OnWindows) { Set-ItResult -Skipped -Because 'Task Scheduler exists on Windows'; return }
        $err = $null
        try { & $Script -ErrorVariable err -ErrorAction SilentlyContinue 2>&1 | Out-Null } catch { $err = @($_) }
        if (-not $err) { try { & $Script -ErrorAction Stop | Out-Null } catch { $err = @($_) } }
        $err | Should -Not -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $err[0].CategoryInfo.Category | Should -Be $Category
        $err[0].Exception.GetType().Namespace | Should -Match '^GeminiImage\.|^System$'
    }
}

Describe 'No hand-built ErrorRecord in the cmdlets' {
    It 'src/GeminiImage.Cmdlets/Commands has no "new ErrorRecord("' {
        $hits = Get-ChildItem -LiteralPath (Join-Path $RepoRoot 'src/GeminiImage.Cmdlets/Commands') -Filter *.cs |
            Select-String -SimpleMatch 'new ErrorRecord(' | ForEach-Object { "$($_.Filename):$($_.LineNumber)" }
        $hits | Should -BeNullOrEmpty
    }
}

Describe 'Bad answers under load: a cut-off 4K image, an answer past the size limit' {
    AfterAll { Remove-Item Env:GEMINI_IMAGE_MAX_RESPONSE_MB -ErrorAction SilentlyContinue }
    BeforeEach {
        $Emulator.Reset()
        $script:Out = New-TestFolder 'badanswer'
    }

    It 'a 4K answer whose base64 stops half-way is GeminiImage.MalformedResponse, saying so, with nothing written' {
        $errs = $null
        New-GeminiImage 'a 4K poster [emulator:truncated]' -Model gemini-3.1-flash-image -ImageSize 4K -OutputDirectory $Out -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.MalformedResponse*'
        $errs[0].CategoryInfo.Category | Should -Be 'ProtocolError'
        $errs[0].Exception.Message | Should -Match 'ended in the middle of an image'
        $errs[0].TargetObject | Should -Be 'a 4K poster [emulator:truncated]'
        Get-ChildItem -LiteralPath $Out -Force -Recurse | Should -BeNullOrEmpty
    }

    It 'an answer past GEMINI_IMAGE_MAX_RESPONSE_MB is GeminiImage.ResponseTooLarge, not an out-of-memory, with nothing written' {
        $env:GEMINI_IMAGE_MAX_RESPONSE_MB = '1'
        try {
            $errs = $null
            New-GeminiImage 'a real-size answer' -Model gemini-2.5-flash-image -OutputDirectory $Out -ErrorVariable errs -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { Remove-Item Env:GEMINI_IMAGE_MAX_RESPONSE_MB }
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ResponseTooLarge*'
        $errs[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $errs[0].Exception.Message | Should -Match '1 MB'
        $Emulator.RequestCount | Should -Be 1 -Because 'a too-large answer is not retried'
        Get-ChildItem -LiteralPath $Out -Force -Recurse | Should -BeNullOrEmpty
        # The same call within the limit works.
        (New-GeminiImage 'a real-size answer' -Model gemini-2.5-flash-image -OutputDirectory $Out).Path | Should -Exist
    }
}
