#requires -Modules Pester
# Issue 6, "A module that feels native to PowerShell": default views, ToString(), tab completion, JSON output,
# no prompts in a non-interactive host, and error records scripts can act on.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest
    $script:ManifestPath = if ($env:SMTPCONFIG_MODULE_PATH) { $env:SMTPCONFIG_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/SmtpConfig/SmtpConfig.psd1' }
    $script:ManifestPath = (Resolve-Path $script:ManifestPath).Path

    function Get-RefusedPort {
        $l = [Net.Sockets.TcpListener]::new([Net.IPAddress]::Loopback, 0)
        $l.Start()
        $p = $l.LocalEndpoint.Port
        $l.Stop()
        $p
    }

    function Get-Lines([string] $Text) {
        @($Text -split "\r?\n" | Where-Object { $_.Trim() })
    }

    function Get-CompletionText([string] $Line) {
        $result = TabExpansion2 -inputScript $Line -cursorColumn $Line.Length
        @($result.CompletionMatches | ForEach-Object CompletionText)
    }

    function Invoke-ChildPwsh([string] $Command, [int] $TimeoutSec = 60) {
        # A child pwsh with no console input: whatever would prompt fails or hangs; the bound turns a hang into a failure.
        $exe = [Environment]::ProcessPath
        $psi = [System.Diagnostics.ProcessStartInfo]::new($exe)
        if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { $psi.ArgumentList.Add((Join-Path $PSHOME 'pwsh.dll')) }
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', $Command) { $psi.ArgumentList.Add($a) }
        $psi.RedirectStandardInput = $true
        $psi.RedirectStandardOutput = $true
        $psi.RedirectStandardError = $true
        $psi.UseShellExecute = $false
        $process = [System.Diagnostics.Process]::Start($psi)
        $process.StandardInput.Close()
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEndAsync()
        $exited = $process.WaitForExit($TimeoutSec * 1000)
        if (-not $exited) { $process.Kill($true) }
        $process.WaitForExit()
        [pscustomobject]@{ Exited = $exited; ExitCode = $process.ExitCode; Output = $stdout.Result; Error = $stderr.Result }
    }

    $script:Fake = Start-FakeSmtpServer
}

AfterAll {
    Stop-FakeSmtpServer $script:Fake
}

Describe 'Default views' {
    BeforeEach {
        $null = Use-TestStore $TestDrive
    }

    It 'Get-SmtpConfiguration is a table of Name, Server, Port, Encryption, From, UserName and the last validation' {
        Set-SmtpConfiguration -Name unchecked -Server smtp.example.test -From a@example.test -UserName alice -Password (New-TestSecret 'pw') -SkipValidation
        Set-SmtpConfiguration -Name good -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -From b@example.test -WarningAction SilentlyContinue
        Set-SmtpConfiguration -Name bad -Server 127.0.0.1 -Port (Get-RefusedPort) -Encryption None -From c@example.test -ErrorAction SilentlyContinue -WarningAction SilentlyContinue

        $text = Get-SmtpConfiguration | Out-String -Width 250
        $lines = Get-Lines $text
        $lines[0] | Should -Match '^Name\s+Server\s+Port\s+Encryption\s+From\s+UserName\s+LastValidation\s*$'
        $lines[1] | Should -Match '^-+\s+-+\s+-+\s+-+\s+-+\s+-+\s+-+\s*$'
        $lines.Count | Should -Be 5
        $text | Should -Match '(?m)^unchecked\s+smtp\.example\.test\s+587\s+StartTls\s+a@example\.test\s+alice\s+not checked\s*$'
        $text | Should -Match '(?m)^good\s+127\.0\.0\.1\s+\d+\s+None\s+b@example\.test\s+OK \d{4}-\d\d-\d\d \d\d:\d\d\s*$'
        $text | Should -Match '(?m)^bad\s+127\.0\.0\.1\s+\d+\s+None\s+c@example\.test\s+FAILED at Connect\s*$'
        $text | Should -Not -Match '(?m)^\s*(Name|Server)\s+:'
    }

    It 'a failed Test-SmtpConnection shows Succeeded False, the failed stage, the error and the hint, in few lines' {
        $r = Test-SmtpConnection -Server 127.0.0.1 -Port (Get-RefusedPort) -Encryption None -TimeoutSec 5
        $text = $r | Out-String -Width 250
        $text | Should -Match '(?m)^Succeeded\s+: False\s*$'
        $text | Should -Match '(?m)^FailedStage\s+: Connect\s*$'
        $text | Should -Match '(?m)^Error\s+: Connection refused'
        $text | Should -Match '(?m)^Hint\s+: \S'
        $text | Should -Match '(?m)^Target\s+: 127\.0\.0\.1:\d+ None\s*$'
        $text | Should -Match '(?m)^Stages\s+: Resolve > Connect FAILED\s*$'
        $text | Should -Not -Match 'Transcript'
        (Get-Lines $text).Count | Should -BeLessThan 15
    }

    It 'a successful Test-SmtpConnection shows no FailedStage, Error or Hint' {
        $r = Test-SmtpConnection -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -TimeoutSec 5 -WarningAction SilentlyContinue
        $r.Succeeded | Should -BeTrue
        $text = $r | Out-String -Width 250
        $text | Should -Match '(?m)^Succeeded\s+: True\s*$'
        $text | Should -Match '(?m)^Stages\s+: Resolve > Connect > Banner > Ehlo > Quit\s*$'
        $text | Should -Not -Match '(?m)^(FailedStage|Error|Hint)\s+:'
        (Get-Lines $text).Count | Should -BeLessThan 15
    }

    It 'the stages of a test are a table of Stage, Succeeded, ms and Detail' {
        $r = Test-SmtpConnection -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -TimeoutSec 5 -WarningAction SilentlyContinue
        $lines = Get-Lines ($r.Stages | Out-String -Width 250)
        $lines[0] | Should -Match '^Stage\s+Succeeded\s+ms\s+Detail\s*$'
        $lines | Should -Contain ($lines | Where-Object { $_ -match '^Banner\s+True\s+\d+\s+fake\.test ESMTP ready\s*$' })
        $lines.Count | Should -Be (2 + $r.Stages.Count)
    }

    It 'a failed Send-SmtpTestMail shows Succeeded False, the TestId, the failed stage, the error and the hint' {
        $m = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port (Get-RefusedPort) -Encryption None -From a@example.test -TimeoutSec 5
        $text = $m | Out-String -Width 250
        $text | Should -Match '(?m)^Succeeded\s+: False\s*$'
        $text | Should -Match ('(?m)^TestId\s+: ' + [regex]::Escape($m.TestId) + '\s*$')
        $text | Should -Match '(?m)^FailedStage\s+: Connect\s*$'
        $text | Should -Match '(?m)^Error\s+: Connection refused'
        $text | Should -Match '(?m)^Hint\s+: \S'
        $text | Should -Not -Match 'Transcript'
        (Get-Lines $text).Count | Should -BeLessThan 15
    }

    It 'a successful Send-SmtpTestMail shows the queue id and no FailedStage or Error' {
        $m = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -From a@example.test -TimeoutSec 5 -WarningAction SilentlyContinue
        $m.Succeeded | Should -BeTrue
        $text = $m | Out-String -Width 250
        $text | Should -Match '(?m)^Succeeded\s+: True\s*$'
        $text | Should -Match '(?m)^Accepted\s+: x@example\.test\s*$'
        $text | Should -Match '(?m)^QueueId\s+: FAKE123\s*$'
        $text | Should -Not -Match '(?m)^(FailedStage|Error)\s+:'
        (Get-Lines $text).Count | Should -BeLessThan 15
    }

    It 'Format-List * still shows every property of <Kind>' -TestCases @(
        @{ Kind = 'SmtpConfiguration' }
        @{ Kind = 'SmtpConnectionTestResult' }
        @{ Kind = 'SmtpStageResult' }
        @{ Kind = 'SmtpTestMailResult' }
    ) {
        param($Kind)
        Set-SmtpConfiguration -Name fl -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -From a@example.test -WarningAction SilentlyContinue
        $object = switch ($Kind) {
            'SmtpConfiguration' { Get-SmtpConfiguration fl }
            'SmtpConnectionTestResult' { Test-SmtpConnection fl -WarningAction SilentlyContinue }
            'SmtpStageResult' { (Test-SmtpConnection fl -WarningAction SilentlyContinue).Stages[0] }
            'SmtpTestMailResult' { Send-SmtpTestMail -To x@example.test -Name fl -WarningAction SilentlyContinue }
        }
        $object.PSObject.TypeNames[0] | Should -Be "SmtpConfig.$Kind"
        $text = $object | Format-List * | Out-String -Width 250
        foreach ($property in $object.PSObject.Properties.Name) {
            $text | Should -Match ("(?m)^$property\s+:") -Because "Format-List * lists $property"
        }
    }
}

Describe 'ToString() is a meaningful one-liner' {
    BeforeEach {
        $null = Use-TestStore $TestDrive
    }

    It 'SmtpConfiguration names the profile, server:port, encryption and From' {
        Set-SmtpConfiguration -Name ts -Server smtp.example.test -Port 2525 -From a@example.test -UserName alice -Password (New-TestSecret 'pw') -SkipValidation
        $s = (Get-SmtpConfiguration ts).ToString()
        $s | Should -Not -Match '\n'
        $s | Should -BeLike '*ts*smtp.example.test:2525*StartTls*a@example.test*'
        "$(Get-SmtpConfiguration ts)" | Should -Be $s
    }

    It 'SmtpConnectionTestResult names server:port and the outcome' {
        $port = Get-RefusedPort
        $fail = (Test-SmtpConnection -Server 127.0.0.1 -Port $port -Encryption None -TimeoutSec 5).ToString()
        $fail | Should -Not -Match '\n'
        $fail | Should -BeLike "*127.0.0.1:$port*Connect*"
        $ok = (Test-SmtpConnection -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -TimeoutSec 5 -WarningAction SilentlyContinue).ToString()
        $ok | Should -Not -Match '\n'
        $ok | Should -BeLike "*127.0.0.1:$($script:Fake.Port)*succeeded*"
    }

    It 'SmtpStageResult names the stage and whether it passed' {
        $r = Test-SmtpConnection -Server 127.0.0.1 -Port (Get-RefusedPort) -Encryption None -TimeoutSec 5
        $connect = $r.Stages | Where-Object { [string] $_.Name -eq 'Connect' }
        $connect.ToString() | Should -Not -Match '\n'
        $connect.ToString() | Should -BeLike 'Connect*FAILED*'
        ($r.Stages | Where-Object { [string] $_.Name -eq 'Resolve' }).ToString() | Should -BeLike 'Resolve*ok*'
    }

    It 'SmtpTestMailResult names the TestId, server:port and the outcome' {
        $port = Get-RefusedPort
        $fail = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $port -Encryption None -From a@example.test -TimeoutSec 5
        $fail.ToString() | Should -Not -Match '\n'
        $fail.ToString() | Should -BeLike "*$($fail.TestId)*127.0.0.1:$port*Connect*"
        $ok = Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $script:Fake.Port -Encryption None -From a@example.test -TimeoutSec 5 -WarningAction SilentlyContinue
        $ok.ToString() | Should -Not -Match '\n'
        $ok.ToString() | Should -BeLike "*$($ok.TestId)*127.0.0.1:$($script:Fake.Port)*FAKE123*"
    }
}

Describe 'Tab completion' {
    BeforeEach {
        $script:Store = Use-TestStore $TestDrive
        Set-SmtpConfiguration -Name prod-a -Server smtp-a.example.test -From a@example.test -SkipValidation
        Set-SmtpConfiguration -Name prod-b -Server smtp-b.example.test -From b@example.test -SkipValidation
        Set-SmtpConfiguration -Name test-a -Server mx.example.test -From t@example.test -SkipValidation
    }

    It 'completes saved profile names for <Line>' -TestCases @(
        @{ Line = 'Get-SmtpConfiguration -Name pr' }
        @{ Line = 'Get-SmtpConfiguration pr' }
        @{ Line = 'Set-SmtpConfiguration -Name pr' }
        @{ Line = 'Remove-SmtpConfiguration -Name pr' }
        @{ Line = 'Test-SmtpConnection -Name pr' }
        @{ Line = 'Send-SmtpTestMail -To x@example.test -Name pr' }
    ) {
        param($Line)
        $completions = Get-CompletionText $Line
        $completions | Sort-Object | Should -Be @('prod-a', 'prod-b')
    }

    It 'completes every saved profile name with nothing typed' {
        Get-CompletionText 'Get-SmtpConfiguration -Name ' | Sort-Object | Should -Be @('prod-a', 'prod-b', 'test-a')
    }

    It 'completes saved servers for <Line>' -TestCases @(
        @{ Line = 'Set-SmtpConfiguration -Name new -Server sm' }
        @{ Line = 'Test-SmtpConnection -Server sm' }
        @{ Line = 'Send-SmtpTestMail -To x@example.test -Server sm' }
    ) {
        param($Line)
        Get-CompletionText $Line | Sort-Object | Should -Be @('smtp-a.example.test', 'smtp-b.example.test')
    }

    It 'lists None, Ssl and StartTls for <Line>' -TestCases @(
        @{ Line = 'Set-SmtpConfiguration -Encryption ' }
        @{ Line = 'Test-SmtpConnection -Server x -Encryption ' }
        @{ Line = 'Send-SmtpTestMail -To x@example.test -Server x -Encryption ' }
    ) {
        param($Line)
        $completions = Get-CompletionText $Line
        foreach ($mode in 'None', 'Ssl', 'StartTls') { $completions | Should -Contain $mode }
        Get-CompletionText ($Line + 'st') | Should -Be @('StartTls')
    }

    It 'does not throw on a damaged store (<Damage>)' -TestCases @(
        @{ Damage = 'not JSON'; Content = '{ this is not json' }
        @{ Damage = 'wrong shape'; Content = '[1, 2, 3]' }
        @{ Damage = 'unknown schema'; Content = '{"schemaVersion": 99, "profiles": []}' }
        @{ Damage = 'bad enum'; Content = '{"schemaVersion":1,"profiles":[{"name":"prod-x","server":"s","port":25,"encryption":"Bogus","from":"a@b.c","authentication":"None","timeoutSec":10,"modifiedAt":"2026-01-01T00:00:00Z"}]}' }
        @{ Damage = 'null validation time'; Content = '{"schemaVersion":1,"profiles":[{"name":"prod-x","server":"s","port":25,"encryption":"None","from":"a@b.c","authentication":"None","timeoutSec":10,"modifiedAt":"2026-01-01T00:00:00Z","lastValidation":{"at":null,"succeeded":true}}]}' }
    ) {
        param($Damage, $Content)
        [IO.File]::WriteAllText((Join-Path $script:Store 'profiles.json'), $Content)
        { $script:completions = Get-CompletionText 'Get-SmtpConfiguration -Name pr' } | Should -Not -Throw
        $script:completions | Should -Not -Contain 'prod-a'
        { $null = Get-CompletionText 'Test-SmtpConnection -Server sm' } | Should -Not -Throw
        # TabExpansion2 hides an exception of a completer: ask the module's completer itself too.
        $completer = [SmtpConfig.Completion.ProfileNameCompleter]::new()
        foreach ($parameter in 'Name', 'Server') {
            { $null = $completer.CompleteArgument('Get-SmtpConfiguration', $parameter, 'pr', $null, @{}) } | Should -Not -Throw -Because "completing -$parameter on a store with $Damage must not throw"
        }
    }

    It 'does not throw on a store folder others can read' {
        [IO.File]::SetUnixFileMode($script:Store, [IO.UnixFileMode]'UserRead, UserWrite, UserExecute, GroupRead, GroupExecute, OtherRead, OtherExecute')
        { $script:completions = Get-CompletionText 'Get-SmtpConfiguration -Name pr' } | Should -Not -Throw
        $script:completions | Should -Not -Contain 'prod-a'
    }
}

Describe 'ConvertTo-Json of every output object' {
    BeforeAll {
        $script:Canary = 'Canary-' + [guid]::NewGuid().ToString('N')
    }

    BeforeEach {
        $null = Use-TestStore $TestDrive
    }

    It 'converts <Kind> with -Depth 6, without truncation and without the secret' -TestCases @(
        @{ Kind = 'Get-SmtpConfiguration' }
        @{ Kind = 'Set-SmtpConfiguration -PassThru' }
        @{ Kind = 'Test-SmtpConnection (failed)' }
        @{ Kind = 'Test-SmtpConnection (succeeded)' }
        @{ Kind = 'Test-SmtpConnection (stages)' }
        @{ Kind = 'Send-SmtpTestMail (failed)' }
        @{ Kind = 'Send-SmtpTestMail (succeeded)' }
    ) {
        param($Kind)
        $password = New-TestSecret $script:Canary
        $refused = Get-RefusedPort
        $fake = $script:Fake.Port
        $common = @{ WarningAction = 'SilentlyContinue'; ErrorAction = 'SilentlyContinue' }
        Set-SmtpConfiguration -Name secret -Server 127.0.0.1 -Port $refused -Encryption None -From a@example.test -UserName alice -Password $password @common
        $objects = switch ($Kind) {
            'Get-SmtpConfiguration' { Get-SmtpConfiguration }
            'Set-SmtpConfiguration -PassThru' { Set-SmtpConfiguration -Name other -Server 127.0.0.1 -Port $fake -Encryption None -From b@example.test -PassThru @common }
            'Test-SmtpConnection (failed)' { Test-SmtpConnection secret -TimeoutSec 5 }
            'Test-SmtpConnection (succeeded)' { Test-SmtpConnection -Server 127.0.0.1 -Port $fake -Encryption None -TimeoutSec 5 @common }
            'Test-SmtpConnection (stages)' { (Test-SmtpConnection -Server 127.0.0.1 -Port $fake -Encryption None -TimeoutSec 5 @common).Stages }
            'Send-SmtpTestMail (failed)' { Send-SmtpTestMail -To x@example.test -Name secret -TimeoutSec 5 @common }
            'Send-SmtpTestMail (succeeded)' { Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port $fake -Encryption None -From a@example.test -UserName alice -Password $password -TimeoutSec 5 @common }
        }
        @($objects).Count | Should -BeGreaterThan 0
        $json = $objects | ConvertTo-Json -Depth 6 -ErrorAction Stop -WarningVariable jsonWarnings -WarningAction SilentlyContinue
        # ConvertTo-Json warns when it cuts at -Depth: that is how a cycle (or a runaway object graph) shows.
        $jsonWarnings | Should -BeNullOrEmpty
        $json | Should -Not -BeNullOrEmpty
        { $json | ConvertFrom-Json -ErrorAction Stop } | Should -Not -Throw
        Test-ContainsCanary $json $script:Canary | Should -BeFalse
    }
}

Describe 'Nothing prompts in a non-interactive host' {
    It 'Set-, Test-, Send- and Remove- complete with $ConfirmPreference Low and -Confirm:$false where it applies' {
        $store = Join-Path $TestDrive ('ni-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $refused = Get-RefusedPort
        $command = @"
`$ErrorActionPreference = 'Stop'
`$env:SMTPCONFIG_HOME = '$store'
Import-Module '$script:ManifestPath'
`$ConfirmPreference = 'Low'
Set-SmtpConfiguration -Name ni -Server 127.0.0.1 -Port $refused -Encryption None -From a@example.test -SkipValidation -Confirm:`$false
Set-SmtpConfiguration -Name ni -Port $($script:Fake.Port) -Confirm:`$false -WarningAction SilentlyContinue
`$null = Test-SmtpConnection -Name ni -TimeoutSec 5 -WarningAction SilentlyContinue
`$null = Send-SmtpTestMail -To x@example.test -Name ni -TimeoutSec 5 -Confirm:`$false -WarningAction SilentlyContinue
Remove-SmtpConfiguration -Name ni -Confirm:`$false
if (Get-SmtpConfiguration -Name ni -ErrorAction SilentlyContinue) { 'still there'; exit 3 }
'done'
exit 0
"@
        $run = Invoke-ChildPwsh $command -TimeoutSec 90
        $run.Exited | Should -BeTrue -Because 'nothing may wait for input'
        $run.Error | Should -BeNullOrEmpty
        $run.Output | Should -Match 'done'
        $run.ExitCode | Should -Be 0
    }

    It 'a new profile without a server is an error, not a prompt' {
        $store = Join-Path $TestDrive ('ni-' + [guid]::NewGuid().ToString('N').Substring(0, 8))
        $command = @"
`$env:SMTPCONFIG_HOME = '$store'
Import-Module '$script:ManifestPath'
try { Set-SmtpConfiguration -Name ni -From a@example.test -SkipValidation -ErrorAction Stop; exit 4 }
catch { `$_.FullyQualifiedErrorId; exit 0 }
"@
        $run = Invoke-ChildPwsh $command -TimeoutSec 60
        $run.Exited | Should -BeTrue
        $run.Output | Should -Match 'ServerRequired'
        $run.ExitCode | Should -Be 0
    }
}

Describe 'Error records' {
    BeforeEach {
        $null = Use-TestStore $TestDrive
        Set-SmtpConfiguration -Name exists -Server smtp.example.test -From a@example.test -SkipValidation
    }

    It 'ProfileNotFound from <Command> has its id, ObjectNotFound, the name as target and a recommended action' -TestCases @(
        @{ Command = 'Get-SmtpConfiguration'; Invoke = { Get-SmtpConfiguration -Name missing } }
        @{ Command = 'Remove-SmtpConfiguration'; Invoke = { Remove-SmtpConfiguration -Name missing -Confirm:$false } }
        @{ Command = 'Test-SmtpConnection'; Invoke = { Test-SmtpConnection -Name missing } }
        @{ Command = 'Send-SmtpTestMail'; Invoke = { Send-SmtpTestMail -To x@example.test -Name missing } }
    ) {
        param($Command, $Invoke)
        $err = $null
        $ErrorActionPreference = 'Stop'
        try { & $Invoke } catch { $err = $_ }
        $ErrorActionPreference = 'Continue'
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be "ProfileNotFound,SmtpConfig.Commands.$($Command -replace '-', '')Command"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ObjectNotFound)
        $err.TargetObject | Should -Not -BeNullOrEmpty
        $err.TargetObject | Should -Be 'missing'
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
        $err.ErrorDetails.Message | Should -BeLike '*missing*'
    }

    It 'a missing name among several is a non-terminating error: the others are still returned' {
        $found = Get-SmtpConfiguration -Name missing, exists -ErrorVariable errs -ErrorAction SilentlyContinue
        $found.Name | Should -Be 'exists'
        $errs.Count | Should -Be 1
        $errs[0].FullyQualifiedErrorId | Should -BeLike 'ProfileNotFound,*'
    }

    It 'InvalidPort from <Command> has its id, InvalidArgument, a target and a recommended action' -TestCases @(
        @{ Command = 'Set-SmtpConfiguration'; Invoke = { Set-SmtpConfiguration -Name exists -Port 70000 -SkipValidation } }
        @{ Command = 'Test-SmtpConnection'; Invoke = { Test-SmtpConnection -Server 127.0.0.1 -Port 70000 } }
        @{ Command = 'Send-SmtpTestMail'; Invoke = { Send-SmtpTestMail -To x@example.test -Server 127.0.0.1 -Port 0 -From a@example.test } }
    ) {
        param($Command, $Invoke)
        $err = $null
        $ErrorActionPreference = 'Stop'
        try { & $Invoke } catch { $err = $_ }
        $ErrorActionPreference = 'Continue'
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be "InvalidPort,SmtpConfig.Commands.$($Command -replace '-', '')Command"
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::InvalidArgument)
        $err.TargetObject | Should -Not -BeNullOrEmpty
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }

    It 'a damaged store is StoreDamaged with the file as target, whatever the damage (<Damage>)' -TestCases @(
        @{ Damage = 'not JSON'; Content = '{ this is not json' }
        @{ Damage = 'null validation time'; Content = '{"schemaVersion":1,"profiles":[{"name":"x","server":"s","port":25,"encryption":"None","from":"a@b.c","authentication":"None","timeoutSec":10,"modifiedAt":"2026-01-01T00:00:00Z","lastValidation":{"at":null,"succeeded":true}}]}' }
        @{ Damage = 'unparsable modifiedAt'; Content = '{"schemaVersion":1,"profiles":[{"name":"x","server":"s","port":25,"encryption":"None","from":"a@b.c","authentication":"None","timeoutSec":10,"modifiedAt":"yesterday"}]}' }
    ) {
        param($Damage, $Content)
        $file = Join-Path $env:SMTPCONFIG_HOME 'profiles.json'
        [IO.File]::WriteAllText($file, $Content)
        $err = $null
        try { Get-SmtpConfiguration -ErrorAction Stop } catch { $err = $_ }
        $err | Should -Not -BeNullOrEmpty
        $err.FullyQualifiedErrorId | Should -Be 'StoreDamaged,SmtpConfig.Commands.GetSmtpConfigurationCommand'
        $err.CategoryInfo.Category | Should -Be ([System.Management.Automation.ErrorCategory]::ReadError)
        $err.TargetObject | Should -Be $file
        $err.ErrorDetails.RecommendedAction | Should -Not -BeNullOrEmpty
    }
}
