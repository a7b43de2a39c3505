#requires -Modules Pester
BeforeDiscovery {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $script:PostfixSkip = [bool] (Get-PostfixSkipReason)
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-SmtpConfigUnderTest
}

Describe 'Find-SmtpSetting without a server' {
    BeforeEach { $null = Use-TestStore $TestDrive }

    It 'tries a usual port with its usual encryption and another port with both, each a result' {
        $results = @(Find-SmtpSetting -Server 127.0.0.1 -Port 1, 465 -TimeoutSec 2)
        $results.Count | Should -Be 3
        ($results | ForEach-Object { "$($_.Port) $($_.Encryption)" } | Sort-Object) | Should -Be @('1 Ssl', '1 StartTls', '465 Ssl')
        $results | ForEach-Object { $_.Succeeded | Should -BeFalse; $_.Recommendation | Should -BeNullOrEmpty }
    }

    It 'refuses a bad port with InvalidPort before connecting' {
        { Find-SmtpSetting -Server 127.0.0.1 -Port 0 -ErrorAction Stop } | Should -Throw -ErrorId 'InvalidPort,SmtpConfig.Commands.FindSmtpSettingCommand'
    }
}

Describe 'Find-SmtpSetting against the Postfix fixture (Postfix)' -Skip:$PostfixSkip {
    BeforeAll {
        $fixture = Get-PostfixFixture
        $cred = [pscredential]::new($fixture.UserName, (New-TestSecret $fixture.Password))
    }

    BeforeEach { $null = Use-TestStore $TestDrive }

    It 'finds the fixture''s listeners: working ones first, each with the parameters to save it' {
        $ports = $fixture.SubmissionPort, $fixture.SslPort, $fixture.PlainPort
        $results = @(Find-SmtpSetting -Server localhost -Port $ports -Credential $cred -TimeoutSec 2)
        $results.Count | Should -Be 6
        $working = @($results | Where-Object Succeeded)
        ($working | ForEach-Object { "$($_.Port) $($_.Encryption)" } | Sort-Object) | Should -Be (@("$($fixture.SubmissionPort) StartTls", "$($fixture.SslPort) Ssl") | Sort-Object)
        $results[0].Succeeded | Should -BeTrue
        $results[1].Succeeded | Should -BeTrue
        $working | ForEach-Object {
            $_.Authenticated | Should -BeTrue
            $_.Recommendation | Should -Be "Set-SmtpConfiguration -Server localhost -Port $($_.Port) -Encryption $($_.Encryption)"
        }
        $plainStartTls = $results | Where-Object { $_.Port -eq $fixture.PlainPort -and $_.Encryption -eq 'StartTls' }
        [string] $plainStartTls.FailedStage | Should -Be 'StartTls'
        $sslOnSubmission = $results | Where-Object { $_.Port -eq $fixture.SubmissionPort -and $_.Encryption -eq 'Ssl' }
        $sslOnSubmission.Hint | Should -BeLike '*-Encryption StartTls*'
    }
}
