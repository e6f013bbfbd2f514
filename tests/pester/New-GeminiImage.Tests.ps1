BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    function Get-PngSize([string] $Path) {
        $bytes = [System.IO.File]::ReadAllBytes($Path)
        # PNG IHDR: width and height are big-endian at offsets 16 and 20.
        $w = [System.Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]]$bytes[16..19])
        $h = [System.Buffers.Binary.BinaryPrimitives]::ReadInt32BigEndian([byte[]]$bytes[20..23])
        "${w}x${h}"
    }
}
AfterAll {
    Stop-GeminiEmulator
}

Describe 'New-GeminiImage' {
    BeforeEach {
        $script:Out = New-TestFolder 'new'
        $Emulator.Reset()
    }

    It 'writes a <Size> PNG for aspect ratio <Ratio>' -TestCases @(
        # The default model, gemini-3.1-flash-image, at its default size (1K).
        @{ Ratio = '16:9'; Size = '1376x768' }
        @{ Ratio = '1:1'; Size = '1024x1024' }
        @{ Ratio = '9:16'; Size = '768x1376' }
        @{ Ratio = '21:9'; Size = '1584x672' }
        @{ Ratio = '8:1'; Size = '2944x368' }
    ) {
        $image = New-GeminiImage 'a red fox in the snow' -AspectRatio $Ratio -OutputDirectory $Out
        $image.Path | Should -Exist
        Get-PngSize $image.Path | Should -Be $Size
        '{0}x{1}' -f $image.Width, $image.Height | Should -Be $Size
        $image.MimeType | Should -Be 'image/png'
        [System.IO.Path]::GetExtension($image.Path) | Should -Be '.png'
    }

    It 'emits an object describing the image, priced from usageMetadata' {
        $image = New-GeminiImage 'a red fox in the snow' -OutputDirectory $Out -Tag demo
        # By name: engine types live in the module's private load context, where PowerShell type literals do not look.
        $image.PSObject.TypeNames[0] | Should -Be 'GeminiImage.Engine.Generation.GeminiImageResult'
        $image.Prompt | Should -Be 'a red fox in the snow'
        $image.Model | Should -Be 'gemini-3.1-flash-image'
        $image.OutputTokens | Should -BeGreaterOrEqual 1120
        $image.InputTokens | Should -BeGreaterThan 0
        $image.Cost | Should -BeGreaterThan 0.067
        $image.FinishReason | Should -Be 'STOP'
        $image.ResponseId | Should -Not -BeNullOrEmpty
        $image.Duration | Should -BeOfType ([timespan])
        $image.Tags | Should -Be @('demo')
        (Split-Path $image.Path -Leaf) | Should -Match '^a-red-fox-in-the-snow-\d{8}-\d{6}\.png$'
    }

    It 'lands in the PowerShell location after Set-Location, not the process directory' {
        Push-Location $Out
        try {
            $image = New-GeminiImage 'located fox'
        }
        finally { Pop-Location }
        Split-Path $image.Path -Parent | Should -Be $Out
        [System.IO.Directory]::GetCurrentDirectory() | Should -Not -Be $Out
    }

    It 'takes prompts from strings on the pipeline' {
        $images = 'a cat', 'a dog' | New-GeminiImage -OutputDirectory $Out
        $images.Count | Should -Be 2
        $images.Prompt | Should -Be @('a cat', 'a dog')
        $Emulator.RequestCount | Should -Be 2
    }

    It 'takes prompts, aspect ratios and file names from CSV rows' {
        $csv = Join-Path $Out 'rows.csv'
        @(
            [pscustomobject]@{ Prompt = 'wide lighthouse'; AspectRatio = '16:9'; OutFile = (Join-Path $Out 'wide.png') }
            [pscustomobject]@{ Prompt = 'tall tower'; AspectRatio = '9:16'; OutFile = (Join-Path $Out 'tall.png') }
        ) | Export-Csv -Path $csv -NoTypeInformation
        $images = Import-Csv $csv | New-GeminiImage
        $images.Count | Should -Be 2
        Get-PngSize (Join-Path $Out 'wide.png') | Should -Be '1376x768'
        Get-PngSize (Join-Path $Out 'tall.png') | Should -Be '768x1376'
        $Emulator.Requests.AspectRatio | Should -Be @('16:9', '9:16')
    }

    It '-WhatIf sends no request and writes no file' {
        New-GeminiImage 'nothing please' -OutputDirectory $Out -WhatIf
        $Emulator.RequestCount | Should -Be 0
        Get-ChildItem $Out | Should -BeNullOrEmpty
    }

    It '-WhatIf quotes nothing for what -Cache holds and names the budget that would refuse the call (issue 15)' {
        # "What if:" lines go to the host, not to a stream: a child PowerShell's output shows them.
        $work = New-TestFolder 'whatif-quote'
        $script = @"
Import-Module '$ModulePath'
`$null = Start-GeminiEmulator
Set-Location -LiteralPath '$work'
`$null = New-GeminiImage 'a cached fox' -Cache
New-GeminiImage 'a cached fox' -Cache -WhatIf
Set-GeminiBudget -Daily 0.01
New-GeminiImage 'a dear fox' -WhatIf
Stop-GeminiEmulator
"@
        $r = Invoke-TestPwsh -Script $script -Environment @{ GEMINI_IMAGE_HOME = (Join-Path $work 'home') }
        $r.Output | Should -Match '(?s)What if:.*estimated cost \$0\.000; the response cache holds the answer.*a cached fox'
        $r.Output | Should -Match '(?s)What if:.*estimated cost \$0\.0\d\d; it would be refused: The daily budget of \$0\.01 would be exceeded.*a dear fox'
    }

    It '-OutFile writes exactly that file' {
        $target = Join-Path $Out 'hero.png'
        $image = New-GeminiImage 'hero shot' -OutFile $target
        $image.Path | Should -Be $target
        $target | Should -Exist
    }

    It 'does not overwrite without -Force, and sends nothing' {
        $target = Join-Path $Out 'keep.png'
        Set-Content -LiteralPath $target -Value 'precious'
        $err = $null
        New-GeminiImage 'overwrite me' -OutFile $target -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Content -LiteralPath $target | Should -Be 'precious'
        $Emulator.RequestCount | Should -Be 0
        $image = New-GeminiImage 'overwrite me' -OutFile $target -Force
        Get-PngSize $target | Should -Be '1024x1024'
    }

    It 'with -Force replaces a read-only earlier output (Windows refuses File.Replace onto one)' {
        $target = Join-Path $Out 'locked.png'
        Set-Content -LiteralPath $target -Value 'old'
        Set-ItemProperty -LiteralPath $target -Name IsReadOnly -Value $true
        (New-GeminiImage 'replace the read-only file' -OutFile $target -Force).Path | Should -Be $target
        Get-PngSize $target | Should -Be '1024x1024'
        @(Get-ChildItem -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'fallback') -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'an empty or blank prompt (a blank line of a prompts file) is GeminiImage.EmptyPrompt alike, and the next line goes on' {
        $prompts = Join-Path $Out 'prompts.txt'
        Set-Content -LiteralPath $prompts -Value 'first line', '', '   ', 'last line'
        $err = $null
        $images = Get-Content -LiteralPath $prompts | New-GeminiImage -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        @($images).Count | Should -Be 2
        @($err).Count | Should -Be 2
        $err | ForEach-Object {
            $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.EmptyPrompt*'
            "$($_.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        }
        { New-GeminiImage '' -OutputDirectory $Out -ErrorAction Stop } | Should -Throw -ErrorId 'GeminiImage.EmptyPrompt*'
        $Emulator.RequestCount | Should -Be 2
    }

    It 'takes -ImageSize and -AspectRatio leniently: 2k is 2K, '' 16:9 '' is 16:9' {
        $image = New-GeminiImage 'lenient' -Model gemini-3-pro-image -ImageSize 2k -AspectRatio ' 16:9 ' -OutputDirectory $Out
        $image.ImageSize | Should -Be '2K'
        $image.AspectRatio | Should -Be '16:9'
        $Emulator.Requests[0].RawJson | Should -Match '"imageSize":\s*"2K"'
        $Emulator.Requests[0].RawJson | Should -Match '"aspectRatio":\s*"16:9"'
    }

    It 'a bad aspect ratio is refused before any request' {
        $err = $null
        New-GeminiImage 'bad ratio' -AspectRatio '2:1' -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidAspectRatio*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be 'bad ratio'
        $Emulator.RequestCount | Should -Be 0
    }

    It '<Name> gives <Id> and the next pipeline item goes on' -TestCases @(
        @{ Name = 'a blocked prompt'; Directive = '[emulator:block]'; Id = 'GeminiImage.PromptBlocked'; Category = 'PermissionDenied' }
        @{ Name = 'an IMAGE_SAFETY finish'; Directive = '[emulator:safety]'; Id = 'GeminiImage.ContentBlocked'; Category = 'PermissionDenied' }
        @{ Name = 'a text-only answer'; Directive = '[emulator:textonly]'; Id = 'GeminiImage.NoImage'; Category = 'InvalidResult' }
    ) {
        $err = $null
        $images = "bad $Directive", 'good one' | New-GeminiImage -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        @($images).Count | Should -Be 1
        $images.Prompt | Should -Be 'good one'
        $err.Count | Should -Be 1
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err[0].CategoryInfo.Category | Should -Be $Category
        $err[0].TargetObject | Should -Be "bad $Directive"
        $err[0].ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'a bad key gives an authentication error that says how to set one' {
        $err = $null
        $bad = ConvertTo-SecureString 'not-the-right-key' -AsPlainText -Force
        New-GeminiImage 'who am i' -ApiKey $bad -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.AuthenticationFailed*'
        $err[0].CategoryInfo.Category | Should -Be 'AuthenticationError'
        $err[0].Exception.Message | Should -Match 'GEMINI_API_KEY'
        $Emulator.RequestCount | Should -Be 1
    }

    It 'never shows the key in any stream, even with -Verbose -Debug' {
        $secret = 'AIzaSecret-' + [guid]::NewGuid().ToString('N')
        $keyed = ConvertTo-SecureString $secret -AsPlainText -Force
        $all = & {
            New-GeminiImage 'secret fox' -OutputDirectory $Out -Verbose -Debug -ApiKey $keyed -ErrorAction Continue
            New-GeminiImage 'good fox' -OutputDirectory $Out -Verbose -Debug
            Get-GeminiConfig
        } *>&1 | Out-String -Width 500
        $all | Should -Not -BeNullOrEmpty
        $all | Should -Not -Match ([regex]::Escape($secret))
        $all | Should -Not -Match ([regex]::Escape($Emulator.ApiKey))
        $all | Should -Match 'Using http://127\.0\.0\.1'
        $all | Should -Match 'API_KEY_INVALID'
    }

    It '-Count sends that many requests' {
        $images = New-GeminiImage 'three foxes' -Count 3 -OutputDirectory $Out
        $images.Count | Should -Be 3
        ($images.Path | Select-Object -Unique).Count | Should -Be 3
    }

    It 'an unknown model works with a warning that its cost is unknown' {
        $warn = $null
        $err = $null
        New-GeminiImage 'mystery' -Model 'gemini-9-imaginary' -OutputDirectory $Out -WarningVariable warn -ErrorVariable err -ErrorAction SilentlyContinue
        $warn | Should -Match 'cost is unknown'
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelNotFound*'
    }
}

Describe 'New-GeminiImage checks where the image will be saved before sending' {
    BeforeEach {
        $script:Out = New-TestFolder 'save'
        $Emulator.Reset()
    }

    It 'refuses an -OutFile whose real extension (the model''s format) exists: poster.png with gemini-3-pro-image when poster.jpg exists' {
        Set-Content -LiteralPath (Join-Path $Out 'poster.jpg') -Value 'older poster'
        $err = $null
        $image = New-GeminiImage 'a poster' -Model gemini-3-pro-image -OutFile (Join-Path $Out 'poster.png') -ErrorVariable err -ErrorAction SilentlyContinue
        $image | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*'
        $err[0].Exception.Message | Should -Match 'poster\.jpg'
        $Emulator.RequestCount | Should -Be 0
        Get-Content -LiteralPath (Join-Path $Out 'poster.jpg') | Should -Be 'older poster'
        # With -Force the JPEG replaces it.
        (New-GeminiImage 'a poster' -Model gemini-3-pro-image -OutFile (Join-Path $Out 'poster.png') -Force).Path | Should -Be (Join-Path $Out 'poster.jpg')
    }

    It 'refuses an -OutFile that names a folder, even with -Force, at no cost' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $Out 'posters')
        $err = $null
        New-GeminiImage 'a poster' -OutFile $folder.FullName -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutFileIsFolder*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'refuses an output folder it cannot write, once per prompt, with nothing sent or charged' {
        $locked = New-UnwritableTestFolder
        if (-not $locked) { Set-ItResult -Skipped -Because 'no way to make an unwritable folder here'; return }
        try {
            $err = $null
            'a poster', 'a flyer' | New-GeminiImage -OutputDirectory $locked -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            @($err).Count | Should -Be 2
            $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputFolderUnavailable*' }
            "$($err[0].CategoryInfo.Category)" | Should -Be 'WriteError'
            $err[0].Exception.Message | Should -Match ([regex]::Escape($locked))
            $Emulator.RequestCount | Should -Be 0
            Get-ChildItem -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'fallback') -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        }
        finally { Remove-SpecialTestFolder $locked }
    }

    It 'refuses a nearly full disk before sending' {
        $small = New-SmallDiskTestFolder -MB 8
        if (-not $small) { Set-ItResult -Skipped -Because 'this process may not mount a small file system'; return }
        try {
            $err = $null
            New-GeminiImage 'a poster' -OutputDirectory $small -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputFolderUnavailable*'
            $err[0].Exception.Message | Should -Match 'MB free'
            $Emulator.RequestCount | Should -Be 0
        }
        finally { Remove-SpecialTestFolder $small }
    }

    It 'keeps letters of any script in automatic file names' {
        $image = New-GeminiImage '夕焼けの富士山 と Café' -OutputDirectory $Out
        Split-Path $image.Path -Leaf | Should -Match '^夕焼けの富士山-と-café-\d{8}-\d{6}\.png$'
        $image.Path | Should -Exist
    }
}

Describe 'New-GeminiImage and the model lifecycle' {
    BeforeEach {
        $script:Out = New-TestFolder 'life'
        $Emulator.Reset()
    }

    It 'without -Model goes to the default, gemini-3.1-flash-image' {
        $image = New-GeminiImage 'default model fox' -AspectRatio 16:9 -OutputDirectory $Out
        $Emulator.Requests[0].Path | Should -Be '/v1beta/models/gemini-3.1-flash-image:generateContent'
        $image.Model | Should -Be 'gemini-3.1-flash-image'
        Get-PngSize $image.Path | Should -Be '1376x768'
    }

    It 'refuses a shut-down id before sending, naming the replacement and the command to switch' {
        $err = $null
        New-GeminiImage 'old preview' -Model gemini-3-pro-image-preview -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelShutDown*'
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match 'gemini-3-pro-image instead'
        $err[0].Exception.Message | Should -Match 'Set-GeminiConfig -Model gemini-3-pro-image'
        $Emulator.RequestCount | Should -Be 0
        Get-ChildItem $Out | Should -BeNullOrEmpty
    }

    It 'the emulator answers 404 with Google''s wording for a shut-down id' {
        $client = [System.Net.Http.HttpClient]::new()
        try {
            $request = [System.Net.Http.HttpRequestMessage]::new('POST', "$($Emulator.BaseUri)v1beta/models/gemini-3.1-flash-image-preview:generateContent")
            $request.Headers.Add('x-goog-api-key', $Emulator.ApiKey)
            $request.Content = [System.Net.Http.StringContent]::new('{"contents":[{"parts":[{"text":"x"}]}]}', [System.Text.Encoding]::UTF8, 'application/json')
            $response = $client.SendAsync($request).GetAwaiter().GetResult()
            [int]$response.StatusCode | Should -Be 404
            $body = $response.Content.ReadAsStringAsync().GetAwaiter().GetResult() | ConvertFrom-Json
            $body.error.status | Should -Be 'NOT_FOUND'
            $body.error.message | Should -Be 'models/gemini-3.1-flash-image-preview is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.'
        }
        finally { $client.Dispose() }
    }

    It 'a 404 for a model the catalog believes live says it may have been retired and how to list live models' {
        $Emulator.RetiredModels = [string[]]@('gemini-3-pro-image')
        $err = $null
        New-GeminiImage 'retired pro' -Model gemini-3-pro-image -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ModelNotFound*'
        $err[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'may have been retired'
        $err[0].Exception.Message | Should -Match 'Get-GeminiModel -Online'
        $Emulator.RequestCount | Should -Be 1
    }

    It 'a typo of a known id is refused with "did you mean", before sending' {
        $err = $null
        New-GeminiImage 'typo' -Model gemini-3.1-flash-imgae -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.UnknownModel*'
        $err[0].Exception.Message | Should -Match "Did you mean 'gemini-3.1-flash-image'"
        $Emulator.RequestCount | Should -Be 0
    }

    It 'a deprecated model works and warns with its shutdown date and replacement' {
        $warn = $null
        # A fresh session: the warning comes once per session.
        $child = Invoke-TestPwsh -Script @"
Import-Module '$ModulePath'
`$out = New-GeminiImage 'old flash' -Model gemini-2.5-flash-image -BaseUri '$($Emulator.BaseUri)' -ApiKey (ConvertTo-SecureString '$($Emulator.ApiKey)' -AsPlainText -Force) -OutputDirectory '$Out' -WarningVariable w -WarningAction SilentlyContinue
`$out2 = New-GeminiImage 'old flash 2' -Model gemini-2.5-flash-image -BaseUri '$($Emulator.BaseUri)' -ApiKey (ConvertTo-SecureString '$($Emulator.ApiKey)' -AsPlainText -Force) -OutputDirectory '$Out' -WarningVariable w2 -WarningAction SilentlyContinue
[pscustomobject]@{ Model = `$out.Model; Warnings = @(`$w | ForEach-Object { "`$_" }); Second = @(`$w2).Count } | ConvertTo-Json -Compress
"@
        $child.Result.Model | Should -Be 'gemini-2.5-flash-image'
        $child.Result.Warnings.Count | Should -Be 1
        $child.Result.Warnings[0] | Should -Match '2026-10-02'
        $child.Result.Warnings[0] | Should -Match 'gemini-3.1-flash-image'
        $child.Result.Second | Should -Be 0
    }
}

Describe 'New-GeminiImage request options of today''s models' {
    BeforeEach {
        $script:Out = New-TestFolder 'opts'
        $Emulator.Reset()
    }

    It 'sends -ThinkingLevel, -IncludeThoughts, -GoogleSearch, -SearchType, -ImageOnly and -NoStore exactly as the API names them' {
        $null = New-GeminiImage 'a poster of today''s weather in Paris' -ThinkingLevel High -IncludeThoughts -GoogleSearch -SearchType Web, Image -ImageOnly -NoStore -OutputDirectory $Out
        $body = $Emulator.Requests[0].RawJson | ConvertFrom-Json -AsHashtable
        $body.generationConfig.thinkingConfig.thinkingLevel | Should -BeExactly 'HIGH'
        $body.generationConfig.thinkingConfig.includeThoughts | Should -BeTrue
        $body.generationConfig.responseModalities | Should -Be @('IMAGE')
        $body.tools[0].googleSearch.searchTypes.Keys | Sort-Object | Should -Be @('imageSearch', 'webSearch')
        $body.store | Should -BeFalse
        $body.ContainsKey('store') | Should -BeTrue
    }

    It 'sends none of them when not asked' {
        $null = New-GeminiImage 'plain fox' -OutputDirectory $Out
        $body = $Emulator.Requests[0].RawJson | ConvertFrom-Json -AsHashtable
        $body.ContainsKey('tools') | Should -BeFalse
        $body.ContainsKey('store') | Should -BeFalse
        $body.generationConfig.ContainsKey('thinkingConfig') | Should -BeFalse
        $body.generationConfig.responseModalities | Should -Be @('TEXT', 'IMAGE')
    }

    It 'Set-GeminiConfig -NoStore sends store: false for the session' {
        try {
            Set-GeminiConfig -NoStore
            (Get-GeminiConfig).NoStore | Should -BeTrue
            $null = New-GeminiImage 'session no store' -OutputDirectory $Out
            ($Emulator.Requests[0].RawJson | ConvertFrom-Json -AsHashtable).store | Should -BeFalse
        }
        finally { Set-GeminiConfig -NoStore:$false }
        $null = New-GeminiImage 'stored again' -OutputDirectory $Out
        ($Emulator.Requests[1].RawJson | ConvertFrom-Json -AsHashtable).ContainsKey('store') | Should -BeFalse
    }

    It 'puts grounding sources, queries and the search entry point on the result, and prices the queries as their own ledger line' {
        $image = New-GeminiImage 'a poster of the tallest tower in Paris' -GoogleSearch -OutputDirectory $Out -Tag grounded
        $image.GroundingSources.Count | Should -BeGreaterThan 0
        $image.GroundingSources[0].Uri | Should -Match '^https://'
        $image.SearchQueries.Count | Should -Be 1
        $image.SearchEntryPoint | Should -Match '<div'
        $usage = @(Get-GeminiUsage -Tag grounded)
        $usage.Count | Should -Be 2
        $search = $usage | Where-Object Operation -eq 'Search'
        $search.CostUsd | Should -Be 0.014 -Because 'one query at $14 per 1,000'
        $search.ResponseId | Should -Be $image.ResponseId
        $generate = $usage | Where-Object Operation -eq 'Generate'
        $image.Cost | Should -Be ($generate.CostUsd + $search.CostUsd) -Because 'the image costs its tokens plus its searches, each counted once'
    }

    It '-IncludeThoughts puts the thought text on the result and saves the interim images beside the image' {
        $image = New-GeminiImage 'a thoughtful fox' -IncludeThoughts -OutputDirectory $Out
        $image.Thoughts | Should -Match 'Composing the image'
        $image.ThoughtImagePaths.Count | Should -Be 1
        $image.ThoughtImagePaths[0] | Should -Exist
        $image.ThoughtImagePaths[0] | Should -BeLike '*.thought*.png'
        $image.ThinkingTokens | Should -BeGreaterThan 0
        # Without the switch nothing about thoughts is kept.
        $plain = New-GeminiImage 'a quiet fox' -OutputDirectory $Out
        $plain.ThoughtImagePaths.Count | Should -Be 0
        @(Get-ChildItem $Out -Filter '*.thought*').Count | Should -Be 1
    }

    It '<Name> is refused before any request with <Id>' -TestCases @(
        @{ Name = 'a thinking level the model does not take'; Params = @{ Model = 'gemini-3.1-flash-image'; ThinkingLevel = 'Medium' }; Id = 'GeminiImage.InvalidThinkingLevel' }
        @{ Name = 'a thinking level on gemini-3-pro-image'; Params = @{ Model = 'gemini-3-pro-image'; ThinkingLevel = 'High' }; Id = 'GeminiImage.InvalidThinkingLevel' }
        @{ Name = '-GoogleSearch on the Lite model'; Params = @{ Model = 'gemini-3.1-flash-lite-image'; GoogleSearch = $true }; Id = 'GeminiImage.GoogleSearchNotSupported' }
        @{ Name = 'image search on gemini-3-pro-image'; Params = @{ Model = 'gemini-3-pro-image'; SearchType = 'Image' }; Id = 'GeminiImage.GoogleSearchNotSupported' }
        @{ Name = '-ImageSize 4K on the Lite model'; Params = @{ Model = 'gemini-3.1-flash-lite-image'; ImageSize = '4K' }; Id = 'GeminiImage.InvalidImageSize' }
        @{ Name = '-ImageSize 512 on gemini-3-pro-image'; Params = @{ Model = 'gemini-3-pro-image'; ImageSize = '512' }; Id = 'GeminiImage.InvalidImageSize' }
    ) {
        $err = $null
        $a = $Params
        New-GeminiImage 'refused' @a -OutputDirectory $Out -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id*"
        $err[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'the same options reach Edit-GeminiImage, Send-GeminiImageChat and Invoke-GeminiBatch' {
        $src = New-GeminiImage 'a base image' -OutputDirectory $Out
        $null = $src | Edit-GeminiImage 'make it grounded' -GoogleSearch -NoStore -OutputDirectory $Out
        $chat = Start-GeminiImageChat -OutputDirectory $Out
        $null = Send-GeminiImageChat -Chat $chat 'a chat turn' -ThinkingLevel Minimal -NoStore
        $null = @([pscustomobject]@{ Id = 'r1'; Prompt = 'a batch row' }) | Invoke-GeminiBatch -OutputDirectory (Join-Path $Out 'batch') -ImageOnly -NoStore
        $bodies = @($Emulator.Requests | Select-Object -Skip 1 | ForEach-Object { $_.RawJson | ConvertFrom-Json -AsHashtable })
        $bodies.Count | Should -Be 3
        $bodies | ForEach-Object { $_.store | Should -BeFalse }
        $bodies[0].tools[0].ContainsKey('googleSearch') | Should -BeTrue
        $bodies[1].generationConfig.thinkingConfig.thinkingLevel | Should -BeExactly 'MINIMAL'
        $bodies[2].generationConfig.responseModalities | Should -Be @('IMAGE')
    }
}

Describe 'Tab completion' {
    It 'completes models and aspect ratios' {
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
        $models = Complete 'New-GeminiImage x -Model gemini-3'
        $models | Should -Contain 'gemini-3-pro-image'
        $models | Should -Not -Contain 'gemini-2.5-flash-image'
        # Shut-down ids are not offered.
        $models | Should -Not -Contain 'gemini-3-pro-image-preview'
        Complete 'New-GeminiImage x -AspectRatio 16' | Should -Be @('16:9')
        Complete 'New-GeminiImage x -Model gemini-3.1-flash-image -AspectRatio 1:' | Should -Contain '1:8'
        $sizes = Complete 'New-GeminiImage x -Model gemini-3-pro-image -ImageSize '
        $sizes | Should -Be @('1K', '2K', '4K')
    }

    It 'offers no -ImageSize for a fixed-size model' {
        function Complete([string] $Line) { (TabExpansion2 -inputScript $Line -cursorColumn $Line.Length).CompletionMatches.CompletionText }
        $sizes = @(Complete 'New-GeminiImage x -Model gemini-2.5-flash-image -ImageSize ')
        foreach ($size in '512', '1K', '2K', '4K') { $sizes | Should -Not -Contain $size }
        Complete 'New-GeminiImage x -Model gemini-3.1-flash-image -ImageSize ' | Should -Contain '512'
    }
}

Describe 'New-GeminiImage -ThrottleLimit' {
    BeforeAll {
        # Small answers: these tests are about timing and order, not image size.
        $Emulator.ImageFile = Join-Path $RepoRoot 'tests/unit/data/images/good.png'
        $script:ResultType = 'GeminiImage.Engine.Generation.GeminiImageResult'
        # The generateContent requests of the last run, in the order they arrived.
        function Get-Generations { @($Emulator.Requests | Where-Object Path -like '*:generateContent' | Sort-Object Time) }
    }
    AfterAll {
        $Emulator.ImageFile = [NullString]::Value
        $Emulator.Latency = [timespan]::Zero
    }
    BeforeEach {
        $Emulator.Reset()
        $Emulator.Latency = [timespan]::FromMilliseconds(1500)
        $script:Out = New-TestFolder 'throttle'
    }

    It 'sends piped prompts at once and writes each result as it finishes' {
        $images = 'one', 'two', 'three', 'four' | New-GeminiImage -OutputDirectory $Out -ThrottleLimit 4
        $images.Count | Should -Be 4
        $sent = Get-Generations
        $sent.Count | Should -Be 4
        # One at a time, each request would start after the previous one's 1.5 s answer.
        ($sent[-1].Time - $sent[0].Time).TotalMilliseconds | Should -BeLessThan 1500 -Because 'all four requests were in flight together'
        @(Get-ChildItem -LiteralPath $Out -Filter *.png).Count | Should -Be 4
    }

    It 'writes results as they finish, or in input order with -KeepOrder' {
        $Emulator.Latency = [timespan]::Zero
        $prompts = '[emulator:slow=2000] slow first', 'quick second'
        ($prompts | New-GeminiImage -OutputDirectory $Out -ThrottleLimit 2).Prompt | Should -Be @('quick second', '[emulator:slow=2000] slow first')
        ($prompts | New-GeminiImage -OutputDirectory $Out -ThrottleLimit 2 -KeepOrder).Prompt | Should -Be $prompts
    }

    It 'runs -Count requests together, naming an -OutFile''s images -2, -3 ...' {
        $file = Join-Path $Out 'fox.png'
        $images = New-GeminiImage 'fox' -Count 3 -OutFile $file -ThrottleLimit 3
        ($images.Path | Sort-Object) | Should -Be (@($file, (Join-Path $Out 'fox-2.png'), (Join-Path $Out 'fox-3.png')) | Sort-Object)
        $sent = Get-Generations
        ($sent[-1].Time - $sent[0].Time).TotalMilliseconds | Should -BeLessThan 1500
        # Automatic names of requests in flight together never collide either.
        $auto = New-GeminiImage 'same words' -Count 3 -OutputDirectory $Out -ThrottleLimit 3
        @($auto.Path | Sort-Object -Unique).Count | Should -Be 3
        $auto.Path | Should -Exist
    }

    It 'gives each failed item its own error record and keeps the others' {
        $Emulator.Latency = [timespan]::FromMilliseconds(200)
        $errs = $null
        $images = 'good one', '[emulator:block] bad one', 'good two' | New-GeminiImage -OutputDirectory $Out -ThrottleLimit 3 -ErrorVariable errs -ErrorAction SilentlyContinue
        $images.Count | Should -Be 2
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.PromptBlocked*'
        $errs[0].TargetObject | Should -Be '[emulator:block] bad one'
    }

    It 'keeps the usage ledger open while its items run (one open, not one per record) and closes it when the command ends' -Skip:$OnWindows {
        $Emulator.Latency = [timespan]::FromMilliseconds(300)
        # Descriptors of this process open on the ledger's files (usage.db and its WAL).
        function Get-LedgerHandles { @(Get-ChildItem "/proc/$PID/fd" | Where-Object { "$($_.LinkTarget)" -like '*usage.db*' }) }
        $script:during = $null
        $images = 'first', 'second' | ForEach-Object {
            if ($_ -eq 'second') {
                # The first request reached the emulator: its reservation is written; before, its connection was closed again.
                $deadline = [DateTime]::UtcNow.AddSeconds(20)
                while ($Emulator.RequestCount -lt 1 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 10 }
                $script:during = (Get-LedgerHandles).Count
            }
            $_
        } | New-GeminiImage -OutputDirectory $Out -ThrottleLimit 2
        $images.Count | Should -Be 2
        $script:during | Should -BeGreaterThan 0 -Because 'the ledger is held open for the whole command'
        (Get-LedgerHandles).Count | Should -Be 0 -Because 'the command closes it when it ends'
        @(Get-GeminiUsage -Last 2).Count | Should -Be 2
    }

    It 'stops promptly on Ctrl+C with requests in flight, leaving no files' {
        $Emulator.Latency = [timespan]::Zero
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModulePath'; '[emulator:hang] a', '[emulator:hang] b', '[emulator:hang] c' | New-GeminiImage -OutputDirectory '$Out' -ThrottleLimit 3")
        $handle = $ps.BeginInvoke()
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        while ($Emulator.RequestCount -lt 3 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
        $Emulator.RequestCount | Should -Be 3
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $handle.IsCompleted | Should -BeTrue
        $ps.Dispose()
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 2
        Get-ChildItem -LiteralPath $Out -Force -Recurse | Should -BeNullOrEmpty
    }
}

# In-memory output (issue 15: "an option to get the image bytes on the result, for scripts that upload without touching disk").
Describe 'New-GeminiImage -AsBytes' {
    BeforeAll {
        $script:SavedHome = $env:GEMINI_IMAGE_HOME
        $Emulator.ImageFile = Join-Path $RepoRoot 'tests/unit/data/images/good.png'
    }
    AfterAll {
        $Emulator.ImageFile = [NullString]::Value
        $Emulator.Latency = [timespan]::Zero
        $env:GEMINI_IMAGE_HOME = $script:SavedHome
    }
    BeforeEach {
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'asbytes-home'
        $script:Out = New-TestFolder 'asbytes'
        $Emulator.Reset()
        $Emulator.Latency = [timespan]::Zero
    }

    It 'puts the image (provenance included) on the result''s Bytes, writes no file, and records the call in the ledger' {
        Push-Location -LiteralPath $Out
        try { $image = New-GeminiImage 'a paper plane icon' -AsBytes -Tag web }
        finally { Pop-Location }
        $image | Should -HaveCount 1
        $image.Path | Should -BeNullOrEmpty
        $image.Bytes.Length | Should -BeGreaterThan 100
        [System.Text.Encoding]::ASCII.GetString($image.Bytes, 1, 3) | Should -Be 'PNG'
        $image.Cost | Should -BeGreaterThan 0
        Get-ChildItem -LiteralPath $Out -Force | Should -BeNullOrEmpty
        Get-ChildItem -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'fallback') -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $record = @(Get-GeminiUsage)
        $record | Should -HaveCount 1
        $record[0].Status | Should -Be 'Success'
        $record[0].Cost | Should -Be $image.Cost
        $record[0].Path | Should -BeNullOrEmpty
        # The same bytes a file would hold: the prompt travels inside them.
        $copy = Join-Path $Out 'copy.png'
        [System.IO.File]::WriteAllBytes($copy, $image.Bytes)
        (Get-GeminiImageInfo -LiteralPath $copy).Provenance.Prompt | Should -Be 'a paper plane icon'
        # The default view says where the image is.
        ($image | Out-String -Width 80) | Should -Match '\(in memory, [\d,]+ bytes\)'
    }

    It '-WhatIf sends nothing and writes nothing' {
        New-GeminiImage 'a paper plane icon' -AsBytes -WhatIf | Should -BeNullOrEmpty
        $Emulator.RequestCount | Should -Be 0
        @(Get-GeminiUsage) | Should -BeNullOrEmpty
    }

    It 'refuses -<Name> with -AsBytes before sending (GeminiImage.AsBytesConflict)' -ForEach @(
        @{ Name = 'OutFile'; Splat = @{ OutFile = 'x.png' } }
        @{ Name = 'OutputDirectory'; Splat = @{ OutputDirectory = '.' } }
        @{ Name = 'Force'; Splat = @{ Force = $true } }
        @{ Name = 'IncludeThoughts'; Splat = @{ IncludeThoughts = $true } }
    ) {
        $err = $null
        New-GeminiImage 'a paper plane icon' -AsBytes @Splat -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.AsBytesConflict,*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err[0].Exception.Message | Should -Match "-$Name"
        $Emulator.RequestCount | Should -Be 0
    }

    It 'answers a repeat from the response cache in memory too, at no cost' {
        $first = New-GeminiImage 'a paper plane icon' -AsBytes -Cache
        $again = New-GeminiImage 'a paper plane icon' -AsBytes -Cache
        $Emulator.RequestCount | Should -Be 1
        $again.FromCache | Should -BeTrue
        $again.Path | Should -BeNullOrEmpty
        [Convert]::ToBase64String($again.Bytes) | Should -Be ([Convert]::ToBase64String($first.Bytes))
    }

    It 'never loses a paid image: what a stopped pipeline did not take is kept in the fallback folder' {
        $Emulator.Latency = [timespan]::FromMilliseconds(300)
        $taken = @(New-GeminiImage 'a paper plane icon' -AsBytes -Count 3 -ThrottleLimit 3 | Select-Object -First 1)
        $taken | Should -HaveCount 1
        $paid = @(Get-GeminiUsage | Where-Object Status -eq 'Success').Count
        $paid | Should -BeGreaterThan 1
        $kept = @(Get-ChildItem -LiteralPath (Join-Path $env:GEMINI_IMAGE_HOME 'fallback') -Filter *.png -ErrorAction SilentlyContinue)
        # Every paid image reached the pipeline's end or the fallback folder (the one Select-Object took may be kept too).
        $kept.Count | Should -BeGreaterOrEqual ($paid - 1)
        foreach ($file in $kept) { (Get-GeminiImageInfo -LiteralPath $file.FullName).Provenance.Prompt | Should -Be 'a paper plane icon' }
    }
}

# Every example of Get-Help New-GeminiImage -Examples runs as written against the emulator (issue 15).
Describe 'New-GeminiImage help examples' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
        $script:SavedHome = $env:GEMINI_IMAGE_HOME
        $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
    }
    AfterAll { $env:GEMINI_IMAGE_HOME = $script:SavedHome }
    BeforeEach {
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'new-examples-home'
        $script:Work = New-TestFolder 'new-examples'
        $Emulator.Reset()
    }

    It 'example 1 saves one 1376x768 PNG in the current folder' {
        $r = Invoke-HelpExample New-GeminiImage 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        "$($r.Output[0].Width)x$($r.Output[0].Height)" | Should -Be '1376x768'
        Split-Path $r.Output[0].Path | Should -Be $Work
        $r.Output[0].Name | Should -BeLike 'a-red-fox-in-fresh-snow-at-golden-hour-p-*.png'
    }

    It 'example 2 quotes without sending' {
        $r = Invoke-HelpExample New-GeminiImage 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
        $Emulator.RequestCount | Should -Be 0
    }

    It 'example 3 makes one image per line (blank lines skipped) and lists the failed prompts with their ids' {
        Set-Content -LiteralPath (Join-Path $Work 'prompts.txt') -Value 'a tulip field', '', 'a fox [emulator:block]', 'a daffodil'
        $r = Invoke-HelpExample New-GeminiImage 3 -In $Work
        @($r.Output | Where-Object { $_ -isnot [string] }) | Should -HaveCount 2
        @(Get-ChildItem -LiteralPath (Join-Path $Work 'out') -Filter *.png) | Should -HaveCount 2
        @($r.Output | Where-Object { $_ -is [string] }) | Should -Be @('a fox [emulator:block]: GeminiImage.PromptBlocked')
        $r.Errors | Should -HaveCount 1   # -ErrorVariable keeps the error on the error stream too
    }

    It 'example 4 makes the catalog named in the CSV' {
        Set-Content -LiteralPath (Join-Path $Work 'products.csv') -Value @(
            'Prompt,AspectRatio,OutFile,Tag'
            '"A ceramic mug on a wooden table, morning light",4:3,.\catalog\mug.png,kitchen'
            '"A linen tote bag hanging on a hook, studio shot",3:4,.\catalog\tote.png,bags')
        $r = Invoke-HelpExample New-GeminiImage 4 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath (Join-Path $Work 'catalog')).Name | Sort-Object | Should -Be @('mug.png', 'tote.png')
        (Get-GeminiImageInfo -LiteralPath (Join-Path $Work 'catalog/mug.png')).Provenance.Tag | Should -Be 'kitchen'
    }

    It 'example 5 combines two photos into cat-on-sofa.png' {
        Copy-Item -LiteralPath (Join-Path $Corpus 'good.jpg') -Destination (Join-Path $Work 'cat.jpg')
        Copy-Item -LiteralPath (Join-Path $Corpus 'rotated-exif.jpg') -Destination (Join-Path $Work 'living-room.jpg')
        $r = Invoke-HelpExample New-GeminiImage 5 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0].Path | Should -Be (Join-Path $Work 'cat-on-sofa.png')
        $Emulator.Requests[-1].InputImageCount | Should -Be 2
    }

    It 'example 6 embeds the image without writing a file' {
        $r = Invoke-HelpExample New-GeminiImage 6 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -HaveCount 1
        $r.Output[0] | Should -Match '^<img alt="paper plane" src="data:image/png;base64,[A-Za-z0-9+/=]{100,}">$'
        Get-ChildItem -LiteralPath $Work -Force | Should -BeNullOrEmpty
    }
}
