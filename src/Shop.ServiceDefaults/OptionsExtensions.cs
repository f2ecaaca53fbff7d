using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

public static class OptionsExtensions
{
    /// <summary>Binds <typeparamref name="TOptions"/> to configuration <paramref name="section"/>, checked by its data annotations when the service starts.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, string section) where TOptions : class =>
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
