namespace OrleansConfusion.Engine.Configuration;

/// <summary>How a trial ended.</summary>
public enum TrialOutcomeStatus { Completed, Diverged, Cancelled, Failed }
