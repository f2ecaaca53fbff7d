using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Shop.UserService.Identity;

/// <summary>
/// Signs every token with the key whose time has come (<see cref="SigningKeys.Current"/>), never with a key that is only
/// published ahead of its use, whatever order OpenIddict keeps its signing credentials in.
/// </summary>
public sealed class SignWithCurrentKey(SigningKeys keys) : IOpenIddictServerHandler<GenerateTokenContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } = OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
        .UseSingletonHandler<SignWithCurrentKey>()
        .SetOrder(OpenIddictServerHandlers.Protection.AttachSecurityCredentials.Descriptor.Order + 1)
        .SetType(OpenIddictServerHandlerType.Custom)
        .Build();

    public ValueTask HandleAsync(GenerateTokenContext context)
    {
        if (context.SigningCredentials is not null)
        {
            context.SigningCredentials = new SigningCredentials(keys.Current, SecurityAlgorithms.RsaSha256);
        }

        return ValueTask.CompletedTask;
    }
}
