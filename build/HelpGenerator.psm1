#requires -Version 7.2
<#
.SYNOPSIS
    Turns platyPS-schema markdown help (docs/en-US/*.md) into MAML and about_*.help.txt, without platyPS.
.DESCRIPTION
    One file per cmdlet (<Verb-Noun>.md), about topics (about_*.md) and the module page (<ModuleName>.md).
    Cmdlet files become <ModuleName>.dll-Help.xml (the MAML Get-Help reads for a binary module); each about topic
    becomes about_*.help.txt. Malformed markdown stops the conversion with every problem listed as file:line.
    The output depends only on the input (files are read in ordinal order, nothing is dated), so it is deterministic.
#>
Set-StrictMode -Version 3.0

$script:CmdletSections = @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS', 'NOTES', 'RELATED LINKS')
$script:RequiredCmdletSections = @('SYNOPSIS', 'SYNTAX', 'DESCRIPTION', 'EXAMPLES', 'PARAMETERS', 'INPUTS', 'OUTPUTS')
$script:ParameterKeys = @('Type', 'Parameter Sets', 'Aliases', 'Required', 'Position', 'Default value', 'Accept pipeline input', 'Accept wildcard characters')
$script:Ns = @{
    maml    = 'http://schemas.microsoft.com/maml/2004/10'
    command = 'http://schemas.microsoft.com/maml/dev/command/2004/10'
    dev     = 'http://schemas.microsoft.com/maml/dev/2004/10'
}

#region Markdown reading

# A markdown file as a list of nodes: Heading (Level, Text), Code (Language, Text) and Text (Lines: one paragraph).
function Read-MarkdownFile([string] $Path, [System.Collections.Generic.List[string]] $Problems) {
    $name = [IO.Path]::GetFileName($Path)
    $lines = [IO.File]::ReadAllText($Path) -replace "`r`n", "`n" -split "`n"
    $doc = [pscustomobject]@{ Name = $name; BaseName = [IO.Path]::GetFileNameWithoutExtension($Path); FrontMatter = [ordered]@{}; Nodes = [System.Collections.Generic.List[object]]::new() }
    $report = { param($line, $message) $Problems.Add("${name}:${line}: $message") }

    $i = 0
    if ($lines.Count -gt 0 -and $lines[0].Trim() -eq '---') {
        $end = -1
        for ($j = 1; $j -lt $lines.Count; $j++) { if ($lines[$j].Trim() -eq '---') { $end = $j; break } }
        if ($end -lt 0) { & $report 1 'the YAML front matter starting here is never closed with ---.'; return $doc }
        for ($j = 1; $j -lt $end; $j++) {
            if ($lines[$j] -match '^\s*([^:#][^:]*):\s*(.*?)\s*$') { $doc.FrontMatter[$Matches[1].Trim()] = $Matches[2] }
            elseif ($lines[$j].Trim()) { & $report ($j + 1) "front matter line is not 'key: value': $($lines[$j])" }
        }
        $i = $end + 1
    }

    $paragraph = $null
    for (; $i -lt $lines.Count; $i++) {
        $line = $lines[$i]
        if ($line -match '^\s*```\s*([\w+-]*)\s*$') {
            $paragraph = $null
            $start = $i
            $language = $Matches[1]
            $body = [System.Collections.Generic.List[string]]::new()
            for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*```'; $i++) { $body.Add($lines[$i]) }
            # A fence with a language (```yaml) cannot close a block: the block before it was left open.
            if ($i -ge $lines.Count -or $lines[$i] -notmatch '^\s*```\s*$') { & $report ($start + 1) 'this code block is never closed with ```.'; return $doc }
            $doc.Nodes.Add([pscustomobject]@{ Kind = 'Code'; Line = $start + 1; Language = $language; Text = ($body -join "`n") })
        }
        elseif ($line -match '^(#{1,6})\s+(.+?)\s*#*\s*$') {
            $paragraph = $null
            $doc.Nodes.Add([pscustomobject]@{ Kind = 'Heading'; Line = $i + 1; Level = $Matches[1].Length; Text = $Matches[2] })
        }
        elseif (-not $line.Trim()) {
            $paragraph = $null
        }
        else {
            if ($null -eq $paragraph) {
                $paragraph = [pscustomobject]@{ Kind = 'Text'; Line = $i + 1; Lines = [System.Collections.Generic.List[string]]::new() }
                $doc.Nodes.Add($paragraph)
            }
            $paragraph.Lines.Add($line.TrimEnd())
        }
    }
    $doc
}

# Splits nodes at headings of one level: [ordered] title -> @{ Line; Nodes }. The nodes before the first heading go under ''.
function Split-Section([object[]] $Nodes, [int] $Level) {
    $sections = [ordered]@{}
    $current = [pscustomobject]@{ Title = ''; Line = 0; Nodes = [System.Collections.Generic.List[object]]::new() }
    $all = [System.Collections.Generic.List[object]]::new()
    $all.Add($current)
    foreach ($node in $Nodes) {
        if ($node.Kind -eq 'Heading' -and $node.Level -eq $Level) {
            $current = [pscustomobject]@{ Title = $node.Text; Line = $node.Line; Nodes = [System.Collections.Generic.List[object]]::new() }
            $all.Add($current)
        }
        else { $current.Nodes.Add($node) }
    }
    , $all
}

# Markdown inline markup to plain text: `code` -> code, **b** -> b, [text](uri) -> text (uri).
function ConvertTo-PlainText([string] $Text) {
    $Text = $Text -replace '\*\*([^*]+)\*\*', '$1' -replace '`([^`]+)`', '$1'
    [regex]::Replace($Text, '\[([^\]]+)\]\(([^)]*)\)', { param($m) if ($m.Groups[2].Value) { "$($m.Groups[1].Value) ($($m.Groups[2].Value))" } else { $m.Groups[1].Value } })
}

# One paragraph's lines as text: soft-wrapped lines are joined, list items and table rows keep their own line.
function Join-ParagraphLines([string[]] $Lines) {
    $out = [System.Collections.Generic.List[string]]::new()
    foreach ($line in $Lines) {
        if ($out.Count -eq 0 -or $line -match '^\s*([-*+]|\d+\.)\s' -or $line -match '^\s*\|') { $out.Add($line.Trim()) }
        else { $out[$out.Count - 1] += ' ' + $line.Trim() }
    }
    ConvertTo-PlainText ($out -join "`n")
}

# The paragraphs of a run of nodes (code blocks become paragraphs of their own, indented).
function Get-Paragraphs([object[]] $Nodes) {
    foreach ($node in $Nodes) {
        switch ($node.Kind) {
            'Text' { Join-ParagraphLines $node.Lines }
            'Code' { ($node.Text -split "`n" | ForEach-Object { "    $_" }) -join "`n" }
        }
    }
}

#endregion

#region Cmdlet help

function Read-CmdletHelp($Doc, [System.Collections.Generic.List[string]] $Problems) {
    $file = $Doc.Name
    $report = { param($line, $message) $Problems.Add("${file}:${line}: $message") }
    $count = $Problems.Count

    foreach ($key in 'external help file', 'Module Name', 'schema') {
        if (-not $Doc.FrontMatter.Contains($key)) { & $report 1 "the front matter has no '$key'." }
    }
    $top = Split-Section $Doc.Nodes 1
    if ($top.Count -lt 2 -or $top[1].Title -ne $Doc.BaseName) {
        & $report 1 "the first heading must be '# $($Doc.BaseName)' (the file's name)."
        return
    }
    $name = $top[1].Title
    $sections = @{}
    foreach ($section in (Split-Section $top[1].Nodes 2) | Select-Object -Skip 1) {
        $title = $section.Title.ToUpperInvariant()
        if ($title -notin $script:CmdletSections) { & $report $section.Line "unknown section '## $($section.Title)' (expected one of: $($script:CmdletSections -join ', '))." }
        elseif ($sections.ContainsKey($title)) { & $report $section.Line "section '## $title' appears twice." }
        else { $sections[$title] = $section }
    }
    foreach ($required in $script:RequiredCmdletSections) {
        if (-not $sections.ContainsKey($required)) { & $report 1 "the required section '## $required' is missing." }
    }
    if ($Problems.Count -gt $count) { return }

    $help = [pscustomobject]@{
        Name = $name; Synopsis = ''; Description = @(); Syntax = @(); Parameters = @(); Inputs = @(); Outputs = @()
        Notes = @(); Examples = @(); Links = @()
    }

    $help.Synopsis = @(Get-Paragraphs $sections['SYNOPSIS'].Nodes) -join ' '
    if (-not $help.Synopsis.Trim()) { & $report $sections['SYNOPSIS'].Line 'SYNOPSIS is empty.' }
    $help.Description = @(Get-Paragraphs $sections['DESCRIPTION'].Nodes)
    if ($help.Description.Count -eq 0) { & $report $sections['DESCRIPTION'].Line 'DESCRIPTION is empty.' }

    # SYNTAX: ### SetName [(Default)] and one code block each.
    foreach ($set in (Split-Section $sections['SYNTAX'].Nodes 3) | Select-Object -Skip 1) {
        $code = @($set.Nodes | Where-Object Kind -EQ 'Code')
        if ($code.Count -ne 1) { & $report $set.Line "syntax '### $($set.Title)' needs exactly one code block."; continue }
        $setName = $set.Title -replace '\s*\(Default\)$', ''
        $tokens = @([regex]::Matches($code[0].Text, '(?<![\w<])-(\w+)') | ForEach-Object { $_.Groups[1].Value })
        $help.Syntax += [pscustomobject]@{ Name = $setName; IsDefault = $set.Title -match '\(Default\)$'; Tokens = $tokens; Line = $set.Line }
    }
    if ($help.Syntax.Count -eq 0) { & $report $sections['SYNTAX'].Line "SYNTAX has no '### SetName' with a code block." }

    # EXAMPLES: ### Example N: title, code blocks (the command, then any output), prose as remarks.
    foreach ($example in (Split-Section $sections['EXAMPLES'].Nodes 3) | Select-Object -Skip 1) {
        if ($example.Title -notmatch '^Example \d+') { & $report $example.Line "an example heading must start 'Example <n>': '$($example.Title)'." }
        $code = @($example.Nodes | Where-Object Kind -EQ 'Code')
        if ($code.Count -eq 0 -or -not $code[0].Text.Trim()) { & $report $example.Line "'$($example.Title)' has no code block." ; continue }
        $help.Examples += [pscustomobject]@{
            Title   = $example.Title
            Code    = ($code | ForEach-Object Text) -join "`n`n"
            Remarks = @(Get-Paragraphs ($example.Nodes | Where-Object Kind -EQ 'Text'))
        }
    }
    if ($help.Examples.Count -eq 0) { & $report $sections['EXAMPLES'].Line 'EXAMPLES has no example.' }

    # PARAMETERS: ### -Name, prose, one yaml block; ### CommonParameters is prose only.
    $setNames = @($help.Syntax | ForEach-Object Name)
    $headings = [System.Collections.Generic.List[string]]::new()
    foreach ($parameter in (Split-Section $sections['PARAMETERS'].Nodes 3) | Select-Object -Skip 1) {
        if ($parameter.Title -eq 'CommonParameters') { continue }
        if ($parameter.Title -notmatch '^-(\w+)$') { & $report $parameter.Line "a parameter heading must be '### -Name': '$($parameter.Title)'."; continue }
        $parameterName = $Matches[1]
        if ($headings -contains $parameterName) { & $report $parameter.Line "parameter -$parameterName is documented twice."; continue }
        $headings.Add($parameterName)
        $yaml = @($parameter.Nodes | Where-Object { $_.Kind -eq 'Code' -and $_.Language -eq 'yaml' })
        if ($yaml.Count -ne 1) { & $report $parameter.Line "parameter -$parameterName needs exactly one yaml block."; continue }
        $fields = @{}
        foreach ($line in $yaml[0].Text -split "`n") {
            if ($line -match '^\s*([^:]+):\s*(.*?)\s*$') { $fields[$Matches[1].Trim()] = $Matches[2] }
        }
        $missing = @($script:ParameterKeys | Where-Object { -not $fields.ContainsKey($_) })
        if ($missing) { & $report $yaml[0].Line "parameter -${parameterName}'s yaml lacks: $($missing -join ', ')."; continue }
        if ($fields['Required'] -notin 'True', 'False') { & $report $yaml[0].Line "parameter -${parameterName}: Required must be True or False."; continue }
        if ($fields['Position'] -notmatch '^(Named|\d+)$') { & $report $yaml[0].Line "parameter -${parameterName}: Position must be Named or a number."; continue }
        $sets = @($fields['Parameter Sets'] -split ',' | ForEach-Object Trim | Where-Object { $_ })
        foreach ($set in $sets) {
            if ($set -ne '(All)' -and $set -notin $setNames) { & $report $yaml[0].Line "parameter -${parameterName} names parameter set '$set', which SYNTAX does not have." }
        }
        $description = @(Get-Paragraphs ($parameter.Nodes | Where-Object Kind -EQ 'Text'))
        if ($description.Count -eq 0) { & $report $parameter.Line "parameter -$parameterName has no description." }
        $help.Parameters += [pscustomobject]@{
            Name = $parameterName; Description = $description; Type = $fields['Type']; Sets = $sets
            Aliases = $fields['Aliases']; Required = $fields['Required'] -eq 'True'; Position = $fields['Position']
            Default = $fields['Default value']; Pipeline = $fields['Accept pipeline input']; Globbing = $fields['Accept wildcard characters'] -eq 'True'
        }
    }
    foreach ($syntax in $help.Syntax) {
        foreach ($token in $syntax.Tokens) {
            if ($headings -notcontains $token) { & $report $syntax.Line "syntax '$($syntax.Name)' uses -$token, which PARAMETERS does not document." }
        }
    }

    # INPUTS / OUTPUTS: ### TypeName and prose.
    foreach ($kind in 'INPUTS', 'OUTPUTS') {
        $types = foreach ($type in (Split-Section $sections[$kind].Nodes 3) | Select-Object -Skip 1) {
            [pscustomobject]@{ Name = $type.Title; Description = @(Get-Paragraphs $type.Nodes) }
        }
        if (-not $types) { & $report $sections[$kind].Line "$kind names no type ('### TypeName', or '### None')." }
        if ($kind -eq 'INPUTS') { $help.Inputs = @($types) } else { $help.Outputs = @($types) }
    }

    if ($sections.ContainsKey('NOTES')) { $help.Notes = @(Get-Paragraphs $sections['NOTES'].Nodes) }
    if ($sections.ContainsKey('RELATED LINKS')) {
        foreach ($node in $sections['RELATED LINKS'].Nodes | Where-Object Kind -EQ 'Text') {
            foreach ($line in $node.Lines) {
                if ($line -match '^\s*\[([^\]]+)\]\(([^)]*)\)\s*$') {
                    # Only web addresses are kept: a relative markdown link means nothing to Get-Help -Online.
                    $help.Links += [pscustomobject]@{ Text = $Matches[1]; Uri = $(if ($Matches[2] -match '^https?://') { $Matches[2] } else { '' }) }
                }
                else { & $report $node.Line "a related link must be '[text](uri)' on its own line: '$line'." }
            }
        }
    }

    if ($Problems.Count -eq $count) { $help }
}

function Write-Paragraphs([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    if (-not $Paragraphs) { $Paragraphs = @('') }
    foreach ($para in $Paragraphs) { $Writer.WriteElementString('maml', 'para', $script:Ns.maml, $para) }
}

function Write-Description([System.Xml.XmlWriter] $Writer, [string[]] $Paragraphs) {
    $Writer.WriteStartElement('maml', 'description', $script:Ns.maml)
    Write-Paragraphs $Writer $Paragraphs
    $Writer.WriteEndElement()
}

function Write-Parameter([System.Xml.XmlWriter] $Writer, $Parameter, [switch] $InSyntax) {
    $isSwitch = $Parameter.Type -eq 'SwitchParameter'
    $Writer.WriteStartElement('command', 'parameter', $script:Ns.command)
    $Writer.WriteAttributeString('required', "$($Parameter.Required)".ToLowerInvariant())
    $Writer.WriteAttributeString('variableLength', 'true')
    $Writer.WriteAttributeString('globbing', "$($Parameter.Globbing)".ToLowerInvariant())
    $Writer.WriteAttributeString('pipelineInput', $Parameter.Pipeline)
    $Writer.WriteAttributeString('position', $(if ($Parameter.Position -eq 'Named') { 'named' } else { $Parameter.Position }))
    $Writer.WriteAttributeString('aliases', $(if ($Parameter.Aliases -in '', 'None') { 'none' } else { $Parameter.Aliases }))
    $Writer.WriteElementString('maml', 'name', $script:Ns.maml, $Parameter.Name)
    Write-Description $Writer $Parameter.Description
    if (-not ($isSwitch -and $InSyntax)) {
        $Writer.WriteStartElement('command', 'parameterValue', $script:Ns.command)
        $Writer.WriteAttributeString('required', "$(-not $isSwitch)".ToLowerInvariant())
        $Writer.WriteAttributeString('variableLength', 'false')
        $Writer.WriteString($Parameter.Type)
        $Writer.WriteEndElement()
    }
    $Writer.WriteStartElement('dev', 'type', $script:Ns.dev)
    $Writer.WriteElementString('maml', 'name', $script:Ns.maml, $Parameter.Type)
    $Writer.WriteElementString('maml', 'uri', $script:Ns.maml, '')
    $Writer.WriteEndElement()
    $Writer.WriteElementString('dev', 'defaultValue', $script:Ns.dev, $Parameter.Default)
    $Writer.WriteEndElement()
}

function Write-TypeList([System.Xml.XmlWriter] $Writer, [string] $ListName, [string] $ItemName, [object[]] $Types) {
    $Writer.WriteStartElement('command', $ListName, $script:Ns.command)
    foreach ($type in $Types) {
        $Writer.WriteStartElement('command', $ItemName, $script:Ns.command)
        $Writer.WriteStartElement('dev', 'type', $script:Ns.dev)
        $Writer.WriteElementString('maml', 'name', $script:Ns.maml, $type.Name)
        $Writer.WriteEndElement()
        Write-Description $Writer $type.Description
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()
}

function Write-CommandHelp([System.Xml.XmlWriter] $Writer, $Help) {
    $verb, $noun = $Help.Name -split '-', 2
    $Writer.WriteStartElement('command', 'command', $script:Ns.command)
    foreach ($prefix in 'maml', 'command', 'dev') { $Writer.WriteAttributeString('xmlns', $prefix, $null, $script:Ns[$prefix]) }

    $Writer.WriteStartElement('command', 'details', $script:Ns.command)
    $Writer.WriteElementString('command', 'name', $script:Ns.command, $Help.Name)
    $Writer.WriteElementString('command', 'verb', $script:Ns.command, $verb)
    $Writer.WriteElementString('command', 'noun', $script:Ns.command, $noun)
    Write-Description $Writer $Help.Synopsis
    $Writer.WriteEndElement()

    Write-Description $Writer $Help.Description

    # One syntaxItem per parameter set: the parameters in the order the syntax block shows them, then any others of the set.
    $Writer.WriteStartElement('command', 'syntax', $script:Ns.command)
    foreach ($syntax in $Help.Syntax) {
        $inSet = @($Help.Parameters | Where-Object { $_.Sets -contains '(All)' -or $_.Sets -contains $syntax.Name })
        $ordered = @($syntax.Tokens | ForEach-Object { $token = $_; $inSet | Where-Object Name -EQ $token }) +
            @($inSet | Where-Object Name -NotIn $syntax.Tokens)
        $Writer.WriteStartElement('command', 'syntaxItem', $script:Ns.command)
        $Writer.WriteElementString('maml', 'name', $script:Ns.maml, $Help.Name)
        foreach ($parameter in $ordered) { Write-Parameter $Writer $parameter -InSyntax }
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'parameters', $script:Ns.command)
    foreach ($parameter in $Help.Parameters) { Write-Parameter $Writer $parameter }
    $Writer.WriteEndElement()

    Write-TypeList $Writer 'inputTypes' 'inputType' $Help.Inputs
    Write-TypeList $Writer 'returnValues' 'returnValue' $Help.Outputs

    $Writer.WriteStartElement('maml', 'alertSet', $script:Ns.maml)
    $Writer.WriteStartElement('maml', 'alert', $script:Ns.maml)
    Write-Paragraphs $Writer $Help.Notes
    $Writer.WriteEndElement()
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'examples', $script:Ns.command)
    foreach ($example in $Help.Examples) {
        $Writer.WriteStartElement('command', 'example', $script:Ns.command)
        $Writer.WriteElementString('maml', 'title', $script:Ns.maml, "---------- $($example.Title) ----------")
        $Writer.WriteElementString('dev', 'code', $script:Ns.dev, $example.Code)
        $Writer.WriteStartElement('dev', 'remarks', $script:Ns.dev)
        # The empty last paragraph puts a blank line between an example's remarks and the next title.
        Write-Paragraphs $Writer (@($example.Remarks) + '')
        $Writer.WriteEndElement()
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteStartElement('command', 'relatedLinks', $script:Ns.command)
    foreach ($link in $Help.Links) {
        $Writer.WriteStartElement('maml', 'navigationLink', $script:Ns.maml)
        $Writer.WriteElementString('maml', 'linkText', $script:Ns.maml, $link.Text)
        $Writer.WriteElementString('maml', 'uri', $script:Ns.maml, $link.Uri)
        $Writer.WriteEndElement()
    }
    $Writer.WriteEndElement()

    $Writer.WriteEndElement()
}

function ConvertTo-Maml([object[]] $Commands) {
    $settings = [System.Xml.XmlWriterSettings]@{ Indent = $true; IndentChars = '  '; NewLineChars = "`n"; Encoding = [Text.UTF8Encoding]::new($false) }
    $stream = [IO.MemoryStream]::new()
    $writer = [System.Xml.XmlWriter]::Create($stream, $settings)
    try {
        $writer.WriteStartDocument()
        $writer.WriteStartElement('helpItems', 'http://msh')
        $writer.WriteAttributeString('schema', 'maml')
        foreach ($help in $Commands) { Write-CommandHelp $writer $help }
        $writer.WriteEndElement()
        $writer.WriteEndDocument()
    }
    finally { $writer.Dispose() }
    $stream.ToArray() + [Text.Encoding]::UTF8.GetBytes("`n")
}

#endregion

#region About topics

# Wraps text at $Width columns, the first line after $Indent, the following after $Hanging.
function Format-Wrapped([string] $Text, [string] $Indent, [string] $Hanging = $Indent, [int] $Width = 80) {
    $lines = [System.Collections.Generic.List[string]]::new()
    $line = $Indent
    $empty = $true
    foreach ($word in $Text -split '\s+' | Where-Object { $_ }) {
        if (-not $empty -and ($line.Length + 1 + $word.Length) -gt $Width) {
            $lines.Add($line)
            $line = $Hanging + $word
        }
        else { $line += $(if ($empty) { '' } else { ' ' }) + $word }
        $empty = $false
    }
    $lines.Add($line)
    $lines -join "`n"
}

# A markdown table as aligned columns when it fits in 80 columns, else as one indented entry per row.
function Format-MarkdownTable([string[]] $Rows) {
    $cells = foreach ($row in $Rows | Where-Object { $_ -notmatch '^\s*\|?\s*:?-{3,}' }) {
        , @($row.Trim().Trim('|') -split '(?<!\\)\|' | ForEach-Object { ConvertTo-PlainText $_.Trim() })
    }
    $columns = ($cells | ForEach-Object Count | Measure-Object -Maximum).Maximum
    $widths = foreach ($c in 0..($columns - 1)) { ($cells | ForEach-Object { if ($c -lt $_.Count) { $_[$c].Length } else { 0 } } | Measure-Object -Maximum).Maximum }
    if ((($widths | Measure-Object -Sum).Sum + 2 * $columns + 4) -le 80) {
        $out = foreach ($row in $cells) { ('    ' + (@(for ($c = 0; $c -lt $row.Count; $c++) { $row[$c].PadRight($widths[$c]) }) -join '  ')).TrimEnd() }
        return $out -join "`n"
    }
    $header = $cells[0]
    $out = foreach ($row in $cells | Select-Object -Skip 1) {
        '    ' + $row[0]
        for ($c = 1; $c -lt $row.Count; $c++) { Format-Wrapped "$($header[$c]): $($row[$c])" '        ' '            ' }
    }
    $out -join "`n"
}

function ConvertTo-AboutText($Doc, [System.Collections.Generic.List[string]] $Problems) {
    $file = $Doc.Name
    $count = $Problems.Count
    $top = Split-Section $Doc.Nodes 1
    if ($top.Count -lt 2 -or $top[1].Title -ne $Doc.BaseName) { $Problems.Add("${file}:1: the first heading must be '# $($Doc.BaseName)' (the file's name)."); return }
    $sections = @((Split-Section $top[1].Nodes 2) | Select-Object -Skip 1)
    foreach ($required in 'SHORT DESCRIPTION', 'LONG DESCRIPTION') {
        $section = $sections | Where-Object { $_.Title.ToUpperInvariant() -eq $required }
        if (-not $section) { $Problems.Add("${file}:1: the required section '## $required' is missing.") }
        elseif (-not $section.Nodes) { $Problems.Add("${file}:$($section.Line): '## $required' is empty.") }
    }
    if ($Problems.Count -gt $count) { return }

    # Blocks are separated by a blank line; a heading sits directly above its first block.
    $out = [System.Collections.Generic.List[string]]::new()
    $out.Add("TOPIC`n    $($Doc.BaseName)")
    $heading = $null
    foreach ($section in $sections) {
        $heading = $section.Title.ToUpperInvariant()
        foreach ($node in $section.Nodes) {
            $block = switch ($node.Kind) {
                'Heading' { $heading = '  ' + (ConvertTo-PlainText $node.Text).ToUpperInvariant(); continue }
                'Code' { ($node.Text -split "`n" | ForEach-Object { "        $_".TrimEnd() }) -join "`n" }
                'Text' {
                    if ($node.Lines[0] -match '^\s*\|') { Format-MarkdownTable $node.Lines; break }
                    @((Join-ParagraphLines $node.Lines) -split "`n" | ForEach-Object {
                        if ($_ -match '^([-*+]|\d+\.)\s+(.*)$') { Format-Wrapped "$($Matches[1] -replace '[*+]', '-') $($Matches[2])" '    ' '      ' }
                        else { Format-Wrapped $_ '    ' }
                    }) -join "`n"
                }
            }
            if ($null -eq $block) { continue }
            if ($heading) { $block = "$heading`n$block"; $heading = $null }
            $out.Add($block)
        }
        if ($heading) { $out.Add($heading); $heading = $null }
    }
    ($out -join "`n`n") + "`n"
}

#endregion

function Convert-MarkdownHelp {
    <#
    .SYNOPSIS
        Converts a folder of platyPS-schema markdown help into <ModuleName>.dll-Help.xml and about_*.help.txt.
    .DESCRIPTION
        Reads every *.md in SourceDirectory: <ModuleName>.md is the module page (checked, not converted), about_*.md
        become about_*.help.txt, every other file is one cmdlet's help. Throws one error listing every problem
        (file:line: what is wrong) when a file is malformed; nothing is written then.
    .PARAMETER PassThru
        Returns the files written.
    .EXAMPLE
        Convert-MarkdownHelp -SourceDirectory docs/en-US -OutputDirectory out/SmtpConfig/en-US -ModuleName SmtpConfig
    #>
    [CmdletBinding()]
    [OutputType([IO.FileInfo])]
    param(
        [Parameter(Mandatory)] [string] $SourceDirectory,
        [Parameter(Mandatory)] [string] $OutputDirectory,
        [Parameter(Mandatory)] [string] $ModuleName,
        [switch] $PassThru
    )

    if (-not (Test-Path -LiteralPath $SourceDirectory -PathType Container)) { throw "Convert-MarkdownHelp: the source folder '$SourceDirectory' does not exist." }
    $paths = [string[]] @(Get-ChildItem -LiteralPath $SourceDirectory -Filter *.md -File | ForEach-Object FullName)
    [Array]::Sort($paths, [StringComparer]::Ordinal)

    $problems = [System.Collections.Generic.List[string]]::new()
    $commands = [System.Collections.Generic.List[object]]::new()
    $abouts = [ordered]@{}
    $modulePage = $null
    foreach ($path in $paths) {
        $doc = Read-MarkdownFile $path $problems
        if ($doc.BaseName -eq $ModuleName) { $modulePage = $doc }
        elseif ($doc.BaseName -like 'about_*') { $abouts[$doc.BaseName] = ConvertTo-AboutText $doc $problems }
        elseif ($doc.BaseName -notmatch '^\w+-\w+$') { $problems.Add("$($doc.Name):1: not a cmdlet (Verb-Noun.md), about topic (about_*.md) or the module page ($ModuleName.md).") }
        else {
            $help = Read-CmdletHelp $doc $problems
            if ($help) { $commands.Add($help) }
        }
    }

    # The module page lists each cmdlet as ### [Name](Name.md): it must list exactly the cmdlet files.
    if ($modulePage) {
        $listed = @($modulePage.Nodes | Where-Object { $_.Kind -eq 'Heading' -and $_.Text -match '^\[([\w-]+)\]' } | ForEach-Object { $_.Text -replace '^\[([\w-]+)\].*$', '$1' })
        $files = @($paths | ForEach-Object { [IO.Path]::GetFileNameWithoutExtension($_) } | Where-Object { $_ -match '^\w+-\w+$' })
        foreach ($name in $files | Where-Object { $_ -notin $listed }) { $problems.Add("${ModuleName}.md:1: the module page does not list $name.") }
        foreach ($name in $listed | Where-Object { $_ -notin $files }) { $problems.Add("${ModuleName}.md:1: the module page lists $name, which has no $name.md.") }
    }
    if ($commands.Count -eq 0 -and $problems.Count -eq 0) { $problems.Add("${SourceDirectory}: no cmdlet help (Verb-Noun.md) found.") }

    if ($problems.Count -gt 0) {
        throw "Convert-MarkdownHelp: malformed markdown help in '$SourceDirectory' ($($problems.Count) problem(s)):`n  " + ($problems -join "`n  ")
    }

    New-Item -ItemType Directory -Force -Path $OutputDirectory | Out-Null
    $written = [System.Collections.Generic.List[string]]::new()
    $maml = Join-Path $OutputDirectory "$ModuleName.dll-Help.xml"
    [IO.File]::WriteAllBytes($maml, (ConvertTo-Maml $commands))
    $written.Add($maml)
    foreach ($topic in $abouts.Keys) {
        $target = Join-Path $OutputDirectory "$topic.help.txt"
        [IO.File]::WriteAllText($target, $abouts[$topic], [Text.UTF8Encoding]::new($false))
        $written.Add($target)
    }
    Write-Verbose "Help for $($commands.Count) cmdlet(s) and $($abouts.Count) about topic(s) written to $OutputDirectory."
    if ($PassThru) { $written | ForEach-Object { Get-Item -LiteralPath $_ } }
}

Export-ModuleMember -Function Convert-MarkdownHelp
