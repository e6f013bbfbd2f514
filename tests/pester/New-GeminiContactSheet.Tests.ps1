BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
    function Copy-Corpus([string[]] $Names) {
        $dir = New-TestFolder 'sheet-in'
        foreach ($n in $Names) { Copy-Item -LiteralPath (Join-Path $Corpus $n) -Destination (Join-Path $dir $n) }
        $dir
    }
    function Get-Size([string] $Path) {
        $info = [SixLabors.ImageSharp.Image]::Identify([string]$Path)
        "$($info.Width)x$($info.Height)"
    }
    # N distinct good inputs: copies of the corpus' small images
    function New-Inputs([int] $Count) {
        $dir = New-TestFolder 'sheet-n'
        $sources = 'good.png', 'good.jpg', 'good.webp', 'small.bmp', 'big.png'
        for ($i = 0; $i -lt $Count; $i++) {
            $src = $sources[$i % $sources.Count]
            Copy-Item -LiteralPath (Join-Path $Corpus $src) -Destination (Join-Path $dir ('{0:d2}{1}' -f $i, [System.IO.Path]::GetExtension($src)))
        }
        $dir
    }
}

Describe 'New-GeminiContactSheet' {
    It 'makes a <Columns>-column sheet of <Count> images at <Size>' -TestCases @(
        @{ Count = 1; Columns = 4; Tile = 64; Size = '64x64' }
        @{ Count = 4; Columns = 4; Tile = 64; Size = '256x64' }
        @{ Count = 5; Columns = 2; Tile = 50; Size = '100x150' }
        @{ Count = 7; Columns = 3; Tile = 32; Size = '96x96' }
        @{ Count = 10; Columns = 4; Tile = 40; Size = '160x120' }
    ) {
        $in = New-Inputs $Count
        $sheet = Join-Path (New-TestFolder 'sheet-out') 'sheet.png'
        $file = New-GeminiContactSheet -Path (Join-Path $in '*') -Columns $Columns -TileSize $Tile -OutFile $sheet
        $file | Should -BeOfType ([System.IO.FileInfo])
        $file.FullName | Should -Be $sheet
        Get-Size $sheet | Should -Be $Size
    }

    It 'takes piped files and module objects, and skips its own output file' {
        $in = New-Inputs 3
        $sheet = Join-Path $in 'sheet.png'
        Get-ChildItem -LiteralPath $in | New-GeminiContactSheet -OutFile $sheet -TileSize 32 | Out-Null
        Get-Size $sheet | Should -Be '96x32'
        # again, now that sheet.png is in the folder the pattern matches
        New-GeminiContactSheet -Path (Join-Path $in '*') -OutFile $sheet -TileSize 32 -Force | Out-Null
        Get-Size $sheet | Should -Be '96x32'
        Get-GeminiImageInfo -Path (Join-Path $in '0*') | New-GeminiContactSheet -OutFile (Join-Path $in 'info.png') -TileSize 32 -Columns 1 | Out-Null
        Get-Size (Join-Path $in 'info.png') | Should -Be '32x96'
    }

    It 'fills the background around a fitted tile' {
        $in = Copy-Corpus @('big.png')
        $sheet = Join-Path $in 'sheet.png'
        New-GeminiContactSheet -LiteralPath (Join-Path $in 'big.png') -OutFile $sheet -TileSize 100 -Background '#00FF00' | Out-Null
        $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba32]([string]$sheet)
        try {
            $p = $image.get_Item(0, 0); '{0},{1},{2}' -f $p.R, $p.G, $p.B | Should -Be '0,255,0'
            $p = $image.get_Item(99, 99); '{0},{1},{2}' -f $p.R, $p.G, $p.B | Should -Be '0,255,0'
        }
        finally { $image.Dispose() }
    }

    It 'reports bad images with the module''s error ids and leaves them out' {
        $in = Copy-Corpus @('good.png', 'truncated.png', 'bomb.png', 'text.png', 'good.jpg')
        $sheet = Join-Path $in 'sheet.png'
        $err = $null
        $paths = @('good.png', 'truncated.png', 'bomb.png', 'text.png', 'missing.png', 'good.jpg' | ForEach-Object { Join-Path $in $_ })
        New-GeminiContactSheet -LiteralPath $paths -OutFile $sheet -TileSize 32 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        Get-Size $sheet | Should -Be '64x32'
        @($err).Count | Should -Be 4
        ($err | Where-Object { "$($_.TargetObject)".EndsWith('truncated.png') }).FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidImage*'
        ($err | Where-Object { "$($_.TargetObject)".EndsWith('bomb.png') }).FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageTooLarge*'
        ($err | Where-Object { "$($_.TargetObject)".EndsWith('text.png') }).FullyQualifiedErrorId | Should -BeLike 'GeminiImage.UnsupportedImageFormat*'
        ($err | Where-Object { "$($_.TargetObject)".EndsWith('missing.png') }).FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
    }

    It 'writes nothing when no image is usable' {
        $in = Copy-Corpus @('truncated.jpg', 'empty.png')
        $sheet = Join-Path $in 'sheet.png'
        $err = $null
        $r = New-GeminiContactSheet -Path (Join-Path $in '*') -OutFile $sheet -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        $sheet | Should -Not -Exist
        @($err).Count | Should -Be 2
        $err.FullyQualifiedErrorId | ForEach-Object { $_ | Should -BeLike 'GeminiImage.InvalidImage*' }
    }

    It 'writes the format -OutFile''s extension names (<Name>)' -TestCases @(
        @{ Name = 'sheet.png'; Magic = '89-50-4E-47' }
        @{ Name = 'sheet.jpg'; Magic = 'FF-D8-FF' }
        @{ Name = 'sheet.JPEG'; Magic = 'FF-D8-FF' }
        @{ Name = 'sheet.webp'; Magic = '52-49-46-46' }
    ) {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $sheet = Join-Path $in $Name
        New-GeminiContactSheet -Path (Join-Path $in 'good.*') -OutFile $sheet -TileSize 32 | Out-Null
        $bytes = [System.IO.File]::ReadAllBytes($sheet)
        [BitConverter]::ToString($bytes, 0, ($Magic.Split('-').Count)) | Should -Be $Magic
        Get-Size $sheet | Should -Be '64x32'
    }

    It 'refuses an -OutFile whose extension does not fit (<OutName>, -Html: <Html>) with GeminiImage.OutputFormatMismatch, writing nothing' -TestCases @(
        @{ OutName = 's.html'; Html = $false }
        @{ OutName = 's.png'; Html = $true }
        @{ OutName = 's.gif'; Html = $false }
        @{ OutName = 'sheet'; Html = $false }
    ) {
        $in = Copy-Corpus @('good.png')
        $target = Join-Path $in $OutName
        $err = { New-GeminiContactSheet -Path (Join-Path $in 'good.png') -OutFile $target -Html:$Html } | Should -Throw -ErrorId 'GeminiImage.OutputFormatMismatch*' -PassThru
        "$($err.CategoryInfo.Category)" | Should -Be 'InvalidArgument'
        $err.TargetObject | Should -Be $target
        Test-Path -LiteralPath $target | Should -BeFalse
    }

    It 'returns the file as Get-Item does, so the default view shows its mode and size' {
        $in = Copy-Corpus @('good.png')
        $file = New-GeminiContactSheet -Path (Join-Path $in 'good.png') -OutFile (Join-Path $in 'sheet.png') -TileSize 32
        $file | Should -BeOfType System.IO.FileInfo
        $file.PSParentPath | Should -Not -BeNullOrEmpty
        $view = $file | Out-String -Width 80
        $view | Should -Match ([regex]::Escape($file.Length.ToString()) + '\s+sheet\.png')
        $view | Should -Match '(?m)^[-dlrwx]{10}|^-a---|^-----'
    }

    It 'never overwrites without -Force, and -WhatIf writes nothing' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $sheet = Join-Path $in 'sheet.png'
        New-GeminiContactSheet -LiteralPath (Join-Path $in 'good.png') -OutFile $sheet -TileSize 32 | Out-Null
        $hash = (Get-FileHash -LiteralPath $sheet).Hash
        $err = $null
        New-GeminiContactSheet -Path (Join-Path $in 'good.*') -OutFile $sheet -TileSize 32 -ErrorVariable err -ErrorAction SilentlyContinue | Out-Null
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*'
        (Get-FileHash -LiteralPath $sheet).Hash | Should -Be $hash
        New-GeminiContactSheet -Path (Join-Path $in 'good.*') -OutFile $sheet -TileSize 32 -WhatIf | Should -BeNullOrEmpty
        (Get-FileHash -LiteralPath $sheet).Hash | Should -Be $hash
        New-GeminiContactSheet -Path (Join-Path $in 'good.*') -OutFile (Join-Path $in 'other.html') -Html -WhatIf | Out-Null
        Join-Path $in 'other.html' | Should -Not -Exist
        New-GeminiContactSheet -Path (Join-Path $in 'good.*') -OutFile $sheet -TileSize 32 -Force | Out-Null
        Get-Size $sheet | Should -Be '64x32'
    }

    Context '-Html' {
        BeforeAll { $script:Emulator = Start-TestEmulator }
        AfterAll { Stop-GeminiEmulator }

        It 'writes a page with thumbnails, prompts, models and costs, all escaped' {
            $out = New-TestFolder 'html'
            $evil = 'a <script>alert("x")</script> & ''fox'''
            $images = @(
                New-GeminiImage $evil -OutputDirectory $out
                New-GeminiImage 'a calm lake' -OutputDirectory $out
            )
            Copy-Item -LiteralPath (Join-Path $Corpus 'photo [1].png') -Destination $out
            $page = Join-Path $out 'report.html'
            $images | New-GeminiContactSheet -OutFile $page -Html -Title 'Review <1>' | Out-Null
            New-GeminiContactSheet -LiteralPath (Join-Path $out 'photo [1].png') -OutFile (Join-Path $out 'foreign.html') -Html | Out-Null
            $html = Get-Content -LiteralPath $page -Raw -Encoding utf8
            $html | Should -Not -Match '<script>'
            $html | Should -Match ([regex]::Escape('a &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;fox&#39;'))
            $html | Should -Match ([regex]::Escape('<title>Review &lt;1&gt;</title>'))
            $html | Should -Match ([regex]::Escape('a calm lake'))
            $html | Should -Match ([regex]::Escape($images[0].Model))
            $html | Should -Match ([regex]::Escape(('${0:0.000}' -f $images[0].Cost)))
            ([regex]::Matches($html, '<img src="data:image/(png|jpeg);base64,')).Count | Should -Be 2
            $html | Should -Match ('href="' + [regex]::Escape([uri]::EscapeDataString($images[1].Name)) + '"')
            $foreign = Get-Content -LiteralPath (Join-Path $out 'foreign.html') -Raw
            $foreign | Should -Match 'href="photo%20%5B1%5D.png"'
            $foreign | Should -Match 'no GeminiImage metadata'
        }
    }
}
