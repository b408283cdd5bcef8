package io.vmssrunnerscaler.fakes.spec;

import io.vmssrunnerscaler.fakes.spec.ApiDescription.GeneralErrors;
import io.vmssrunnerscaler.fakes.spec.ApiDescription.Kind;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;

/**
 * The published descriptions the fakes and adapters are held to, each read once per test JVM (they
 * are constants; GitHub's is 13 MB). Sources and versions: src/test/resources/specs/README.md.
 */
public final class Specs {
    /** Installed by the build from npm (src/test/npm): GitHub's own description of api.github.com. */
    public static final Path GITHUB_OPENAPI = Path.of("src/test/npm/node_modules/@octokit/openapi/generated/api.github.com.json");
    /** Installed by the build from npm: the JSON schemas of GitHub's webhook payloads. */
    public static final Path WEBHOOK_SCHEMAS = Path.of("src/test/npm/node_modules/@octokit/webhooks-schemas/schema.json");

    /**
     * GitHub's REST guide documents these for every endpoint, though the description lists them per
     * operation only sometimes: 401 bad credentials, 403 forbidden or rate limited, 404 not found or
     * not visible, 429 rate limited, and server errors; each with a JSON body carrying a message.
     */
    static final GeneralErrors GITHUB_GENERAL_ERRORS = new GeneralErrors(Set.of(401, 403, 404, 429, 500, 502, 503, 504),
            "#/components/schemas/basic-error", java.util.List.of("message"));

    private Specs() {
    }

    public static ApiDescription gitHub() {
        return GitHub.DESCRIPTION;
    }

    /**
     * What an exchange with Azure Resource Manager is held to: a poll of a long-running operation to
     * ARM's RPC document (its Location URL, {@code monitor=true}, or its Azure-AsyncOperation URL),
     * anything else to Compute's document.
     */
    public static ApiDescription arm(Exchange e) {
        if (!e.path().toLowerCase(java.util.Locale.ROOT).contains("/operations/")) {
            return Compute.DESCRIPTION;
        }
        return e.query().containsKey("monitor") ? Compute.LOCATION_POLL : Compute.ASYNC_OPERATION;
    }

    public static ApiDescription keyVaultSecrets() {
        return KeyVault.DESCRIPTION;
    }

    public static ApiDescription imds() {
        return Imds.DESCRIPTION;
    }

    private static final class GitHub {
        static final ApiDescription DESCRIPTION = ApiDescription.read("GitHub api.github.com (@octokit/openapi 23.0.2)",
                Kind.OPENAPI_3, GITHUB_OPENAPI, false, GITHUB_GENERAL_ERRORS, Set.of(), Set.of());
    }

    private static final class Compute {
        static final ApiDescription DESCRIPTION = ApiDescription.read("Microsoft.Compute 2025-04-01", Kind.SWAGGER_2,
                resource("specs/azure/compute-2025-04-01.json"), true, GeneralErrors.none(), Set.of("$skiptoken"), Set.of());
        static final ApiDescription ASYNC_OPERATION = ApiDescription.read("ARM Azure-AsyncOperation (RPC)", Kind.SWAGGER_2,
                resource("specs/azure/arm-async-operation-2025-04-01.json"), true, GeneralErrors.none(), Set.of(), Set.of());
        static final ApiDescription LOCATION_POLL = ApiDescription.read("ARM Location poll (RPC)", Kind.SWAGGER_2,
                resource("specs/azure/arm-location-poll-2025-04-01.json"), true, GeneralErrors.none(), Set.of(), Set.of());
    }

    private static final class KeyVault {
        /** "secret-version: This URI fragment is optional. If not specified, the latest version of the secret is returned." */
        static final ApiDescription DESCRIPTION = ApiDescription.read("Key Vault secrets 2025-07-01", Kind.SWAGGER_2,
                resource("specs/azure/keyvault-secrets-2025-07-01.json"), false, GeneralErrors.none(), Set.of(),
                Set.of("secret-version"));
    }

    private static final class Imds {
        /**
         * Paths matched with their case: the flag is for Azure Resource Manager, whose RPC contract
         * says resource paths are case-insensitive. IMDS documents no such rule; its docs and this
         * document spell {@code /metadata/attested/document} in lower case, so a client spelling it
         * otherwise leans on behaviour nothing promises, and the check names it.
         */
        static final ApiDescription DESCRIPTION = ApiDescription.read("IMDS 2020-09-01", Kind.SWAGGER_2,
                resource("specs/azure/imds-2020-09-01.json"), false, GeneralErrors.none(), Set.of(), Set.of());
    }

    private static Path resource(String name) {
        try {
            return Path.of(Specs.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource " + name, e);
        }
    }
}
