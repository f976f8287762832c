using OrleansConfusion.Grains.Abstractions;

namespace OrleansConfusion.Sweeps;

/// <summary>
/// Where a submitted sweep may write, decided on the silo: the spec's output root, resolved against the
/// silo's base directory, must stay inside that base after normalisation ("..") and after following every
/// symbolic link on the way that already exists. A client's path means nothing on the silo's file system,
/// and without this rule anyone who can reach a gateway could make the silos write anywhere they can.
/// </summary>
public static class OutputPathPolicy
{
    /// <summary>The spec field the refusal names (its YAML key; <c>--out</c> overrides it).</summary>
    public const string Field = "output_dir";

    // Linux refuses deeper link chains with ELOOP; a chain this long is a loop or an attack.
    const int MaxLinkDepth = 40;

    static readonly StringComparison PathComparison =
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>
    /// The sweep's directory, &lt;base&gt;/&lt;outputDirectory&gt;/&lt;sweepId&gt;/, absolute.
    /// With <paramref name="confine"/> off (the CLI's embedded silo, which writes for the user who runs it),
    /// any path is taken as given. Otherwise the path must be relative: it is resolved against the base, and
    /// refused with <see cref="SpecRejectedException"/> when it leads outside. An absolute path is refused even
    /// when it names a folder inside the base: the base is the silos' business (a volume mounted where their
    /// deployment chooses), so a spec that names it would break when the deployment moves it.
    /// </summary>
    public static string Resolve(string outputDirectory, string sweepId, string baseDirectory, bool confine)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(sweepId);
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        string root = Path.GetFullPath(baseDirectory);
        string sweepDirectory = Path.Combine(Path.GetFullPath(outputDirectory, root), sweepId);
        if (!confine) return sweepDirectory;

        string where = $"{Field} '{outputDirectory}'";
        string rule = $"sweep output must stay inside the silo's output base '{root}' (OrleansConfusion:Output:BaseDirectory); " +
                      $"give a path relative to it, e.g. {Field}: runs";
        if (Path.IsPathRooted(outputDirectory))
        {
            string how = IsInside(sweepDirectory, root) ? "is an absolute path" : "is an absolute path outside the base";
            throw new SpecRejectedException(Field, $"{where} {how}: {rule}");
        }
        if (!IsInside(sweepDirectory, root))
            throw new SpecRejectedException(Field, $"{where} escapes the base: {rule}");

        // The base itself may be a link (a mounted volume); what matters is where each component below it leads.
        string realRoot = RealPath(root);
        string realSweep = RealPath(sweepDirectory);
        if (!IsInside(realSweep, realRoot))
            throw new SpecRejectedException(Field, $"{where} leads through a symbolic link to '{realSweep}', outside the base: {rule}");
        return sweepDirectory;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both absolute, normalised).</summary>
    public static bool IsInside(string path, string root)
    {
        string r = Path.TrimEndingDirectorySeparator(root);
        string p = Path.TrimEndingDirectorySeparator(path);
        if (p.Equals(r, PathComparison)) return true;
        // Root "/" trims to "/" itself, so do not add a second separator.
        string prefix = r.EndsWith(Path.DirectorySeparatorChar) ? r : r + Path.DirectorySeparatorChar;
        return p.StartsWith(prefix, PathComparison);
    }

    /// <summary>
    /// The path with every existing symbolic link among its components followed (like realpath(3), but the
    /// part that does not exist yet is kept as written, since the silo creates it later).
    /// </summary>
    public static string RealPath(string path)
    {
        string full = Path.GetFullPath(path);
        string current = Path.GetPathRoot(full)!;
        var pending = new Stack<string>(full[current.Length..]
            .Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse());
        int links = 0;
        while (pending.TryPop(out string? part))
        {
            if (part == ".") continue;
            // ".." after a link climbs from where the link led, not from the link's name.
            if (part == "..")
            {
                current = Path.GetDirectoryName(current) ?? current;
                continue;
            }
            string next = Path.Combine(current, part);
            if (GetInfo(next) is { LinkTarget: { } target })
            {
                if (++links > MaxLinkDepth) throw new SpecRejectedException(Field, $"too many symbolic links under '{path}'");
                // A relative target is relative to the link's folder. Its components are resolved in turn, not
                // normalised as text: the kernel takes a ".." after a link from where that link leads.
                string targetRoot = Path.GetPathRoot(target) ?? "";
                if (targetRoot.Length > 0) current = targetRoot;
                foreach (string p in target[targetRoot.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries).Reverse())
                    pending.Push(p);
                continue;
            }
            current = next;
        }
        return current;
    }

    // LinkTarget reads the link itself (lstat), whether its target exists or not; null for a plain entry or none.
    static FileSystemInfo GetInfo(string path) => new FileInfo(path);
}
