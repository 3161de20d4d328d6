using System.Collections;
using System.Reflection;

namespace ResilientHttp.Tests.Options;

/// <summary>Every option is described once, in <see cref="OptionTable"/>: the README, the defaults and the options types must agree with it.</summary>
public sealed class OptionTableTests
{
    [Fact]
    public void Readme_OptionsTable_IsTheOneTheRowsDescribe()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md")).ReplaceLineEndings("\n");

        readme.ShouldContain("## Options\n\n" + OptionTable.MarkdownTable() + "\n");
    }

    [Fact]
    public void Rows_Defaults_AreWhatNewOptionsHold()
    {
        var fresh = new ResilientHttpOptions();

        foreach (OptionRow row in OptionTable.Rows)
        {
            object? actual = row.Read(fresh);
            if (row.Default is IEnumerable expected and not string)
            {
                ((IEnumerable)actual!).Cast<object>().ShouldBe(expected.Cast<object>(), row.Path);
            }
            else
            {
                actual.ShouldBe(row.Default, row.Path);
            }
        }
    }

    [Fact]
    public void Rows_CoverEveryPublicOptionOnce()
    {
        string[] properties = [.. Leaves(typeof(ResilientHttpOptions), prefix: string.Empty).Order(StringComparer.Ordinal)];

        OptionTable.Rows.Select(r => r.Path).Order(StringComparer.Ordinal).ShouldBe(properties);
    }

    [Fact]
    public void Rows_WithARange_AreCheckedAndRowsWithoutOneAreNot()
    {
        foreach (OptionRow row in OptionTable.Rows)
        {
            bool ranged = row.RangeText.Length > 0 && row.Kind is not OptionKind.Methods;
            (row.Check is not null).ShouldBe(ranged, row.Path);
        }
    }

    [Fact]
    public void Validation_EveryRangedRow_RejectsAValueBeyondIt()
    {
        foreach (OptionRow row in OptionTable.Rows.Where(r => r.Check is not null))
        {
            var options = new ResilientHttpOptions();
            Spoil(row, options);

            ResilientHttpOptionsValidator.Check("c", options).ShouldContain(f => f.StartsWith(row.Path, StringComparison.Ordinal), row.Path);
        }
    }

    // Sets a value no row allows, through the options types themselves.
    private static void Spoil(OptionRow row, ResilientHttpOptions options)
    {
        object target = options;
        string[] parts = row.Path.Split(':');
        foreach (string part in parts[..^1])
        {
            target = target.GetType().GetProperty(part)!.GetValue(target)!;
        }

        PropertyInfo property = target.GetType().GetProperty(parts[^1])!;
        object bad = row.Kind switch
        {
            OptionKind.Integer => -5,
            OptionKind.Long => -5L,
            OptionKind.Number => 7.5,
            OptionKind.Duration or OptionKind.OptionalDuration => TimeSpan.FromDays(3),
            OptionKind.StatusCodes => new List<int> { 42 },
            OptionKind.Text => "no good",
            _ => throw new InvalidOperationException(row.Path),
        };
        property.SetValue(target, bad);
    }

    private static IEnumerable<string> Leaves(Type type, string prefix)
    {
        foreach (PropertyInfo property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite))
        {
            string path = prefix + property.Name;
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.PropertyType.Namespace == "ResilientHttp")
            {
                foreach (string leaf in Leaves(property.PropertyType, path + ":"))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return path;
            }
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "ResilientHttp.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("ResilientHttp.sln not found above the test's directory.");
    }
}
