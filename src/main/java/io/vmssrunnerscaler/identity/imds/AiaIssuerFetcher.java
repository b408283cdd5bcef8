package io.vmssrunnerscaler.identity.imds;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;

/**
 * Fetches a certificate's issuer from the caIssuers URL of its Authority Information Access extension,
 * as Microsoft's IMDS docs ("Attested data", the openssl sample) do for the intermediate that Azure leaves out
 * of the PKCS#7. Plain http (that is how Microsoft and DigiCert serve them), DER or PEM.
 *
 * <p>The URL comes from a certificate that is not trusted yet (anyone can sign a document with their own
 * certificate), so only hosts on an allow-list are fetched, with a short timeout, no redirects, a size cap,
 * at most two URLs per certificate; answers are kept in a small cache bounded by entries and age, failures
 * are not cached. Whatever is fetched still has to chain to a trust anchor: fetching adds no trust.
 */
public final class AiaIssuerFetcher {
    /** The hosts of the AIA URLs in Microsoft's and DigiCert's certificates (www.microsoft.com/pkiops/certs/...,
     * caissuers.microsoft.com, cacerts.digicert.com). */
    public static final Set<String> MICROSOFT_HOSTS = Set.of("www.microsoft.com", "caissuers.microsoft.com",
            "cacerts.digicert.com");
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_CACHE_ENTRIES = 32;
    /** How long a fetched issuer is reused before it is fetched again. */
    public static final Duration CACHE_AGE = Duration.ofHours(12);
    static final int MAX_BYTES = 64 * 1024;
    private static final int MAX_URLS = 2;

    private final Set<String> allowedHosts;
    private final Duration timeout;
    /** Built on the first fetch: most runs never fetch, and a client costs start-up time. */
    private volatile HttpClient http;
    private final Map<URI, Cached> cache;

    /**
     * @param allowedHosts the only hosts fetched from (lower case compared)
     * @param timeout for connecting and for the whole answer
     * @param cacheEntries how many URLs' answers are kept
     */
    public AiaIssuerFetcher(Set<String> allowedHosts, Duration timeout, int cacheEntries) {
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (cacheEntries < 1) {
            throw new IllegalArgumentException("cacheEntries must be at least 1");
        }
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<URI, Cached> eldest) {
                return size() > cacheEntries;
            }
        };
    }

    private HttpClient http() {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                if (http == null) {
                    http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
                }
                client = http;
            }
        }
        return client;
    }

    /** Microsoft's and DigiCert's AIA hosts, the default timeout and cache. */
    public static AiaIssuerFetcher forMicrosoft() {
        return new AiaIssuerFetcher(MICROSOFT_HOSTS, DEFAULT_TIMEOUT, DEFAULT_CACHE_ENTRIES);
    }

    /** The certificates found at the certificate's allowed caIssuers URLs; empty when none answered. */
    public List<X509Certificate> issuersOf(X509Certificate certificate) {
        List<X509Certificate> found = new ArrayList<>();
        for (URI uri : caIssuers(certificate)) {
            found.addAll(fetch(uri));
        }
        return found;
    }

    /** The allowed http caIssuers URLs in the certificate's AIA extension, at most {@value #MAX_URLS}. */
    List<URI> caIssuers(X509Certificate certificate) {
        byte[] extension = certificate.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (extension == null) {
            return List.of();
        }
        List<URI> uris = new ArrayList<>();
        try {
            ASN1Primitive value = JcaX509ExtensionUtils.parseExtensionValue(extension);
            for (AccessDescription description : AuthorityInformationAccess.getInstance(value).getAccessDescriptions()) {
                GeneralName location = description.getAccessLocation();
                if (AccessDescription.id_ad_caIssuers.equals(description.getAccessMethod())
                        && location.getTagNo() == GeneralName.uniformResourceIdentifier) {
                    URI uri = URI.create(location.getName().toString());
                    if (allowed(uri) && uris.size() < MAX_URLS) {
                        uris.add(uri);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of(); // an unreadable extension gives nothing to fetch; the chain check then fails
        }
        return uris;
    }

    private boolean allowed(URI uri) {
        return "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                && allowedHosts.contains(uri.getHost().toLowerCase(Locale.ROOT)) && uri.getUserInfo() == null;
    }

    private List<X509Certificate> fetch(URI uri) {
        long now = System.nanoTime();
        synchronized (cache) {
            Cached cached = cache.get(uri);
            if (cached != null && now - cached.fetchedAtNanos() < CACHE_AGE.toNanos()) {
                return cached.certificates();
            }
        }
        try {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
            HttpResponse<InputStream> response = http().send(request, HttpResponse.BodyHandlers.ofInputStream());
            byte[] body;
            try (InputStream in = response.body()) {
                body = in.readNBytes(MAX_BYTES + 1);
            }
            if (response.statusCode() != 200 || body.length > MAX_BYTES) {
                return List.of();
            }
            List<X509Certificate> certificates = CertificateBundles.parse(body);
            synchronized (cache) {
                cache.put(uri, new Cached(certificates, now));
            }
            return certificates;
        } catch (IOException | CertificateException | RuntimeException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    private record Cached(List<X509Certificate> certificates, long fetchedAtNanos) {
    }
}
