#requires -Modules Pester
# The module keeps its MailKit/MimeKit/BouncyCastle in its own load context: a session that has another MailKit
# (here MailKit 4.0.0 from NuGet, with the MimeKit and BouncyCastle it runs on) keeps it, and ours keeps working.
# Every scenario runs in its own child pwsh, so this test process never loads a MailKit.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:Root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:ManifestPath = if ($env:SMTPCONFIG_MODULE_PATH) { $env:SMTPCONFIG_MODULE_PATH } else { Join-Path $script:Root 'out/SmtpConfig/SmtpConfig.psd1' }
    $script:ManifestPath = (Resolve-Path $script:ManifestPath).Path

    # MailKit 4.0.0 from NuGet. The registry this project reaches has no MimeKit 4.0.0, so it runs on MimeKit 4.18.0
    # (a MimeKit 4.x satisfies MailKit 4.0.0's reference to MimeKit 4.0.0.0) and the BouncyCastle that one needs.
    # These versions must match tools/MailKitOld/MailKitOld.Tools.csproj.
    $packages = Join-Path $script:Root 'tools/.packages'
    $oldFiles = @(
        Join-Path $packages 'mailkit/4.0.0/lib/netstandard2.0/MailKit.dll'
        Join-Path $packages 'mimekit/4.18.0/lib/netstandard2.0/MimeKit.dll'
        Join-Path $packages 'bouncycastle.cryptography/2.7.0/lib/netstandard2.0/BouncyCastle.Cryptography.dll'
    )
    if (@($oldFiles | Where-Object { -not (Test-Path $_) }).Count -gt 0) {
        $project = Join-Path $script:Root 'tools/MailKitOld/MailKitOld.Tools.csproj'
        $dotnet = [Environment]::ProcessPath
        if ([IO.Path]::GetFileNameWithoutExtension($dotnet) -ne 'dotnet') { $dotnet = (Get-Command dotnet -CommandType Application | Select-Object -First 1).Source }
        & $dotnet restore $project --nologo -v quiet "-p:RestorePackagesPath=$packages" | Out-Host
        foreach ($file in $oldFiles) {
            if (-not (Test-Path $file)) { throw "MailKit 4.0.0 was not restored: $file is missing after 'dotnet restore $project'." }
        }
    }

    # One folder, so that the old MailKit finds its MimeKit and BouncyCastle next to it, as another module ships them.
    $script:OldMailKit = Join-Path $TestDrive 'mailkit-4.0.0'
    New-Item -ItemType Directory -Force -Path $script:OldMailKit | Out-Null
    Copy-Item $oldFiles $script:OldMailKit

    function Invoke-Scenario([string] $Script, [int] $TimeoutSec = 90) {
        # Runs $Script in a fresh child pwsh with the helpers below defined, and returns its 'key=value' lines as a hashtable.
        $prelude = @'
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
function Import-OldMailKit([string] $Folder) {
    foreach ($name in 'BouncyCastle.Cryptography', 'MimeKit', 'MailKit') { $null = [Reflection.Assembly]::LoadFrom((Join-Path $Folder "$name.dll")) }
}
function Send-WithOldMailKit([int] $Port) {
    # Uses the session's MailKit (whatever [MailKit.Net.Smtp.SmtpClient] resolves to) and MimeKit directly.
    $message = [MimeKit.MimeMessage]::new()
    $message.From.Add([MimeKit.MailboxAddress]::Parse('old@example.test'))
    $message.To.Add([MimeKit.MailboxAddress]::Parse('x@example.test'))
    $message.Subject = 'sent with the session''s own MailKit'
    $body = [MimeKit.TextPart]::new('plain')
    $body.Text = 'hello'
    $message.Body = $body
    $client = [MailKit.Net.Smtp.SmtpClient]::new()
    try {
        $client.Connect('127.0.0.1', $Port, [MailKit.Security.SecureSocketOptions]::None)
        $response = $client.Send($message)
        $client.Disconnect($true)
    }
    finally { $client.Dispose() }
    $response
}
function Get-MailLibraries {
    # Where each MailKit/MimeKit/BouncyCastle/engine assembly lives: 'context:name:version'.
    foreach ($alc in [System.Runtime.Loader.AssemblyLoadContext]::All) {
        foreach ($assembly in $alc.Assemblies) {
            $n = $assembly.GetName()
            if ($n.Name -in 'MailKit', 'MimeKit', 'BouncyCastle.Cryptography', 'SmtpConfig.Engine') { '{0}:{1}:{2}' -f $alc.Name, $n.Name, $n.Version }
        }
    }
}
function Get-AppDomainMailLibraries {
    @([AppDomain]::CurrentDomain.GetAssemblies() | ForEach-Object { $_.GetName().Name } | Where-Object { $_ -in 'MailKit', 'MimeKit', 'BouncyCastle.Cryptography' })
}

'@
        $exe = [Environment]::ProcessPath
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', ($prelude + $Script)) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($psi)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        if (-not $process.WaitForExit($TimeoutSec * 1000)) {
            $process.Kill($true)
            throw "The scenario did not finish within $TimeoutSec s. Output so far: $($stdout.Result)"
        }
        $process.WaitForExit()
        $values = @{ ExitCode = $process.ExitCode; Output = $stdout.Result; Error = $stderr.Result; Libraries = @() }
        foreach ($line in $stdout.Result -split "\r?\n") {
            if ($line -match '^lib=(.*)$') { $values.Libraries += $Matches[1] }
            elseif ($line -match '^([A-Za-z]+)=(.*)$') { $values[$Matches[1]] = $Matches[2] }
        }
        $values
    }

    $script:Fake = Start-FakeSmtpServer
}

AfterAll {
    Stop-FakeSmtpServer $script:Fake
}

Describe 'MailKit isolation' {
    BeforeEach {
        $script:Store = Use-TestStore $TestDrive
    }

    It 'the restored MailKit is 4.0.0, older than the module''s own' {
        $old = [Reflection.AssemblyName]::GetAssemblyName((Join-Path $script:OldMailKit 'MailKit.dll')).Version
        $ours = [Reflection.AssemblyName]::GetAssemblyName((Join-Path (Split-Path $script:ManifestPath) 'Dependencies/MailKit.dll')).Version
        $old | Should -Be ([version] '4.0.0.0')
        $ours | Should -BeGreaterThan $old
    }

    It 'a session that loaded MailKit 4.0.0 first still tests and sends through the module, and keeps its MailKit 4.0.0' {
        $r = Invoke-Scenario @"
`$env:SMTPCONFIG_HOME = '$script:Store'
Import-OldMailKit '$script:OldMailKit'
"before=`$([MailKit.Net.Smtp.SmtpClient]::new().GetType().Assembly.GetName().Version)"
Import-Module '$script:ManifestPath'
Set-SmtpConfiguration -Name iso -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -From a@example.test -WarningAction SilentlyContinue
`$test = Test-SmtpConnection -Name iso -TimeoutSec 10 -WarningAction SilentlyContinue
"test=`$(`$test.Succeeded) `$(`$test.FailedStage) `$(`$test.Error)"
`$sent = Send-SmtpTestMail -To x@example.test -Name iso -TimeoutSec 10 -WarningAction SilentlyContinue
"send=`$(`$sent.Succeeded) `$(`$sent.QueueId) `$(`$sent.Error)"
"validated=`$((Get-SmtpConfiguration iso).LastValidation.Succeeded)"
"after=`$([MailKit.Net.Smtp.SmtpClient]::new().GetType().Assembly.GetName().Version)"
"oldsend=`$(Send-WithOldMailKit $($script:Fake.Port))"
Get-MailLibraries | ForEach-Object { "lib=`$_" }
"@
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $r.before | Should -Be '4.0.0.0'
        $r.test | Should -Be 'True  '
        $r.send | Should -Be 'True FAKE123 '
        $r.validated | Should -Be 'True'
        $r.after | Should -Be '4.0.0.0'
        $r.oldsend | Should -BeLike '*queued as FAKE123*'
        $r.Libraries | Should -Contain 'Default:MailKit:4.0.0.0'
        @($r.Libraries | Where-Object { $_ -like 'Default:MailKit:*' }).Count | Should -Be 1
        @($r.Libraries | Where-Object { $_ -like 'SmtpConfig:MailKit:*' }).Count | Should -Be 1
        $r.Libraries | Where-Object { $_ -like 'SmtpConfig:MailKit:*' } | Should -Not -Be 'SmtpConfig:MailKit:4.0.0.0'
        @($r.Libraries | Where-Object { $_ -like 'SmtpConfig:SmtpConfig.Engine:*' }).Count | Should -Be 1 -Because 'the engine lives in the module''s context'
    }

    It 'a session that used the module can afterwards load MailKit 4.0.0 and use it' {
        $r = Invoke-Scenario @"
`$env:SMTPCONFIG_HOME = '$script:Store'
Import-Module '$script:ManifestPath'
`$test = Test-SmtpConnection -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -TimeoutSec 10 -WarningAction SilentlyContinue
`$sent = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -From a@example.test -TimeoutSec 10 -WarningAction SilentlyContinue
"first=`$(`$test.Succeeded) `$(`$sent.Succeeded)"
"visible=`$(`$null -ne ('MailKit.Net.Smtp.SmtpClient' -as [type]))"
Import-OldMailKit '$script:OldMailKit'
`$client = [MailKit.Net.Smtp.SmtpClient]::new()
"old=`$(`$client.GetType().Assembly.GetName().Version)"
`$client.Dispose()
"oldsend=`$(Send-WithOldMailKit $($script:Fake.Port))"
`$again = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -From a@example.test -TimeoutSec 10 -WarningAction SilentlyContinue
"again=`$(`$again.Succeeded) `$(`$again.QueueId)"
Get-MailLibraries | ForEach-Object { "lib=`$_" }
"@
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $r.first | Should -Be 'True True'
        $r.visible | Should -Be 'False' -Because 'the module''s MailKit must not surface as [MailKit.Net.Smtp.SmtpClient] in the session'
        $r.old | Should -Be '4.0.0.0'
        $r.oldsend | Should -BeLike '*queued as FAKE123*'
        $r.again | Should -Be 'True FAKE123'
        $r.Libraries | Should -Contain 'Default:MailKit:4.0.0.0'
        @($r.Libraries | Where-Object { $_ -like 'SmtpConfig:MailKit:*' }).Count | Should -Be 1
    }

    It 'importing loads no MailKit, MimeKit or BouncyCastle; first use loads them only into the SmtpConfig context' {
        $r = Invoke-Scenario @"
`$env:SMTPCONFIG_HOME = '$script:Store'
Import-Module '$script:ManifestPath'
"imported=`$((Get-AppDomainMailLibraries) -join ',')"
"importedlibs=`$((Get-MailLibraries | Where-Object { `$_ -notlike '*:SmtpConfig.Engine:*' }) -join ',')"
`$null = Get-SmtpConfiguration
`$test = Test-SmtpConnection -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -TimeoutSec 10 -WarningAction SilentlyContinue
`$sent = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -From a@example.test -TimeoutSec 10 -WarningAction SilentlyContinue
"used=`$(`$test.Succeeded) `$(`$sent.Succeeded)"
"contexts=`$(([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object { `$_.Assemblies.GetName().Name -contains 'MailKit' } | ForEach-Object Name) -join ',')"
Get-MailLibraries | ForEach-Object { "lib=`$_" }
"@
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $r.imported | Should -BeNullOrEmpty
        $r.importedlibs | Should -BeNullOrEmpty
        $r.used | Should -Be 'True True'
        $r.contexts | Should -Be 'SmtpConfig'
        $r.Libraries | Where-Object { $_ -match ':(MailKit|MimeKit|BouncyCastle\.Cryptography):' } | Should -Not -BeNullOrEmpty
        $r.Libraries | Where-Object { $_ -match ':(MailKit|MimeKit|BouncyCastle\.Cryptography|SmtpConfig\.Engine):' -and $_ -notlike 'SmtpConfig:*' } | Should -BeNullOrEmpty
    }

    It 'Remove-Module then Import-Module works, and MailKit stays out of the default context' {
        $r = Invoke-Scenario @"
`$env:SMTPCONFIG_HOME = '$script:Store'
Import-Module '$script:ManifestPath'
Set-SmtpConfiguration -Name iso -Server 127.0.0.1 -Port $($script:Fake.Port) -Encryption None -From a@example.test -WarningAction SilentlyContinue
`$first = Test-SmtpConnection -Name iso -TimeoutSec 10 -WarningAction SilentlyContinue
Remove-Module SmtpConfig
"removed=`$(@(Get-Command -Module SmtpConfig -ErrorAction SilentlyContinue).Count)"
Import-Module '$script:ManifestPath'
`$second = Test-SmtpConnection -Name iso -TimeoutSec 10 -WarningAction SilentlyContinue
`$sent = Send-SmtpTestMail -To x@example.test -Name iso -TimeoutSec 10 -WarningAction SilentlyContinue
"tests=`$(`$first.Succeeded) `$(`$second.Succeeded) `$(`$sent.Succeeded)"
"profiles=`$((Get-SmtpConfiguration).Name -join ',')"
Remove-Module SmtpConfig
Import-Module '$script:ManifestPath' -Force
"third=`$((Test-SmtpConnection -Name iso -TimeoutSec 10 -WarningAction SilentlyContinue).Succeeded)"
Get-MailLibraries | ForEach-Object { "lib=`$_" }
"@
        $r.Error | Should -BeNullOrEmpty
        $r.ExitCode | Should -Be 0
        $r.removed | Should -Be '0'
        $r.tests | Should -Be 'True True True'
        $r.profiles | Should -Be 'iso'
        $r.third | Should -Be 'True'
        $r.Libraries | Where-Object { $_ -match ':(MailKit|MimeKit|BouncyCastle\.Cryptography):' -and $_ -notlike 'SmtpConfig:*' } | Should -BeNullOrEmpty
    }
}
