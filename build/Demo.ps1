<#
.SYNOPSIS
    The README's demo: a local STARTTLS + AUTH SMTP server on loopback, and the cmdlets used against it as a user would.
.DESCRIPTION
    Needs only the .NET SDK (no root, no apt). Makes a throw-away CA and server certificate, starts
    tools/SmtpConfig.DemoServer on a free loopback port, then runs the module in a child pwsh that trusts that CA
    (SSL_CERT_FILE) and keeps its profiles in out/demo/store (SMTPCONFIG_HOME). Nothing in the output is faked:
    every object shown is what the cmdlets returned.
#>
param(
    [Parameter(Mandatory)] [string] $Root,
    [Parameter(Mandatory)] [string] $ModulePath,
    [string] $Configuration = 'Release'
)
$ErrorActionPreference = 'Stop'
Import-Module (Join-Path $Root 'build/BuildTasks.psm1') -Force
Import-Module (Join-Path $Root 'tests/Fixtures/TestPki.psm1') -Force

$demo = Join-Path $Root 'out/demo'
Remove-Item -Recurse -Force -ErrorAction SilentlyContinue $demo
New-Item -ItemType Directory -Force -Path $demo | Out-Null

Write-Host '== Demo: building the local SMTP server'
dotnet build (Join-Path $Root 'tools/SmtpConfig.DemoServer/SmtpConfig.DemoServer.csproj') -c $Configuration -o (Join-Path $demo 'server') --nologo -v quiet | Out-Null
if ($LASTEXITCODE -ne 0) { throw 'Building the demo server failed.' }

$ca = New-TestCertificateAuthority -Directory (Join-Path $demo 'pki') -Name 'SmtpConfig Demo CA'
$cert = New-TestServerCertificate -Authority $ca -Directory (Join-Path $demo 'pki') -Name 'demo-server' -DnsName 'localhost'
$passwordFile = Join-Path $demo 'password.txt'
$password = -join ((48..57) + (65..90) + (97..122) | Get-Random -Count 20 | ForEach-Object { [char] $_ })
[IO.File]::WriteAllText($passwordFile, $password)
if (-not $IsWindows) { [IO.File]::SetUnixFileMode($passwordFile, [IO.UnixFileMode] 0x180) }
$maildir = Join-Path $demo 'received'
New-Item -ItemType Directory -Force -Path $maildir | Out-Null

$start = [Diagnostics.ProcessStartInfo]::new('dotnet')
foreach ($a in @((Join-Path $demo 'server/SmtpConfig.DemoServer.dll'), '--port', '0', '--certificate', $cert.PfxPath,
        '--user', 'demo@example.test', '--password-file', $passwordFile, '--maildir', $maildir, '--mode', 'starttls')) {
    $start.ArgumentList.Add($a)
}
$start.RedirectStandardOutput = $true
$start.RedirectStandardInput = $true
$start.UseShellExecute = $false
$server = [Diagnostics.Process]::Start($start)
try {
    $line = $server.StandardOutput.ReadLineAsync()
    if (-not $line.Wait(30000) -or $line.Result -notmatch '^LISTENING 127\.0\.0\.1:(\d+)$') {
        throw "The demo server did not start: $($line.Result)"
    }
    $port = [int] $Matches[1]
    Write-Host "== Demo: SMTP server with STARTTLS and AUTH listening on 127.0.0.1:$port (user demo@example.test)"

    $script = @'
param($ModulePath, $Port, $PasswordFile, $Maildir)
$ErrorActionPreference = 'Stop'
Import-Module $ModulePath
$password = ConvertTo-SecureString ([IO.File]::ReadAllText($PasswordFile)) -AsPlainText -Force
$credential = [pscredential]::new('demo@example.test', $password)

function Show([string] $Title, [scriptblock] $Command) {
    Write-Host ''
    Write-Host "PS> $($Command.ToString().Trim())" -ForegroundColor Cyan
    & $Command | Out-Host
}

Show 'save' { Set-SmtpConfiguration -Name Demo -Server localhost -Port $Port -Encryption StartTls -From 'demo@example.test' -Credential $credential -PassThru }
Show 'list' { Get-SmtpConfiguration }
Show 'test' { Test-SmtpConnection -Name Demo -Recipient 'someone@example.test' }
Show 'stages' { (Test-SmtpConnection -Name Demo).Stages }
Show 'wrong mode' { Test-SmtpConnection -Server localhost -Port $Port -Encryption Ssl -TimeoutSec 5 }
if (Get-Command Send-SmtpTestMail -ErrorAction SilentlyContinue) {
    Show 'send' { Send-SmtpTestMail -Name Demo -To 'someone@example.test' }
}
else {
    Write-Host ''
    Write-Host 'Send-SmtpTestMail is not part of this build yet (issue 5): no message is sent by the demo.' -ForegroundColor Yellow
}
Write-Host ''
Write-Host "Messages the server received ($Maildir):" -ForegroundColor Cyan
$files = @(Get-ChildItem $Maildir -Filter *.eml)
if ($files.Count -eq 0) { Write-Host '  (none)' }
foreach ($f in $files) { Write-Host "--- $($f.Name)"; Get-Content $f.FullName -TotalCount 40 | Out-Host }
'@
    $scriptPath = Join-Path $demo 'demo-session.ps1'
    Set-Content -Path $scriptPath -Value $script
    Invoke-WithEnvironment -Environment @{ SSL_CERT_FILE = $ca.CertificatePath; SMTPCONFIG_HOME = (Join-Path $demo 'store') } -ScriptBlock {
        Invoke-ChildPwsh -Arguments @('-NoProfile', '-NonInteractive', '-File', $scriptPath, $ModulePath, $port, $passwordFile, $maildir)
    }
    if ($LASTEXITCODE -ne 0) { throw "The demo session failed (exit $LASTEXITCODE)." }
}
finally {
    # Closing stdin stops the server; kill it if it does not go.
    try { $server.StandardInput.Close() } catch { }
    if (-not $server.WaitForExit(5000)) { $server.Kill($true) }
    Write-Host '== Demo: server stopped'
}
