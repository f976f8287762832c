namespace OrleansConfusion.Engine; internal static class Placeholder { }
