using OrleansConfusion.Engine.Configuration;
using static TorchSharp.torch;

namespace OrleansConfusion.Engine.Data;

/// <summary>
/// Synthetic data uniform on the unit sphere S^{d-1}, the setting of the paper's theory, where input norm is
/// fixed and only width, depth and labels vary. Labels come from a fixed random teacher network (a learnable
/// rule) or are uniformly random (pure memorisation). Generated in managed code from our own seeded generator,
/// so it is identical everywhere and leaves TorchSharp's global RNG alone.
/// </summary>
public static class UnitSphereDataset
{
    /// <summary>Hidden width of the teacher network d -> 64 (tanh) -> classes.</summary>
    public const int TeacherHidden = 64;

    const ulong InputStream = 1, LabelStream = 2, TeacherStream = 3;

    /// <summary>One seed for everything: inputs, labels and teacher all derive from <paramref name="seed"/>.</summary>
    public static TensorDataset Create(int samples, int dimension, int classes, SphereLabels labels, long seed, string name = "sphere") =>
        Create(samples, dimension, classes, labels, seed, teacherSeed: seed, name);

    /// <summary>
    /// Separate seeds, so train and test can share a teacher (same <paramref name="teacherSeed"/>) while
    /// drawing different points (different <paramref name="inputSeed"/>).
    /// </summary>
    public static TensorDataset Create(int samples, int dimension, int classes, SphereLabels labels, long inputSeed, long teacherSeed, string name = "sphere")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 1);

        float[] x = SamplePoints(samples, dimension, SplitMix64.ForStream(inputSeed, InputStream));
        long[] y = labels switch
        {
            SphereLabels.Teacher => new Teacher(dimension, classes, SplitMix64.ForStream(teacherSeed, TeacherStream)).Label(x, samples),
            SphereLabels.Random => RandomLabels(samples, classes, SplitMix64.ForStream(inputSeed, LabelStream)),
            _ => throw new ArgumentOutOfRangeException(nameof(labels), labels, "unknown sphere label mode"),
        };
        return new TensorDataset(tensor(x, [samples, dimension]), tensor(y, [samples]), classes, name);
    }

    static float[] SamplePoints(int samples, int dimension, SplitMix64 rng)
    {
        var x = new float[(long)samples * dimension];
        var g = new double[dimension];
        for (int n = 0; n < samples; n++)
        {
            double norm;
            do
            {
                double sq = 0;
                for (int i = 0; i < dimension; i++) { g[i] = rng.NextGaussian(); sq += g[i] * g[i]; }
                norm = Math.Sqrt(sq);
            } while (norm < 1e-12);
            for (int i = 0; i < dimension; i++) x[(long)n * dimension + i] = (float)(g[i] / norm);
        }
        return x;
    }

    static long[] RandomLabels(int samples, int classes, SplitMix64 rng)
    {
        var y = new long[samples];
        for (int n = 0; n < samples; n++) y[n] = rng.NextInt(classes);
        return y;
    }

    /// <summary>
    /// Gaussian weights scaled 1/sqrt(fan-in) so the tanh layer neither saturates nor stays linear. A raw random
    /// teacher's argmax is very unbalanced (at d=32, 10 classes some classes get under 1% of the points), so each
    /// logit is standardised with its mean and spread on a reference sample the teacher draws itself; the
    /// classes then come out roughly balanced while the rule stays a fixed function of the teacher seed.
    /// </summary>
    sealed class Teacher
    {
        const int ReferenceSamples = 4096;
        readonly int d, classes;
        readonly double[] w1, w2, shift, scale;

        public Teacher(int dimension, int classes, SplitMix64 rng)
        {
            (d, this.classes) = (dimension, classes);
            w1 = Gaussians(rng, TeacherHidden * d, 1 / Math.Sqrt(d));
            w2 = Gaussians(rng, classes * TeacherHidden, 1 / Math.Sqrt(TeacherHidden));
            (shift, scale) = (new double[classes], Enumerable.Repeat(1.0, classes).ToArray());

            float[] reference = SamplePoints(ReferenceSamples, d, rng);
            var sum = new double[classes];
            var sumSq = new double[classes];
            var z = new double[classes];
            var h = new double[TeacherHidden];
            for (int n = 0; n < ReferenceSamples; n++)
            {
                Logits(reference.AsSpan(n * d, d), h, z);
                for (int c = 0; c < classes; c++) { sum[c] += z[c]; sumSq[c] += z[c] * z[c]; }
            }
            for (int c = 0; c < classes; c++)
            {
                shift[c] = sum[c] / ReferenceSamples;
                double variance = sumSq[c] / ReferenceSamples - shift[c] * shift[c];
                scale[c] = variance > 1e-24 ? 1 / Math.Sqrt(variance) : 1;
            }
        }

        public long[] Label(float[] x, int samples)
        {
            var y = new long[samples];
            var h = new double[TeacherHidden];
            var z = new double[classes];
            for (int n = 0; n < samples; n++)
            {
                Logits(x.AsSpan(n * d, d), h, z);
                int best = 0;
                for (int c = 1; c < classes; c++)
                    if (z[c] > z[best]) best = c;
                y[n] = best;
            }
            return y;
        }

        void Logits(ReadOnlySpan<float> x, double[] h, double[] z)
        {
            for (int j = 0; j < TeacherHidden; j++)
            {
                double s = 0;
                for (int i = 0; i < d; i++) s += w1[j * d + i] * x[i];
                h[j] = Math.Tanh(s);
            }
            for (int c = 0; c < classes; c++)
            {
                double s = 0;
                for (int j = 0; j < TeacherHidden; j++) s += w2[c * TeacherHidden + j] * h[j];
                z[c] = (s - shift[c]) * scale[c];
            }
        }

        static double[] Gaussians(SplitMix64 rng, int count, double scale)
        {
            var a = new double[count];
            for (int i = 0; i < count; i++) a[i] = scale * rng.NextGaussian();
            return a;
        }
    }
}
