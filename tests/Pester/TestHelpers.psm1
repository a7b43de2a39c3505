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

function Start-FakeSmtpServer {
    # A minimal plain SMTP server on loopback, in a runspace of this process: greets, answers EHLO without AUTH
    # or STARTTLS, accepts every sender and recipient and queues each message as FAKE123. It gives successful
    # tests and sends without a real server.
    $listener = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
    $listener.Start()
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
            param($listener)
            while ($true) {
                try { $client = $listener.AcceptTcpClient() } catch { break }
                try {
                    $client.ReceiveTimeout = 10000
                    $stream = $client.GetStream()
                    $reader = [System.IO.StreamReader]::new($stream, [System.Text.Encoding]::ASCII)
                    $writer = [System.IO.StreamWriter]::new($stream, [System.Text.Encoding]::ASCII)
                    $writer.NewLine = "`r`n"
                    $writer.AutoFlush = $true
                    $writer.WriteLine('220 fake.test ESMTP ready')
                    while ($null -ne ($line = $reader.ReadLine())) {
                        $verb = ($line -split ' ', 2)[0].ToUpperInvariant()
                        if ($verb -eq 'EHLO') { $writer.WriteLine('250-fake.test'); $writer.WriteLine('250-8BITMIME'); $writer.WriteLine('250 SIZE 10240000') }
                        elseif ($verb -eq 'HELO') { $writer.WriteLine('250 fake.test') }
                        elseif ($verb -eq 'DATA') {
                            $writer.WriteLine('354 End data with <CR><LF>.<CR><LF>')
                            while ($null -ne ($data = $reader.ReadLine()) -and $data -ne '.') { }
                            $writer.WriteLine('250 2.0.0 Ok: queued as FAKE123')
                        }
                        elseif ($verb -eq 'QUIT') { $writer.WriteLine('221 2.0.0 Bye'); break }
                        else { $writer.WriteLine('250 2.0.0 Ok') }
                    }
                }
                catch { }
                finally { $client.Dispose() }
            }
        }).AddArgument($listener)
    $handle = $ps.BeginInvoke()
    [pscustomobject]@{ Port = $listener.LocalEndpoint.Port; Listener = $listener; PowerShell = $ps; Handle = $handle }
}

function Stop-FakeSmtpServer($Server) {
    if (-not $Server) { return }
    $Server.Listener.Stop()
    $null = $Server.Handle.AsyncWaitHandle.WaitOne(5000)
    $Server.PowerShell.Dispose()
}

Export-ModuleMember -Function *
