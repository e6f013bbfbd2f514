BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:PresetCases = @((Get-GeminiType GeminiImage.Engine.Imaging.PlatformPresets)::All | ForEach-Object {
        @{ Name = $_.Name; Width = $_.Width; Height = $_.Height }
    })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
    function Copy-Corpus([string[]] $Names) {
        $dir = New-TestFolder 'resize-in'
        foreach ($n in $Names) { Copy-Item -LiteralPath (Join-Path $Corpus $n) -Destination (Join-Path $dir $n) }
        $dir
    }
    function Get-Rgba([string] $Path, [int] $X, [int] $Y) {
        $image = [SixLabors.ImageSharp.Image]::Load[SixLabors.ImageSharp.PixelFormats.Rgba32]([string]$Path)
        try { $p = $image.get_Item($X, $Y); '{0},{1},{2},{3}' -f $p.R, $p.G, $p.B, $p.A }
        finally { $image.Dispose() }
    }
    function Get-Sha256([string] $Path) { (Get-FileHash -LiteralPath $Path -Algorithm SHA256).Hash }
}

Describe 'Resize-GeminiImage presets' {
    BeforeAll {
        $script:In = Copy-Corpus @('good.jpg', 'good.png', 'big.png')
        $script:Out = New-TestFolder 'resize-out'
    }

    It 'writes <Name> at exactly <Width>x<Height> in the requested format' -ForEach $PresetCases {
        $result = Resize-GeminiImage -LiteralPath (Join-Path $In 'good.jpg') -Preset $Name -OutputDirectory $Out
        $result.Path | Should -Be (Join-Path $Out "good-$($Name.ToLowerInvariant()).jpg")
        $result.Path | Should -Exist
        $result.Format | Should -Be 'JPEG'
        "$($result.Width)x$($result.Height)" | Should -Be "${Width}x${Height}"
        $result.Preset | Should -Be $Name
        # independent check of the written file
        $info = [SixLabors.ImageSharp.Image]::Identify([string]$result.Path)
        "$($info.Width)x$($info.Height)" | Should -Be "${Width}x${Height}"

        foreach ($format in 'Png', 'Webp') {
            $other = Resize-GeminiImage -LiteralPath (Join-Path $In 'good.jpg') -Preset $Name -Format $format -OutputDirectory $Out
            $other.Format | Should -Be @{ Png = 'PNG'; Webp = 'WebP' }[$format]
            [System.IO.Path]::GetExtension($other.Path) | Should -Be @{ Png = '.png'; Webp = '.webp' }[$format]
            "$($other.Width)x$($other.Height)" | Should -Be "${Width}x${Height}"
        }
    }

    It 'offers exactly the engine''s presets in -Preset' {
        $set = (Get-Command Resize-GeminiImage).Parameters['Preset'].Attributes |
            Where-Object { $_ -is [System.Management.Automation.ValidateSetAttribute] }
        @($set.ValidValues) | Should -Be @((Get-GeminiType GeminiImage.Engine.Imaging.PlatformPresets)::All.Name)
    }

    It 'writes one file per preset, named -<preset>, and keeps the source format' {
        $out = New-TestFolder 'multi'
        $results = Resize-GeminiImage -Path (Join-Path $In 'good.png') -Preset Amazon, Instagram, Story -OutputDirectory $out
        @($results).Count | Should -Be 3
        (Get-ChildItem -LiteralPath $out).Name | Sort-Object | Should -Be (@('good-amazon.png', 'good-instagram.png', 'good-story.png') | Sort-Object)
        $results.Format | Select-Object -Unique | Should -Be 'PNG'
        $results[0].SourcePath | Should -Be (Join-Path $In 'good.png')
    }

    It 'names -Width/-Height outputs -<W>x<H> and writes them next to the source by default' {
        $in = Copy-Corpus @('good.png')
        $r = Resize-GeminiImage (Join-Path $in 'good.png') -Width 300 -Height 200
        $r.Path | Should -Be (Join-Path $in 'good-300x200.png')
        "$($r.Width)x$($r.Height)" | Should -Be '300x200'
    }

    It 'fits with Mode <Mode> to <Size>' -TestCases @(
        @{ Mode = 'Contain'; Size = '100x75' }
        @{ Mode = 'Cover'; Size = '100x100' }
        @{ Mode = 'Pad'; Size = '100x100' }
        @{ Mode = 'Stretch'; Size = '100x100' }
    ) {
        $r = Resize-GeminiImage -LiteralPath (Join-Path $In 'good.png') -Width 100 -Height 100 -Mode $Mode -Suffix "-$Mode" -OutputDirectory $Out
        "$($r.Width)x$($r.Height)" | Should -Be $Size
    }

    It 'pads with the background colour: white by default, the given colour otherwise' {
        $out = New-TestFolder 'pad'
        # 5000x300 on a 1500x1500 square: wide margins at top and bottom
        $white = Resize-GeminiImage -LiteralPath (Join-Path $In 'big.png') -Preset Amazon -OutputDirectory $out
        foreach ($corner in @(0, 0), @(1499, 0), @(0, 1499), @(1499, 1499)) {
            Get-Rgba $white.Path $corner[0] $corner[1] | Should -Be '255,255,255,255'
        }
        $red = Resize-GeminiImage -LiteralPath (Join-Path $In 'good.png') -Width 100 -Height 100 -Mode Pad -Background '#FF0000' -OutputDirectory $out
        foreach ($corner in @(0, 0), @(99, 0), @(0, 99), @(99, 99)) {
            Get-Rgba $red.Path $corner[0] $corner[1] | Should -Be '255,0,0,255'
        }
        Get-Rgba $red.Path 50 50 | Should -Not -Be '255,0,0,255'
        $clear = Resize-GeminiImage -LiteralPath (Join-Path $In 'good.png') -Width 100 -Height 100 -Mode Pad -Background transparent -Suffix '-clear' -OutputDirectory $out
        (Get-Rgba $clear.Path 0 0).Split(',')[3] | Should -Be '0'
    }

    It 'is also available as ConvertTo-GeminiPlatformImage' {
        (Get-Alias ConvertTo-GeminiPlatformImage).ResolvedCommandName | Should -Be 'Resize-GeminiImage'
        $GeminiModule.ExportedAliases.Keys | Should -Contain 'ConvertTo-GeminiPlatformImage'
        $out = New-TestFolder 'alias'
        (ConvertTo-GeminiPlatformImage -LiteralPath (Join-Path $In 'good.png') -Preset Facebook -OutputDirectory $out).Width | Should -Be 1200
    }
}

Describe 'Resize-GeminiImage input and output' {
    It 'takes files from Get-ChildItem, wildcards and bracketed names through -LiteralPath' {
        $in = Copy-Corpus @('good.png', 'good.jpg', 'photo [1].png', 'café ünïcode.png')
        $out = New-TestFolder 'out'
        @(Resize-GeminiImage -Path (Join-Path $in 'good.*') -Preset eBay -OutputDirectory $out).Count | Should -Be 2
        (Resize-GeminiImage -LiteralPath (Join-Path $in 'photo [1].png') -Preset eBay -OutputDirectory $out).Path | Should -Be (Join-Path $out 'photo [1]-ebay.png')
        (Get-Item -LiteralPath (Join-Path $in 'café ünïcode.png') | Resize-GeminiImage -Preset eBay -OutputDirectory $out).Path | Should -Be (Join-Path $out 'café ünïcode-ebay.png')
        (Get-ChildItem -LiteralPath $out).Count | Should -Be 4
    }

    It 'does not re-read the files it writes while Get-ChildItem enumerates the same folder' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $results = Get-ChildItem -LiteralPath $in | Resize-GeminiImage -Preset Instagram
        @($results).Count | Should -Be 2
        (Get-ChildItem -LiteralPath $in).Count | Should -Be 4
    }

    It 'refuses bad input with the edit error ids and writes nothing for it' {
        $in = Copy-Corpus @('empty.png', 'truncated.png', 'truncated.jpg', 'text.png', 'bomb.png', 'good.png')
        $out = New-TestFolder 'bad-out'
        $expected = @{
            'empty.png'     = 'GeminiImage.InvalidImage'
            'truncated.png' = 'GeminiImage.InvalidImage'
            'truncated.jpg' = 'GeminiImage.InvalidImage'
            'text.png'      = 'GeminiImage.UnsupportedImageFormat'
            'bomb.png'      = 'GeminiImage.ImageTooLarge'
            'missing.png'   = 'GeminiImage.ImageNotFound'
        }
        $paths = @($expected.Keys | ForEach-Object { Join-Path $in $_ }) + (Join-Path $in 'good.png')
        $err = $null
        $results = Resize-GeminiImage -LiteralPath $paths -Preset Amazon, Instagram -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue
        @($results).Count | Should -Be 2
        (Get-ChildItem -LiteralPath $out -Force).Name | Sort-Object | Should -Be (@('good-amazon.png', 'good-instagram.png') | Sort-Object)
        @($err).Count | Should -Be $expected.Count -Because 'each bad source fails once, not once per preset'
        foreach ($name in $expected.Keys) {
            $e = $err | Where-Object { [System.IO.Path]::GetFileName([string]$_.TargetObject) -eq $name }
            $e.FullyQualifiedErrorId | Should -BeLike "$($expected[$name])*" -Because $name
        }
        $folder = $null
        Resize-GeminiImage -LiteralPath $in -Preset Amazon -OutputDirectory $out -ErrorVariable folder -ErrorAction SilentlyContinue
        $folder[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
        $nomatch = $null
        Resize-GeminiImage -Path (Join-Path $in 'nothing-*.png') -Preset Amazon -ErrorVariable nomatch -ErrorAction SilentlyContinue
        $nomatch[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
    }

    It 'never overwrites without -Force' {
        $in = Copy-Corpus @('good.png', 'good.jpg')
        $first = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.png') -Preset Amazon
        $hash = Get-Sha256 $first.Path
        $err = $null
        # same name from another source: good.jpg -Format Png -> good-amazon.png
        $second = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.jpg') -Preset Amazon -Format Png -ErrorVariable err -ErrorAction SilentlyContinue
        $second | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Sha256 $first.Path | Should -Be $hash
        $third = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.jpg') -Preset Amazon -Format Png -Force
        Get-Sha256 $third.Path | Should -Not -Be $hash
        (Get-ChildItem -LiteralPath $in -Force).Name | Sort-Object | Should -Be (@('good-amazon.png', 'good.jpg', 'good.png') | Sort-Object)
    }

    It '-WhatIf writes nothing' {
        $in = Copy-Corpus @('good.png')
        $out = Join-Path (New-TestFolder 'whatif') 'new-folder'
        $r = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.png') -Preset Amazon, Story -OutputDirectory $out -WhatIf
        $r | Should -BeNullOrEmpty
        $out | Should -Not -Exist
        (Get-ChildItem -LiteralPath $in).Count | Should -Be 1
    }

    It 'checks its arguments before touching any file' {
        $in = Copy-Corpus @('good.png')
        $src = Join-Path $in 'good.png'
        { Resize-GeminiImage -LiteralPath $src } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Width 10 } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset Amazon -Width 10 -Height 10 } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset Amazon -Background 'not-a-colour' } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset Amazon, Story -Suffix '-shop' } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset MySpace } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        (Get-ChildItem -LiteralPath $in).Count | Should -Be 1
        @(Resize-GeminiImage -LiteralPath $src -Preset Amazon, Story -Suffix '_{preset}_{width}').Count | Should -Be 2
        (Get-ChildItem -LiteralPath $in).Name | Sort-Object | Should -Be (@('good.png', 'good_amazon_1500.png', 'good_story_1080.png') | Sort-Object)
    }
}

Describe 'Resize-GeminiImage provenance' {
    BeforeAll {
        $script:Emulator = Start-TestEmulator
    }
    AfterAll { Stop-GeminiEmulator }

    It 'keeps prompt and model through generate -> resize -> Get-GeminiImageInfo, in every format' {
        $out = New-TestFolder 'prov'
        $image = New-GeminiImage 'a lighthouse at dusk <b>&"quoted"' -AspectRatio 1:1 -OutputDirectory $out
        $resized = $image | Resize-GeminiImage -Preset Amazon, InstagramPortrait
        $resized += $image | Resize-GeminiImage -Preset Shopify -Format Jpeg -Quality 80
        $resized += $image | Resize-GeminiImage -Preset Story -Format Webp
        @($resized).Count | Should -Be 4
        foreach ($r in $resized) {
            $info = Get-GeminiImageInfo -LiteralPath $r.Path
            $info.Provenance | Should -Not -BeNullOrEmpty -Because $r.Path
            $info.Provenance.Prompt | Should -Be 'a lighthouse at dusk <b>&"quoted"'
            $info.Provenance.Model | Should -Be $image.Model
            $info.Provenance.Cost | Should -Be $image.Cost
            $info.Provenance.AspectRatio | Should -Be '1:1'
        }
        ($resized | Where-Object Path -like '*.jpg').Format | Should -Be 'JPEG'
        ($resized | Where-Object Path -like '*.webp').Format | Should -Be 'WebP'
    }

    It 'drops the provenance with -StripMetadata' {
        $out = New-TestFolder 'strip'
        $image = New-GeminiImage 'a quiet harbour' -OutputDirectory $out
        $r = $image | Resize-GeminiImage -Preset Instagram -StripMetadata
        (Get-GeminiImageInfo -LiteralPath $r.Path).Provenance | Should -BeNullOrEmpty
    }
}
