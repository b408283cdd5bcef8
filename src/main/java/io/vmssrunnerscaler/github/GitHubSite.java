package io.vmssrunnerscaler.github;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The web root of the GitHub whose REST API the scaler calls, where runners register
 * ({@code config.sh --url}). Derived from the API root as GitHub lays them out:
 * <ul>
 * <li>github.com: {@code https://api.github.com} -> {@code https://github.com};</li>
 * <li>GitHub Enterprise Server: {@code https://HOST/api/v3} -> {@code https://HOST};</li>
 * <li>GitHub Enterprise Cloud with data residency: {@code https://api.SUB.ghe.com} -> {@code https://SUB.ghe.com};</li>
 * <li>anything else (a proxy, a test double): the API root itself.</li>
 * </ul>
 */
public record GitHubSite(URI web) {
    private static final Pattern DATA_RESIDENCY = Pattern.compile("api\\.([a-z0-9-]+\\.ghe\\.com)");
    private static final String ENTERPRISE_SERVER_API = "/api/v3";

    public GitHubSite {
        Objects.requireNonNull(web, "web");
    }

    /** @throws IllegalArgumentException when {@code apiUrl} is not an absolute http(s) URL */
    public static GitHubSite ofApiUrl(String apiUrl) {
        URI api;
        try {
            api = new URI(apiUrl.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URL: " + apiUrl);
        }
        String scheme = api.getScheme() == null ? "" : api.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || api.getHost() == null) {
            throw new IllegalArgumentException("expected an absolute https URL such as https://api.github.com, got " + apiUrl);
        }
        String host = api.getHost().toLowerCase(Locale.ROOT);
        String path = api.getPath() == null ? "" : api.getPath().replaceAll("/+$", "");
        if (host.equals("api.github.com")) {
            return at(scheme, "github.com", api.getPort(), "");
        }
        Matcher residency = DATA_RESIDENCY.matcher(host);
        if (residency.matches()) {
            return at(scheme, residency.group(1), api.getPort(), "");
        }
        if (path.endsWith(ENTERPRISE_SERVER_API)) {
            return at(scheme, host, api.getPort(), path.substring(0, path.length() - ENTERPRISE_SERVER_API.length()));
        }
        return at(scheme, host, api.getPort(), path);
    }

    private static GitHubSite at(String scheme, String host, int port, String path) {
        return new GitHubSite(URI.create(scheme + "://" + host + (port < 0 ? "" : ":" + port) + path));
    }

    /** Where runners of {@code scope} register: {@code <web>/<owner>/<repo>} or {@code <web>/<org>}. */
    public String runnerUrl(RunnerScope scope) {
        return web + "/" + scope;
    }
}
