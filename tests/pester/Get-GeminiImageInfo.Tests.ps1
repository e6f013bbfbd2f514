BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $script:Corpus = Join-Path $RepoRoot 'tests/unit/data/images'
}

Describe 'Get-GeminiImageInfo' {
    It 'reads format and size of <Name> with empty provenance' -TestCases @(
        @{ Name = 'good.png'; Format = 'PNG'; Size = '64x48' }
        @{ Name = 'good.jpg'; Format = 'JPEG'; Size = '64x48' }
        @{ Name = 'good.webp'; Format = 'WebP'; Size = '64x48' }
        @{ Name = 'jpeg-named.png'; Format = 'JPEG'; Size = '64x48' }
        @{ Name = 'big.png'; Format = 'PNG'; Size = '5000x300' }
        @{ Name = 'bomb.png'; Format = 'PNG'; Size = '100000x100000' }
    ) {
        $path = Join-Path $Corpus $Name
        $info = Get-GeminiImageInfo -LiteralPath $path
        $info.PSObject.TypeNames[0] | Should -Be 'GeminiImage.Engine.Imaging.ImageInfo'
        $info.Path | Should -Be $path
        $info.Name | Should -Be $Name -Because 'every output object with a Path has its Name, so Select-Object Name works on all of them'
        $info.Format | Should -Be $Format
        "$($info.Width)x$($info.Height)" | Should -Be $Size
        $info.SizeBytes | Should -Be (Get-Item -LiteralPath $path).Length
        $info.Provenance | Should -BeNullOrEmpty
    }

    It 'applies the EXIF orientation to width and height' {
        $info = Get-GeminiImageInfo -LiteralPath (Join-Path $Corpus 'rotated-exif.jpg')
        $raw = [SixLabors.ImageSharp.Image]::Identify([string](Join-Path $Corpus 'rotated-exif.jpg'))
        "$($info.Width)x$($info.Height)" | Should -Be "$($raw.Height)x$($raw.Width)"
    }

    It 'takes wildcards, piped files and bracketed names' {
        @(Get-GeminiImageInfo -Path (Join-Path $Corpus 'good.*')).Count | Should -Be 3
        @(Get-ChildItem -LiteralPath $Corpus -Filter 'small.*' | Get-GeminiImageInfo).Format | Sort-Object | Should -Be @('BMP', 'PBM', 'TGA', 'TIFF')
        (Get-GeminiImageInfo -LiteralPath (Join-Path $Corpus 'photo [1].png')).Format | Should -Be 'PNG'
        (Get-Item -LiteralPath (Join-Path $Corpus 'café ünïcode.png') | Get-GeminiImageInfo).Width | Should -Be 64
    }

    It 'reports unreadable files with the module''s error ids' {
        $err = $null
        $names = 'empty.png', 'text.png', 'missing.png'
        $r = Get-GeminiImageInfo -LiteralPath ($names | ForEach-Object { Join-Path $Corpus $_ }) -ErrorVariable err -ErrorAction SilentlyContinue
        $r | Should -BeNullOrEmpty
        @($err).Count | Should -Be 3
        $err[0].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.InvalidImage*'
        $err[1].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.UnsupportedImageFormat*'
        $err[2].FullyQualifiedErrorId | Should -BeLike 'GeminiImage.ImageNotFound*'
    }

    Context 'images made by the module' {
        BeforeAll { $script:Emulator = Start-TestEmulator }
        AfterAll { Stop-GeminiEmulator }

        It 'reads back the provenance of a generated image from a piped result' {
            $out = New-TestFolder 'info'
            $image = New-GeminiImage 'a paper boat on a pond' -AspectRatio 16:9 -OutputDirectory $out -Tag docs
            $info = $image | Get-GeminiImageInfo
            $info.Name | Should -Be $image.Name
            $info.Format | Should -Be 'PNG'
            "$($info.Width)x$($info.Height)" | Should -Be "$($image.Width)x$($image.Height)"
            $info.Provenance.Prompt | Should -Be 'a paper boat on a pond'
            $info.Provenance.Model | Should -Be $image.Model
            $info.Provenance.AspectRatio | Should -Be '16:9'
            $info.Provenance.Cost | Should -Be $image.Cost
            $info.Provenance.ResponseId | Should -Be $image.ResponseId
            $info.Provenance.Generator | Should -BeLike 'GeminiImage *'
            # The table shows size and whole name at 80 columns; the prompt is in the list's Provenance.
            ($info | Format-List | Out-String -Width 300) | Should -Match 'a paper boat on a pond'
        }
    }
}

# Every example of Get-Help Get-GeminiImageInfo -Examples runs as written (issue 15).
Describe 'Get-GeminiImageInfo help examples' {
    BeforeAll {
        . (Join-Path $PSScriptRoot 'HelpExamples.ps1')
        $script:SavedHome = $env:GEMINI_IMAGE_HOME
        $env:GEMINI_IMAGE_HOME = New-TestFolder 'info-examples-home'
        $script:Emulator = Start-TestEmulator
        $Emulator.ImageFile = Join-Path $Corpus 'good.png'
        $script:Work = New-TestFolder 'info-examples'
        $script:Fox = New-GeminiImage 'a red fox' -OutFile (Join-Path $Work 'out/a-red-fox-20250101-120000.png')
        $script:Cheap = New-GeminiImage 'a fox' -Model gemini-2.5-flash-image -OutFile (Join-Path $Work 'out/fox.png')
        Copy-Item -LiteralPath (Join-Path $Corpus 'good.jpg') -Destination (Join-Path $Work 'out/foreign.jpg')
    }
    AfterAll {
        Stop-GeminiEmulator
        $env:GEMINI_IMAGE_HOME = $script:SavedHome
    }

    It 'example 1 shows what made an image' {
        $r = Invoke-HelpExample Get-GeminiImageInfo 1 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output[0].Prompt | Should -Be 'a red fox'
        $r.Output[0].Cost | Should -Be $Fox.Cost
    }

    It 'example 2 lists the folder, most expensive first, with cost and prompt' {
        $r = Invoke-HelpExample Get-GeminiImageInfo 2 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $text = ($r.Output | Out-String -Width 200) -split '\r?\n' | Where-Object { $_ -match '\S' }
        $text[0] | Should -Match '^Cost\s+Prompt\s+Path'
        $text[2] | Should -Match 'a red fox\s+.*a-red-fox-20250101-120000\.png$'
        $text[3] | Should -Match 'a fox\s+.*fox\.png$'
        $text[4] | Should -Match 'foreign\.jpg$'
    }

    It 'example 3 reads the prompt back from a resized copy' {
        $r = Invoke-HelpExample Get-GeminiImageInfo 3 -In $Work
        $r.Errors | Should -BeNullOrEmpty
        $r.Output | Should -Be @('a fox')
    }
}
