namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>Parses the first GitHub pipe table in a markdown text whose header starts with the given cell.</summary>
public static class MarkdownTable
{
    public static (string[] Header, List<string[]> Rows) Parse(string markdown, string firstHeaderCell)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int start = lines.FindIndex(l => l.StartsWith("| " + firstHeaderCell + " |", StringComparison.Ordinal));
        Assert.True(start >= 0, $"no table with header '{firstHeaderCell}'");
        var header = Cells(lines[start]);
        var separator = Cells(lines[start + 1]);
        Assert.Equal(header.Length, separator.Length);
        Assert.All(separator, c => Assert.Matches("^:?-{3,}:?$", c));
        var rows = new List<string[]>();
        for (int i = start + 2; i < lines.Count && lines[i].StartsWith('|'); i++)
        {
            var cells = Cells(lines[i]);
            Assert.Equal(header.Length, cells.Length);
            rows.Add(cells);
        }
        return (header, rows);
    }

    /// <summary>Splits "| a | b \| c |" into cells, honouring escaped pipes.</summary>
    static string[] Cells(string line)
    {
        Assert.StartsWith("|", line);
        Assert.EndsWith("|", line);
        var cells = new List<string>();
        var current = new System.Text.StringBuilder();
        for (int i = 1; i < line.Length - 1; i++)
        {
            if (line[i] == '\\' && line[i + 1] == '|') { current.Append('|'); i++; }
            else if (line[i] == '|') { cells.Add(current.ToString().Trim()); current.Clear(); }
            else current.Append(line[i]);
        }
        cells.Add(current.ToString().Trim());
        return [.. cells];
    }
}
