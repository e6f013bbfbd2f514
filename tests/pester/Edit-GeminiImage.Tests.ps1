BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Emulator = Start-TestEmulator
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
    $script:Good = @('good.png', 'good.jpg', 'good.webp', 'jpeg-named.png', 'rotated-exif.jpg', 'anim.gif', 'small.bmp',
        'small.tiff', 'small.tga', 'small.pbm', 'big.png', 'photo [1].png', 'café ünïcode.png')
    $script:Bad = @{
        'empty.png'     = 'GeminiImage.InvalidImage'
        'truncated.png' = 'GeminiImage.InvalidImage'
        'truncated.jpg' = 'GeminiImage.InvalidImage'
        'text.png'      = 'GeminiImage.UnsupportedImageFormat'
        'bomb.png'      = 'GeminiImage.ImageTooLarge'
    }
    function Copy-Corpus([string[]] $Names) {
        $dir = New-TestFolder 'edit-in'
        foreach ($n in $Names) { Copy-Item -LiteralPath (Join-Path $Corpus $n) -Destination (Join-Path $dir $n) }
        $dir
    }
    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash.ToLowerInvariant() }
}
AfterAll { Stop-GeminiEmulator }

Describe 'Edit-GeminiImage' {
    BeforeEach { $Emulator.Reset() }

    It 'edits every good image in a mixed folder and refuses each bad one without a request' {
        $in = Copy-Corpus ($Good + $Bad.Keys)
        New-Item -ItemType Directory -Path (Join-Path $in 'a-folder') | Out-Null
        $out = New-TestFolder 'edit-out'
        $err = $null
        $results = Get-ChildItem -LiteralPath $in | Edit-GeminiImage 'put it on a white studio background' -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue -WarningAction SilentlyContinue
        @($results).Count | Should -Be $Good.Count
        $Emulator.RequestCount | Should -Be $Good.Count
        foreach ($name in $Bad.Keys) {
            $e = $err | Where-Object { [System.IO.Path]::GetFileName([string]$_.TargetObject) -eq $name }
            $e | Should -Not -BeNullOrEmpty -Because "$name must be refused"
            $e.FullyQualifiedErrorId | Should -BeLike "$($Bad[$name])*"
            $e.CategoryInfo.Category | Should -Be 'InvalidData'
        }
        $folderError = $err | Where-Object { ([string]$_.TargetObject).EndsWith('a-folder') }
        $folderError.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
        $folderError.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $results[0].SourcePath | Should -Not -BeNullOrEmpty
        $results | ForEach-Object { [System.IO.File]::Exists($_.Path) | Should -BeTrue; Split-Path $_.Path -Parent | Should -Be $out }
    }

    It 'sends a JPEG named .png as JPEG and converts BMP to PNG' {
        $in = Copy-Corpus @('jpeg-named.png', 'small.bmp')
        Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'jpeg-named.png') -OutputDirectory $in | Out-Null
        $Emulator.Requests[0].RawJson | Should -Match '"mimeType":\s*"image/jpeg"'
        Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'small.bmp') -OutputDirectory $in | Out-Null
        $Emulator.Requests[1].RawJson | Should -Match '"mimeType":\s*"image/png"'
    }

    It 'writes NAME-edited next to the source, numbers when taken, and never re-reads its own output' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        Get-ChildItem -LiteralPath $in | Edit-GeminiImage 'make it night' | Out-Null
        $names = (Get-ChildItem -LiteralPath $in).Name | Sort-Object
        $names | Should -Be @('good-edited-2.png', 'good-edited.png', 'good.jpg', 'good.png')
        $Emulator.RequestCount | Should -Be 2
        Edit-GeminiImage 'again' -LiteralPath (Join-Path $in 'good.png') | Out-Null
        (Get-ChildItem -LiteralPath $in).Name | Should -Contain 'good-edited-3.png'
    }

    It 'refuses to overwrite unless -Force' {
        $in = Copy-Corpus @('good.png')
        $src = Join-Path $in 'good.png'
        $taken = Join-Path $in 'good-v.png'
        (Edit-GeminiImage 'one' -LiteralPath $src -Suffix '-v').Path | Should -Be $taken
        [System.IO.File]::WriteAllText($taken, 'keep me')   # a marker: any overwrite replaces it

        $err = $null
        $second = Edit-GeminiImage 'two' -LiteralPath $src -Suffix '-v' -ErrorVariable err -ErrorAction SilentlyContinue
        $err | Should -BeNullOrEmpty
        $second.Path | Should -Be (Join-Path $in 'good-v-2.png')
        [System.IO.File]::ReadAllText($taken) | Should -Be 'keep me' -Because 'without -Force the existing output stays as it was'

        (Edit-GeminiImage 'three' -LiteralPath $src -Suffix '-v' -Force).Path | Should -Be $taken
        [System.IO.File]::ReadAllText($taken) | Should -Not -Be 'keep me' -Because '-Force overwrites'
        (Get-ChildItem -LiteralPath $in).Name | Sort-Object | Should -Be @('good-v-2.png', 'good-v.png', 'good.png')
    }

    It 'never overwrites an input image, even with an empty -Suffix and -Force: a clear error, nothing sent' {
        $in = Copy-Corpus @('good.png')
        $source = Join-Path $in 'good.png'
        $before = Get-Sha256 $source
        $err = $null
        Edit-GeminiImage 'x' $source -Suffix '' -Force -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputIsInput*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be $source
        $Emulator.RequestCount | Should -Be 0
        Get-Sha256 $source | Should -Be $before
        # A model that writes JPEG does not touch good.png: its real output name differs.
        $jpeg = Edit-GeminiImage 'x' $source -Suffix '' -Force -Model gemini-3-pro-image
        $jpeg.Path | Should -Be (Join-Path $in 'good.jpg')
        Get-Sha256 $source | Should -Be $before
    }

    It 'a path on another provider (Env:PATH) is GeminiImage.NotAFileSystemPath, before sending' {
        $err = $null
        Edit-GeminiImage 'x' -Path Env:PATH -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.NotAFileSystemPath*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err[0].TargetObject | Should -Be 'Env:PATH'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'refuses an output folder it cannot write before sending, once per image' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $locked = New-UnwritableTestFolder
        if (-not $locked) { Set-ItResult -Skipped -Because 'no way to make an unwritable folder here'; return }
        try {
            $err = $null
            Get-ChildItem -LiteralPath $in | Edit-GeminiImage 'x' -OutputDirectory $locked -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            @($err).Count | Should -Be 2
            $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputFolderUnavailable*' }
            $Emulator.RequestCount | Should -Be 0
        }
        finally { Remove-SpecialTestFolder $locked }
    }

    It 'resolves wildcards through -Path and brackets through -LiteralPath and piped FileInfo' {
        $in = Copy-Corpus @('good.png', 'good.jpg', 'photo [1].png', 'café ünïcode.png')
        $out = New-TestFolder 'edit-out'
        (Edit-GeminiImage 'x' -Path (Join-Path $in 'good.*') -OutputDirectory $out).Count | Should -Be 2
        (Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'photo [1].png') -OutputDirectory $out).SourcePath | Should -Be (Join-Path $in 'photo [1].png')
        (Get-Item -LiteralPath (Join-Path $in 'photo [1].png') | Edit-GeminiImage 'x' -OutputDirectory $out).Name | Should -Be 'photo [1]-edited-2.png'
        (Get-Item -LiteralPath (Join-Path $in 'café ünïcode.png') | Edit-GeminiImage 'x' -OutputDirectory $out).Name | Should -Be 'café ünïcode-edited.png'
        $Emulator.RequestCount | Should -Be 5
    }

    It 'reports a path that does not exist without a request' {
        $err = $null
        Edit-GeminiImage 'x' -Path (Join-Path $TestDrive 'nope*.png') -ErrorVariable err -ErrorAction SilentlyContinue
        Edit-GeminiImage 'x' -LiteralPath (Join-Path $TestDrive 'missing.png') -ErrorVariable +err -ErrorAction SilentlyContinue
        $err.Count | Should -Be 2
        $err | ForEach-Object { $_.FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'; $_.CategoryInfo.Category | Should -Be 'ObjectNotFound' }
        $Emulator.RequestCount | Should -Be 0
    }

    It 'takes the objects New-GeminiImage emits' {
        $out = New-TestFolder 'chain'
        $edited = New-GeminiImage 'a fox' -OutputDirectory $out | Edit-GeminiImage 'make it night'
        $edited.SourcePath | Should -BeLike (Join-Path $out 'a-fox-*.png')
        $edited.Name | Should -BeLike 'a-fox-*-edited.png'
        $Emulator.Requests[1].InputImageCount | Should -Be 1
    }

    It 'adds -ReferenceImage after each edited image' {
        $in = Copy-Corpus @('good.png', 'good.jpg', 'good.webp')
        Edit-GeminiImage 'use this style' -LiteralPath (Join-Path $in 'good.png') -ReferenceImage (Join-Path $in 'good.webp') -OutputDirectory $in | Out-Null
        $Emulator.Requests[0].InputImageHashes | Should -Be @((Get-Sha256 (Join-Path $in 'good.png')), (Get-Sha256 (Join-Path $in 'good.webp')))
    }

    It '-WhatIf sends nothing' {
        $in = Copy-Corpus @('good.png')
        Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'good.png') -WhatIf
        $Emulator.RequestCount | Should -Be 0
        (Get-ChildItem -LiteralPath $in).Count | Should -Be 1
    }

    It 'keeps provenance in the saved file' {
        $in = Copy-Corpus @('good.png')
        $r = Edit-GeminiImage 'provenance please' -LiteralPath (Join-Path $in 'good.png') -Tag shop
        $text = [System.Text.Encoding]::UTF8.GetString([System.IO.File]::ReadAllBytes($r.Path))
        $text | Should -Match 'provenance please'
        $text | Should -Match 'good\.png'
    }
}

Describe 'Edit-GeminiImage has what New-GeminiImage has (issue 15)' {
    BeforeEach { $Emulator.Reset() }

    It 'takes -OutFile, -Count, -Seed, -Temperature and -SystemInstruction' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $out = New-TestFolder 'edit-outfile'
        $r = Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'good.png') -OutFile (Join-Path $out 'night.png') -Count 2 -Seed 7 -Temperature 0.5 -SystemInstruction 'be subtle'
        $r.Path | Should -Be @((Join-Path $out 'night.png'), (Join-Path $out 'night-2.png'))
        $Emulator.RequestCount | Should -Be 2
        $json = $Emulator.Requests[0].RawJson
        $json | Should -Match '"seed":\s*7'
        $json | Should -Match '"temperature":\s*0\.5'
        $json | Should -Match 'be subtle'
        # a further source continues the numbering rather than refusing the taken name
        (Edit-GeminiImage 'x' -Path (Join-Path $in 'good.*') -OutFile (Join-Path $out 'two.png')).Name | Should -Be @('two.png', 'two-2.png')
        # -Count without -OutFile numbers the edited names, -Force or not
        (Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'good.png') -OutputDirectory $out -Count 2 -Force).Name | Should -Be @('good-edited.png', 'good-edited-2.png')
    }

    It 'binds Prompt, Model, AspectRatio, OutputDirectory and Tag from pipeline properties (Import-Csv edits.csv | Edit-GeminiImage)' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $out = New-TestFolder 'edit-csv'
        $csv = Join-Path $in 'edits.csv'
        @(
            [pscustomobject]@{ Path = (Join-Path $in 'good.png'); Prompt = 'make it night'; Model = 'gemini-3-pro-image'; AspectRatio = '16:9'; OutputDirectory = $out; Tag = 'night' }
            [pscustomobject]@{ Path = (Join-Path $in 'good.jpg'); Prompt = 'make it winter'; Model = 'gemini-2.5-flash-image'; AspectRatio = '4:3'; OutputDirectory = $out; Tag = 'winter' }
        ) | Export-Csv -LiteralPath $csv -NoTypeInformation
        $r = Import-Csv -LiteralPath $csv | Edit-GeminiImage
        $r.Prompt | Should -Be @('make it night', 'make it winter')
        $r.Model | Should -Be @('gemini-3-pro-image', 'gemini-2.5-flash-image')
        $r.AspectRatio | Should -Be @('16:9', '4:3')
        $r | ForEach-Object { Split-Path $_.Path -Parent | Should -Be $out }
        $r[1].Tags | Should -Be @('winter')
        $Emulator.Requests[0].Model | Should -Be 'gemini-3-pro-image'
    }

    It 'keeps the model of a piped New-GeminiImage result' {
        $out = New-TestFolder 'edit-keep-model'
        $r = New-GeminiImage 'a fox' -Model gemini-3-pro-image -OutputDirectory $out | Edit-GeminiImage 'make it night'
        $r.Model | Should -Be 'gemini-3-pro-image'
        $Emulator.Requests[1].Model | Should -Be 'gemini-3-pro-image'
        # -Model on the command line still wins
        (New-GeminiImage 'a fox' -Model gemini-3-pro-image -OutputDirectory $out | Edit-GeminiImage 'make it night' -Model gemini-2.5-flash-image).Model | Should -Be 'gemini-2.5-flash-image'
    }

    It 'expands wildcards in -ReferenceImage, in New and Edit alike' {
        $in = Copy-Corpus @('good.png', 'good.jpg', 'good.webp')
        $refs = New-TestFolder 'refs'
        Copy-Item (Join-Path $in 'good.jpg') (Join-Path $refs 'a.jpg'); Copy-Item (Join-Path $in 'good.webp') (Join-Path $refs 'b.jpg')
        New-GeminiImage 'x' -ReferenceImage (Join-Path $refs '*.jpg') -OutputDirectory $in | Out-Null
        $Emulator.Requests[0].InputImageCount | Should -Be 2
        Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'good.png') -ReferenceImage (Join-Path $refs '*.jpg') | Out-Null
        $Emulator.Requests[1].InputImageCount | Should -Be 3
        $Emulator.Requests[1].InputImageHashes[1] | Should -Be (Get-Sha256 (Join-Path $refs 'a.jpg'))
    }

    It 'a missing reference image is one non-terminating GeminiImage.ImageNotFound naming the file, in New and Edit alike, nothing sent' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $missing = Join-Path $in 'nope.png'
        foreach ($call in @(
                { 'a', 'b' | New-GeminiImage -ReferenceImage $missing -OutputDirectory $in -ErrorVariable err -ErrorAction SilentlyContinue },
                { Get-ChildItem -LiteralPath $in -Filter good.* | Edit-GeminiImage 'x' -ReferenceImage $missing -ErrorVariable err -ErrorAction SilentlyContinue })) {
            $err = $null
            . $call | Should -BeNullOrEmpty
            @($err).Count | Should -Be 1
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
            "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
            $err[0].TargetObject | Should -Be $missing
        }
        $Emulator.RequestCount | Should -Be 0
        # a pattern that matches nothing is the same error
        $err = $null
        New-GeminiImage 'x' -ReferenceImage (Join-Path $in 'none*.png') -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
    }

    It '-WhatIf reads no image (no conversion, no downscaling) and stays quick' {
        $in = Copy-Corpus @('small.bmp', 'anim.gif', 'big.png', 'truncated.png')
        $w = $null; $err = $null
        Get-ChildItem -LiteralPath $in | Edit-GeminiImage 'x' -WhatIf -WarningVariable w -ErrorVariable err
        $w | Should -BeNullOrEmpty -Because 'converting BMP or GIF means decoding it, which -WhatIf must not do'
        $err | Should -BeNullOrEmpty
        $Emulator.RequestCount | Should -Be 0
        (Get-ChildItem -LiteralPath $in).Count | Should -Be 4
        # without -WhatIf the same images are read and checked as before
        Edit-GeminiImage 'x' -LiteralPath (Join-Path $in 'small.bmp') -WarningVariable w | Out-Null
        $w | Should -Not -BeNullOrEmpty
    }
}

Describe 'Composition with New-GeminiImage -ReferenceImage' {
    BeforeEach { $Emulator.Reset() }

    It 'sends the images in order' {
        $in = Copy-Corpus @('good.jpg', 'good.png')
        New-GeminiImage 'the person from the first image in the scene of the second' -ReferenceImage (Join-Path $in 'good.jpg'), (Join-Path $in 'good.png') -OutputDirectory $in | Out-Null
        $Emulator.Requests[0].InputImageHashes | Should -Be @((Get-Sha256 (Join-Path $in 'good.jpg')), (Get-Sha256 (Join-Path $in 'good.png')))
    }

    It 'refuses more images than the model takes, naming the limit, before any request' {
        $in = Copy-Corpus @('good.jpg', 'good.png', 'good.webp', 'small.bmp')
        $err = $null
        New-GeminiImage 'too many' -Model gemini-2.5-flash-image -ReferenceImage (Get-ChildItem $in).FullName -OutputDirectory $in -ErrorVariable err -ErrorAction SilentlyContinue
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.TooManyImages*'
        $err[0].Exception.Message | Should -Match 'at most 3'
        $Emulator.RequestCount | Should -Be 0
    }
}

Describe 'Edit-GeminiImage -ThrottleLimit' {
    BeforeAll { $Emulator.ImageFile = Join-Path $Corpus 'good.png' }
    AfterAll {
        $Emulator.ImageFile = [NullString]::Value
        $Emulator.Latency = [timespan]::Zero
    }
    BeforeEach { $Emulator.Reset() }

    It 'edits piped files at once, names outputs as one at a time would, and reports each bad file' {
        $Emulator.Latency = [timespan]::FromMilliseconds(1500)
        $in = Copy-Corpus @('good.png', 'good.jpg', 'good.webp', 'small.bmp', 'empty.png')
        $errs = $null
        $images = Get-ChildItem -LiteralPath $in | Sort-Object Name | Edit-GeminiImage 'make it night' -ThrottleLimit 4 -KeepOrder -ErrorVariable errs -ErrorAction SilentlyContinue
        $images.SourcePath | Should -Be @((Get-ChildItem -LiteralPath $in | Where-Object Name -ne 'empty.png' | Where-Object Name -notlike '*-edited*' | Sort-Object Name).FullName)
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidImage*'
        $sent = @($Emulator.Requests | Sort-Object Time)
        $sent.Count | Should -Be 4
        ($sent[-1].Time - $sent[0].Time).TotalMilliseconds | Should -BeLessThan 1500 -Because 'the four edits were in flight together'
        # good.png and good.jpg both become good-edited*: requests in flight together never take the same name.
        @($images.Path | Sort-Object -Unique).Count | Should -Be 4
        $images.Path | Should -Exist
    }
}

Describe 'Edit-GeminiImage -AsBytes (issue 15)' {
    BeforeAll { $Emulator.ImageFile = Join-Path $Corpus 'good.png' }
    AfterAll { $Emulator.ImageFile = [NullString]::Value }
    BeforeEach { $Emulator.Reset() }

    It 'returns each edit''s bytes and writes nothing beside the sources' {
        $dir = Copy-Corpus 'good.png', 'good.jpg'
        $edits = @(Get-ChildItem -LiteralPath $dir | Edit-GeminiImage 'make it night' -AsBytes)
        $edits | Should -HaveCount 2
        foreach ($e in $edits) {
            $e.Path | Should -BeNullOrEmpty
            $e.Bytes.Length | Should -BeGreaterThan 100
            $e.SourcePath | Should -BeLike (Join-Path $dir 'good.*')
        }
        @(Get-ChildItem -LiteralPath $dir -Force).Name | Sort-Object | Should -Be @('good.jpg', 'good.png')
    }

    It 'refuses -OutFile with -AsBytes before sending (GeminiImage.AsBytesConflict)' {
        $dir = Copy-Corpus 'good.png'
        $err = $null
        Edit-GeminiImage 'make it night' -LiteralPath (Join-Path $dir 'good.png') -AsBytes -OutFile (Join-Path $dir 'x.png') -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.AsBytesConflict,*'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'edits a piped -AsBytes result in memory: New -AsBytes | Edit -AsBytes writes no file anywhere' {
        $dir = New-TestFolder 'edit-mem'
        Push-Location -LiteralPath $dir
        try { $night = New-GeminiImage 'a red fox' -AsBytes | Edit-GeminiImage 'make it night' -AsBytes }
        finally { Pop-Location }
        $night | Should -HaveCount 1
        $night.Path | Should -BeNullOrEmpty
        $night.SourcePath | Should -BeNullOrEmpty
        $night.Prompt | Should -Be 'make it night'
        $night.Bytes.Length | Should -BeGreaterThan 100
        $Emulator.RequestCount | Should -Be 2
        # The second request carried the first answer's image.
        $Emulator.Requests[1].InputImageCount | Should -Be 1
        Get-ChildItem -LiteralPath $dir -Force | Should -BeNullOrEmpty
    }

    It 'saves the edit of an image in memory in -OutputDirectory, named from the prompt' {
        $out = New-TestFolder 'edit-mem-out'
        $bytes = [System.IO.File]::ReadAllBytes((Join-Path $Corpus 'good.jpg'))
        $edit = [pscustomobject]@{ Bytes = $bytes } | Edit-GeminiImage 'make it night' -OutputDirectory $out
        $edit.Path | Should -BeLike (Join-Path $out '*.png')
        Test-Path -LiteralPath $edit.Path | Should -BeTrue
        $edit.Name | Should -Match 'make-it-night'
    }

    It 'says what is missing when the path is empty and there are no bytes (GeminiImage.ImageNotFound), before sending' {
        $err = $null
        Edit-GeminiImage 'make it night' -Path '' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err | Should -HaveCount 1
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound,*'
        "$($err[0].CategoryInfo.Category)" | Should -Be 'ObjectNotFound'
        $err[0].Exception.Message | Should -Match 'AsBytes'
        $Emulator.RequestCount | Should -Be 0
    }

    It 'keeps a piped in-memory image in the fallback folder when its edit <Case>, and says where' -TestCases @(
        @{ Case = 'is blocked'; Prompt = '[emulator:block] make it night'; Id = 'GeminiImage.PromptBlocked'; Sent = 2 }
        @{ Case = 'is refused before sending'; Prompt = ' '; Id = 'GeminiImage.EmptyPrompt'; Sent = 1 }
    ) {
        $fallback = Join-Path $env:GEMINI_IMAGE_HOME 'fallback'
        Remove-Item -LiteralPath $fallback -Recurse -Force -ErrorAction SilentlyContinue
        $out = New-TestFolder 'edit-mem-kept'
        $err = $null; $warn = $null
        New-GeminiImage 'a red fox' -AsBytes | Edit-GeminiImage $Prompt -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue -WarningVariable warn -WarningAction SilentlyContinue |
            Should -BeNullOrEmpty
        $Emulator.RequestCount | Should -Be $Sent
        $err[0].FullyQualifiedErrorId | Should -BeLike "$Id,*"
        $kept = @(Get-ChildItem -LiteralPath $fallback -Filter 'unedited-*.png')
        $kept | Should -HaveCount 1
        (Get-GeminiImageInfo -LiteralPath $kept[0].FullName).Provenance.Prompt | Should -Be 'a red fox'
        "$warn" | Should -BeLike "*kept at '$($kept[0].FullName)'*"
        Get-ChildItem -LiteralPath $out | Should -BeNullOrEmpty
    }

    It 'keeps a piped in-memory image in the fallback folder when the command is stopped during its edit' {
        $fallback = Join-Path $env:GEMINI_IMAGE_HOME 'fallback'
        Remove-Item -LiteralPath $fallback -Recurse -Force -ErrorAction SilentlyContinue
        $out = New-TestFolder 'edit-mem-stopped'
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModulePath'; New-GeminiImage 'a red fox' -AsBytes | Edit-GeminiImage '[emulator:hang] make it night' -OutputDirectory '$out'")
            $handle = $ps.BeginInvoke()
            $deadline = [DateTime]::UtcNow.AddSeconds(30)
            while ($Emulator.RequestCount -lt 2 -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }
            $Emulator.RequestCount | Should -Be 2 -Because 'the edit was sent'
            $ps.Stop()
            $handle.IsCompleted | Should -BeTrue
        }
        finally { $ps.Dispose() }
        $kept = @(Get-ChildItem -LiteralPath $fallback -Filter 'unedited-*.png')
        $kept | Should -HaveCount 1 -Because 'the paid New image was handed to the edit only in memory'
        (Get-GeminiImageInfo -LiteralPath $kept[0].FullName).Provenance.Prompt | Should -Be 'a red fox'
        Get-ChildItem -LiteralPath $out -Force | Should -BeNullOrEmpty
    }

    It 'refuses bytes that are not an image before sending (GeminiImage.UnsupportedImageFormat)' {
        $err = $null
        [pscustomobject]@{ Bytes = [System.Text.Encoding]::ASCII.GetBytes('not an image at all') } | Edit-GeminiImage 'make it night' -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.UnsupportedImageFormat,*'
        $Emulator.RequestCount | Should -Be 0
    }
}

# Every example of Get-Help Edit-GeminiImage -Examples runs as written against the emulator (issue 15).
Describe 'Edit-GeminiImage help examples' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
        $script:SavedHome = $env:GEMINI_IMAGE_HOME
        # Small answers: these tests are about names and bindings, not pixels.
        $Emulator.ImageFile = Join-Path $Corpus 'good.png'
        function Add-Photo([string] $Name, [string] $From = 'good.jpg') {
            $path = Join-Path $Work $Name
            New-Item -ItemType Directory -Path (Split-Path $path) -Force | Out-Null
            Copy-Item -LiteralPath (Join-Path $Corpus $From) -Destination $path
        }
    }
    AfterAll {
        $Emulator.ImageFile = [NullString]::Value
        $env:GEMINI_IMAGE_HOME = $script:SavedHome
    }
    BeforeEach {
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'edit-examples-home'
        $script:Work = New-TestFolder 'edit-examples'
        $Emulator.Reset()
    }

    It 'example 7 chains New and Edit in memory and writes no file' {
        $r = Invoke-HelpExample Edit-GeminiImage 7 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0] | Should -BeGreaterThan 100
        $Emulator.RequestCount | Should -Be 2
        Get-ChildItem -LiteralPath $Work -Force | Should -BeNullOrEmpty
    }

    It 'example 1 saves beach-edited.png next to beach.jpg' {
        Add-Photo 'beach.jpg'
        $r = Invoke-HelpExample Edit-GeminiImage 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0].Path | Should -Be (Join-Path $Work 'beach-edited.png')
        $r.Output[0].Cost | Should -BeGreaterThan 0
    }

    It 'example 2 edits every JPEG into products/white under its own name' {
        Add-Photo 'products/mug.jpg'; Add-Photo 'products/tote.jpg'; Add-Photo 'products/notes.png' 'good.png'
        $r = Invoke-HelpExample Edit-GeminiImage 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath (Join-Path $Work 'products/white')).Name | Sort-Object | Should -Be @('mug.png', 'tote.png')
        $r.Output.Tags | Should -Be @('webshop', 'webshop')
    }

    It 'example 3 previews without sending' {
        Add-Photo 'shoot/a.jpg'; Add-Photo 'shoot/day2/b.png' 'good.png'
        $r = Invoke-HelpExample Edit-GeminiImage 3 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -BeNullOrEmpty
        $Emulator.RequestCount | Should -Be 0
    }

    It 'example 4 sends each photo with the style image to gemini-3-pro-image at 2K' {
        Add-Photo 'photos/a.png' 'good.png'; Add-Photo 'photos/b.png' 'good.png'; Add-Photo 'styles/woodcut.jpg'
        $Emulator.ImageFile = [NullString]::Value   # drawn answers, in the model's own format (JPEG)
        try { $r = Invoke-HelpExample Edit-GeminiImage 4 -In $Work }
        finally { $Emulator.ImageFile = Join-Path $Corpus 'good.png' }
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output.Name) | Sort-Object | Should -Be @('a-edited.jpg', 'b-edited.jpg')
        $Emulator.Requests | ForEach-Object { $_.InputImageCount | Should -Be 2 }
        $r.Output | ForEach-Object { $_.ImageSize | Should -Be '2K' }
    }

    It 'example 5 takes each row''s path, prompt and tag from the CSV' {
        Add-Photo 'in/kitchen.jpg'; Add-Photo 'in/hall.jpg'
        Set-Content -LiteralPath (Join-Path $Work 'edits.csv') -Value @(
            'Path,Prompt,Tag'
            '.\in\kitchen.jpg,"Make the walls sage green",Harper'
            '.\in\hall.jpg,"Add a runner rug on the floor",Harper')
        $r = Invoke-HelpExample Edit-GeminiImage 5 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        @($r.Output | ForEach-Object { '{0}|{1}|{2}' -f $_.Name, $_.Prompt, ($_.Tags -join ',') }) | Sort-Object |
            Should -Be @('hall-edited.png|Add a runner rug on the floor|Harper', 'kitchen-edited.png|Make the walls sage green|Harper')
        Split-Path $r.Output[0].Path | Should -Be (Join-Path $Work 'out')
    }

    It 'example 6 edits what it can and lists the rest with their ids' {
        Add-Photo 'scans/page1.png' 'good.png'; Add-Photo 'scans/page2.png' 'truncated.png'
        $r = Invoke-HelpExample Edit-GeminiImage 6 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $images = @($r.Output | Where-Object { $_.PSObject.Properties['Cost'] })
        $images.Name | Should -Be 'page1-edited.png'
        $report = @($r.Output | Where-Object { $_.PSObject.Properties['Error'] })
        $report | Should -HaveCount 1
        $report[0].Error | Should -Be 'GeminiImage.InvalidImage'
        "$($report[0].TargetObject)" | Should -Be (Join-Path $Work 'scans/page2.png')
    }
}
