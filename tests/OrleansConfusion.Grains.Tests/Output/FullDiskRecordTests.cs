using Microsoft.Extensions.Logging.Abstractions;
using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Grains.Tests;

/// <summary>
/// The record's writer on a disk that fills mid-append (a 1 MiB tmpfs; needs root, as CI runs): the append that the
/// disk refuses part-way throws and leaves nothing of itself in the file (its lines were never acknowledged: read back,
/// a refused outcome would count as recorded), and once space is free again every line appended after it reads back whole.
/// </summary>
public sealed class FullDiskRecordTests
{
    [Fact]
    public async Task An_append_the_disk_refuses_part_way_leaves_no_torn_line_before_the_next()
    {
        using var dir = new TempDirectory("oc-record-full-");
        using var disk = new Tmpfs(dir.Combine("disk"), "1m");
        string path = Path.Combine(disk.Path, "segment.jsonl");
        string filler = Path.Combine(disk.Path, "filler");
        var writer = new JsonLinesWriter<TrialLogRow>(path, RecordJson.Default.TrialLogRow);
        await using (writer)
        {
            await writer.AppendAsync(Rows("before", 10));
            // The disk full, then one page (4 KiB) freed: the next append of about 20 KiB is written part-way.
            Tmpfs.Fill(filler);
            using (var fill = new FileStream(filler, FileMode.Open)) fill.SetLength(fill.Length - 4096);
            await Assert.ThrowsAnyAsync<IOException>(() => writer.AppendAsync(Rows("refused", 200)));

            File.Delete(filler);
            await writer.AppendAsync(Rows("after", 10));
        }

        var read = new List<string>();
        await foreach (var row in JsonLinesJournal.ReadAsync(path, RecordJson.Default.TrialLogRow, NullLogger.Instance)) read.Add(row.Message);
        Assert.Equal(Rows("before", 10).Select(r => r.Message), read.Where(m => m.StartsWith("before")));
        Assert.Equal(Rows("after", 10).Select(r => r.Message), read.Where(m => m.StartsWith("after")));
        Assert.DoesNotContain(read, m => m.StartsWith("refused"));
        Assert.Equal(20, read.Count);
    }

    static List<TrialLogRow> Rows(string prefix, int count) =>
        Enumerable.Range(0, count).Select(i => new TrialLogRow
        {
            TrialId = $"t{i}", Attempt = 1, Level = "info", Message = $"{prefix} {i} {new string('x', 80)}", At = DateTime.UnixEpoch,
        }).ToList();
}
