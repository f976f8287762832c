namespace OrleansConfusion.Sweeps;

/// <summary>One documented output column: its name, its Parquet type (as DuckDB shows it) and what it means.</summary>
public sealed record OutputColumn(string Name, string Type, string Meaning);
