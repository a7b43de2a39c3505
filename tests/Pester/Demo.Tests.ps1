#requires -Modules Pester
# The README's first command must keep working: run the demo as build.ps1 -Task Demo does (after Build), and check
# that what it shows is real: a validated profile, a successful test, a refused wrong mode, a delivered test mail.
BeforeAll {
    $root = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $modulePath = if ($env:SMTPCONFIG_MODULE_PATH) { $env:SMTPCONFIG_MODULE_PATH } else { Join-Path $root 'out/SmtpConfig/SmtpConfig.psd1' }
    $exe = [Environment]::ProcessPath
    $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
    $raw = (& $exe @prefix -NoProfile -NonInteractive -File (Join-Path $root 'build/Demo.ps1') -Root $root -ModulePath $modulePath 2>&1 | Out-String)
    # Plain text: the child's views come with ANSI colours.
    $script:output = $raw -replace "`e\[[0-9;]*m", ''
    $script:exitCode = $LASTEXITCODE
    $script:received = @(Get-ChildItem (Join-Path $root 'out/demo/received') -Filter *.eml -ErrorAction SilentlyContinue)
}

Describe 'The demo (README: dotnet pwsh ./build.ps1 -Task Demo)' {
    It 'runs to the end and stops its server' {
        $exitCode | Should -Be 0 -Because $output
        $output | Should -Match 'Demo: server stopped'
    }

    It 'saves and validates a profile, tests it, and shows a wrong mode refused with the StartTls hint' {
        $output | Should -Match 'LastValidat'
        $output | Should -Match 'Succeeded\s+: True'
        $output | Should -Match 'Stages\s+: Resolve > Connect > Banner > Ehlo > StartTls'
        $output | Should -Match 'FailedStage\s+: Tls'
        $output | Should -Match 'plain-text SMTP'
    }

    It 'sends a test mail that the server really received, with the TestId the result shows' {
        $received.Count | Should -Be 1
        $mail = Get-Content -Raw $received[0].FullName
        $output -match 'TestId\s+:\s+(\w+)' | Should -BeTrue
        $mail | Should -Match "X-SmtpConfig-TestId: $($Matches[1])"
    }
}
