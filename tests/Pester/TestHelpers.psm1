# Shared helpers of the Pester suite. Every test points SMTPCONFIG_HOME at its own folder: no test touches a real store.
Set-StrictMode -Version 3.0

function Import-SmtpConfigUnderTest {
    $path = $env:SMTPCONFIG_MODULE_PATH
    if (-not $path) { $path = Join-Path $PSScriptRoot '../../out/SmtpConfig/SmtpConfig.psd1' }
    # -Global: imported from inside this helper module, it would otherwise be visible only here.
    Import-Module $path -Force -Global -ErrorAction Stop
}

function Use-TestStore([string] $Path) {
    # A fresh, not yet existing store folder (the module must create it owner-only).
    $env:SMTPCONFIG_HOME = Join-Path $Path ("store-" + [guid]::NewGuid().ToString('N').Substring(0, 8))
    $env:SMTPCONFIG_HOME
}

function Get-PostfixFixture {
    if (-not $env:SMTPCONFIG_TEST_POSTFIX) { return $null }
    Get-Content -Raw $env:SMTPCONFIG_TEST_POSTFIX | ConvertFrom-Json
}

function Get-PostfixSkipReason {
    if ($env:SMTPCONFIG_TEST_POSTFIX) { return $null }
    if ($env:SMTPCONFIG_TEST_POSTFIX_SKIP) { return $env:SMTPCONFIG_TEST_POSTFIX_SKIP }
    'the Postfix fixture was not started (run the tests through build.ps1 -Task Test)'
}

function New-TestSecret([string] $Plain) { ConvertTo-SecureString -String $Plain -AsPlainText -Force }

function Get-CanaryForms([string] $Canary) {
    # Every easy encoding a secret could leak in: plain, UTF-16, base64 and hex of each, and the SASL PLAIN blob.
    $utf8 = [Text.Encoding]::UTF8.GetBytes($Canary)
    $utf16 = [Text.Encoding]::Unicode.GetBytes($Canary)
    @(
        $Canary
        [Convert]::ToBase64String($utf8)
        [Convert]::ToBase64String($utf16)
        [Convert]::ToHexString($utf8)
        [Convert]::ToHexString($utf8).ToLowerInvariant()
        [Convert]::ToHexString($utf16)
        [Convert]::ToHexString($utf16).ToLowerInvariant()
        ($utf16 | ForEach-Object { [char] $_ }) -join ''
    )
}

function Test-ContainsCanary([string] $Text, [string] $Canary) {
    if ([string]::IsNullOrEmpty($Text)) { return $false }
    foreach ($form in Get-CanaryForms $Canary) {
        if ($Text.Contains($form, [StringComparison]::OrdinalIgnoreCase)) { return $true }
    }
    # A SASL PLAIN response is base64("\0user\0password"): look for the password inside any base64 token.
    foreach ($match in [regex]::Matches($Text, '[A-Za-z0-9+/]{8,}={0,2}')) {
        try {
            $decoded = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($match.Value))
            if ($decoded.Contains($Canary)) { return $true }
        }
        catch { }
    }
    $false
}

function Test-FolderContainsCanary([string] $Path, [string] $Canary) {
    foreach ($file in Get-ChildItem -LiteralPath $Path -Recurse -File -Force) {
        $bytes = [IO.File]::ReadAllBytes($file.FullName)
        $latin = [Text.Encoding]::Latin1.GetString($bytes)
        $utf8 = [Text.Encoding]::UTF8.GetString($bytes)
        if ((Test-ContainsCanary $latin $Canary) -or (Test-ContainsCanary $utf8 $Canary)) { return $file.FullName }
    }
    $null
}

function Get-UnixMode([string] $Path) {
    '{0}' -f [Convert]::ToString([int] [IO.File]::GetUnixFileMode($Path), 8)
}

Export-ModuleMember -Function *
