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
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A federation's certificate authority and the certificates of its members (sites and coordinator), made with
 * BouncyCastle: EC P-256 keys, SHA-256 ECDSA signatures, PEM files.
 *
 * <p>Layout of a PKI folder: {@code ca.crt} and {@code ca.key} (the authority; keep the key off the sites), and per
 * member {@code <name>.crt} and {@code <name>.key} (PKCS#8). A member's name is its certificate's common name (CN),
 * which is how peers know who they talk to. Member certificates serve both as TLS client and server certificates
 * (sites accept peer-to-peer transfers) and name {@code localhost}, {@code 127.0.0.1} and any extra hosts.
 */
public final class Pki {

    public static final String CA = "ca";
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
            X500Name subject = new X500Name("CN=" + checkName(name) + ",O=HistoScale federation");
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

    /**
     * Issues a certificate for a member named {@code name} (its CN), valid for localhost, 127.0.0.1 and
     * {@code hosts} (DNS names or IP addresses).
     *
     * @throws UserException for a bad name, a missing CA key or an existing certificate of that name
     */
    public Member issue(String name, List<String> hosts) {
        checkName(name);
        if (name.equals(CA)) {
            throw UserException.forKey("name", "ca is the certificate authority's own file name; choose another name");
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
        try {
            X509Certificate ca = readCertificate(dir.resolve(CA + ".crt"));
            PrivateKey caPrivate = readKey(caKey);
            KeyPair keys = newKeys();
            List<GeneralName> names = new ArrayList<>(List.of(new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, name)));
            for (String host : hosts) {
                boolean ip = host.matches("[0-9.]+") || host.contains(":");
                names.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, host));
            }
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            Instant now = Instant.now();
            X509v3CertificateBuilder cert = new JcaX509v3CertificateBuilder(ca, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                    new X500Name("CN=" + name + ",O=HistoScale federation"), keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(names.toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            X509Certificate certificate = sign(cert, caPrivate);
            certificate.verify(ca.getPublicKey());
            writeKey(dir.resolve(name + ".key"), keys.getPrivate());
            writePem(certFile, certificate);
            return member(name);
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
     * A member's certificate and key files.
     *
     * @throws UserException when they are missing
     */
    public Member member(String name) {
        Path cert = dir.resolve(checkName(name) + ".crt");
        Path key = dir.resolve(name + ".key");
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            throw new UserException("no certificate for " + name + " in " + dir + " (" + cert.getFileName() + ", "
                    + key.getFileName() + "); issue one with: histoscale pki issue --pki " + dir + " --name " + name);
        }
        return new Member(name, cert, key, caCertificate());
    }

    /** A member's files: certificate, private key, and the authority's certificate it trusts. */
    public record Member(String name, Path certificate, Path key, Path ca) {
    }

    /** The common name (CN) of a certificate's subject: a member's identity. */
    public static String commonName(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        RDN[] cn = subject.getRDNs(BCStyle.CN);
        if (cn.length == 0) {
            throw new IllegalArgumentException("certificate " + subject + " has no CN");
        }
        return IETFUtils.valueToString(cn[0].getFirst().getValue());
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

    static PrivateKey readKey(Path file) throws IOException {
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
