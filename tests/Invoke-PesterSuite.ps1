<#
.SYNOPSIS
    Runs the Pester suite in this (child) process and writes a JSON summary for build.ps1.
#>
param(
    [Parameter(Mandatory)] [string] $PesterPath,
    [Parameter(Mandatory)] [string] $SummaryPath,
    [Parameter(Mandatory)] [string] $TestPath
)
$ErrorActionPreference = 'Stop'
# Plain text: ANSI escapes in captured error messages are not valid XML in the NUnit report.
$PSStyle.OutputRendering = 'PlainText'
Import-Module $PesterPath -Force

$config = New-PesterConfiguration
$config.Run.Path = $TestPath
$config.Run.PassThru = $true
$config.Output.Verbosity = 'Normal'
$config.Output.RenderMode = 'Plaintext'
$config.TestResult.Enabled = $true
$config.TestResult.OutputFormat = 'NUnitXml'
$config.TestResult.OutputPath = [IO.Path]::ChangeExtension($SummaryPath, '.xml')

try {
    $result = Invoke-Pester -Configuration $config
}
catch {
    # The run itself broke (not a test): say so as a failure, never as an empty success.
    [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0; SkippedNames = @(); FailedNames = @("Pester run failed: $_") } |
        ConvertTo-Json | Set-Content -Path $SummaryPath
    exit 1
}
# A file that fails in BeforeAll/Discovery leaves its tests uncounted: count such containers as failures.
$failedContainers = @($result.Containers | Where-Object { $_.Result -eq 'Failed' -and $_.FailedCount -eq 0 })
[pscustomobject]@{
    Passed       = $result.PassedCount
    Failed       = $result.FailedCount + $failedContainers.Count
    Skipped      = $result.SkippedCount
    SkippedNames = @($result.Skipped | ForEach-Object { $_.ExpandedPath })
    FailedNames  = @($result.Failed | ForEach-Object { $_.ExpandedPath }) + @($failedContainers | ForEach-Object { "$($_.Item) (container failed)" })
} | ConvertTo-Json | Set-Content -Path $SummaryPath
