package io.histoscale.federation.pki;

import io.histoscale.core.UserException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A federation's certificate authority and the certificates of its members (sites and coordinator), made with
 * BouncyCastle: EC P-256 keys, SHA-256 ECDSA signatures, PEM files.
 *
 * <p>Layout of a PKI folder: {@code ca.crt} and {@code ca.key} (the authority; keep the key off the sites), and per
 * member {@code <name>.crt} and {@code <name>.key} (PKCS#8). A member's name is its certificate's common name (CN),
 * which is how peers know who they talk to, and its {@link Role} is the subject's organisational unit (OU), so that a
 * site's certificate can never pass as the coordinator's:
 * <ul>
 *   <li>the coordinator's certificate is a TLS server certificate only ({@code serverAuth}): it never connects to
 *   anyone, sites connect to it; it names the hosts sites reach it at;</li>
 *   <li>a site's certificate is a TLS client certificate ({@code clientAuth}) for its session with the coordinator,
 *   and also a server certificate ({@code serverAuth}) for the hosts it is issued for, where it accepts
 *   peer-to-peer hand-offs from other sites; issued without hosts it serves nothing.</li>
 * </ul>
 * No certificate names a host (not even {@code localhost}) it was not issued for.
 */
public final class Pki {

    public static final String CA = "ca";
    private static final String ORGANISATION = "HistoScale federation";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Duration VALIDITY = Duration.ofDays(3 * 365);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;

    private Pki(Path dir) {
        this.dir = dir;
    }

    /** An existing PKI folder; it must hold {@code ca.crt}. */
    public static Pki open(Path dir) {
        if (!Files.isRegularFile(dir.resolve(CA + ".crt"))) {
            throw UserException.forKey("pki", dir + ": no ca.crt there; create it with: histoscale pki init " + dir);
        }
        return new Pki(dir);
    }

    /**
     * Creates a certificate authority in {@code dir}.
     *
     * @throws UserException when the folder already holds one (overwriting it would orphan every issued certificate)
     */
    public static Pki init(Path dir, String name) {
        if (Files.exists(dir.resolve(CA + ".crt")) || Files.exists(dir.resolve(CA + ".key"))) {
            throw UserException.forKey("pki", dir + " already holds a certificate authority (ca.crt); use another "
                    + "folder, or issue certificates from this one with: histoscale pki issue");
        }
        try {
            Files.createDirectories(dir);
            KeyPair keys = newKeys();
            X500Name subject = new X500Name("CN=" + checkName(name) + ",O=" + ORGANISATION);
            Instant now = Instant.now();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder cert = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(cert, keys.getPrivate());
            writeKey(dir.resolve(CA + ".key"), keys.getPrivate());
            writePem(dir.resolve(CA + ".crt"), certificate);
            return new Pki(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the certificate authority to " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What a member does in the federation; recorded in its certificate (OU and extended key usage). */
    public enum Role {
        /** Runs the plan: a TLS server for the sites. */
        COORDINATOR,
        /** A hospital: a TLS client of the coordinator, and a server of peer-to-peer hand-offs when it has hosts. */
        SITE;

        /** {@code coordinator} or {@code site}: as written in certificates and on the command line. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * @throws UserException keyed {@code role} for anything but {@code coordinator} or {@code site}
         */
        public static Role of(String id) {
            for (Role r : values()) {
                if (r.id().equals(id)) {
                    return r;
                }
            }
            throw UserException.forKey("role", id + ": give coordinator or site");
        }
    }

    /**
     * Issues a certificate for a member named {@code name} (its CN) in role {@code role}, valid for the TLS server
     * names {@code hosts} (DNS names or IP addresses) and no others. A coordinator needs at least one: the host sites
     * reach it at. A site's needs them only to accept peer-to-peer hand-offs (its peer host).
     *
     * @throws UserException for a bad name or host, a coordinator without hosts, a missing CA key or an existing
     *                       certificate of that name
     */
    public Member issue(String name, Role role, List<String> hosts) {
        checkName(name);
        if (name.equals(CA)) {
            throw UserException.forKey("name", "ca is the certificate authority's own file name; choose another name");
        }
        if (role == Role.COORDINATOR && hosts.isEmpty()) {
            throw UserException.forKey("host", "missing: the coordinator's certificate must name the host names or IP "
                    + "addresses sites reach it at (e.g. 127.0.0.1 or coordinator.example.org)");
        }
        Path certFile = dir.resolve(name + ".crt");
        if (Files.exists(certFile)) {
            throw new UserException("a certificate for " + name + " already exists in " + dir + " (" + certFile
                    + "); delete it first to re-issue");
        }
        Path caKey = dir.resolve(CA + ".key");
        if (!Files.isRegularFile(caKey)) {
            throw UserException.forKey("pki", dir + " has no ca.key: issue certificates where the authority's key is");
        }
        List<GeneralName> names = new ArrayList<>();
        for (String host : hosts) {
            boolean ip = host.matches("[0-9.]+") || host.contains(":");
            try {
                names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
            } catch (IllegalArgumentException e) {
                throw UserException.forKey("host", host + ": not a DNS name or IP address");
            }
        }
        List<KeyPurposeId> purposes = new ArrayList<>();
        if (role == Role.SITE) {
            purposes.add(KeyPurposeId.id_kp_clientAuth);
        }
        if (!names.isEmpty()) {
            purposes.add(KeyPurposeId.id_kp_serverAuth);
        }
        try {
            X509Certificate ca = readCertificate(dir.resolve(CA + ".crt"));
            PrivateKey caPrivate = readKey(caKey);
            KeyPair keys = newKeys();
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            Instant now = Instant.now();
            X509v3CertificateBuilder cert = new JcaX509v3CertificateBuilder(ca, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                    new X500Name("CN=" + name + ",OU=" + role.id() + ",O=" + ORGANISATION), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            if (!names.isEmpty()) {
                cert.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            X509Certificate certificate = sign(cert, caPrivate);
            certificate.verify(ca.getPublicKey());
            writeKey(dir.resolve(name + ".key"), keys.getPrivate());
            writePem(certFile, certificate);
            return member(name, role);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot issue " + name + " in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The authority's certificate file. */
    public Path caCertificate() {
        return dir.resolve(CA + ".crt");
    }

    /**
     * A member's certificate and key files, checked to be of {@code role}.
     *
     * @throws UserException keyed {@code name} when they are missing or the certificate is of another role
     */
    public Member member(String name, Role role) {
        Path cert = dir.resolve(checkName(name) + ".crt");
        Path key = dir.resolve(name + ".key");
        String reissue = "histoscale pki issue --pki " + dir + " --name " + name + " --role " + role.id();
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            throw UserException.forKey("name", name + ": no certificate in " + dir + " (" + cert.getFileName() + ", "
                    + key.getFileName() + "); issue one with: " + reissue);
        }
        Optional<Role> actual;
        try {
            actual = role(readCertificate(cert));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cert + ": " + e.getMessage(), e);
        }
        if (actual.isEmpty()) {
            throw UserException.forKey("name", name + ": " + cert + " records no role (it predates roles); delete "
                    + cert.getFileName() + " and " + key.getFileName() + " and re-issue it with: " + reissue);
        }
        if (actual.get() != role) {
            throw UserException.forKey("name", name + ": " + cert + " is a " + actual.get().id() + " certificate, not "
                    + "a " + role.id() + "'s; use the " + role.id() + "'s certificate, or issue one with: " + reissue);
        }
        return new Member(name, role, cert, key, caCertificate());
    }

    /** A member's files: certificate, private key, and the authority's certificate it trusts. */
    public record Member(String name, Role role, Path certificate, Path key, Path ca) {
    }

    /**
     * The role a certificate was issued for: its subject's OU, when its extended key usage agrees (a coordinator's
     * is no client certificate, a site's is one); empty for anything else.
     */
    public static Optional<Role> role(X509Certificate certificate) {
        RDN[] ou = subject(certificate).getRDNs(BCStyle.OU);
        if (ou.length != 1) {
            return Optional.empty();
        }
        String id = IETFUtils.valueToString(ou[0].getFirst().getValue());
        List<String> purposes;
        try {
            purposes = certificate.getExtendedKeyUsage();
        } catch (CertificateParsingException e) {
            return Optional.empty();
        }
        boolean client = purposes != null && purposes.contains(KeyPurposeId.id_kp_clientAuth.getId());
        for (Role r : Role.values()) {
            if (r.id().equals(id) && client == (r == Role.SITE)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The host names and IP addresses a certificate may serve TLS under (its subject alternative names). */
    public static List<String> hosts(X509Certificate certificate) {
        List<String> hosts = new ArrayList<>();
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    hosts.add(String.valueOf(n.get(1)));
                }
            }
        } catch (CertificateParsingException e) {
            // no usable names: it serves under none
        }
        return hosts;
    }

    /** The common name (CN) of a certificate's subject: a member's identity. */
    public static String commonName(X509Certificate certificate) {
        RDN[] cn = subject(certificate).getRDNs(BCStyle.CN);
        if (cn.length == 0) {
            throw new IllegalArgumentException("certificate " + certificate.getSubjectX500Principal() + " has no CN");
        }
        return IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    private static X500Name subject(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }

    public static X509Certificate readCertificate(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file); PEMParser pem = new PEMParser(in)) {
            Object o = pem.readObject();
            if (!(o instanceof X509CertificateHolder holder)) {
                throw new IOException(file + " holds no PEM certificate");
            }
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** A PEM private key as the PKI writes it. */
    public static PrivateKey readKey(Path file) throws IOException {
        try (Reader in = Files.newBufferedReader(file); PEMParser pem = new PEMParser(in)) {
            Object o = pem.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getPrivateKey(pair.getPrivateKeyInfo());
            }
            throw new IOException(file + " holds no PEM private key");
        }
    }

    private static String checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw UserException.forKey("name", name + ": use 1-64 letters, digits, '.', '_' or '-', starting with a "
                    + "letter or digit");
        }
        return name;
    }

    private static KeyPair newKeys() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(key);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static void writePem(Path file, Object object) throws IOException {
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(object);
        }
    }

    /** Private keys as unencrypted PKCS#8, readable by the owner only (what Netty's TLS accepts). */
    private static void writeKey(Path file, PrivateKey key) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system; the key is as protected as the folder
        }
        try (Writer out = Files.newBufferedWriter(file); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            pem.writeObject(new JcaPKCS8Generator(key, null));
        }
    }
}
