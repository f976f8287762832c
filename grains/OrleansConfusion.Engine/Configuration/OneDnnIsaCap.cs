using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;

namespace OrleansConfusion.Engine.Configuration;

/// <summary>
/// Caps oneDNN, libtorch's CPU convolution library, at AVX2 on hosts with AVX-512, unless the user already
/// set <c>ONEDNN_MAX_CPU_ISA</c> (or its old name <c>DNNL_MAX_CPU_ISA</c>).
/// </summary>
/// <remarks>
/// Measured on an AMD EPYC with AVX-512 (libtorch 2.10.0, oneDNN 3.7.1): the first run of each new
/// <c>jit:avx512_core</c> convolution backward-data primitive returned NaN or wrong values, so a conv net's
/// gradient was wrong at the first step of every new batch shape. GramOracleTests failed on both conv forms,
/// and a depth-10 CNN on Fashion-MNIST diverged at step 2. With the cap at AVX2 both are right, and the
/// results match what the AVX-512 kernels return from their second run on. A host without AVX-512 is left
/// alone. To measure the AVX-512 kernels anyway, set <c>ONEDNN_MAX_CPU_ISA=DEFAULT</c>.
/// oneDNN reads the variable once, when it makes its first primitive. So this runs when the engine assembly
/// loads (a module initializer), before any engine code can build a model. It sets the variable in the
/// native environment, because .NET's own setter on Linux changes only the managed copy, which libtorch
/// never sees. setenv is not safe against a concurrent getenv in general. Usually this is the process's first
/// setenv (the .NET runtime never calls it), so glibc copies the initial environment into a new array and frees
/// nothing. A reader on another thread sees either array.
/// </remarks>
public static class OneDnnIsaCap
{
    public const string Variable = "ONEDNN_MAX_CPU_ISA";
    public const string LegacyVariable = "DNNL_MAX_CPU_ISA";
    public const string Cap = "AVX2";

    /// <summary>The ISA this process capped oneDNN at, or null when it left oneDNN alone.</summary>
    public static string? Applied { get; private set; }

    /// <summary>The cap to set: <see cref="Cap"/> on an AVX-512 host where the user set neither variable, else null.</summary>
    public static string? Decide(bool hasAvx512, string? userValue, string? legacyUserValue) =>
        hasAvx512 && string.IsNullOrEmpty(userValue) && string.IsNullOrEmpty(legacyUserValue) ? Cap : null;

#pragma warning disable CA2255 // Must run before any engine code builds a model, whichever entry point a host uses.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void ApplyAtLoad()
    {
        string? cap = Decide(Avx512F.IsSupported, Environment.GetEnvironmentVariable(Variable), Environment.GetEnvironmentVariable(LegacyVariable));
        if (cap is null) return;
        if (!OperatingSystem.IsWindows() && setenv(Variable, cap, overwrite: 0) != 0) return;
        Environment.SetEnvironmentVariable(Variable, cap);
        Applied = cap;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setenv(string name, string value, int overwrite);
}
