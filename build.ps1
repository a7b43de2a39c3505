#requires -Version 7.2
<#
.SYNOPSIS
    Builds, tests, documents and demonstrates the SmtpConfig module.
.DESCRIPTION
    Tasks (several may be given, they run in the order given):
      Clean     removes out/ and the projects' bin/obj folders.
      Build     lays out the importable module at out/SmtpConfig (manifest, dlls, format file, en-US help, Dependencies/).
      Docs      turns docs/en-US/*.md into en-US/SmtpConfig.dll-Help.xml and about_SmtpConfig.help.txt (part of Build).
      UnitTest  runs the xunit suite only.
      Pester    runs the Pester suite only (in a child pwsh, so the module's dlls are never locked here).
      Test      Build, then xunit and Pester against real servers it starts (Postfix where it can run), then one
                closing line "N passed, N failed, N skipped"; exits non-zero on any failure.
      Demo      Build, start a local STARTTLS+AUTH SMTP server on loopback, run the cmdlets against it as a user would.
      Bench     the performance benchmark (docs/performance.md).
.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Clean', 'Build', 'Docs', 'UnitTest', 'Pester', 'Test', 'Demo', 'Bench')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release'
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$PSNativeCommandUseErrorActionPreference = $true

$Root = $PSScriptRoot
$Out = Join-Path $Root 'out'
$ModuleOut = Join-Path $Out 'SmtpConfig'
$ResultsDir = Join-Path $Out 'test-results'
$PesterVersion = '5.7.1'
$PesterToolsDir = Join-Path $Root 'tools/.packages'

Import-Module (Join-Path $Root 'build/BuildTasks.psm1') -Force

function Invoke-Clean {
    Write-Host '== Clean'
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $Out
    Get-ChildItem -Path (Join-Path $Root 'src'), (Join-Path $Root 'tests'), (Join-Path $Root 'tools') -Directory -Recurse -Include bin, obj |
        Remove-Item -Recurse -Force -ErrorAction SilentlyContinue
}

function Invoke-Build {
    Write-Host '== Build'
    $version = Get-ModuleVersion -Root $Root
    $staging = Join-Path $Out 'staging'
    Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $ModuleOut, $staging

    dotnet publish (Join-Path $Root 'src/SmtpConfig.Engine/SmtpConfig.Engine.csproj') -c $Configuration -o (Join-Path $staging 'engine') --nologo -v quiet
    dotnet build (Join-Path $Root 'src/SmtpConfig/SmtpConfig.csproj') -c $Configuration -o (Join-Path $staging 'cmdlets') --nologo -v quiet
    dotnet build (Join-Path $Root 'src/SmtpConfig.Loader/SmtpConfig.Loader.csproj') -c $Configuration -o (Join-Path $staging 'loader') --nologo -v quiet

    $deps = Join-Path $ModuleOut 'Dependencies'
    New-Item -ItemType Directory -Force -Path $deps | Out-Null
    Get-ChildItem (Join-Path $staging 'engine') -Filter *.dll | Copy-Item -Destination $deps
    Copy-Item (Join-Path $staging 'cmdlets/SmtpConfig.dll') -Destination $ModuleOut
    Copy-Item (Join-Path $staging 'loader/SmtpConfig.Loader.dll') -Destination $ModuleOut
    Copy-Item (Join-Path $Root 'src/SmtpConfig/SmtpConfig.Format.ps1xml') -Destination $ModuleOut

    $manifest = Get-Content -Raw (Join-Path $Root 'SmtpConfig.psd1')
    $manifest = $manifest -replace "ModuleVersion\s*=\s*'[^']*'", "ModuleVersion = '$version'"
    Set-Content -Path (Join-Path $ModuleOut 'SmtpConfig.psd1') -Value $manifest -NoNewline

    Invoke-Docs
    Write-Host "Module $version laid out at $ModuleOut"
}

function Invoke-Docs {
    Write-Host '== Docs'
    $helpOut = Join-Path $ModuleOut 'en-US'
    New-Item -ItemType Directory -Force -Path $helpOut | Out-Null
    $generator = Join-Path $Root 'build/HelpGenerator.psm1'
    if (-not (Test-Path $generator)) { Write-Warning 'build/HelpGenerator.psm1 is missing: no help generated.'; return }
    Import-Module $generator -Force
    Convert-MarkdownHelp -SourceDirectory (Join-Path $Root 'docs/en-US') -OutputDirectory $helpOut -ModuleName 'SmtpConfig'
}

function Get-PesterModulePath {
    $psd1 = Join-Path $PesterToolsDir "pester/$PesterVersion/tools/Pester.psd1"
    if (-not (Test-Path $psd1)) {
        Write-Host "Fetching Pester $PesterVersion from NuGet"
        dotnet restore (Join-Path $Root 'tools/Pester/Pester.Tools.csproj') --nologo -v quiet "-p:PesterVersion=$PesterVersion" "-p:RestorePackagesPath=$PesterToolsDir"
    }
    if (-not (Test-Path $psd1)) { throw "Pester $PesterVersion was not found at $psd1 after restore." }
    $psd1
}

function Invoke-UnitTest([hashtable] $Environment = @{}) {
    Write-Host '== xunit'
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null
    $trx = Join-Path $ResultsDir 'xunit.trx'
    Remove-Item -Force -ErrorAction SilentlyContinue $trx
    $project = Join-Path $Root 'tests/SmtpConfig.Engine.Tests/SmtpConfig.Engine.Tests.csproj'
    Invoke-WithEnvironment -Environment $Environment -ScriptBlock {
        # A failing test makes dotnet test exit 1: that is counted below, not thrown here.
        $PSNativeCommandUseErrorActionPreference = $false
        dotnet test $project -c $Configuration --nologo --logger "trx;LogFileName=$trx" --logger 'console;verbosity=minimal' | Out-Host
        if ($LASTEXITCODE -ne 0 -and -not (Test-Path $trx)) { throw "dotnet test failed before running tests (exit $LASTEXITCODE)." }
    }
    Read-TrxSummary -Path $trx
}

function Invoke-PesterSuite([hashtable] $Environment = @{}) {
    Write-Host '== Pester'
    New-Item -ItemType Directory -Force -Path $ResultsDir | Out-Null
    $summary = Join-Path $ResultsDir 'pester-summary.json'
    Remove-Item -Force -ErrorAction SilentlyContinue $summary
    $pester = Get-PesterModulePath
    $runner = Join-Path $Root 'tests/Invoke-PesterSuite.ps1'
    $childEnvironment = @{ SMTPCONFIG_MODULE_PATH = (Join-Path $ModuleOut 'SmtpConfig.psd1') } + $Environment
    Invoke-WithEnvironment -Environment $childEnvironment -ScriptBlock {
        $PSNativeCommandUseErrorActionPreference = $false
        Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $runner, '-PesterPath', $pester, '-SummaryPath', $summary, '-TestPath', (Join-Path $Root 'tests/Pester')) | Out-Host
    }
    if (-not (Test-Path $summary)) { throw 'The Pester run ended without writing its summary.' }
    Get-Content -Raw $summary | ConvertFrom-Json
}

function Invoke-Test {
    Invoke-Build
    $runRoot = Join-Path $Out "test-run/$([DateTime]::UtcNow.ToString('yyyyMMddHHmmss'))-$PID"
    $servers = Start-TestServers -Root $Root -RunRoot $runRoot
    try {
        $xunit = Invoke-UnitTest -Environment $servers.Environment
        $pester = Invoke-PesterSuite -Environment $servers.Environment
    }
    finally {
        Stop-TestServers -Servers $servers
    }
    Write-TestSummary -Suites @(
        [pscustomobject]@{ Name = 'xunit'; Summary = $xunit },
        [pscustomobject]@{ Name = 'Pester'; Summary = $pester }
    ) -PostfixSkipReason $servers.PostfixSkipReason
}

function Invoke-Demo {
    Invoke-Build
    & (Join-Path $Root 'build/Demo.ps1') -Root $Root -ModulePath (Join-Path $ModuleOut 'SmtpConfig.psd1') -Configuration $Configuration
}

function Invoke-Bench {
    Invoke-Build
    & (Join-Path $Root 'build/Bench.ps1') -Root $Root -ModulePath (Join-Path $ModuleOut 'SmtpConfig.psd1')
}

$exitCode = 0
foreach ($t in $Task) {
    switch ($t) {
        'Clean' { Invoke-Clean }
        'Build' { Invoke-Build }
        'Docs' { Invoke-Docs }
        'UnitTest' {
            $s = Invoke-UnitTest
            Write-Host "xunit: $($s.Passed) passed, $($s.Failed) failed, $($s.Skipped) skipped"
            if ($s.Failed -gt 0) { $exitCode = 1 }
        }
        'Pester' {
            $s = Invoke-PesterSuite
            Write-Host "Pester: $($s.Passed) passed, $($s.Failed) failed, $($s.Skipped) skipped"
            if ($s.Failed -gt 0) { $exitCode = 1 }
        }
        'Test' {
            # The verdict is the last thing Invoke-Test writes; anything before it is incidental output.
            $verdict = @(Invoke-Test)[-1]
            if ($verdict -ne $true) { $exitCode = 1 }
        }
        'Demo' { Invoke-Demo }
        'Bench' { Invoke-Bench }
    }
}
exit $exitCode
