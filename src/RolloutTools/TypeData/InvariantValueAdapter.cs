using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Reflection;

namespace RolloutTools.TypeData;

/// <summary>
/// The property adapter RolloutTools.Types.ps1xml sets for records and messages, so their times and fractional
/// numbers write culture-invariant text. Export-Csv and ConvertTo-Csv write each value's ToString(), which follows
/// the current culture ("12.02.2026 15:04:01 +00:00" in de-DE, "2/12/2026 3:04:01 PM +00:00" in en-US, "173,474"
/// seconds in de-DE): text that does not sort by time after Import-Csv, nor read back alike on another machine.
/// This adapter hands a DateTimeOffset, a double, a decimal (dollars) or a DateOnly (a usage row's day) back in a PSObject named <see cref="TypeName"/>, whose
/// ToString (from the same file) is the ISO 8601 round-trip form in UTC, which sorts as text in time order, or the
/// round-trip number, or the date as yyyy-MM-dd. At the prompt the value is still the DateTimeOffset or double: comparisons, Sort-Object,
/// Measure-Object and member access see the value inside. Every other property passes through unchanged, in the
/// class's own order (an ETS CodeProperty would do the same for one property, but list it before all the others
/// in Export-Csv's columns and in Get-Member).
/// </summary>
public sealed class InvariantValueAdapter : PSPropertyAdapter
{
    /// <summary>The type name the wrapped values carry.</summary>
    public const string TypeName = "RolloutTools.InvariantValue";

    private static readonly ConcurrentTypeProperties Properties = new();

    public override Collection<PSAdaptedProperty> GetProperties(object baseObject) =>
        new(Properties.Of(baseObject.GetType()).Select(p => new PSAdaptedProperty(p.Name, p)).ToList());

    public override PSAdaptedProperty? GetProperty(object baseObject, string propertyName) =>
        Properties.Of(baseObject.GetType()).FirstOrDefault(p => string.Equals(p.Name, propertyName, StringComparison.OrdinalIgnoreCase)) is { } property
            ? new PSAdaptedProperty(property.Name, property)
            : null;

    public override bool IsGettable(PSAdaptedProperty adaptedProperty) => true;

    public override bool IsSettable(PSAdaptedProperty adaptedProperty) => Property(adaptedProperty).SetMethod?.IsPublic == true;

    public override object? GetPropertyValue(PSAdaptedProperty adaptedProperty)
    {
        var value = Property(adaptedProperty).GetValue(adaptedProperty.BaseObject);
        return value is DateTimeOffset or double or decimal or DateOnly ? Wrap(value) : value;
    }

    public override void SetPropertyValue(PSAdaptedProperty adaptedProperty, object value)
    {
        var property = Property(adaptedProperty);
        property.SetValue(adaptedProperty.BaseObject, LanguagePrimitives.ConvertTo(value, property.PropertyType, CultureInfo.InvariantCulture));
    }

    public override string GetPropertyTypeName(PSAdaptedProperty adaptedProperty) => Name(Property(adaptedProperty).PropertyType);

    /// <summary>The wrapped value's ToString, named as the CodeMethod in RolloutTools.Types.ps1xml.</summary>
    public static string InvariantString(PSObject value) => value.BaseObject switch
    {
        DateTimeOffset time => time.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
        double number => number.ToString("R", CultureInfo.InvariantCulture),
        decimal amount => amount.ToString(CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static PropertyInfo Property(PSAdaptedProperty adaptedProperty) => (PropertyInfo)adaptedProperty.Tag;

    private static PSObject Wrap(object value)
    {
        var wrapped = new PSObject(value);
        wrapped.TypeNames.Insert(0, TypeName);
        return wrapped;
    }

    /// <summary>A type as Get-Member writes it: System.Nullable[System.DateTimeOffset], not a CLR generic name.</summary>
    private static string Name(Type type) => type.IsGenericType
        ? $"{type.Namespace}.{type.Name[..type.Name.IndexOf('`')]}[{string.Join(", ", type.GetGenericArguments().Select(Name))}]"
        : type.FullName ?? type.Name;

    /// <summary>Public instance properties per type, in declaration order, looked up once.</summary>
    private sealed class ConcurrentTypeProperties
    {
        private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, PropertyInfo[]> _byType = new();

        public PropertyInfo[] Of(Type type) => _byType.GetOrAdd(type, t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public));
    }
}
