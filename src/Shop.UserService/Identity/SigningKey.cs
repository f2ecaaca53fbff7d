using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Shop.UserService.Identity;

/// <summary>The RSA key that signs access tokens: read from its PEM file, or made and saved there at first start.</summary>
internal static class SigningKey
{
    public static RsaSecurityKey LoadOrCreate(string path)
    {
        var rsa = RSA.Create();
        if (File.Exists(path))
        {
            rsa.ImportFromPem(File.ReadAllText(path));
        }
        else
        {
            rsa.KeySize = 2048;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var file = new StreamWriter(path, options);
            file.Write(rsa.ExportPkcs8PrivateKeyPem());
        }

        // A stable key id lets validators pick the key from the published set across restarts.
        var keyId = Base64UrlEncoder.Encode(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()))[..16];
        return new RsaSecurityKey(rsa) { KeyId = keyId };
    }
}
