# Helpers for build.ps1: version, child processes, test servers and result summaries.
Set-StrictMode -Version 3.0

function Get-ModuleVersion([string] $Root) {
    [xml] $props = Get-Content -Raw (Join-Path $Root 'Directory.Build.props')
    $version = @($props.Project.PropertyGroup | ForEach-Object { $_.PSObject.Properties['Version'] } | Where-Object { $_ })[0].Value
    if (-not $version) { throw 'Directory.Build.props has no <Version>.' }
    $version
}

function Get-PwshCommandLine {
    # Under 'dotnet pwsh' the process is dotnet itself: a child needs pwsh.dll named explicitly.
    $process = [Environment]::ProcessPath
    if ([IO.Path]::GetFileNameWithoutExtension($process) -eq 'dotnet') {
        return @($process, (Join-Path $PSHOME 'pwsh.dll'))
    }
    @($process)
}

function Invoke-ChildPwsh([string[]] $Arguments) {
    $commandLine = Get-PwshCommandLine
    $exe = $commandLine[0]
    $prefix = @($commandLine | Select-Object -Skip 1)
    & $exe @prefix @Arguments
}

function Invoke-WithEnvironment([hashtable] $Environment, [scriptblock] $ScriptBlock) {
    $saved = @{}
    foreach ($name in $Environment.Keys) {
        $saved[$name] = [Environment]::GetEnvironmentVariable($name)
        [Environment]::SetEnvironmentVariable($name, [string] $Environment[$name])
    }
    try { & $ScriptBlock }
    finally {
        foreach ($name in $saved.Keys) { [Environment]::SetEnvironmentVariable($name, $saved[$name]) }
    }
}

function Read-TrxSummary([string] $Path) {
    if (-not (Test-Path $Path)) { throw "No xunit results at $Path." }
    [xml] $trx = Get-Content -Raw $Path
    $ns = @{ t = 'http://microsoft.com/schemas/VisualStudio/TeamTest/2010' }
    $counters = (Select-Xml -Xml $trx -XPath '//t:ResultSummary/t:Counters' -Namespace $ns).Node
    $skipped = @(Select-Xml -Xml $trx -XPath "//t:UnitTestResult[@outcome='NotExecuted']" -Namespace $ns |
            ForEach-Object { $_.Node.testName })
    $failedNames = @(Select-Xml -Xml $trx -XPath "//t:UnitTestResult[@outcome='Failed']" -Namespace $ns |
            ForEach-Object { $_.Node.testName })
    [pscustomobject]@{
        Passed       = [int] $counters.passed
        Failed       = [int] $counters.failed + [int] $counters.error + [int] $counters.timeout + [int] $counters.aborted
        Skipped      = $skipped.Count
        SkippedNames = $skipped
        FailedNames  = $failedNames
    }
}

function Start-TestServers([string] $Root, [string] $RunRoot) {
    New-Item -ItemType Directory -Force -Path $RunRoot | Out-Null
    Import-Module (Join-Path $Root 'tests/Fixtures/TestPki.psm1') -Force
    Import-Module (Join-Path $Root 'tests/Fixtures/PostfixFixture.psm1') -Force
    $ca = New-TestCertificateAuthority -Directory (Join-Path $RunRoot 'pki')
    $environment = @{
        SSL_CERT_FILE        = $ca.CertificatePath
        SMTPCONFIG_TEST_ROOT = $RunRoot
    }
    $fixture = $null
    $skipReason = $null
    $availability = Test-PostfixAvailable -Detailed
    if ($availability.Available) {
        Write-Host '== Starting the Postfix fixture'
        # Postfix's own user must be able to walk to its folders: a clone under a private home folder would not do.
        $postfixRoot = Join-Path ([IO.Path]::GetTempPath()) ("smtpconfig-postfix-" + [guid]::NewGuid().ToString('N').Substring(0, 12))
        New-Item -ItemType Directory -Path $postfixRoot | Out-Null
        $fixture = Start-PostfixFixture -Root $postfixRoot -Authority $ca -RejectSenderAtMailFrom
        $fixturePath = Join-Path $RunRoot 'postfix.json'
        $fixture | Select-Object * -ExcludeProperty Certificate | ConvertTo-Json | Set-Content -Path $fixturePath
        $environment['SMTPCONFIG_TEST_POSTFIX'] = $fixturePath
        Write-Host "Postfix: plain $($fixture.PlainPort), implicit TLS $($fixture.SslPort), submission $($fixture.SubmissionPort)"
    }
    else {
        $skipReason = $availability.Reason
        $environment['SMTPCONFIG_TEST_POSTFIX_SKIP'] = $skipReason
        Write-Warning "Postfix tests will be skipped: $skipReason"
    }
    [pscustomobject]@{
        Environment       = $environment
        Authority         = $ca
        Postfix           = $fixture
        PostfixSkipReason = $skipReason
    }
}

function Stop-TestServers($Servers) {
    if ($Servers -and $Servers.Postfix) {
        Stop-PostfixFixture -Fixture $Servers.Postfix
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $Servers.Postfix.Root
    }
}

function Write-TestSummary([object[]] $Suites, [string] $PostfixSkipReason) {
    $passed = 0; $failed = 0; $skipped = 0
    foreach ($suite in $Suites) {
        $s = $suite.Summary
        if ($null -eq $s -or $s.Passed -isnot [ValueType] -or $s.Failed -isnot [ValueType]) {
            # A suite without counts did not run properly: that is a failure, whatever else passed.
            Write-Host "$($suite.Name): no test counts (the run broke)"
            $s = [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; SkippedNames = @(); FailedNames = @("$($suite.Name) run produced no counts") }
        }

        Write-Host ("{0}: {1} passed, {2} failed, {3} skipped" -f $suite.Name, $s.Passed, $s.Failed, $s.Skipped)
        foreach ($name in @($s.FailedNames)) { if ($name) { Write-Host "  FAILED  $name" } }
        foreach ($name in @($s.SkippedNames)) { if ($name) { Write-Host "  skipped $name" } }
        $passed += $s.Passed; $failed += $s.Failed; $skipped += $s.Skipped
    }
    $ok = $failed -eq 0 -and ($passed + $failed) -gt 0
    if ($env:SMTPCONFIG_REQUIRE_POSTFIX -eq '1') {
        # CI must really talk to Postfix: a skipped Postfix test there is a failure of the run.
        $postfixSkipped = @($Suites | ForEach-Object { @($_.Summary.SkippedNames) } | Where-Object { $_ -match 'Postfix' })
        if ($PostfixSkipReason -or $postfixSkipped.Count -gt 0) {
            Write-Host "Postfix tests were skipped but SMTPCONFIG_REQUIRE_POSTFIX=1: $PostfixSkipReason"
            $ok = $false
        }
    }
    Write-Host ("{0} passed, {1} failed, {2} skipped" -f $passed, $failed, $skipped)
    $ok
}

Export-ModuleMember -Function *
