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

    It 'writes one file per preset, named -<preset>, as JPEG at quality 85 whatever the source format' {
        $out = New-TestFolder 'multi'
        $results = Resize-GeminiImage -Path (Join-Path $In 'good.png') -Preset Amazon, Instagram, Story -OutputDirectory $out
        @($results).Count | Should -Be 3
        (Get-ChildItem -LiteralPath $out).Name | Sort-Object | Should -Be (@('good-amazon.jpg', 'good-instagram.jpg', 'good-story.jpg') | Sort-Object)
        $results.Format | Select-Object -Unique | Should -Be 'JPEG'
        $results[0].SourcePath | Should -Be (Join-Path $In 'good.png')
        # ImageSharp estimates the quality back from the quantisation tables
        $jpeg = [SixLabors.ImageSharp.MetadataExtensions]::GetJpegMetadata([SixLabors.ImageSharp.Image]::Identify([string]$results[0].Path).Metadata)
        $jpeg.Quality | Should -Be 85
    }

    It 'writes PNG for a transparent canvas, and what -Format and -Quality say' {
        $out = New-TestFolder 'formats'
        $src = Join-Path $In 'good.png'
        $clear = Resize-GeminiImage -LiteralPath $src -Preset Amazon -Background transparent -OutputDirectory $out
        $clear.Format | Should -Be 'PNG'
        (Get-Rgba $clear.Path 0 0).Split(',')[3] | Should -Be '0'
        (Resize-GeminiImage -LiteralPath $src -Preset Amazon -Format Webp -OutputDirectory $out).Format | Should -Be 'WebP'
        $q = Resize-GeminiImage -LiteralPath $src -Preset Shopify -Quality 60 -OutputDirectory $out
        [SixLabors.ImageSharp.MetadataExtensions]::GetJpegMetadata([SixLabors.ImageSharp.Image]::Identify([string]$q.Path).Metadata).Quality | Should -Be 60
        # -Width/-Height keep the source's format
        (Resize-GeminiImage -LiteralPath $src -Width 30 -Height 30 -OutputDirectory $out).Format | Should -Be 'PNG'
    }

    It 'names the target file, never its temporary file, when the folder cannot be written' {
        $locked = New-UnwritableTestFolder
        if (-not $locked) { Set-ItResult -Skipped -Because 'no way to make an unwritable folder here'; return }
        try {
            $err = $null
            Resize-GeminiImage -LiteralPath (Join-Path $In 'good.png') -Preset Amazon -OutputDirectory $locked -ErrorVariable err -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
            $err | Should -Not -BeNullOrEmpty
            $err[0].Exception.Message | Should -Match 'good-amazon\.jpg'
            $err[0].Exception.Message | Should -Not -Match '\.tmp'
            $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.*'
        }
        finally { Remove-SpecialTestFolder $locked }
    }

    It 'names -Width/-Height outputs -<W>x<H> and writes them next to the source by default' {
        $in = Copy-Corpus @('good.png')
        $r = Resize-GeminiImage (Join-Path $in 'good.png') -Width 300 -Height 200
        $r.Path | Should -Be (Join-Path $in 'good-300x200.png')
        "$($r.Width)x$($r.Height)" | Should -Be '300x200'
    }

    It '-Width or -Height alone keeps the aspect ratio, named -<W>w or -<H>h' {
        $in = Copy-Corpus @('good.png') # 64x48
        $out = New-TestFolder 'one-side'
        $w = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.png') -Width 800 -OutputDirectory $out
        "$($w.Width)x$($w.Height)" | Should -Be '800x600'
        $w.Path | Should -Be (Join-Path $out 'good-800w.png')
        $h = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.png') -Height 30 -OutputDirectory $out
        "$($h.Width)x$($h.Height)" | Should -Be '40x30'
        $h.Path | Should -Be (Join-Path $out 'good-30h.png')
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
        Rename-Item -LiteralPath (Join-Path $in 'good.jpg') -NewName 'good2.jpg' # both would make good-ebay.jpg
        $out = New-TestFolder 'out'
        @(Resize-GeminiImage -Path (Join-Path $in 'good*.*') -Preset eBay -OutputDirectory $out).Count | Should -Be 2
        (Resize-GeminiImage -LiteralPath (Join-Path $in 'photo [1].png') -Preset eBay -OutputDirectory $out).Path | Should -Be (Join-Path $out 'photo [1]-ebay.jpg')
        (Get-Item -LiteralPath (Join-Path $in 'café ünïcode.png') | Resize-GeminiImage -Preset eBay -OutputDirectory $out).Path | Should -Be (Join-Path $out 'café ünïcode-ebay.jpg')
        (Get-ChildItem -LiteralPath $out).Count | Should -Be 4
    }

    It 'does not re-read the files it writes while Get-ChildItem enumerates the same folder' {
        $in = Copy-Corpus @('good.png', 'photo [1].png')
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
        (Get-ChildItem -LiteralPath $out -Force).Name | Sort-Object | Should -Be (@('good-amazon.jpg', 'good-instagram.jpg') | Sort-Object)
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
        # same name from another source: good.jpg -> good-amazon.jpg
        $second = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.jpg') -Preset Amazon -ErrorVariable err -ErrorAction SilentlyContinue
        $second | Should -BeNullOrEmpty
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*'
        $err[0].CategoryInfo.Category | Should -Be 'ResourceExists'
        Get-Sha256 $first.Path | Should -Be $hash
        $third = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.jpg') -Preset Amazon -Force
        Get-Sha256 $third.Path | Should -Not -Be $hash
        (Get-ChildItem -LiteralPath $in -Force).Name | Sort-Object | Should -Be (@('good-amazon.jpg', 'good.jpg', 'good.png') | Sort-Object)
        # two sources of one call aiming at one name: the second is refused, as when run one at a time
        $out = New-TestFolder 'same-name'
        $err = $null
        $r = Resize-GeminiImage -LiteralPath (Join-Path $in 'good.png'), (Join-Path $in 'good.jpg') -Preset Amazon -OutputDirectory $out -ErrorVariable err -ErrorAction SilentlyContinue
        @($r).Count | Should -Be 1
        $r.SourcePath | Should -Be (Join-Path $in 'good.png')
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.OutputExists*' 
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
        { Resize-GeminiImage -LiteralPath $src -Preset Amazon -Width 10 -Height 10 } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset Amazon -Background 'not-a-colour' } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset Amazon, Story -Suffix '-shop' } | Should -Throw -ErrorId 'GeminiImage.InvalidArgument*'
        { Resize-GeminiImage -LiteralPath $src -Preset MySpace } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
        (Get-ChildItem -LiteralPath $in).Count | Should -Be 1
        @(Resize-GeminiImage -LiteralPath $src -Preset Amazon, Story -Suffix '_{preset}_{width}').Count | Should -Be 2
        (Get-ChildItem -LiteralPath $in).Name | Sort-Object | Should -Be (@('good.png', 'good_amazon_1500.jpg', 'good_story_1080.jpg') | Sort-Object)
    }
}

Describe 'Resize-GeminiImage photos as they come' {
    BeforeAll {
        function Save-TestImage([string] $Path, [object] $Image, [object] $Encoder) {
            try { [SixLabors.ImageSharp.ImageExtensions]::Save($Image, $Path, $Encoder) } finally { $Image.Dispose() }
        }
    }

    It 'keeps the colours of a CMYK JPEG' {
        $in = Copy-Corpus @('cmyk.jpg') # left half rgb(200,30,40), right half rgb(20,160,60), as CMYK
        $r = Resize-GeminiImage -LiteralPath (Join-Path $in 'cmyk.jpg') -Width 128 -Height 96 -Format Png -ErrorAction Stop
        $left = (Get-Rgba $r.Path 20 48).Split(',') | ForEach-Object { [int]$_ }
        [Math]::Abs($left[0] - 200) + [Math]::Abs($left[1] - 30) + [Math]::Abs($left[2] - 40) | Should -BeLessThan 30
    }

    It 'writes an 8-bit file from a 16-bit PNG' {
        $in = New-TestFolder 'deep'
        $src = Join-Path $in 'deep.png'
        $pixel = [SixLabors.ImageSharp.PixelFormats.Rgba64]::new(50000, 10000, 20000, 65535)
        Save-TestImage $src ([SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba64]]::new(40, 30, $pixel)) `
            ([SixLabors.ImageSharp.Formats.Png.PngEncoder]@{ BitDepth = 'Bit16'; ColorType = 'Rgb' })
        $r = Resize-GeminiImage -LiteralPath $src -Width 20 -Height 15 -ErrorAction Stop
        $png = [SixLabors.ImageSharp.MetadataExtensions]::GetPngMetadata([SixLabors.ImageSharp.Image]::Identify([string]$r.Path).Metadata)
        "$($png.BitDepth)" | Should -Be 'Bit8'
        $rgb = (Get-Rgba $r.Path 10 7).Split(',') | ForEach-Object { [int]$_ }
        [Math]::Abs($rgb[0] - 194) + [Math]::Abs($rgb[1] - 39) + [Math]::Abs($rgb[2] - 78) | Should -BeLessThan 6 # 50000/65535 of 255 = 194.5
    }

    It 'flattens transparency going to a JPEG preset onto the background, and says so' {
        $in = New-TestFolder 'alpha'
        $src = Join-Path $in 'alpha.png'
        Save-TestImage $src ([SixLabors.ImageSharp.Image[SixLabors.ImageSharp.PixelFormats.Rgba32]]::new(40, 40, [SixLabors.ImageSharp.PixelFormats.Rgba32]::new(0, 0, 0, 0))) `
            ([SixLabors.ImageSharp.Formats.Png.PngEncoder]::new())
        $r = Resize-GeminiImage -LiteralPath $src -Preset Instagram -Background '#FF0000' -Verbose 4>&1
        $verbose = @($r | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Message
        $image = $r | Where-Object { $_ -isnot [System.Management.Automation.VerboseRecord] }
        $image.Format | Should -Be 'JPEG'
        $verbose | Should -Contain "'$src' has transparent pixels and JPEG has none: flattened onto #FF0000."
        $centre = (Get-Rgba $image.Path 540 540).Split(',') | ForEach-Object { [int]$_ }
        $centre[0] | Should -BeGreaterThan 240
        $centre[1] + $centre[2] | Should -BeLessThan 20
    }

    It 'takes the first frame of an animated GIF, with a warning' {
        $in = Copy-Corpus @('anim.gif')
        $src = Join-Path $in 'anim.gif'
        $warnings = $null
        $r = Resize-GeminiImage -LiteralPath $src -Preset Instagram -WarningVariable warnings -WarningAction SilentlyContinue
        $r.Format | Should -Be 'JPEG'
        @($warnings).Count | Should -Be 1
        "$($warnings[0])" | Should -Be "'$src' is animated (2 frames); only the first frame is used."
    }

    It 'resizes -ThrottleLimit images at once and writes the results in input order' {
        $in = Copy-Corpus @('good.png', 'good.jpg', 'big.png')
        $sources = foreach ($i in 1..9) {
            $name = Join-Path $in ('img{0}.png' -f $i)
            Copy-Item -LiteralPath (Join-Path $in @('good.png', 'big.png', 'good.jpg')[$i % 3]) -Destination $name
            $name
        }
        (Get-Command Resize-GeminiImage).Parameters['ThrottleLimit'] | Should -Not -BeNullOrEmpty
        foreach ($limit in 1, 3) {
            $out = New-TestFolder "throttle-$limit"
            $results = Resize-GeminiImage -LiteralPath $sources -Preset Amazon, Instagram -ThrottleLimit $limit -OutputDirectory $out
            @($results).Count | Should -Be 18
            @($results.SourcePath | Select-Object -Unique) | Should -Be $sources
            (Get-ChildItem -LiteralPath $out).Count | Should -Be 18
        }
        { Resize-GeminiImage -LiteralPath $sources[0] -Preset Amazon -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError*'
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
        $resized = $image | Resize-GeminiImage -Preset Amazon, InstagramPortrait -Format Png
        $resized += $image | Resize-GeminiImage -Preset Shopify -Format Jpeg -Quality 80
        $resized += $image | Resize-GeminiImage -Preset Story -Format Webp
        @($resized).Count | Should -Be 4
        foreach ($r in $resized) {
            $info = Get-GeminiImageInfo -LiteralPath $r.Path
            $info.Provenance | Should -Not -BeNullOrEmpty -Because $r.Path
            $info.Provenance.Prompt | Should -Be 'a lighthouse at dusk <b>&"quoted"'
            $info.Provenance.Model | Should -Be $image.Model
            $info.Provenance.Cost | Should -BeNullOrEmpty -Because 'a resized copy was not paid for: its source was'
            $info.Provenance.DerivedFrom | Should -Be @($image.Name)
            $info.Provenance.AspectRatio | Should -Be '1:1'
        }
        ($resized | Where-Object Path -like '*.jpg').Format | Should -Be 'JPEG'
        ($resized | Where-Object Path -like '*.webp').Format | Should -Be 'WebP'
        # Summing a folder's costs counts the paid image once, whatever was derived from it (a contact sheet too).
        Get-ChildItem -LiteralPath $out -File | New-GeminiContactSheet -OutFile (Join-Path $out 'sheet.jpg') -TileSize 32 | Out-Null
        (Get-GeminiImageInfo -LiteralPath (Join-Path $out 'sheet.jpg')).Provenance.DerivedFrom.Count | Should -Be 5
        $sum = (Get-ChildItem -LiteralPath $out -File | Get-GeminiImageInfo | ForEach-Object { $_.Provenance.Cost } | Measure-Object -Sum).Sum
        $sum | Should -Be $image.Cost
        (Get-GeminiImageInfo -LiteralPath $resized[0].Path | Format-List | Out-String -Width 200) | Should -Match "Provenance\s+: $([regex]::Escape($image.Model)): 'a lighthouse.*', derived from $([regex]::Escape($image.Name)) \(no cost of its own\)"
    }

    It 'drops the provenance with -StripMetadata' {
        $out = New-TestFolder 'strip'
        $image = New-GeminiImage 'a quiet harbour' -OutputDirectory $out
        $r = $image | Resize-GeminiImage -Preset Instagram -StripMetadata
        (Get-GeminiImageInfo -LiteralPath $r.Path).Provenance | Should -BeNullOrEmpty
    }
}
