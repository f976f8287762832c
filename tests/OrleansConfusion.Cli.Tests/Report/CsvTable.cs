using System.Text;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>A small RFC 4180 reader for trends.csv (quoted fields, doubled quotes).</summary>
public static class CsvTable
{
    public static List<string[]> Parse(string path)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var field = new StringBuilder();
        string text = File.ReadAllText(path);
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n')
            {
                row.Add(field.ToString().TrimEnd('\r'));
                field.Clear();
                rows.Add([.. row]);
                row.Clear();
            }
            else field.Append(c);
        }
        Assert.False(quoted, "unterminated quoted field");
        Assert.True(field.Length == 0 && row.Count == 0, "last line has no newline");
        return rows;
    }
}
