<#
    The cmdlet/worker bridge (issue 14, GeminiCmdlet): a queue per run, complete when the work ends or Ctrl+C fires,
    consumed without polling; a write after the run is refused cleanly; ShouldProcess can be asked from worker code
    and is answered on the pipeline thread. A small test cmdlet derives from the real base class.
#>
BeforeAll {
    . (Join-Path $PSScriptRoot 'common.ps1')
    $cmdlets = [GeminiImage.Cmdlets.Infrastructure.GeminiCmdlet].Assembly
    $source = @'
using System;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

[Cmdlet("Test", "GeminiBridge", SupportsShouldProcess = true)]
public sealed class TestGeminiBridgeCommand : GeminiImage.Cmdlets.Infrastructure.GeminiCmdlet
{
    [Parameter] public int Count { get; set; } = 1000;
    [Parameter] public string Mode { get; set; } = "Writes";

    protected override void EndProcessing()
    {
        var pipeline = Environment.CurrentManagedThreadId;
        if (Mode == "Writes")
        {
            // Many writes from several workers, the last just before the work ends: all arrive, in each worker's order.
            Run(async token =>
            {
                var workers = new Task[4];
                for (var n = 0; n < workers.Length; n++)
                {
                    var w = n;
                    workers[w] = Task.Run(() => { for (var i = 0; i < Count; i++) QueueObject(w * 100000 + i); });
                }
                await Task.WhenAll(workers);
                QueueObject("last");
            });
        }
        else if (Mode == "LateWrite")
        {
            // A worker that outlives the run: its write after the run is refused, not kept or lost in a queue.
            var release = new ManualResetEventSlim();
            Task<bool>? late = null;
            Run(token => { late = Task.Run(() => { release.Wait(); return TryQueue(() => WriteObject("late")); }); return Task.CompletedTask; });
            release.Set();
            WriteObject(new PSObject(new { Refused = !late!.GetAwaiter().GetResult() }));
        }
        else if (Mode == "Ask")
        {
            // ShouldProcess asked by worker code, answered on the pipeline thread.
            var answers = Run(async token =>
            {
                var first = await ShouldProcessAsync("target-1", "Do the first thing");
                var second = await ShouldProcessAsync("target-2", "Do the second thing");
                return new[] { first, second };
            });
            WriteObject(new PSObject(new { First = answers[0], Second = answers[1], OffPipeline = true }));
        }
        else if (Mode == "Stop")
        {
            // Ctrl+C: the queue completes at once, the work is awaited, the command ends as stopped.
            Run(async token =>
            {
                QueueObject("started");
                await Task.Delay(Timeout.Infinite, token);
            });
        }
    }
}
'@
    $script:BridgeDll = Join-Path (New-TestFolder 'bridge') 'TestGeminiBridge.dll'
    # With -ReferencedAssemblies Add-Type drops its default references: name the framework ones too.
    $references = @($cmdlets.Location, [psobject].Assembly.Location, 'System.Runtime', 'System.Threading', 'System.Threading.Tasks', 'System.Collections', 'netstandard')
    Add-Type -TypeDefinition $source -ReferencedAssemblies $references -OutputAssembly $BridgeDll -IgnoreWarnings
    Import-Module $BridgeDll
}

Describe 'GeminiCmdlet.Run' {
    It 'writes everything the workers queue, up to the last write before the work ends' {
        $out = @(Test-GeminiBridge -Count 2000)
        $out.Count | Should -Be (4 * 2000 + 1)
        $out[-1] | Should -Be 'last'
        foreach ($w in 0..3) {
            $mine = @($out | Where-Object { $_ -is [int] -and [math]::Floor($_ / 100000) -eq $w })
            $mine.Count | Should -Be 2000
            ($mine | Sort-Object) -join ',' | Should -Be ($mine -join ',')
        }
    }

    It 'refuses a write queued after the run ended (none is left waiting or lost)' {
        $r = Test-GeminiBridge -Mode LateWrite
        @($r).Count | Should -Be 1
        $r.Refused | Should -BeTrue
    }

    It 'answers ShouldProcess asked from worker code on the pipeline thread (-WhatIf: no)' {
        $r = Test-GeminiBridge -Mode Ask -WhatIf 6>&1 | Where-Object { $_ -isnot [System.Management.Automation.InformationRecord] }
        $r.First | Should -BeFalse
        $r.Second | Should -BeFalse
    }

    It 'answers ShouldProcess asked from worker code (-Confirm:$false: yes)' {
        $r = Test-GeminiBridge -Mode Ask -Confirm:$false
        $r.First | Should -BeTrue
        $r.Second | Should -BeTrue
    }
    # Ctrl+C through the real cmdlets: Resilience.Tests.ps1 'stops within a second ...'.
}
