using OrleansConfusion.Grains;
using OrleansConfusion.Grains.Abstractions;
using OrleansConfusion.Tests;

namespace OrleansConfusion.Grains.Tests.Output;

/// <summary>The silo-side rule for where a submitted sweep may write (issue 12): inside the base, links followed.</summary>
public sealed class OutputPathPolicyTests : IDisposable
{
    readonly TempDirectory _temp = new("oc-outpolicy-");
    string Base => _temp.Combine("base");
    string Outside => _temp.Combine("outside");

    public OutputPathPolicyTests()
    {
        Directory.CreateDirectory(Base);
        Directory.CreateDirectory(Outside);
    }

    [Theory]
    [InlineData("runs")]
    [InlineData(".")]
    [InlineData("runs/nested/deeper")]
    [InlineData("runs/../other")]
    public void A_relative_path_inside_the_base_resolves_under_it(string outputDirectory)
    {
        string resolved = OutputPathPolicy.Resolve(outputDirectory, "sweep", Base, confine: true);
        Assert.Equal(Path.Combine(Path.GetFullPath(outputDirectory, Base), "sweep"), resolved);
        Assert.StartsWith(Base + Path.DirectorySeparatorChar, resolved, StringComparison.Ordinal);
    }

    [Fact]
    public void An_absolute_path_is_refused_even_inside_the_base()
    {
        string inside = Path.Combine(Base, "runs");
        var e = Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve(inside, "sweep", Base, confine: true));
        Assert.Contains("is an absolute path", e.Message, StringComparison.Ordinal);
        Assert.Contains("give a path relative to it", e.Message, StringComparison.Ordinal);
        // Unconfined (the embedded `confusion run`), it is taken as given.
        Assert.Equal(Path.Combine(inside, "sweep"), OutputPathPolicy.Resolve(inside, "sweep", Base, confine: false));
    }

    [Fact]
    public void An_absolute_path_outside_the_base_is_refused_naming_the_field_and_the_base()
    {
        var e = Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve(Outside, "sweep", Base, confine: true));
        Assert.Equal("output_dir", e.Field);
        Assert.Contains("output_dir", e.Message, StringComparison.Ordinal);
        Assert.Contains("absolute path outside the base", e.Message, StringComparison.Ordinal);
        Assert.Contains($"'{Base}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("OrleansConfusion:Output:BaseDirectory", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../outside")]
    [InlineData("runs/../../outside")]
    [InlineData("../../../../../../../../tmp")]
    [InlineData("../base-sibling")] // shares the base's name as a text prefix; still outside
    public void A_relative_path_that_escapes_the_base_is_refused(string outputDirectory)
    {
        var e = Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve(outputDirectory, "sweep", Base, confine: true));
        Assert.Contains("escapes the base", e.Message, StringComparison.Ordinal);
        Assert.Contains($"output_dir '{outputDirectory}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_in_the_output_root_that_leads_out_of_the_base_is_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(Base, "runs"), Outside);
        var e = Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve("runs", "sweep", Base, confine: true));
        Assert.Contains("symbolic link", e.Message, StringComparison.Ordinal);
        Assert.Contains(Outside, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symlink_named_like_the_sweep_that_leads_out_of_the_base_is_refused()
    {
        Directory.CreateDirectory(Path.Combine(Base, "runs"));
        Directory.CreateSymbolicLink(Path.Combine(Base, "runs", "sweep"), Outside);
        Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve("runs", "sweep", Base, confine: true));
    }

    [Fact]
    public void A_dangling_symlink_that_would_lead_out_of_the_base_is_refused()
    {
        Directory.CreateSymbolicLink(Path.Combine(Base, "runs"), Path.Combine(Outside, "not-yet"));
        Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve("runs", "sweep", Base, confine: true));
    }

    [Fact]
    public void A_relative_symlink_whose_dot_dot_climbs_from_its_target_is_followed_as_the_kernel_does()
    {
        // base/runs -> ../outside/deep, and base/runs/../x is then outside/x physically, although the text
        // base/runs/../.. would look like it climbs only to the base's parent.
        Directory.CreateDirectory(Path.Combine(Outside, "deep"));
        Directory.CreateSymbolicLink(Path.Combine(Base, "runs"), Path.Combine("..", "outside", "deep"));
        Assert.Equal(Path.Combine(Outside, "deep", "sweep"), OutputPathPolicy.RealPath(Path.Combine(Base, "runs", "sweep")));
        Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve("runs", "sweep", Base, confine: true));
    }

    [Fact]
    public void A_symlink_that_stays_inside_the_base_is_allowed()
    {
        Directory.CreateDirectory(Path.Combine(Base, "volume"));
        Directory.CreateSymbolicLink(Path.Combine(Base, "runs"), Path.Combine(Base, "volume"));
        Assert.Equal(Path.Combine(Base, "runs", "sweep"), OutputPathPolicy.Resolve("runs", "sweep", Base, confine: true));
    }

    [Fact]
    public void A_base_that_is_itself_a_symlink_still_contains_its_own_folders()
    {
        // A mounted volume is often reached through a link; only what lies below the base is judged.
        string linkedBase = _temp.Combine("linked-base");
        Directory.CreateSymbolicLink(linkedBase, Base);
        Assert.Equal(Path.Combine(linkedBase, "runs", "sweep"), OutputPathPolicy.Resolve("runs", "sweep", linkedBase, confine: true));
        Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve(Outside, "sweep", linkedBase, confine: true));
    }

    [Fact]
    public void A_symlink_loop_is_refused_not_followed_forever()
    {
        Directory.CreateSymbolicLink(Path.Combine(Base, "a"), Path.Combine(Base, "b"));
        Directory.CreateSymbolicLink(Path.Combine(Base, "b"), Path.Combine(Base, "a"));
        var e = Assert.Throws<SpecRejectedException>(() => OutputPathPolicy.Resolve("a", "sweep", Base, confine: true));
        Assert.Contains("too many symbolic links", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unconfined_any_path_is_taken_as_given()
    {
        Assert.Equal(Path.Combine(Outside, "sweep"), OutputPathPolicy.Resolve(Outside, "sweep", Base, confine: false));
        Assert.Equal(Path.Combine(Outside, "sweep"), OutputPathPolicy.Resolve("../outside", "sweep", Base, confine: false));
    }

    [Theory]
    [InlineData("/a/b", "/a", true)]
    [InlineData("/a", "/a", true)]
    [InlineData("/a/", "/a", true)]
    [InlineData("/ab", "/a", false)]
    [InlineData("/", "/a", false)]
    [InlineData("/anything", "/", true)]
    public void IsInside_compares_whole_components(string path, string root, bool inside) =>
        Assert.Equal(inside, OutputPathPolicy.IsInside(path, root));

    public void Dispose() => _temp.Dispose();
}
