// MSBuild task, compiled by RoslynCodeTaskFactory from build/TorchNative.targets.
//
// Why: TorchSharp 0.107.0's libLibTorchSharp.so declares a version need for GLIBCXX_3.4.32 (GCC 13),
// but its only symbol under that version (_ZSt21ios_base_library_initv) has no relocation, so the
// need is spurious. Debian 12's libstdc++ stops at 3.4.30 and the loader refuses the library.
// We rewrite that one Vernaux entry to point at GLIBCXX_3.4.30, whose name is already in .dynstr.
// There is no library for ELF editing on NuGet that we trust more than these ~100 lines, and
// patchelf cannot rename a version need, so it is done by hand.
#nullable enable
using System;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public sealed class GlibcxxVersionNeedFix : Microsoft.Build.Utilities.Task
{
    const string Wanted = "GLIBCXX_3.4.32";
    const string Replacement = "GLIBCXX_3.4.30";
    const uint ShtGnuVerneed = 0x6ffffffe;

    [Required] public string SearchDirectories { get; set; } = "";
    public string LibraryName { get; set; } = "libLibTorchSharp.so";

    public override bool Execute()
    {
        string? hostLib = FindHostLibStdCxx();
        if (hostLib == null)
        {
            Log.LogMessage(MessageImportance.Normal, "GLIBCXX fix: no libstdc++.so.6 found on this host; nothing to do.");
            return true;
        }
        if (Contains(File.ReadAllBytes(hostLib), Encoding.ASCII.GetBytes(Wanted + "\0")))
        {
            Log.LogMessage(MessageImportance.Low, $"GLIBCXX fix: {hostLib} provides {Wanted}; not needed.");
            return true;
        }
        foreach (string dir in SearchDirectories.Split(new[] { ';' }, StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Directory.Exists(dir)) continue;
            foreach (string lib in Directory.EnumerateFiles(dir, LibraryName, SearchOption.AllDirectories))
            {
                try
                {
                    if (Patch(lib))
                        Log.LogMessage(MessageImportance.High, $"GLIBCXX fix: rewrote the {Wanted} version need of {lib} to {Replacement} (host libstdc++ lacks {Wanted}).");
                }
                catch (Exception e) when (e is InvalidDataException or IOException)
                {
                    Log.LogError($"GLIBCXX fix: cannot patch {lib}: {e.Message}");
                }
            }
        }
        return !Log.HasLoggedErrors;
    }

    static string? FindHostLibStdCxx()
    {
        string[] candidates =
        {
            "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib/x86_64-linux-gnu/libstdc++.so.6",
            "/usr/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
        };
        foreach (string c in candidates)
            if (File.Exists(c)) return c;
        return null;
    }

    /// <summary>Returns true when the file was changed; false when it needs no change.</summary>
    static bool Patch(string path)
    {
        byte[] elf = File.ReadAllBytes(path);
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException("only 64-bit little-endian ELF is supported");

        ulong shoff = BitConverter.ToUInt64(elf, 0x28);
        int shentsize = BitConverter.ToUInt16(elf, 0x3A);
        int shnum = BitConverter.ToUInt16(elf, 0x3C);
        for (int i = 0; i < shnum; i++)
        {
            int sh = checked((int)shoff + i * shentsize);
            if (BitConverter.ToUInt32(elf, sh + 4) != ShtGnuVerneed) continue;
            int verneed = checked((int)BitConverter.ToUInt64(elf, sh + 0x18));
            int link = (int)BitConverter.ToUInt32(elf, sh + 0x28);
            int count = (int)BitConverter.ToUInt32(elf, sh + 0x2C);
            int strShdr = checked((int)shoff + link * shentsize);
            int dynstr = checked((int)BitConverter.ToUInt64(elf, strShdr + 0x18));
            int dynstrSize = checked((int)BitConverter.ToUInt64(elf, strShdr + 0x20));
            int replacementName = IndexOf(elf, dynstr, dynstrSize, Encoding.ASCII.GetBytes(Replacement + "\0"));
            if (replacementName < 0)
                throw new InvalidDataException($"{Replacement} is not in .dynstr");

            int vn = verneed;
            for (int n = 0; n < count; n++)
            {
                int cnt = BitConverter.ToUInt16(elf, vn + 2);
                int aux = vn + (int)BitConverter.ToUInt32(elf, vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    int name = (int)BitConverter.ToUInt32(elf, aux + 8);
                    if (ReadString(elf, dynstr + name) == Wanted)
                    {
                        BitConverter.GetBytes(ElfHash(Replacement)).CopyTo(elf, aux);
                        BitConverter.GetBytes((uint)(replacementName - dynstr)).CopyTo(elf, aux + 8);
                        WriteReplacing(path, elf);
                        return true;
                    }
                    aux += (int)BitConverter.ToUInt32(elf, aux + 12);
                }
                vn += (int)BitConverter.ToUInt32(elf, vn + 12);
            }
        }
        return false;
    }

    // Write a new file and rename it over the old one: the output copy may be a hard link into
    // the NuGet cache, which must stay as shipped.
    static void WriteReplacing(string path, byte[] bytes)
    {
        string tmp = path + ".glibcxx-fix.tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Replace(tmp, path, null);
    }

    static uint ElfHash(string name)
    {
        uint h = 0;
        foreach (char c in name)
        {
            h = (h << 4) + c;
            uint g = h & 0xf0000000;
            if (g != 0) h ^= g >> 24;
            h &= ~g;
        }
        return h;
    }

    static string ReadString(byte[] b, int at)
    {
        int end = at;
        while (end < b.Length && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, at, end - at);
    }

    static bool Contains(byte[] hay, byte[] needle) => IndexOf(hay, 0, hay.Length, needle) >= 0;

    static int IndexOf(byte[] hay, int start, int length, byte[] needle)
    {
        // The task compiles against netstandard2.0, which has no span search.
        for (int i = start; i + needle.Length <= start + length; i++)
        {
            int k = 0;
            while (k < needle.Length && hay[i + k] == needle[k]) k++;
            if (k == needle.Length) return i;
        }
        return -1;
    }
}
