#requires -Version 7.2
# Help tests: the built module's Get-Help (MAML and about topic) against the cmdlets, the markdown in docs/en-US
# against the cmdlets both ways, and the markdown-to-MAML generator itself.
# Needs $env:SMTPCONFIG_MODULE_PATH = out/SmtpConfig/SmtpConfig.psd1 (build.ps1 -Task Pester sets it).

BeforeDiscovery {
    if (-not $env:SMTPCONFIG_MODULE_PATH) { throw 'Set SMTPCONFIG_MODULE_PATH to the built SmtpConfig.psd1 (dotnet pwsh ./build.ps1 -Task Build).' }
    Import-Module $env:SMTPCONFIG_MODULE_PATH -Force

    $repoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $docsDir = Join-Path $repoRoot 'docs/en-US'
    $errorIdsFile = Join-Path $repoRoot 'src/SmtpConfig.Engine/Errors/ErrorIds.cs'

    function Get-DocumentedParameterName([System.Management.Automation.ParameterMetadata] $Parameter) {
        $dontShow = $Parameter.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }
        -not $dontShow -and $Parameter.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters
    }

    $cmdlets = foreach ($command in Get-Command -Module SmtpConfig -CommandType Cmdlet | Sort-Object Name) {
        @{
            Name       = $command.Name
            Parameters = @($command.Parameters.Values | Where-Object { Get-DocumentedParameterName $_ } | ForEach-Object {
                    @{ Cmdlet = $command.Name; Parameter = $_.Name }
                } | Sort-Object { $_.Parameter })
        }
    }

    $errorIds = @([regex]::Matches((Get-Content -Raw $errorIdsFile), 'public\s+const\s+string\s+(\w+)\s*=') |
            ForEach-Object { @{ ErrorId = $_.Groups[1].Value } })

    $exampleBlocks = foreach ($file in Get-ChildItem $docsDir -Filter *.md) {
        $i = 0
        foreach ($match in [regex]::Matches((Get-Content -Raw $file.FullName), '(?ms)^```powershell\s*\n(.*?)^```')) {
            $i++
            @{ File = $file.Name; Index = $i; Code = $match.Groups[1].Value }
        }
    }
}

BeforeAll {
    Import-Module $env:SMTPCONFIG_MODULE_PATH -Force
    $script:RepoRoot = (Resolve-Path (Join-Path $PSScriptRoot '../..')).Path
    $script:DocsDir = Join-Path $script:RepoRoot 'docs/en-US'
    $script:Generator = Join-Path $script:RepoRoot 'build/HelpGenerator.psm1'

    # The markdown of one cmdlet, reduced to what the tests compare: ### -Param headings and ### syntax set names.
    function Read-CmdletMarkdown([string] $Name) {
        $path = Join-Path $script:DocsDir "$Name.md"
        if (-not (Test-Path $path)) { throw "docs/en-US/$Name.md does not exist." }
        $section = ''
        $inCode = $false
        $result = @{ Parameters = [System.Collections.Generic.List[string]]::new(); Sets = [System.Collections.Generic.List[string]]::new(); DefaultSet = $null }
        foreach ($line in Get-Content $path) {
            if ($line -match '^\s*```') { $inCode = -not $inCode; continue }
            if ($inCode) { continue }
            if ($line -match '^## (.+?)\s*$') { $section = $Matches[1]; continue }
            if ($section -eq 'PARAMETERS' -and $line -match '^### -(\w+)\s*$') { $result.Parameters.Add($Matches[1]) }
            if ($section -eq 'SYNTAX' -and $line -match '^### (\S+)( \(Default\))?\s*$') {
                $result.Sets.Add($Matches[1])
                if ($Matches[2]) { $result.DefaultSet = $Matches[1] }
            }
        }
        $result
    }

    function Get-HelpText($Paragraphs) { (@($Paragraphs | ForEach-Object { $_.Text }) -join "`n").Trim() }
}

Describe 'Help of <Name>' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help -Name $Name -Full
        $command = Get-Command -Name $Name -Module SmtpConfig
        $helpParameters = @($help.parameters.parameter | Where-Object { $_ })
    }

    It 'has a synopsis of its own (not the generated syntax)' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis.Trim() | Should -Not -BeLike "$Name *" -Because 'Get-Help shows the syntax as synopsis when no MAML help is found'
        $help.Synopsis.Trim() | Should -Not -Be $Name
    }

    It 'has a description' {
        Get-HelpText $help.description | Should -Not -BeNullOrEmpty
    }

    It 'has at least two examples, each with code' {
        $examples = @($help.examples.example)
        $examples.Count | Should -BeGreaterOrEqual 2
        foreach ($example in $examples) { $example.code | Should -Not -BeNullOrEmpty -Because "example '$($example.title)' needs code" }
    }

    It 'names its inputs and outputs' {
        @($help.inputTypes.inputType.type.name | Where-Object { $_ }) | Should -Not -BeNullOrEmpty
        @($help.returnValues.returnValue.type.name | Where-Object { $_ }) | Should -Not -BeNullOrEmpty
    }

    It 'documents -<Parameter> with a description' -ForEach $Parameters {
        $documented = $helpParameters | Where-Object name -EQ $Parameter
        $documented | Should -Not -BeNullOrEmpty -Because "Get-Help $Cmdlet should describe -$Parameter"
        Get-HelpText $documented.description | Should -Not -BeNullOrEmpty
    }

    It 'documents -<Parameter> as the cmdlet declares it (required, position, pipeline, wildcards)' -ForEach $Parameters {
        $documented = $helpParameters | Where-Object name -EQ $Parameter
        $metadata = $command.Parameters[$Parameter]
        $attributes = @($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] })
        $position = @($attributes | Where-Object Position -GE 0 | ForEach-Object Position | Select-Object -First 1)

        $documented.required | Should -Be "$([bool]($attributes | Where-Object Mandatory))".ToLowerInvariant()
        $documented.position | Should -Be $(if ($position.Count -gt 0) { "$($position[0])" } else { 'named' })
        ($documented.pipelineInput -match 'ByValue') | Should -Be ([bool]($attributes | Where-Object ValueFromPipeline))
        ($documented.pipelineInput -match 'ByPropertyName') | Should -Be ([bool]($attributes | Where-Object ValueFromPipelineByPropertyName))
        $documented.globbing | Should -Be "$([bool]($metadata.Attributes | Where-Object { $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }))".ToLowerInvariant()
    }

    It 'documents no parameter the cmdlet does not have' {
        $unknown = @($helpParameters.name | Where-Object { $_ -and -not $command.Parameters.ContainsKey($_) })
        $unknown | Should -BeNullOrEmpty -Because 'help must not describe parameters that do not exist'
    }

    It 'has markdown whose ### -Param headings are exactly the cmdlet''s parameters' {
        $markdown = Read-CmdletMarkdown $Name
        $expected = @($Parameters | ForEach-Object { $_.Parameter } | Sort-Object)
        @($markdown.Parameters | Sort-Object) | Should -Be $expected -Because "docs/en-US/$Name.md must document exactly the cmdlet's parameters"
    }

    It 'has markdown whose parameter sets are the cmdlet''s' {
        $markdown = Read-CmdletMarkdown $Name
        $expected = @($command.ParameterSets.Name | Sort-Object)
        @($markdown.Sets | Sort-Object) | Should -Be $expected
        if ($command.DefaultParameterSet) { $markdown.DefaultSet | Should -Be $command.DefaultParameterSet }
    }
}

Describe 'Markdown help files' {
    It 'has exactly one Verb-Noun.md per cmdlet of the module' {
        $documented = @(Get-ChildItem $script:DocsDir -Filter *.md | Where-Object BaseName -Match '^\w+-\w+$' | ForEach-Object BaseName | Sort-Object)
        $exported = @(Get-Command -Module SmtpConfig | ForEach-Object Name | Sort-Object)
        $documented | Should -Be $exported
    }

    It 'has an about_SmtpConfig.md and a module page' {
        Join-Path $script:DocsDir 'about_SmtpConfig.md' | Should -Exist
        Join-Path $script:DocsDir 'SmtpConfig.md' | Should -Exist
    }

    It 'has example <Index> of <File> parse as PowerShell' -ForEach $exampleBlocks {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $errors) | Out-Null
        $errors | Should -BeNullOrEmpty
    }
}

Describe 'about_SmtpConfig' {
    BeforeAll {
        $about = Get-Help about_SmtpConfig -ErrorAction Stop | Out-String
    }

    It 'resolves with Get-Help' {
        $about | Should -Match 'about_SmtpConfig'
        $about | Should -Match 'SHORT DESCRIPTION'
    }

    It 'explains error id <ErrorId>' -ForEach $errorIds {
        $about | Should -Match "\b$ErrorId\b"
    }
}

Describe 'Convert-MarkdownHelp' {
    BeforeAll {
        Import-Module $script:Generator -Force

        $script:Sample = @'
---
external help file: Sample.dll-Help.xml
Module Name: Sample
schema: 2.0.0
---

# Get-Sample

## SYNOPSIS
Gets a sample.

## SYNTAX

### __AllParameterSets
```
Get-Sample [[-Name] <String>] [<CommonParameters>]
```

## DESCRIPTION
Gets a sample by name.

## EXAMPLES

### Example 1: One sample
```powershell
Get-Sample -Name a
```

Gets sample a.

## PARAMETERS

### -Name
The sample's name.

```yaml
Type: String
Parameter Sets: (All)
Aliases:

Required: False
Position: 0
Default value: None
Accept pipeline input: False
Accept wildcard characters: False
```

### CommonParameters
This cmdlet supports the common parameters.

## INPUTS

### None

## OUTPUTS

### System.String
The sample.

## NOTES

## RELATED LINKS
'@

        function New-SampleFolder([string] $Name, [string] $Markdown) {
            $dir = Join-Path $TestDrive $Name
            New-Item -ItemType Directory -Force -Path $dir | Out-Null
            Set-Content -Path (Join-Path $dir 'Get-Sample.md') -Value $Markdown -NoNewline
            $dir
        }
    }

    It 'turns a well-formed sample into MAML that names the command, its parameter and example' {
        $source = New-SampleFolder 'good' $script:Sample
        $out = Join-Path $TestDrive 'good-out'
        Convert-MarkdownHelp -SourceDirectory $source -OutputDirectory $out -ModuleName Sample
        [xml] $maml = Get-Content -Raw (Join-Path $out 'Sample.dll-Help.xml')
        $ns = @{ command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'; maml = 'http://schemas.microsoft.com/maml/2004/10'; dev = 'http://schemas.microsoft.com/maml/dev/2004/10' }
        (Select-Xml -Xml $maml -XPath '//command:details/command:name' -Namespace $ns).Node.InnerText | Should -Be 'Get-Sample'
        (Select-Xml -Xml $maml -XPath '//command:details/maml:description/maml:para' -Namespace $ns).Node.InnerText | Should -Be 'Gets a sample.'
        (Select-Xml -Xml $maml -XPath '//command:parameters/command:parameter' -Namespace $ns).Node.position | Should -Be '0'
        (Select-Xml -Xml $maml -XPath '//command:example/dev:code' -Namespace $ns).Node.InnerText | Should -Be 'Get-Sample -Name a'
    }

    It 'throws, naming the file and the section, when ## SYNOPSIS is missing' {
        $broken = $script:Sample -replace '(?ms)^## SYNOPSIS\r?\nGets a sample\.\r?\n', ''
        $broken | Should -Not -Match 'SYNOPSIS'
        $source = New-SampleFolder 'no-synopsis' $broken
        { Convert-MarkdownHelp -SourceDirectory $source -OutputDirectory (Join-Path $TestDrive 'no-synopsis-out') -ModuleName Sample } |
            Should -Throw -ExpectedMessage '*Get-Sample.md*SYNOPSIS*'
        Join-Path $TestDrive 'no-synopsis-out/Sample.dll-Help.xml' | Should -Not -Exist
    }

    It 'throws when a code block is never closed' {
        $source = New-SampleFolder 'unclosed' ($script:Sample -replace '(?ms)^Get-Sample -Name a\r?\n```', 'Get-Sample -Name a')
        { Convert-MarkdownHelp -SourceDirectory $source -OutputDirectory (Join-Path $TestDrive 'unclosed-out') -ModuleName Sample } |
            Should -Throw -ExpectedMessage '*never closed*'
    }

    It 'throws when a parameter has no yaml block' {
        $source = New-SampleFolder 'no-yaml' ($script:Sample -replace '(?ms)```yaml.*?```', '')
        { Convert-MarkdownHelp -SourceDirectory $source -OutputDirectory (Join-Path $TestDrive 'no-yaml-out') -ModuleName Sample } |
            Should -Throw -ExpectedMessage '*-Name needs exactly one yaml block*'
    }

    It 'writes the same bytes for the same docs (deterministic)' {
        $first = Join-Path $TestDrive 'docs-1'
        $second = Join-Path $TestDrive 'docs-2'
        Convert-MarkdownHelp -SourceDirectory $script:DocsDir -OutputDirectory $first -ModuleName SmtpConfig
        Convert-MarkdownHelp -SourceDirectory $script:DocsDir -OutputDirectory $second -ModuleName SmtpConfig
        foreach ($file in 'SmtpConfig.dll-Help.xml', 'about_SmtpConfig.help.txt') {
            (Get-FileHash (Join-Path $first $file)).Hash | Should -Be (Get-FileHash (Join-Path $second $file)).Hash
        }
    }
}
