namespace OrleansConfusion.Cli.Results;

/// <summary>
/// Orders labels with numbers by value ("w16" &lt; "w64" &lt; "w256", "lr=0.05" &lt; "lr=0.2", "1e-3" as a number too),
/// so tables read along each axis.
/// </summary>
public sealed class NaturalComparer : IComparer<string>
{
    public static readonly NaturalComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null) return string.CompareOrdinal(x, y);
        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsDigit(x[i]) && char.IsDigit(y[j]))
            {
                int si = i, sj = j;
                i = NumberEnd(x, i);
                j = NumberEnd(y, j);
                int c = double.Parse(x.AsSpan(si, i - si), System.Globalization.CultureInfo.InvariantCulture)
                    .CompareTo(double.Parse(y.AsSpan(sj, j - sj), System.Globalization.CultureInfo.InvariantCulture));
                if (c != 0) return c;
            }
            else
            {
                int c = x[i].CompareTo(y[j]);
                if (c != 0) return c;
                i++;
                j++;
            }
        }
        return (x.Length - i).CompareTo(y.Length - j);
    }

    /// <summary>The end of the number at <paramref name="start"/>: digits, then a fraction and an exponent if they follow.</summary>
    static int NumberEnd(string s, int start)
    {
        int i = start;
        while (i < s.Length && char.IsDigit(s[i])) i++;
        if (i + 1 < s.Length && s[i] == '.' && char.IsDigit(s[i + 1]))
            for (i++; i < s.Length && char.IsDigit(s[i]); i++) { }
        if (i + 1 < s.Length && (s[i] == 'e' || s[i] == 'E'))
        {
            int k = i + 1;
            if (k < s.Length && (s[k] == '-' || s[k] == '+')) k++;
            if (k < s.Length && char.IsDigit(s[k]))
            {
                for (i = k; i < s.Length && char.IsDigit(s[i]); i++) { }
            }
        }
        return i;
    }
}
