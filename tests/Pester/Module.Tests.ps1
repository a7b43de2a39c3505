#requires -Modules Pester
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    $manifestPath = if ($env:SMTPCONFIG_MODULE_PATH) { $env:SMTPCONFIG_MODULE_PATH } else { Join-Path $PSScriptRoot '../../out/SmtpConfig/SmtpConfig.psd1' }
    $expected = @('Get-SmtpConfiguration', 'Remove-SmtpConfiguration', 'Send-SmtpTestMail', 'Set-SmtpConfiguration', 'Test-SmtpConnection')
    function Invoke-Pwsh([string] $Command) {
        $exe = [Environment]::ProcessPath
        $prefix = @(if ([IO.Path]::GetFileNameWithoutExtension($exe) -eq 'dotnet') { Join-Path $PSHOME 'pwsh.dll' })
        & $exe @prefix -NoProfile -NonInteractive -Command $Command
    }
}

Describe 'The module manifest' {
    It 'passes Test-ModuleManifest' {
        { Test-ModuleManifest -Path $manifestPath -ErrorAction Stop } | Should -Not -Throw
    }

    It 'declares both editions, a description, tags, project and licence URIs' {
        $m = Test-ModuleManifest -Path $manifestPath
        $m.CompatiblePSEditions | Should -Contain 'Desktop'
        $m.CompatiblePSEditions | Should -Contain 'Core'
        $m.Description | Should -Not -BeNullOrEmpty
        $m.Tags | Should -Contain 'SMTP'
        $m.ProjectUri | Should -Not -BeNullOrEmpty
        $m.LicenseUri | Should -Not -BeNullOrEmpty
    }

    It 'lists cmdlets explicitly, without wildcards' {
        $data = Import-PowerShellDataFile $manifestPath
        $data.CmdletsToExport | Should -Not -Contain '*'
        $data.CmdletsToExport | Where-Object { $_ -match '[*?]' } | Should -BeNullOrEmpty
        $data.FunctionsToExport.Count | Should -Be 0
    }

    It 'separates list items with commas: a list of statements makes every cold import slower' {
        # PowerShell runs the manifest on every import. '@(' + one name a line without commas + ')' is a block of
        # statements, and in a fresh process it costs 10-30 ms more than the same names with commas
        # (docs/performance.md, row 1s).
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($manifestPath, [ref] $null, [ref] $null)
        $lists = $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.ArrayExpressionAst] }, $true)
        $lists | Should -Not -BeNullOrEmpty
        foreach ($list in $lists) {
            $list.SubExpression.Statements.Count | Should -BeLessOrEqual 1 -Because "$($list.Extent.Text) should separate its items with commas"
        }
    }

    It 'carries the version of Directory.Build.props' {
        [xml] $props = Get-Content -Raw (Join-Path $PSScriptRoot '../../Directory.Build.props')
        $version = @($props.Project.PropertyGroup | ForEach-Object { $_.PSObject.Properties['Version'] } | Where-Object { $_ })[0].Value
        (Test-ModuleManifest -Path $manifestPath).Version.ToString() | Should -Be $version
    }
}

Describe 'Importing the module' {
    It 'exports the cmdlets that exist, all of them listed in the manifest' {
        Import-Module $manifestPath -Force
        $exported = (Get-Command -Module SmtpConfig).Name
        $data = Import-PowerShellDataFile $manifestPath
        foreach ($name in $exported) { $data.CmdletsToExport | Should -Contain $name }
        $exported | Should -Contain 'Set-SmtpConfiguration'
        $exported | Should -Contain 'Test-SmtpConnection'
    }

    It 'loads no MailKit on import, and loads it into its own load context on first use' {
        $out = Invoke-Pwsh @"
`$env:SMTPCONFIG_HOME = '$TestDrive/iso'
Import-Module '$manifestPath'
`$before = [AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -contains 'MailKit'
`$null = Test-SmtpConnection -Server 127.0.0.1 -Port 1 -TimeoutSec 2
`$alc = [Runtime.Loader.AssemblyLoadContext]::All | Where-Object { `$_.Assemblies.GetName().Name -contains 'MailKit' }
"before=`$before alc=`$((`$alc | ForEach-Object Name) -join ',')"
"@
        $out | Should -Contain 'before=False alc=SmtpConfig'
    }

    It 'loads only SmtpConfig.dll on import: the loader and its load context come with the first cmdlet that needs the engine' {
        $out = Invoke-Pwsh @"
`$env:SMTPCONFIG_HOME = '$TestDrive/iso-lazy'
`$ours = { @([AppDomain]::CurrentDomain.GetAssemblies().GetName().Name -like 'SmtpConfig*' | Sort-Object) -join ',' }
`$contexts = { @([Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'SmtpConfig').Count }
Import-Module '$manifestPath'
"import=`$(& `$ours) contexts=`$(& `$contexts)"
`$null = Get-SmtpConfiguration
"use=`$(& `$ours) contexts=`$(& `$contexts)"
"@
        $out | Should -Contain 'import=SmtpConfig contexts=0'
        $out | Should -Contain 'use=SmtpConfig,SmtpConfig.Engine,SmtpConfig.Loader contexts=1'
    }

    It 'reports a missing engine file as an error with what to do, and the session goes on' {
        $broken = Join-Path $TestDrive 'broken/SmtpConfig'
        New-Item -ItemType Directory -Path (Split-Path $broken) | Out-Null
        Copy-Item -Recurse (Split-Path $manifestPath) $broken
        Remove-Item (Join-Path $broken 'Dependencies/SmtpConfig.Engine.dll')
        $out = Invoke-Pwsh @"
`$env:SMTPCONFIG_HOME = '$TestDrive/iso-broken'
Import-Module '$broken/SmtpConfig.psd1'
try { `$null = Get-SmtpConfiguration; 'used=True' } catch { "error=`$(`$_.Exception.GetBaseException().Message)" }
'alive=True'
"@
        $LASTEXITCODE | Should -Be 0
        $out | Should -Contain 'alive=True'
        ($out | Where-Object { $_ -like 'error=*' }) | Should -BeLike '*SmtpConfig.Engine.dll*is missing*Reinstall*'
    }

    It 'works when another MailKit was loaded into the session first, and survives Remove-Module / Import-Module' {
        $otherMailKit = Join-Path $TestDrive 'other'
        New-Item -ItemType Directory -Path $otherMailKit | Out-Null
        # A copy of MailKit loaded from elsewhere into the default context stands in for another module's MailKit.
        Copy-Item (Join-Path (Split-Path $manifestPath) 'Dependencies/MailKit.dll'), (Join-Path (Split-Path $manifestPath) 'Dependencies/MimeKit.dll') $otherMailKit
        $out = Invoke-Pwsh @"
`$env:SMTPCONFIG_HOME = '$TestDrive/iso2'
`$null = [Reflection.Assembly]::LoadFrom('$otherMailKit/MimeKit.dll')
`$null = [Reflection.Assembly]::LoadFrom('$otherMailKit/MailKit.dll')
Import-Module '$manifestPath'
`$r1 = Test-SmtpConnection -Server 127.0.0.1 -Port 1 -TimeoutSec 2
Remove-Module SmtpConfig
Import-Module '$manifestPath'
`$r2 = Test-SmtpConnection -Server 127.0.0.1 -Port 1 -TimeoutSec 2
"stages=`$(`$r1.FailedStage),`$(`$r2.FailedStage)"
"@
        $out | Should -Contain 'stages=Connect,Connect'
    }
}
