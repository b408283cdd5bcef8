package io.vmssrunnerscaler.identity.imds;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** Reads certificates: PEM bundles (files of one or more {@code BEGIN CERTIFICATE} blocks) or DER. */
public final class CertificateBundles {
    private CertificateBundles() {
    }

    /** Every certificate in a PEM (or DER) file; fails when there is none. */
    public static List<X509Certificate> readPem(Path file) throws IOException, CertificateException {
        List<X509Certificate> certificates = parse(Files.readAllBytes(file));
        if (certificates.isEmpty()) {
            throw new CertificateException("no certificate in " + file);
        }
        return certificates;
    }

    /** Every certificate in each of these PEM files, in order. */
    public static List<X509Certificate> readPem(List<Path> files) throws IOException, CertificateException {
        List<X509Certificate> all = new ArrayList<>();
        for (Path file : files) {
            all.addAll(readPem(file));
        }
        return List.copyOf(all);
    }

    /** The certificates in PEM, DER or PKCS#7 bytes (what the JDK's X.509 factory reads). */
    public static List<X509Certificate> parse(byte[] bytes) throws CertificateException {
        List<X509Certificate> out = new ArrayList<>();
        for (Certificate certificate : CertificateFactory.getInstance("X.509")
                .generateCertificates(new ByteArrayInputStream(bytes))) {
            if (certificate instanceof X509Certificate x509) {
                out.add(x509);
            }
        }
        return List.copyOf(out);
    }
}
