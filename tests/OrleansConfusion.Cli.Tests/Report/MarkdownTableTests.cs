using OrleansConfusion.Cli.Report;

namespace OrleansConfusion.Cli.Tests.Report;

/// <summary>
/// Pipe tables have their header once: docs/REPRODUCTION.md had every trend table's header row twice
/// (the second rendered as a data row). Checked on the docs and on what the report writer generates.
/// </summary>
public sealed class MarkdownTableTests
{
    static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "OrleansConfusion.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (OrleansConfusion.sln) not found above " + AppContext.BaseDirectory);
    }

    public static TheoryData<string> Documents()
    {
        string root = RepositoryRoot();
        var files = new List<string> { "README.md", "examples/README.md", "docs/REPRODUCTION.md", "docs/KUBERNETES.md", "docs/PARQUET_SCHEMA.md" };
        files.AddRange(Directory.EnumerateFiles(Path.Combine(root, "docs", "reproduction"), "report.md", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f)));
        return [.. files.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every table: its header, then a separator, then rows none of which repeats the header.</summary>
    static void AssertHeadersOnce(string name, string markdown)
    {
        var lines = markdown.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        int tables = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (!lines[i].StartsWith('|') || (i > 0 && lines[i - 1].StartsWith('|'))) continue;
            tables++;
            string header = lines[i];
            Assert.True(i + 1 < lines.Count && IsSeparator(lines[i + 1]), $"{name}:{i + 2}: a table without a separator under its header");
            for (int j = i + 2; j < lines.Count && lines[j].StartsWith('|'); j++)
            {
                Assert.False(lines[j] == header, $"{name}:{j + 1}: the table's header row again");
                Assert.False(IsSeparator(lines[j]), $"{name}:{j + 1}: a second separator row");
            }
        }
        Assert.True(tables > 0, $"{name}: no table found");
    }

    static bool IsSeparator(string line) => line.StartsWith('|') && line.Trim('|').Split('|').All(c => c.Trim().Trim(':').Length >= 3 && c.Trim().Trim(':').All(ch => ch == '-'));

    [Theory]
    [MemberData(nameof(Documents))]
    public void A_documents_tables_have_their_header_once(string file)
    {
        AssertHeadersOnce(file, File.ReadAllText(Path.Combine(RepositoryRoot(), file)));
    }

    [Fact]
    public async Task The_generated_report_has_each_tables_header_once()
    {
        using var sweep = await Sweeps.BatchNormSkipAsync();
        var result = SweepReport.Generate(sweep.Directory, sweep.ReportPath);
        AssertHeadersOnce("report.md", File.ReadAllText(result.MarkdownPath));
    }

    [Fact]
    public void The_check_finds_a_repeated_header()
    {
        const string doubled = "| a | b |\n|---|---|\n| a | b |\n| 1 | 2 |\n";
        Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => AssertHeadersOnce("doubled", doubled));
        AssertHeadersOnce("single", "| a | b |\n|---|---|\n| 1 | 2 |\n");
    }
}
