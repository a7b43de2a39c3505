<#
.SYNOPSIS
    Benchmarks and performance budgets (issue 8): measures the module against a private Postfix on loopback and
    writes docs/performance.md.
.DESCRIPTION
    Run with: dotnet pwsh ./build.ps1 -Task Bench   (Build, then this script).

    Starts its own Postfix fixture (tests/Fixtures) with a throw-away CA, and stops it in finally. Every measured
    PowerShell runs as a child process started with SSL_CERT_FILE=<ca.pem>, the only way .NET on Linux trusts the
    fixture CA. The machine is assumed noisy: figures with a budget are ratios of medians over interleaved rounds
    (A and B alternate, the order flips every round), never absolute times.

      1. Import cost        whole 'pwsh -NoProfile -c "Import-Module SmtpConfig"' over whole 'pwsh -NoProfile -c 1',
                            beside an empty and a minimal compiled module, with and without PowerShell's module
                            analysis cache file.
      2. Warm probe         Test-SmtpConnection (STARTTLS+AUTH+QUIT) in a warm session over raw MailKit
                            Connect/Authenticate/Disconnect in a warm session of the same kind.
      3. Whole process      swaks vs 'pwsh -c "Import-Module; Test-SmtpConnection"' (side by side, no budget).
      4. Many servers       16 saved profiles on a silent loopback listener, TimeoutSec 2, ThrottleLimit 8,
                            3 runs: wall time, waves, working set.
      5. Fail fast          -Encryption Ssl against the STARTTLS port; a silent server at -TimeoutSec 3.
      6. One connection     Send-SmtpTestMail to two recipients: transcript and Postfix maillog.

    A missed budget is reported as FAIL in the table and in docs/performance.md, but the script still exits 0:
    a slow machine must not break the build. It throws only when it cannot measure at all (no Postfix, a child
    that does not answer).
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory)] [string] $Root,
    [Parameter(Mandatory)] [string] $ModulePath,
    # Interleaved rounds for the ratios (odd, so the median is a real sample).
    [ValidateRange(3, 99)] [int] $Rounds = 15,
    # Rounds for the import rows: six whole processes per round, each ~0.5 s; the differences sought are ~20 ms,
    # so they need more samples than the other rows.
    [ValidateRange(3, 199)] [int] $ImportRounds = 41,
    # Probes per round and per side in the warm comparison.
    [ValidateRange(1, 500)] [int] $Iterations = 20,
    [string] $OutputPath,
    # Keeps the scratch folder (fixture, maillog, child scripts) for inspection.
    [switch] $KeepScratch
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

Import-Module (Join-Path $Root 'build/BuildTasks.psm1') -Force
Import-Module (Join-Path $Root 'tests/Fixtures/TestPki.psm1') -Force
Import-Module (Join-Path $Root 'tests/Fixtures/PostfixFixture.psm1') -Force

if (-not $OutputPath) { $OutputPath = Join-Path $Root 'docs/performance.md' }
# Scratch space outside the repo (a concurrent Clean or Build must not pull files from under a running benchmark),
# and a private copy of the built module, measured from there for the same reason.
$work = Join-Path ([IO.Path]::GetTempPath()) ('smtpconfig-bench-' + [Guid]::NewGuid().ToString('n').Substring(0, 8))
New-Item -ItemType Directory -Force -Path $work | Out-Null
$builtModule = Split-Path (Resolve-Path -LiteralPath $ModulePath).Path -Parent
# The copy sits in a folder of its own that the children put first on PSModulePath, so 'Import-Module SmtpConfig' (by
# name, as users type it) finds it; the reference modules of row 1 go beside it.
$moduleRoot = Join-Path $work 'modules'
New-Item -ItemType Directory -Force -Path $moduleRoot | Out-Null
Copy-Item -Recurse -LiteralPath $builtModule -Destination (Join-Path $moduleRoot 'SmtpConfig')
$ModulePath = Join-Path $moduleRoot (Join-Path 'SmtpConfig' (Split-Path $ModulePath -Leaf))
$dependencies = Join-Path (Split-Path $ModulePath -Parent) 'Dependencies'
$pwshCommand = @(Get-PwshCommandLine)

$Budget = @{
    ImportRatio     = 1.10
    WarmProbeRatio  = 1.30
    ManyServersSec  = 6.0
    MemoryGrowthMB  = 5.0    # chosen here: "flat" = run 3 adds at most 5 MB of working set to run 2 (and no managed-heap growth)
    WrongModeSec    = 1.0
    SilentServerSec = 4.0
}

# ---------------------------------------------------------------- helpers

function Get-Median([double[]] $Values) {
    if (-not $Values -or $Values.Count -eq 0) { return [double]::NaN }
    $sorted = [double[]] ($Values | Sort-Object)
    $n = $sorted.Count
    if ($n % 2) { return $sorted[($n - 1) / 2] }
    ($sorted[$n / 2 - 1] + $sorted[$n / 2]) / 2
}

function Format-Ms([double] $Ms) { '{0:0.0} ms' -f $Ms }

function Get-RatioInterval {
    # A 90% bootstrap interval for median(Numerator) / median(Denominator): resamples whole rounds (the same rounds for
    # both sides, as they ran side by side), with a fixed seed so a report can be recomputed from its samples.
    param([double[]] $Denominator, [double[]] $Numerator, [int] $Resamples = 2000)
    $n = $Denominator.Count
    $random = [Random]::new(8)
    $ratios = [double[]]::new($Resamples)
    $a = [double[]]::new($n); $b = [double[]]::new($n)
    for ($r = 0; $r -lt $Resamples; $r++) {
        for ($i = 0; $i -lt $n; $i++) { $k = $random.Next($n); $a[$i] = $Denominator[$k]; $b[$i] = $Numerator[$k] }
        [Array]::Sort($a); [Array]::Sort($b)
        $ma = if ($n % 2) { $a[($n - 1) / 2] } else { ($a[$n / 2 - 1] + $a[$n / 2]) / 2 }
        $mb = if ($n % 2) { $b[($n - 1) / 2] } else { ($b[$n / 2 - 1] + $b[$n / 2]) / 2 }
        $ratios[$r] = $mb / $ma
    }
    [Array]::Sort($ratios)
    [pscustomobject]@{ Low = $ratios[[int] [math]::Floor(0.05 * ($Resamples - 1))]; High = $ratios[[int] [math]::Ceiling(0.95 * ($Resamples - 1))] }
}

function Format-Interval($Interval) { '90% interval {0:0.000}–{1:0.000}' -f $Interval.Low, $Interval.High }

function New-ChildStartInfo([string[]] $Arguments, [hashtable] $Environment, [switch] $Pwsh, [string] $FilePath) {
    if ($Pwsh) {
        $psi = [Diagnostics.ProcessStartInfo]::new($pwshCommand[0])
        foreach ($a in @($pwshCommand | Select-Object -Skip 1)) { $psi.ArgumentList.Add($a) }
    }
    else {
        $psi = [Diagnostics.ProcessStartInfo]::new($FilePath)
    }
    foreach ($a in $Arguments) { $psi.ArgumentList.Add($a) }
    $psi.UseShellExecute = $false
    $psi.RedirectStandardOutput = $true
    $psi.RedirectStandardError = $true
    $psi.WorkingDirectory = $work
    foreach ($k in $script:ChildEnvironment.Keys) { $psi.Environment[$k] = [string] $script:ChildEnvironment[$k] }
    if ($Environment) { foreach ($k in $Environment.Keys) { $psi.Environment[$k] = [string] $Environment[$k] } }
    $psi
}

function Invoke-TimedProcess {
    # Runs one whole process, bounded; returns wall milliseconds from Start() to exit, exit code and output.
    param([Diagnostics.ProcessStartInfo] $StartInfo, [int] $TimeoutSec = 120)
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $p = [Diagnostics.Process]::Start($StartInfo)
    $out = $p.StandardOutput.ReadToEndAsync()
    $err = $p.StandardError.ReadToEndAsync()
    if (-not $p.WaitForExit($TimeoutSec * 1000)) {
        $p.Kill($true)
        throw "'$($StartInfo.FileName) $($StartInfo.ArgumentList -join ' ')' did not finish within $TimeoutSec s."
    }
    $p.WaitForExit()
    $ms = $sw.Elapsed.TotalMilliseconds
    [void] [Threading.Tasks.Task]::WaitAll(@($out, $err), 10000)
    [pscustomobject]@{ Ms = $ms; ExitCode = $p.ExitCode; Output = $out.Result; Error = $err.Result }
}

function Invoke-Interleaved {
    # Runs A and B as whole processes, alternating (AB, BA, AB ...) after one unmeasured warm-up of each.
    param([scriptblock] $A, [scriptblock] $B, [int] $Count, [string] $Label)
    $null = & $A; $null = & $B
    $as = [Collections.Generic.List[double]]::new()
    $bs = [Collections.Generic.List[double]]::new()
    for ($i = 0; $i -lt $Count; $i++) {
        $order = if ($i % 2) { 'B', 'A' } else { 'A', 'B' }
        foreach ($side in $order) {
            $r = if ($side -eq 'A') { & $A } else { & $B }
            if ($side -eq 'A') { $as.Add($r) } else { $bs.Add($r) }
        }
        Write-Host ("  {0} round {1}/{2}: A {3:0} ms, B {4:0} ms" -f $Label, ($i + 1), $Count, $as[-1], $bs[-1])
    }
    # Each round's A and B ran back to back: their ratio cancels slow drifts of the machine's load.
    $pairRatios = for ($i = 0; $i -lt $Count; $i++) { $bs[$i] / $as[$i] }
    [pscustomobject]@{ A = $as.ToArray(); B = $bs.ToArray(); MedianA = (Get-Median $as); MedianB = (Get-Median $bs); MedianPairRatio = (Get-Median $pairRatios) }
}

function Invoke-Rotation {
    # Runs 'pwsh -NoProfile -c <command>' for each side as a whole process, once per round, after one unmeasured
    # warm-up of each. The order rotates every round and reverses every other cycle, so no side always follows the
    # same one.
    param([Collections.Specialized.OrderedDictionary] $Commands, [hashtable] $Environment, [int] $Count, [string] $Label)
    $names = @($Commands.Keys)
    $samples = [ordered]@{}
    $run = {
        param([string] $Name)
        $r = Invoke-TimedProcess (New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-c', $Commands[$Name]) -Environment $Environment)
        if ($r.ExitCode -ne 0) { throw "pwsh -c '$($Commands[$Name])' failed: $($r.Error)" }
        $r.Ms
    }
    foreach ($n in $names) { $null = & $run $n; $samples[$n] = [Collections.Generic.List[double]]::new() }
    for ($i = 0; $i -lt $Count; $i++) {
        $shift = $i % $names.Count
        $order = @($names[$shift..($names.Count - 1)]) + @(if ($shift) { $names[0..($shift - 1)] })
        if ([math]::Floor($i / $names.Count) % 2) { [array]::Reverse($order) }
        foreach ($n in $order) { $samples[$n].Add((& $run $n)) }
        Write-Host ("  {0} round {1}/{2}: {3}" -f $Label, ($i + 1), $Count, (($names | ForEach-Object { '{0} {1:0}' -f $_, $samples[$_][-1] }) -join ', '))
    }
    $medians = [ordered]@{}
    foreach ($n in $names) { $medians[$n] = Get-Median $samples[$n] }
    [pscustomobject]@{ Samples = $samples; Median = $medians; Count = $Count }
}

function Read-BenchLine([Diagnostics.Process] $Process, [int] $TimeoutSec, [string] $Who) {
    # Protocol lines from the workers start with 'BENCH '; anything else is passed through.
    $deadline = [datetime]::UtcNow.AddSeconds($TimeoutSec)
    while ($true) {
        $left = [int] [math]::Max(1, ($deadline - [datetime]::UtcNow).TotalMilliseconds)
        $task = $Process.StandardOutput.ReadLineAsync()
        if (-not $task.Wait($left)) { throw "$Who did not answer within $TimeoutSec s." }
        $line = $task.Result
        if ($null -eq $line) { throw "$Who exited (code $(if ($Process.HasExited) { $Process.ExitCode }))." }
        if ($line.StartsWith('BENCH ')) { return $line.Substring(6) }
        Write-Host "  [$Who] $line"
    }
}

function Stop-Worker($Process) {
    if (-not $Process) { return }
    try { $Process.StandardInput.WriteLine('quit'); $Process.StandardInput.Close() } catch { }
    if (-not $Process.WaitForExit(10000)) { $Process.Kill($true) }
}

function Get-MachineFacts {
    $mem = (Get-Content /proc/meminfo -ErrorAction SilentlyContinue | Where-Object { $_ -match '^MemTotal:\s+(\d+)' } | Select-Object -First 1)
    $memText = if ($mem -and $mem -match '(\d+)') { '{0:0.0} GiB' -f ([double] $Matches[1] / 1MB) } else { 'unknown' }
    $os = 'unknown'
    if (Test-Path /etc/os-release) {
        $line = Get-Content /etc/os-release | Where-Object { $_ -like 'PRETTY_NAME=*' } | Select-Object -First 1
        if ($line) { $os = $line.Substring(12).Trim('"') }
    }
    $kernel = try { (& uname -r) -join '' } catch { '' }
    $cpu = (Get-Content /proc/cpuinfo -ErrorAction SilentlyContinue | Where-Object { $_ -like 'model name*' } | Select-Object -First 1)
    $postfix = try { (& postconf -d mail_version 2>$null) -replace '^mail_version = ', '' } catch { '' }
    $swaks = try { ((& swaks --version 2>$null) | Select-Object -First 1) -replace '^swaks version ', '' } catch { '' }
    $mailkit = [Diagnostics.FileVersionInfo]::GetVersionInfo((Join-Path $dependencies 'MailKit.dll')).ProductVersion
    [ordered]@{
        'Processors (nproc)' = [Environment]::ProcessorCount
        'CPU'                = if ($cpu) { ($cpu -split ':', 2)[1].Trim() } else { 'unknown' }
        'Memory'             = $memText
        'OS'                 = "$os (kernel $kernel)"
        '.NET'               = [Runtime.InteropServices.RuntimeInformation]::FrameworkDescription
        'PowerShell'         = "$($PSVersionTable.PSVersion) (children: $($pwshCommand -join ' '))"
        'Module'             = (Import-PowerShellDataFile $ModulePath).ModuleVersion
        'MailKit'            = ($mailkit -split '\+')[0]
        'Postfix'            = $postfix
        'swaks'              = $swaks
    }
}

# ---------------------------------------------------------------- child scripts

$warmWorker = @'
param([string] $Mode, [string] $ModulePath, [string] $Dependencies, [int] $Port, [int] $WarmUp)
$ErrorActionPreference = 'Stop'
$WarningPreference = 'SilentlyContinue'
$user = $env:BENCH_USER
$plain = $env:BENCH_PASSWORD
if ($Mode -eq 'Module') {
    Import-Module $ModulePath
    $credential = [pscredential]::new($user, (ConvertTo-SecureString $plain -AsPlainText -Force))
    $probe = {
        $r = Test-SmtpConnection -Server localhost -Port $Port -Encryption StartTls -Credential $credential -TimeoutSec 10
        if (-not $r.Succeeded -or -not $r.Authenticated) { throw "Test-SmtpConnection failed at $($r.FailedStage): $($r.Error)" }
    }
}
elseif ($Mode -eq 'Raw') {
    # Raw MailKit on a socket made like the module's (resolved address, TCP_NODELAY), handed to SmtpClient.Connect.
    foreach ($name in 'BouncyCastle.Cryptography', 'MimeKit', 'MailKit') { Add-Type -Path (Join-Path $Dependencies "$name.dll") }
    $probe = {
        $client = [MailKit.Net.Smtp.SmtpClient]::new()
        try {
            $client.CheckCertificateRevocation = $false
            $client.Timeout = 10000
            $address = [Net.Dns]::GetHostAddresses('localhost')[0]
            $socket = [Net.Sockets.Socket]::new($address.AddressFamily, [Net.Sockets.SocketType]::Stream, [Net.Sockets.ProtocolType]::Tcp)
            $socket.NoDelay = $true
            $socket.Connect($address, $Port)
            $client.Connect($socket, 'localhost', $Port, [MailKit.Security.SecureSocketOptions]::StartTls)
            $client.Authenticate($user, $plain)
            $client.Disconnect($true)
        }
        finally { $client.Dispose() }
    }
}
else {
    # Raw MailKit as most scripts call it: Connect(host) with MailKit's own socket.
    foreach ($name in 'BouncyCastle.Cryptography', 'MimeKit', 'MailKit') { Add-Type -Path (Join-Path $Dependencies "$name.dll") }
    $probe = {
        $client = [MailKit.Net.Smtp.SmtpClient]::new()
        try {
            $client.CheckCertificateRevocation = $false
            $client.Timeout = 10000
            $client.Connect('localhost', $Port, [MailKit.Security.SecureSocketOptions]::StartTls)
            $client.Authenticate($user, $plain)
            $client.Disconnect($true)
        }
        finally { $client.Dispose() }
    }
}
for ($i = 0; $i -lt $WarmUp; $i++) { & $probe }
[Console]::Out.WriteLine('BENCH READY'); [Console]::Out.Flush()
$sw = [Diagnostics.Stopwatch]::new()
while ($true) {
    $line = [Console]::In.ReadLine()
    if ($null -eq $line -or $line -eq 'quit') { break }
    $n = [int] $line
    $times = [double[]]::new($n)
    for ($i = 0; $i -lt $n; $i++) { $sw.Restart(); & $probe; $times[$i] = $sw.Elapsed.TotalMilliseconds }
    [Console]::Out.WriteLine('BENCH ' + ($times -join ';')); [Console]::Out.Flush()
}
'@

$importProbe = @'
param([string] $Name)
# PowerShell's first-import costs (manifest parser, module machinery) are paid by an empty module first, so the
# measured import is what this module adds in a process that has already imported something. That first import is
# timed too: Measure-Command, the script's first cmdlet, has already paid for resolving and binding a first cmdlet.
$firstEmpty = Measure-Command { Import-Module BenchEmpty }
$before = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name })
$t = Measure-Command { Import-Module $Name }
$after = @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name })
$alcs = @([Runtime.Loader.AssemblyLoadContext]::All | ForEach-Object {
        [pscustomobject]@{ Name = $_.Name; Assemblies = @($_.Assemblies | ForEach-Object { $_.GetName().Name }) } })
$t2 = Measure-Command { $null = Get-Command -Module $Name }
[pscustomobject]@{
    ImportMs   = $t.TotalMilliseconds
    FirstEmptyImportMs = $firstEmpty.TotalMilliseconds
    GetCommandMs = $t2.TotalMilliseconds
    NewAssemblies = @($after | Where-Object { $_ -notin $before } | Sort-Object)
    Contexts   = @($alcs | Where-Object { $_.Name -ne 'Default' })
} | ConvertTo-Json -Depth 4 -Compress | ForEach-Object { 'BENCH ' + $_ }
'@

$manyServers = @'
param([string] $ModulePath, [int] $SubmissionPort)
$ErrorActionPreference = 'Stop'
$WarningPreference = 'SilentlyContinue'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath

# A loopback server that completes the TCP handshake (kernel accept queue) and never says a word.
$silent = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
$silent.Start(256)
$silentPort = ([Net.IPEndPoint] $silent.LocalEndpoint).Port
function Clear-Silent {
    # Takes the queued connections (the probes' sockets) off the listener and closes them; returns how many.
    $n = 0
    while ($silent.Pending()) { $c = $silent.AcceptTcpClient(); $c.Dispose(); $n++ }
    $n
}
function Measure-Probe([scriptblock] $Probe) {
    $sw = [Diagnostics.Stopwatch]::StartNew()
    $r = & $Probe
    [pscustomobject]@{ Seconds = $sw.Elapsed.TotalSeconds; Succeeded = $r.Succeeded; FailedStage = "$($r.FailedStage)"; Error = $r.Error; Duration = $r.Duration.TotalSeconds }
}
$result = [ordered]@{ SilentPort = $silentPort }
try {
    # 5a. Wrong mode: implicit TLS against the STARTTLS port. First call of the session (cold TLS), then warm.
    $result.WrongModeCold = Measure-Probe { Test-SmtpConnection -Server localhost -Port $SubmissionPort -Encryption Ssl -TimeoutSec 10 }
    $result.WrongModeWarm = Measure-Probe { Test-SmtpConnection -Server localhost -Port $SubmissionPort -Encryption Ssl -TimeoutSec 10 }
    # 5b. A server that accepts and never answers, -TimeoutSec 3.
    $result.Silent = Measure-Probe { Test-SmtpConnection -Server 127.0.0.1 -Port $silentPort -Encryption StartTls -TimeoutSec 3 }
    $result.SilentConnections = Clear-Silent

    # 4. Sixteen saved profiles on the silent server.
    1..16 | ForEach-Object {
        Set-SmtpConfiguration -Name ('slow{0:00}' -f $_) -Server 127.0.0.1 -Port $silentPort -Encryption StartTls -NoCredential `
            -From 'bench@example.test' -TimeoutSec 2 -SkipValidation
    }
    $saved = @(Get-SmtpConfiguration -Name 'slow*').Count
    $runs = foreach ($run in 1..3) {
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $me = [Diagnostics.Process]::GetCurrentProcess()
        $wsBefore = $me.WorkingSet64; $heapBefore = [GC]::GetTotalMemory($true)
        $sw = [Diagnostics.Stopwatch]::StartNew()
        $rows = @(Test-SmtpConnection -Name 'slow*' | ForEach-Object {
                [pscustomobject]@{ At = $sw.Elapsed.TotalSeconds; Name = $_.Name; Succeeded = $_.Succeeded; FailedStage = "$($_.FailedStage)"; Duration = $_.Duration.TotalSeconds }
            })
        $elapsed = $sw.Elapsed.TotalSeconds
        $connections = Clear-Silent
        [GC]::Collect(); [GC]::WaitForPendingFinalizers(); [GC]::Collect()
        $me.Refresh()
        [pscustomobject]@{
            Run = $run; Seconds = $elapsed; Results = $rows.Count; Succeeded = @($rows | Where-Object Succeeded).Count
            FailedStages = (@($rows | Group-Object FailedStage | ForEach-Object { "$($_.Name) x$($_.Count)" }) -join ', ')
            CompletedAt = @($rows | ForEach-Object { [math]::Round($_.At, 2) })
            MaxDuration = ($rows | Measure-Object Duration -Maximum).Maximum
            Connections = $connections
            WorkingSetBeforeMB = $wsBefore / 1MB; WorkingSetAfterMB = $me.WorkingSet64 / 1MB
            HeapBeforeMB = $heapBefore / 1MB; HeapAfterMB = [GC]::GetTotalMemory($true) / 1MB
            Threads = $me.Threads.Count
        }
    }
    $result.Saved = $saved
    $result.Runs = @($runs)
}
finally { $silent.Stop() }
'BENCH ' + ($result | ConvertTo-Json -Depth 5 -Compress)
'@

$oneConnection = @'
param([string] $ModulePath, [int] $Port)
$ErrorActionPreference = 'Stop'
$WarningPreference = 'SilentlyContinue'
$ProgressPreference = 'SilentlyContinue'
Import-Module $ModulePath
$credential = [pscredential]::new($env:BENCH_USER, (ConvertTo-SecureString $env:BENCH_PASSWORD -AsPlainText -Force))
$r = Send-SmtpTestMail -Server localhost -Port $Port -Encryption StartTls -Credential $credential -From $env:BENCH_USER `
    -To 'alice@example.test', 'bob@example.test' -TimeoutSec 10 -Confirm:$false
$t = @($r.Transcript)
'BENCH ' + ([pscustomobject]@{
        Succeeded = $r.Succeeded; QueueId = $r.QueueId; Accepted = @($r.AcceptedRecipients); Error = $r.Error
        Connects = @($t | Where-Object { $_ -match '\*: connected to' }).Count
        MailFrom = @($t | Where-Object { $_ -match 'C: MAIL FROM:' }).Count
        RcptTo = @($t | Where-Object { $_ -match 'C: RCPT TO:' } | ForEach-Object { ($_ -replace '^.*C: ', '').Trim() })
        Data = @($t | Where-Object { $_ -match 'C: DATA' }).Count
        Transcript = $t
    } | ConvertTo-Json -Depth 3 -Compress)
'@

# ---------------------------------------------------------------- run

foreach ($pair in @{ 'warm-worker.ps1' = $warmWorker; 'import-probe.ps1' = $importProbe; 'many-servers.ps1' = $manyServers; 'one-connection.ps1' = $oneConnection }.GetEnumerator()) {
    Set-Content -LiteralPath (Join-Path $work $pair.Key) -Value $pair.Value
}

$availability = Test-PostfixAvailable -Detailed
if (-not $availability.Available) { throw "The benchmark needs the Postfix fixture: $($availability.Reason)" }

$started = Get-Date
$facts = Get-MachineFacts
$rows = [Collections.Generic.List[object]]::new()
function Add-Row([string] $Id, [string] $What, [string] $Value, [string] $Budget, $Pass) {
    $verdict = if ($null -eq $Pass) { '—' } elseif ($Pass) { 'PASS' } else { 'FAIL' }
    $rows.Add([pscustomobject]@{ Id = $Id; What = $What; Value = $Value; Budget = $Budget; Result = $verdict })
}
$details = [ordered]@{}
$fixture = $null
$workers = @()
try {
    Write-Host '== Bench: starting the Postfix fixture'
    $ca = New-TestCertificateAuthority -Directory (Join-Path $work 'pki')
    $fixture = Start-PostfixFixture -Root (Join-Path $work 'postfix') -Authority $ca
    $port = $fixture.SubmissionPort
    Write-Host "Postfix: submission (STARTTLS) port $port, started in $($fixture.StartSeconds) s"
    $script:ChildEnvironment = @{
        SSL_CERT_FILE         = $ca.CertificatePath
        SMTPCONFIG_HOME       = (Join-Path $work 'store')
        BENCH_USER            = $fixture.UserName
        BENCH_PASSWORD        = $fixture.Password
        POWERSHELL_TELEMETRY_OPTOUT = '1'
        POWERSHELL_UPDATECHECK = 'Off'
    }

    # ---- 1. import cost
    # Every child finds modules on the same PSModulePath, and reads PowerShell's module analysis cache from a file of
    # the benchmark's own (PSModuleAnalysisCachePath), so the machine's ~/.cache does not change the figures.
    $cacheFile = Join-Path $work 'analysis-cache/ModuleAnalysisCache'
    New-Item -ItemType Directory -Force -Path (Split-Path $cacheFile) | Out-Null
    $script:ChildEnvironment.PSModulePath = $moduleRoot
    $script:ChildEnvironment.PSModuleAnalysisCachePath = $cacheFile

    # Two reference modules beside ours show PowerShell's own floor: an empty manifest, and the smallest compiled
    # module of the same shape (six no-op cmdlets, explicit CmdletsToExport), built here with Add-Type.
    $emptyDir = Join-Path $moduleRoot 'BenchEmpty'
    New-Item -ItemType Directory -Force -Path $emptyDir | Out-Null
    Set-Content -LiteralPath (Join-Path $emptyDir 'BenchEmpty.psd1') -Value "@{ ModuleVersion = '1.0'; GUID = '00000000-0000-0000-0000-000000000001' }"
    $minimalDir = Join-Path $moduleRoot 'BenchMinimal'
    New-Item -ItemType Directory -Force -Path $minimalDir | Out-Null
    $minimalNames = 'Get-BenchItem', 'Set-BenchItem', 'Remove-BenchItem', 'Test-BenchItem', 'Send-BenchItem', 'Find-BenchItem'
    $minimalSource = 'using System.Management.Automation; namespace BenchMinimal {' + (($minimalNames | ForEach-Object {
                $verb, $noun = $_ -split '-'
                "[Cmdlet(`"$verb`", `"$noun`")] public sealed class ${verb}Command : PSCmdlet { [Parameter(Position = 0)] public string Name { get; set; } protected override void ProcessRecord() { WriteObject(Name); } }"
            }) -join ' ') + ' }'
    Add-Type -TypeDefinition $minimalSource -OutputAssembly (Join-Path $minimalDir 'BenchMinimal.dll')
    Set-Content -LiteralPath (Join-Path $minimalDir 'BenchMinimal.psd1') -Value ("@{{ RootModule = 'BenchMinimal.dll'; ModuleVersion = '1.0'; GUID = '00000000-0000-0000-0000-000000000002'; CmdletsToExport = @({0}); FunctionsToExport = @(); VariablesToExport = @(); AliasesToExport = @() }}" -f
        (($minimalNames | ForEach-Object { "'$_'" }) -join ', '))

    # SmtpConfig itself with a manifest that lacks PrivateData (the gallery's tags and links), for the in-process
    # diagnosis below: it tells PowerShell's handling of that metadata apart from the module's own initializer.
    $bareManifestDir = Join-Path $moduleRoot 'BenchSmtpNoPSData'
    New-Item -ItemType Directory -Force -Path $bareManifestDir | Out-Null
    $manifestData = Import-PowerShellDataFile -LiteralPath $ModulePath
    $manifestData.Remove('PrivateData')
    $manifestData.RootModule = Join-Path (Split-Path $ModulePath -Parent) $manifestData.RootModule
    $manifestText = ($manifestData.GetEnumerator() | Sort-Object Key | ForEach-Object {
            $value = if ($_.Value -is [array]) { '@(' + (($_.Value | ForEach-Object { "'" + ([string] $_ -replace "'", "''") + "'" }) -join ', ') + ')' } else { "'" + ([string] $_.Value -replace "'", "''") + "'" }
            "    $($_.Key) = $value"
        }) -join [Environment]::NewLine
    Set-Content -LiteralPath (Join-Path $bareManifestDir 'BenchSmtpNoPSData.psd1') -Value "@{$([Environment]::NewLine)$manifestText$([Environment]::NewLine)}"

    # SmtpConfig itself with its manifest's cmdlet list written one name a line without commas (how it was written
    # before the benchmark found the cost): PowerShell runs the manifest on every import, and that list is a block of
    # statements, where the commas make it one expression. Same dll (RootModule rewritten to its absolute path, the
    # manifest in a folder of its own): otherwise only the list's text differs.
    $statementsDir = Join-Path $moduleRoot 'BenchSmtpStatements'
    New-Item -ItemType Directory -Force -Path $statementsDir | Out-Null
    $manifestSource = Get-Content -Raw -LiteralPath $ModulePath
    $statementsText = [regex]::Replace($manifestSource, '(?s)(CmdletsToExport\s*=\s*@\()(.*?)(\))', { param($match) $match.Groups[1].Value + ($match.Groups[2].Value -replace "',", "'") + $match.Groups[3].Value })
    $statementsText = [regex]::Replace($statementsText, "RootModule\s*=\s*'[^']*'", { "RootModule = '$((Join-Path (Split-Path $ModulePath -Parent) 'SmtpConfig.dll') -replace "'", "''")'" })
    $statementsAst = [Management.Automation.Language.Parser]::ParseInput($statementsText, [ref] $null, [ref] $null)
    $statementsList = $statementsAst.Find({ $args[0] -is [Management.Automation.Language.ArrayExpressionAst] -and $args[0].Extent.Text -match 'Get-SmtpConfiguration' }, $true)
    if (-not $statementsList -or $statementsList.SubExpression.Statements.Count -lt 2) { throw 'Could not write the one-name-a-line variant of the manifest: the cmdlet list is not where the benchmark expects it.' }
    Set-Content -LiteralPath (Join-Path $statementsDir 'BenchSmtpStatements.psd1') -Value $statementsText -NoNewline

    # PowerShell writes the analysis cache from a session that has lived about 13 s (AnalysisCache.QueueSerialization);
    # on a machine where PowerShell is in use the file exists. Make it exist here the same way, once.
    Write-Host '== Bench 1: preparing the module analysis cache (one session of ~15 s)'
    $cacheSw = [Diagnostics.Stopwatch]::StartNew()
    $prime = Invoke-TimedProcess -TimeoutSec 90 (New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-c',
            ('Import-Module SmtpConfig, BenchMinimal, BenchEmpty, BenchSmtpStatements; $null = Get-Module -ListAvailable; Start-Sleep -Seconds 15; ' +
            '$deadline = [datetime]::UtcNow.AddSeconds(45); while (-not (Test-Path -LiteralPath $env:PSModuleAnalysisCachePath) -and [datetime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 500 }; ' +
            'if (-not (Test-Path -LiteralPath $env:PSModuleAnalysisCachePath)) { exit 3 }')))
    $cacheSeconds = $cacheSw.Elapsed.TotalSeconds
    if ($prime.ExitCode -ne 0) { throw "PowerShell did not write its module analysis cache to $cacheFile (exit $($prime.ExitCode)): $($prime.Error)" }
    Write-Host ("  written after {0:0.0} s ({1:0.0} KB)" -f $cacheSeconds, ((Get-Item -LiteralPath $cacheFile).Length / 1KB))

    $importCommands = [ordered]@{ Bare = '1'; Cmdlet = 'Get-Module'; Empty = 'Import-Module BenchEmpty'; Minimal = 'Import-Module BenchMinimal'; SmtpConfig = 'Import-Module SmtpConfig'; Statements = 'Import-Module BenchSmtpStatements' }

    Write-Host "== Bench 1: import cost ($ImportRounds rotating rounds of six whole processes)"
    $import = Invoke-Rotation -Commands $importCommands -Count $ImportRounds -Label 'import'
    $m = $import.Median
    $sx = $import.Samples
    $importRatio = $m.SmtpConfig / $m.Bare
    $interval = @{
        SmtpConfig = Get-RatioInterval $sx.Bare $sx.SmtpConfig
        Cmdlet     = Get-RatioInterval $sx.Bare $sx.Cmdlet
        Empty      = Get-RatioInterval $sx.Bare $sx.Empty
        Minimal    = Get-RatioInterval $sx.Bare $sx.Minimal
        OverMinimal = Get-RatioInterval $sx.Minimal $sx.SmtpConfig
        Statements = Get-RatioInterval $sx.SmtpConfig $sx.Statements
    }
    Add-Row '1' 'Import cost: whole `pwsh -NoProfile -c "Import-Module SmtpConfig"` over whole `pwsh -NoProfile -c 1` (ratio of medians; module analysis cache present)' `
    ('{0:0.000} ({1:0} ms / {2:0} ms; {3:+0;-0;0} ms; {4})' -f $importRatio, $m.SmtpConfig, $m.Bare, ($m.SmtpConfig - $m.Bare), (Format-Interval $interval.SmtpConfig)) '≤ 1.10' ($importRatio -le $Budget.ImportRatio)
    Add-Row '1r' 'PowerShell''s floor, same rounds: a first cmdlet and no module (`Get-Module`); an empty manifest; a minimal compiled module (6 no-op cmdlets, explicit exports); SmtpConfig over the minimal module' `
    ('Get-Module {9:0.000} ({10:+0;-0;0} ms; {11}); empty {0:0.000} ({1:+0;-0;0} ms; {2}); minimal {3:0.000} ({4:+0;-0;0} ms; {5}); SmtpConfig over minimal {6:0.000} ({7:+0;-0;0} ms; {8})' -f
        ($m.Empty / $m.Bare), ($m.Empty - $m.Bare), (Format-Interval $interval.Empty), ($m.Minimal / $m.Bare), ($m.Minimal - $m.Bare), (Format-Interval $interval.Minimal),
        ($m.SmtpConfig / $m.Minimal), ($m.SmtpConfig - $m.Minimal), (Format-Interval $interval.OverMinimal),
        ($m.Cmdlet / $m.Bare), ($m.Cmdlet - $m.Bare), (Format-Interval $interval.Cmdlet)) 'none' $null
    Add-Row '1s' 'Same rounds: SmtpConfig with its manifest''s cmdlet list one name a line without commas (as written before this benchmark), over SmtpConfig as shipped' `
    ('{0:0.000} ({1:+0;-0;0} ms; {2})' -f ($m.Statements / $m.SmtpConfig), ($m.Statements - $m.SmtpConfig), (Format-Interval $interval.Statements)) 'none' $null

    # The same without the analysis cache file: the first runs on a fresh machine or container, or every run where no
    # PowerShell session ever lives 13 s. PowerShell then sleeps 3 x 25 ms looking for the file on any by-name import.
    Write-Host "== Bench 1n: import cost without a module analysis cache ($ImportRounds rotating rounds)"
    $noCacheCommands = [ordered]@{}
    foreach ($k in 'Bare', 'Empty', 'Minimal', 'SmtpConfig') { $noCacheCommands[$k] = $importCommands[$k] }
    $noCache = Invoke-Rotation -Commands $noCacheCommands -Environment @{ PSModuleAnalysisCachePath = (Join-Path $work 'no-analysis-cache/ModuleAnalysisCache') } -Count $ImportRounds -Label 'import-nocache'
    $n = $noCache.Median
    Add-Row '1n' 'The same with no module analysis cache file (fresh machine or container; PowerShell''s 3 x 25 ms retry), reference' `
    ('SmtpConfig {0:0.000} ({1:+0;-0;0} ms); empty {2:0.000} ({3:+0;-0;0} ms); minimal {4:0.000} ({5:+0;-0;0} ms)' -f ($n.SmtpConfig / $n.Bare), ($n.SmtpConfig - $n.Bare), ($n.Empty / $n.Bare), ($n.Empty - $n.Bare), ($n.Minimal / $n.Bare), ($n.Minimal - $n.Bare)) 'none' $null

    # Where the import time goes, measured inside one process (diagnosis only, not budgeted).
    # Fresh processes, alternating SmtpConfig and the minimal compiled module; the whole-process rows cannot resolve
    # differences of a few milliseconds, this can.
    $insideNames = 'SmtpConfig', 'BenchSmtpNoPSData', 'BenchMinimal'
    $inside = @{}
    foreach ($name in $insideNames) { $inside[$name] = [Collections.Generic.List[object]]::new() }
    for ($i = 0; $i -lt 9; $i++) {
        $order = if ($i % 2) { $insideNames[2..0] } else { $insideNames }
        foreach ($name in $order) {
            $probe = Invoke-TimedProcess (New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-File', (Join-Path $work 'import-probe.ps1'), $name))
            if ($probe.ExitCode -ne 0) { throw "The import probe failed: $($probe.Error)" }
            $inside[$name].Add((($probe.Output -split "`n" | Where-Object { $_.StartsWith('BENCH ') } | Select-Object -First 1).Substring(6) | ConvertFrom-Json))
        }
    }
    $importInside = $inside.SmtpConfig[0]
    $importInside | Add-Member -Force ImportMs (Get-Median @($inside.SmtpConfig | ForEach-Object ImportMs))
    $importInside | Add-Member -Force GetCommandMs (Get-Median @($inside.SmtpConfig | ForEach-Object GetCommandMs))
    $importInside | Add-Member -Force MinimalImportMs (Get-Median @($inside.BenchMinimal | ForEach-Object ImportMs))
    $importInside | Add-Member -Force NoPSDataImportMs (Get-Median @($inside.BenchSmtpNoPSData | ForEach-Object ImportMs))
    $importInside | Add-Member -Force FirstEmptyImportMs (Get-Median @($insideNames | ForEach-Object { $inside[$_] } | ForEach-Object FirstEmptyImportMs))
    $details.Import = [pscustomobject]@{ Measured = $import; Interval = $interval; NoCache = $noCache; Inside = $importInside; CacheSeconds = $cacheSeconds }

    # ---- 2. warm probe vs raw MailKit
    Write-Host "== Bench 2: warm Test-SmtpConnection vs raw MailKit ($Rounds rounds x $Iterations probes each, interleaved)"
    $warmPath = Join-Path $work 'warm-worker.ps1'
    $warmUp = 10
    foreach ($mode in 'Module', 'Raw', 'RawHost') {
        $psi = New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $warmPath, $mode, $ModulePath, $dependencies, $port, $warmUp)
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardError = $false
        $p = [Diagnostics.Process]::Start($psi)
        $workers += [pscustomobject]@{ Mode = $mode; Process = $p }
    }
    foreach ($w in $workers) { $null = Read-BenchLine $w.Process 120 "$($w.Mode) worker" }
    $samples = @{}; $roundMedians = @{}
    foreach ($w in $workers) { $samples[$w.Mode] = [Collections.Generic.List[double]]::new(); $roundMedians[$w.Mode] = [Collections.Generic.List[double]]::new() }
    for ($i = 0; $i -lt $Rounds; $i++) {
        # Rotate who goes first: Module/Raw/RawHost, Raw/RawHost/Module, RawHost/Module/Raw ...
        $order = @(0..2 | ForEach-Object { $workers[($_ + $i) % 3] })
        foreach ($w in $order) {
            $w.Process.StandardInput.WriteLine([string] $Iterations)
            $w.Process.StandardInput.Flush()
            $times = [double[]] ((Read-BenchLine $w.Process 120 "$($w.Mode) worker") -split ';')
            $samples[$w.Mode].AddRange($times)
            $roundMedians[$w.Mode].Add((Get-Median $times))
        }
        Write-Host ("  warm round {0}/{1}: Test-SmtpConnection {2:0.00} ms, MailKit (NoDelay socket) {3:0.00} ms, MailKit Connect(host) {4:0.00} ms (medians)" -f ($i + 1), $Rounds, $roundMedians.Module[-1], $roundMedians.Raw[-1], $roundMedians.RawHost[-1])
    }
    foreach ($w in $workers) { Stop-Worker $w.Process }
    $workers = @()
    $warmModule = Get-Median $samples.Module
    $warmRaw = Get-Median $samples.Raw
    $warmRatio = $warmModule / $warmRaw
    $roundRatios = for ($i = 0; $i -lt $Rounds; $i++) { $roundMedians.Module[$i] / $roundMedians.Raw[$i] }
    # On loopback both sides show occasional ~40 ms stalls inside the TLS handshake (a TCP delayed-ACK pattern, seen with
    # raw MailKit as well as with the module): count them, and give the median of the rest, so a bimodal run can be read.
    $stall = @{}
    foreach ($mode in 'Module', 'Raw', 'RawHost') {
        $min = ($samples[$mode] | Measure-Object -Minimum).Minimum
        $fast = @($samples[$mode] | Where-Object { $_ -lt $min + 30 })
        $stall[$mode] = [pscustomobject]@{ Min = $min; Stalled = $samples[$mode].Count - $fast.Count; Count = $samples[$mode].Count; FastMedian = (Get-Median $fast) }
    }
    Add-Row '2' 'Warm Test-SmtpConnection (STARTTLS+AUTH+QUIT) over raw MailKit Connect/Authenticate/Disconnect, same kind of warm session (ratio of medians)' `
    ('{0:0.000} ({1:0.00} ms / {2:0.00} ms; stalls ≥ 30 ms: {3}/{4} vs {5}/{6}; without stalls {7:0.00} / {8:0.00} ms = {9:0.000})' -f $warmRatio, $warmModule, $warmRaw,
        $stall.Module.Stalled, $stall.Module.Count, $stall.Raw.Stalled, $stall.Raw.Count, $stall.Module.FastMedian, $stall.Raw.FastMedian, ($stall.Module.FastMedian / $stall.Raw.FastMedian)) `
        '≤ 1.3' ($warmRatio -le $Budget.WarmProbeRatio)
    $warmRawHost = Get-Median $samples.RawHost
    Add-Row '2b' 'Same, over raw MailKit `Connect(''localhost'', port, StartTls)` with its own socket (reference, no budget)' `
    ('{0:0.000} ({1:0.00} ms / {2:0.00} ms; stalls ≥ 30 ms: {3}/{4})' -f ($warmModule / $warmRawHost), $warmModule, $warmRawHost, $stall.RawHost.Stalled, $stall.RawHost.Count) 'none' $null
    $details.Warm = [pscustomobject]@{
        Module = $warmModule; Raw = $warmRaw; RoundModule = $roundMedians.Module.ToArray(); RoundRaw = $roundMedians.Raw.ToArray()
        RoundRatios = @($roundRatios); MedianRoundRatio = (Get-Median $roundRatios); Stall = $stall
        RawHost = $warmRawHost; RoundRawHost = $roundMedians.RawHost.ToArray()
        ModuleP90 = ($samples.Module | Sort-Object)[[int] [math]::Floor($samples.Module.Count * 0.9)]
        RawP90 = ($samples.Raw | Sort-Object)[[int] [math]::Floor($samples.Raw.Count * 0.9)]
    }

    # ---- 3. whole process: swaks vs pwsh + module
    Write-Host "== Bench 3: whole process, swaks vs pwsh -c 'Import-Module; Test-SmtpConnection' ($Rounds interleaved rounds)"
    $swaksArgs = @('--server', "localhost:$port", '--tls', '--auth', 'PLAIN', '--au', $fixture.UserName, '--ap', $fixture.Password,
        '--quit-after', 'AUTH', '--tls-verify', '--tls-ca-path', $ca.CertificatePath)
    $pwshTest = "`$ErrorActionPreference='Stop'; Import-Module '$ModulePath'; " +
    "`$c = [pscredential]::new(`$env:BENCH_USER, (ConvertTo-SecureString `$env:BENCH_PASSWORD -AsPlainText -Force)); " +
    "`$r = Test-SmtpConnection -Server localhost -Port $port -Encryption StartTls -Credential `$c -WarningAction SilentlyContinue; " +
    "if (-not `$r.Succeeded) { Write-Error `$r.Error; exit 1 }"
    $whole = Invoke-Interleaved -Count $Rounds -Label 'whole' -A {
        $r = Invoke-TimedProcess (New-ChildStartInfo -FilePath 'swaks' -Arguments $swaksArgs)
        if ($r.ExitCode -ne 0 -or $r.Output -notmatch '235 ') { throw "swaks failed ($($r.ExitCode)): $($r.Output) $($r.Error)" }; $r.Ms
    } -B {
        $r = Invoke-TimedProcess (New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-c', $pwshTest))
        if ($r.ExitCode -ne 0) { throw "pwsh Test-SmtpConnection failed ($($r.ExitCode)): $($r.Error)" }; $r.Ms
    }
    Add-Row '3a' 'Whole process: `swaks ... --tls --auth PLAIN --quit-after AUTH --tls-verify` (median)' (Format-Ms $whole.MedianA) 'none' $null
    Add-Row '3b' 'Whole process: `pwsh -NoProfile -c "Import-Module ...; Test-SmtpConnection ..."` (median)' `
    ('{0} ({1:0.0}x swaks; pwsh -c 1 alone: {2})' -f (Format-Ms $whole.MedianB), ($whole.MedianB / $whole.MedianA), (Format-Ms $import.Median.Bare)) 'none' $null
    $details.Whole = $whole

    # ---- 4 + 5. many servers, fail fast
    Write-Host '== Bench 4+5: 16 silent servers (3 runs), wrong mode, silent server'
    $many = Invoke-TimedProcess -TimeoutSec 180 (New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', (Join-Path $work 'many-servers.ps1'), $ModulePath, $port))
    $line = $many.Output -split "`n" | Where-Object { $_.StartsWith('BENCH ') } | Select-Object -First 1
    if (-not $line) { throw "The many-servers child printed no result (exit $($many.ExitCode)):`n$($many.Output)`n$($many.Error)" }
    $m = $line.Substring(6) | ConvertFrom-Json
    foreach ($run in $m.Runs) {
        $ok = $run.Results -eq 16 -and $run.Seconds -le $Budget.ManyServersSec
        # Waves: results that complete within 0.5 s of the previous one belong to the same wave.
        $waves = 0; $prev = -10.0
        foreach ($at in ($run.CompletedAt | Sort-Object)) { if ($at - $prev -gt 0.5) { $waves++ }; $prev = $at }
        $run | Add-Member -NotePropertyName Waves -NotePropertyValue $waves
        Add-Row "4.$($run.Run)" "16 profiles on a silent server, TimeoutSec 2, ThrottleLimit 8 (run $($run.Run)): wall time until all results" `
        ('{0:0.00} s, {1} results ({2}), {3} wave(s), {4} connections' -f $run.Seconds, $run.Results, $run.FailedStages, $waves, $run.Connections) '16 results ≤ 6 s' $ok
    }
    # The first run JITs the probe path and grows the thread pool; "flat" is judged on what a later run adds.
    $growth = $m.Runs[2].WorkingSetAfterMB - $m.Runs[1].WorkingSetAfterMB
    $heapGrowth = $m.Runs[2].HeapAfterMB - $m.Runs[0].HeapAfterMB
    Add-Row '4.m' 'Working set of that session, after GC: before run 1 → after runs 1, 2, 3 (growth = run 3 minus run 2); managed heap after run 1 → after run 3' `
    ('{0:+0.0;-0.0;0.0} MB ({1:0.0} → {2:0.0} → {3:0.0} → {4:0.0} MB; heap {5:0.0} → {6:0.0} MB)' -f $growth, $m.Runs[0].WorkingSetBeforeMB, $m.Runs[0].WorkingSetAfterMB, $m.Runs[1].WorkingSetAfterMB, $m.Runs[2].WorkingSetAfterMB, $m.Runs[0].HeapAfterMB, $m.Runs[2].HeapAfterMB) `
        '≤ 5 MB per later run, heap ≤ 1 MB (flat)' (($growth -le $Budget.MemoryGrowthMB) -and ($heapGrowth -le 1.0))
    $wrongWorst = [math]::Max($m.WrongModeCold.Seconds, $m.WrongModeWarm.Seconds)
    Add-Row '5a' '`-Encryption Ssl` against the STARTTLS submission port: returns a failed result (first call of a session / warm)' `
    ('{0:0.000} s / {1:0.000} s, failed at {2}' -f $m.WrongModeCold.Seconds, $m.WrongModeWarm.Seconds, $m.WrongModeCold.FailedStage) '< 1 s' (($wrongWorst -lt $Budget.WrongModeSec) -and -not $m.WrongModeCold.Succeeded)
    Add-Row '5b' 'Silent server (accepts, never answers), `-TimeoutSec 3`' `
    ('{0:0.000} s, failed at {1}' -f $m.Silent.Seconds, $m.Silent.FailedStage) '≤ 4 s' (($m.Silent.Seconds -le $Budget.SilentServerSec) -and -not $m.Silent.Succeeded)
    $details.Many = $m

    # ---- 6. one connection for several recipients
    Write-Host '== Bench 6: Send-SmtpTestMail to alice and bob'
    $logBefore = if (Test-Path -LiteralPath $fixture.LogPath) { (Get-Item -LiteralPath $fixture.LogPath).Length } else { 0 }
    $send = Invoke-TimedProcess (New-ChildStartInfo -Pwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', (Join-Path $work 'one-connection.ps1'), $ModulePath, $port))
    $line = $send.Output -split "`n" | Where-Object { $_.StartsWith('BENCH ') } | Select-Object -First 1
    if (-not $line) { throw "The send child printed no result (exit $($send.ExitCode)):`n$($send.Output)`n$($send.Error)" }
    $s = $line.Substring(6) | ConvertFrom-Json
    # The maillog is written by postlogd: wait (bounded) for the session's disconnect line.
    $newLog = ''
    $deadline = [datetime]::UtcNow.AddSeconds(10)
    do {
        Start-Sleep -Milliseconds 200
        $fs = [IO.File]::Open($fixture.LogPath, 'Open', 'Read', 'ReadWrite')
        try { $null = $fs.Seek($logBefore, 'Begin'); $newLog = [IO.StreamReader]::new($fs).ReadToEnd() } finally { $fs.Dispose() }
    } until (($newLog -match 'submission/smtpd\[\d+\]: disconnect from .*rcpt=') -or [datetime]::UtcNow -gt $deadline)
    $logLines = @($newLog -split "`n" | Where-Object { $_ -match 'postfix/submission/smtpd' })
    $logConnects = @($logLines | Where-Object { $_ -match ': connect from ' }).Count
    $logDisconnect = @($logLines | Where-Object { $_ -match ': disconnect from ' }) | Select-Object -First 1
    $delivered = @('alice', 'bob' | ForEach-Object { @(Get-PostfixDelivered -Fixture $fixture -Mailbox $_ -Timeout 10).Count })
    $oneConn = $s.Succeeded -and $s.Connects -eq 1 -and @($s.RcptTo).Count -eq 2 -and $logConnects -eq 1 -and $logDisconnect -match 'rcpt=2'
    $disconnectSummary = if ($logDisconnect) { ($logDisconnect -replace '^.*disconnect from \S+ ', '').Trim() } else { '(no disconnect line)' }
    Add-Row '6' 'Send-SmtpTestMail -To alice@example.test, bob@example.test: connections used' `
    ('transcript: {0} connect, {1} MAIL FROM, {2} RCPT TO; maillog: {3} "connect from", `{4}`; delivered alice {5}, bob {6}' -f $s.Connects, $s.MailFrom, @($s.RcptTo).Count, $logConnects, $disconnectSummary, $delivered[0], $delivered[1]) `
        '1 connection' $oneConn
    $details.Send = [pscustomobject]@{ Result = $s; LogLines = $logLines }
}
finally {
    foreach ($w in $workers) { try { if (-not $w.Process.HasExited) { $w.Process.Kill($true) } } catch { } }
    if ($fixture) { Stop-PostfixFixture -Fixture $fixture; Write-Host '== Bench: Postfix stopped' }
    if (-not $KeepScratch) { Remove-Item -Recurse -Force -ErrorAction SilentlyContinue -LiteralPath $work }
    else { Write-Host "Scratch files kept in $work" }
}

# ---------------------------------------------------------------- report

$elapsedMin = ((Get-Date) - $started).TotalMinutes
Write-Host ''
$rows | Format-Table -Wrap -AutoSize Id, Result, Budget, Value, What | Out-Host

$md = [Text.StringBuilder]::new()
function Out-Md([string] $Text = '') { [void] $md.AppendLine($Text) }
function ConvertTo-MdCell([string] $Text) { $Text -replace '\|', '\|' }

Out-Md '# Performance'
Out-Md
Out-Md "Measured $($started.ToString('yyyy-MM-dd HH:mm')) (UTC$($started.ToString('zzz'))) by ``build/Bench.ps1`` in $('{0:0.0}' -f $elapsedMin) minutes. Generated: do not edit by hand, run the benchmark again."
Out-Md
Out-Md '## Machine'
Out-Md
Out-Md '| | |'
Out-Md '|---|---|'
foreach ($k in $facts.Keys) { Out-Md "| $k | $(ConvertTo-MdCell ([string] $facts[$k])) |" }
Out-Md
Out-Md '## Budgets'
Out-Md
Out-Md ("The machine may be small and noisy, so budgets are ratios of medians over $Rounds interleaved rounds (1: $ImportRounds rotating rounds of six commands, four without the analysis cache; others: A, B, then B, A, ...; " +
    'one unmeasured warm-up of each side first), not absolute times. The timeouts of 4 and 5 are bounds the module promises, so they are absolute. ' +
    'A missed budget is marked FAIL here but does not fail the build.')
Out-Md
Out-Md '| # | What | Measured | Budget | Result |'
Out-Md '|---|---|---|---|---|'
foreach ($r in $rows) { Out-Md "| $($r.Id) | $(ConvertTo-MdCell $r.What) | $(ConvertTo-MdCell $r.Value) | $($r.Budget) | **$($r.Result)** |" }
Out-Md
Out-Md '## Details'
Out-Md
Out-Md '### 1. Import cost'
Out-Md
$i1 = $details.Import
function Format-Samples($List) { ($List | ForEach-Object { '{0:0}' -f $_ }) -join ', ' }
Out-Md (("Whole processes, all ``pwsh -NoProfile -c <command>``, with ``PSModulePath`` = the benchmark's module folder (``SmtpConfig``, ``BenchEmpty``, ``BenchMinimal``, ``BenchSmtpStatements``) " +
    "and ``POWERSHELL_TELEMETRY_OPTOUT=1``. Each of the {0} rounds runs the commands once, in an order that rotates every round (six with the cache; without it the four that read it). " +
    "The time is from process start to exit, as a runbook host sees it.") -f $i1.Measured.Count)
Out-Md
Out-Md '| Command | Median (cache present) | Over `-c 1` | Median (no cache) | Over `-c 1` |'
Out-Md '|---|---|---|---|---|'
$labels = [ordered]@{ Bare = '`1`'; Cmdlet = '`Get-Module` (a first cmdlet, no module, prints nothing)'; Empty = '`Import-Module BenchEmpty` (manifest only)'; Minimal = '`Import-Module BenchMinimal` (6 no-op compiled cmdlets)'; SmtpConfig = '`Import-Module SmtpConfig`' }
foreach ($k in $labels.Keys) {
    $noCacheCells = if ($i1.NoCache.Median.Contains($k)) { '{0:0} ms | {1:0.000}' -f $i1.NoCache.Median[$k], ($i1.NoCache.Median[$k] / $i1.NoCache.Median.Bare) } else { '— | —' }
    Out-Md ('| {0} | {1:0} ms | {2:0.000} | {3} |' -f $labels[$k], $i1.Measured.Median[$k], ($i1.Measured.Median[$k] / $i1.Measured.Median.Bare), $noCacheCells)
}
Out-Md ('| `Import-Module BenchSmtpStatements` (SmtpConfig, cmdlet list without commas) | {0:0} ms | {1:0.000} | — | — |' -f $i1.Measured.Median.Statements, ($i1.Measured.Median.Statements / $i1.Measured.Median.Bare))
Out-Md
Out-Md (('What the budget leaves: a first cmdlet with no module at all (`Get-Module`) reads {5:0.000} here, an empty manifest {0:0.000} and a do-nothing compiled module {1:0.000}, ' +
    'so a ratio of {2:0.00} allows {3:+0;-0;0} ms over the compiled module; SmtpConfig takes {4:+0;-0;0} ms over it. ' +
    '`Get-Module` reads below 1 because `-c 1` formats and prints its result and the other commands print nothing, so every ratio here is kinder than one over a silent command would be. ' +
    'A first import costs, for any module: ' +
    'inside a process that has started up and run a cmdlet, the first `Import-Module` of the empty manifest takes {6:0.0} ms (median of the in-process probes below), ' +
    'while a process that imports as its first act pays several times that (row 1r). Where the rest goes is not pinned down here: the in-process timer starts once start-up has settled, ' +
    'including the background replay of the multicore-JIT profile described below; either way it is PowerShell''s, paid by the empty manifest as much as by SmtpConfig.') -f ($i1.Measured.Median.Empty / $i1.Measured.Median.Bare), ($i1.Measured.Median.Minimal / $i1.Measured.Median.Bare),
    $Budget.ImportRatio, ($Budget.ImportRatio * $i1.Measured.Median.Bare - $i1.Measured.Median.Minimal), ($i1.Measured.Median.SmtpConfig - $i1.Measured.Median.Minimal),
    ($i1.Measured.Median.Cmdlet / $i1.Measured.Median.Bare), $i1.Inside.FirstEmptyImportMs)
Out-Md
Out-Md ('Intervals in the table above are 90% bootstrap intervals of the ratio of medians (2000 resamples of whole rounds, fixed seed): the noise within this run. ' +
    'Runs at different times of the same machine differ by more than that, so a ratio near 1.10 can read PASS in one run and FAIL in the next. ' +
    ('Here: SmtpConfig over `-c 1` {0}; BenchMinimal over `-c 1` {1}; SmtpConfig over BenchMinimal {2}.' -f (Format-Interval $i1.Interval.SmtpConfig), (Format-Interval $i1.Interval.Minimal), (Format-Interval $i1.Interval.OverMinimal)))
Out-Md
Out-Md ('Samples with the cache (ms): ' + ((@($labels.Keys) + 'Statements' | ForEach-Object { "$_ " + (Format-Samples $i1.Measured.Samples[$_]) }) -join '; ') + '.')
Out-Md
Out-Md ('Samples without it (ms): ' + (($labels.Keys | Where-Object { $i1.NoCache.Samples.Contains($_) } | ForEach-Object { "$_ " + (Format-Samples $i1.NoCache.Samples[$_]) }) -join '; ') + '.')
Out-Md
Out-Md ('**The module analysis cache.** An `Import-Module <name>` makes PowerShell read its module analysis cache (`~/.cache/powershell/ModuleAnalysisCache-<hash>`, ' +
    'or the file `PSModuleAnalysisCachePath` names). When the file is missing, `AnalysisCacheData.Get()` retries three times with `Thread.Sleep(25)` ' +
    '(see PowerShell''s `src/System.Management.Automation/engine/Modules/AnalysisCache.cs`): 75 ms of sleep in every process, for any module, ours or an empty one. ' +
    'PowerShell writes the file only from a session that lives about 13 s, so a machine or container where PowerShell only ever runs short ' +
    '`pwsh -c` jobs pays it on every import. The budget is judged with the file present, as on a machine in use; the benchmark makes its own ' +
    ('(one ~15 s session, here {0:0.0} s) and points every child at it. ' -f $i1.CacheSeconds) +
    'For runbook hosts, see [runbooks.md](runbooks.md#fast-imports-in-short-lived-jobs).')
Out-Md
Out-Md ('**The floor.** `Get-Module` shows what a fresh process pays for its first cmdlet with no module at all (less than `-c 1`, which prints); `BenchEmpty` and `BenchMinimal` show what any module costs in this PowerShell on top: running the manifest, and for a compiled module loading it, ' +
    'reflecting over its cmdlet classes and matching them against `CmdletsToExport` (a culture-aware comparison that loads ICU''s collator: about 10 ms in a dotnet-trace profile taken while this benchmark was written). ' +
    'The PowerShell here is the NuGet global tool, whose assemblies are IL only (no ReadyToRun code), so every code path PowerShell runs for the first time ' +
    'in a process is compiled by the JIT: the import path is mostly that. PowerShell also keeps a multicore-JIT startup profile ' +
    '(`~/.cache/powershell/StartupProfileData-NonInteractive`) that each process replays in the background at start and rewrites at exit; ' +
    'all the children here share one, as the jobs of one account do. SmtpConfig''s part is the difference to `BenchMinimal` (the last figure of row 1r, ' +
    'with its interval); the in-process figures below split what happens inside `Import-Module`. MailKit, MimeKit and BouncyCastle load on first use, not on import.')
Out-Md
Out-Md ('**The manifest is a script.** PowerShell runs the `.psd1` on every import (`ModuleCmdletBase.LoadModuleManifestData` invokes it in restricted language mode), ' +
    'so its shape costs time. `@(''a'', ''b'')` is one expression; `@(` with one name a line and no commas `)` is a block of statements, each its own pipeline, ' +
    'and in a fresh process the first such block pays for the compiler and interpreter paths it needs. Row 1s measures it with the same dll: ' +
    ('{0:+0;-0;0} ms per import ({1}). SmtpConfig''s manifest separates every list with commas, and a Pester test keeps it so.' -f ($i1.Measured.Median.Statements - $i1.Measured.Median.SmtpConfig), (Format-Interval $i1.Interval.Statements)))
Out-Md
Out-Md (("Inside one process, after ``Import-Module BenchEmpty`` has paid PowerShell's first-import costs (``Measure-Command {{ Import-Module <name> }}``, " +
    "median of 9 fresh processes each, diagnosis only): SmtpConfig {0:0.0} ms; the same module with a manifest without ``PrivateData`` (the gallery's tags, ``ProjectUri``, ``LicenseUri``) {1:0.0} ms; " +
    "BenchMinimal {2:0.0} ms. So PowerShell's reading of that metadata costs {3:0.0} ms, " +
    "and the module's own part over a do-nothing compiled module (its larger assembly, and its initializer, which only subscribes to ``AppDomain.AssemblyResolve``: " +
    "``SmtpConfig.Loader`` and the load context come with the first cmdlet that needs the engine) {4:0.0} ms. " +
    "Then ``Get-Command -Module SmtpConfig`` {5:0.0} ms. Assemblies the import loads into the default context: {6}.") -f
    $i1.Inside.ImportMs, $i1.Inside.NoPSDataImportMs, $i1.Inside.MinimalImportMs, ($i1.Inside.ImportMs - $i1.Inside.NoPSDataImportMs),
    ($i1.Inside.NoPSDataImportMs - $i1.Inside.MinimalImportMs), $i1.Inside.GetCommandMs, ((@($i1.Inside.NewAssemblies) | ForEach-Object { "``$_``" }) -join ', '))
$ctx = @($i1.Inside.Contexts | Where-Object { @($_.Assemblies).Count -gt 0 })
if ($ctx) {
    Out-Md
    Out-Md ('Other load contexts after the import: ' + (($ctx | ForEach-Object { "``$($_.Name)``: " + ((@($_.Assemblies) | ForEach-Object { "``$_``" }) -join ', ') }) -join '; ') + '.')
}
else {
    Out-Md
    Out-Md 'No other load context holds an assembly after the import: the private context is created, and filled, by the first cmdlet that needs the engine.'
}
Out-Md
Out-Md '### 2. Warm probe against raw MailKit'
Out-Md
$w2 = $details.Warm
Out-Md ("Two long-lived ``pwsh -NoProfile -NonInteractive`` children started with ``SSL_CERT_FILE``: one imports the module and runs " +
    "``Test-SmtpConnection -Server localhost -Port <submission> -Encryption StartTls -Credential ...``; two others load MailKit, MimeKit and BouncyCastle " +
    "from ``out/SmtpConfig/Dependencies`` with ``Add-Type -Path`` and run ``SmtpClient.Connect``, ``Authenticate``, ``Disconnect(true)`` " +
    "with ``CheckCertificateRevocation = `$false`` and STARTTLS to ``localhost``. The budget's reference (""Raw"") hands ``Connect`` a socket made the way the module makes " +
    "its own (address from DNS, ``NoDelay = `$true``); the second (""Connect(host)"") lets MailKit open the socket, as most scripts do. " +
    "All warm up with $warmUp probes, then $Rounds rounds of $Iterations probes each, rotating which goes first.")
Out-Md
$whyText = 'Why two references: MailKit''s own socket leaves Nagle''s algorithm on, and with it about half of the STARTTLS handshakes to Postfix on loopback wait ~40 ms ' +
'(delayed ACK); on a `NoDelay` socket MailKit does not. Here that gave Connect(host) a median of {0:0.00} ms (per round: {1}), ' +
'so a ratio against it would credit the module with MailKit''s socket setting rather than measure the module''s own cost.'
Out-Md ($whyText -f $w2.RawHost, (($w2.RoundRawHost | ForEach-Object { '{0:0.00}' -f $_ }) -join ', '))
Out-Md
Out-Md ('Per-round medians, Test-SmtpConnection: {0} ms. MailKit: {1} ms. Per-round ratios: {2} (median {3:0.000}). 90th percentile: {4:0.00} ms vs {5:0.00} ms.' -f
    (($w2.RoundModule | ForEach-Object { '{0:0.00}' -f $_ }) -join ', '), (($w2.RoundRaw | ForEach-Object { '{0:0.00}' -f $_ }) -join ', '),
    (($w2.RoundRatios | ForEach-Object { '{0:0.00}' -f $_ }) -join ', '), $w2.MedianRoundRatio, $w2.ModuleP90, $w2.RawP90)
Out-Md
Out-Md (('Stalls: a probe that took 30 ms or more above its side''s fastest ({0:0.00} ms and {1:0.00} ms) counts as stalled: {2} of {3} module probes, {4} of {5} MailKit probes. ' -f
        $w2.Stall.Module.Min, $w2.Stall.Raw.Min, $w2.Stall.Module.Stalled, $w2.Stall.Module.Count, $w2.Stall.Raw.Stalled, $w2.Stall.Raw.Count) +
    'A stall is a ~40 ms pause inside the TLS handshake (the StartTls stage of the result; in raw MailKit, inside Connect). Its rate changes with the machine''s load; ' +
    'when a side stalls in about half of its probes its median jumps by 40 ms. The budget is judged on the plain ratio of medians; the ratio without stalls shows the cost of the module''s own work.')
Out-Md
Out-Md '### 3. Whole process'
Out-Md
$w3 = $details.Whole
Out-Md ('The same stages (connect, EHLO, STARTTLS, EHLO, AUTH PLAIN, QUIT, CA verified) as one process each. swaks: {0} ms. pwsh + module: {1} ms. ' -f
    (($w3.A | ForEach-Object { '{0:0}' -f $_ }) -join ', '), (($w3.B | ForEach-Object { '{0:0}' -f $_ }) -join ', ') +
    'No budget: this shows what a one-off call from a shell costs; almost all of it is starting PowerShell (compare with `pwsh -c 1` in 1).')
Out-Md
Out-Md '### 4. Many servers'
Out-Md
$m4 = $details.Many
Out-Md ("16 profiles ``slow01``..``slow16`` in a temporary ``SMTPCONFIG_HOME``, all pointing at 127.0.0.1:$($m4.SilentPort), a listener in the measuring process that " +
    'completes the TCP handshake and never sends a banner. `Test-SmtpConnection -Name ''slow*''` with the profiles'' `TimeoutSec 2` and the default `ThrottleLimit 8`, three times in one session.')
Out-Md
Out-Md '| Run | Wall time | Results | Waves | Completed at (s) | Longest result Duration | Connections seen | Working set before → after | Managed heap before → after | Threads |'
Out-Md '|---|---|---|---|---|---|---|---|---|---|'
foreach ($run in $m4.Runs) {
    Out-Md ('| {0} | {1:0.00} s | {2} ({3}) | {4} | {5} | {6:0.00} s | {7} | {8:0.0} → {9:0.0} MB | {10:0.0} → {11:0.0} MB | {12} |' -f $run.Run, $run.Seconds, $run.Results,
        $run.FailedStages, $run.Waves, (($run.CompletedAt | Sort-Object | ForEach-Object { '{0:0.00}' -f $_ }) -join ' '), $run.MaxDuration, $run.Connections,
        $run.WorkingSetBeforeMB, $run.WorkingSetAfterMB, $run.HeapBeforeMB, $run.HeapAfterMB, $run.Threads)
}
Out-Md
Out-Md '### 5. Fail fast'
Out-Md
Out-Md ('`-Encryption Ssl` against the STARTTLS port: first call of the session {0:0.000} s, warm {1:0.000} s; failed at {2}: {3}' -f
    $m4.WrongModeCold.Seconds, $m4.WrongModeWarm.Seconds, $m4.WrongModeCold.FailedStage, $m4.WrongModeCold.Error)
Out-Md
Out-Md ('Silent server, `-TimeoutSec 3`: {0:0.000} s; failed at {1}: {2}' -f $m4.Silent.Seconds, $m4.Silent.FailedStage, $m4.Silent.Error)
Out-Md
Out-Md '### 6. Several recipients, one connection'
Out-Md
$s6 = $details.Send
Out-Md ('`Send-SmtpTestMail -To alice@example.test, bob@example.test` through the submission port: succeeded {0}, queue id {1}. The transcript has {2} connect, {3} `MAIL FROM`, `RCPT TO` {4}, {5} `DATA`. Postfix log of the submission service for this send:' -f
    $s6.Result.Succeeded, $s6.Result.QueueId, $s6.Result.Connects, $s6.Result.MailFrom, ((@($s6.Result.RcptTo) | ForEach-Object { "``$_``" }) -join ', '), $s6.Result.Data)
Out-Md
Out-Md '```text'
foreach ($l in $s6.LogLines) { Out-Md (($l -replace '^\S+ \d+ \S+ ', '').TrimEnd()) }
Out-Md '```'
Out-Md
Out-Md '## Reproduce'
Out-Md
Out-Md 'On Linux as root with `postfix`, `sasl2-bin`, `libsasl2-modules`, `swaks` and `libnet-ssleay-perl` installed:'
Out-Md
Out-Md '```sh'
Out-Md 'dotnet tool restore'
Out-Md 'dotnet pwsh ./build.ps1 -Task Bench'
Out-Md '```'
Out-Md
Out-Md ('This builds the module, starts a private Postfix on loopback (fresh CA, random password, free ports), runs the measurements above and rewrites this file. ' +
    "It measures a copy of ``out/SmtpConfig`` in a scratch folder under the temp directory, removed at the end (``-KeepScratch`` keeps it). Nothing leaves the machine. ``build/Bench.ps1 -Root . -ModulePath out/SmtpConfig/SmtpConfig.psd1 -Rounds <n> -ImportRounds <n> -Iterations <n>`` changes the sample sizes (used here: $Rounds, $ImportRounds and $Iterations) and ``-OutputPath <file>`` writes the report elsewhere.")

$dir = Split-Path $OutputPath -Parent
if ($dir) { New-Item -ItemType Directory -Force -Path $dir | Out-Null }
Set-Content -LiteralPath $OutputPath -Value $md.ToString().TrimEnd() -Encoding utf8
$failed = @($rows | Where-Object Result -eq 'FAIL')
Write-Host ("Wrote {0}: {1} budget(s) met, {2} missed{3}." -f $OutputPath, @($rows | Where-Object Result -eq 'PASS').Count, $failed.Count,
    $(if ($failed) { ' (' + (($failed | ForEach-Object Id) -join ', ') + '; the benchmark does not fail the build)' } else { '' }))
exit 0
