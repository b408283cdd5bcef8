package io.vmssrunnerscaler.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Where runners register, for each kind of GitHub host and both scopes. */
class GitHubSiteTest {

    @ParameterizedTest(name = "{0} + {1} -> {2}")
    @CsvSource({
        "https://api.github.com,                 octo-org/app, https://github.com/octo-org/app",
        "https://api.github.com/,                octo-org,     https://github.com/octo-org",
        "https://ghe.example.com/api/v3,         octo-org/app, https://ghe.example.com/octo-org/app",
        "https://ghe.example.com/api/v3/,        octo-org,     https://ghe.example.com/octo-org",
        "https://GHE.example.com:8443/api/v3,    octo-org/app, https://ghe.example.com:8443/octo-org/app",
        "https://api.octocorp.ghe.com,           octo-org/app, https://octocorp.ghe.com/octo-org/app",
        "https://api.octocorp.ghe.com/,          octo-org,     https://octocorp.ghe.com/octo-org",
        "https://127.0.0.1:8443,                 octo-org/app, https://127.0.0.1:8443/octo-org/app",
    })
    void theRunnerUrlFollowsTheApiUrl(String apiUrl, String scope, String runnerUrl) {
        assertEquals(runnerUrl, GitHubSite.ofApiUrl(apiUrl).runnerUrl(RunnerScope.parse(scope)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"api.github.com", "ftp://ghe.example.com/api/v3", "https://", "not a url"})
    void anApiUrlThatIsNoHttpsUrlIsRefused(String apiUrl) {
        assertThrows(IllegalArgumentException.class, () -> GitHubSite.ofApiUrl(apiUrl));
    }
}
