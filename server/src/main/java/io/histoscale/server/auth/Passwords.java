package io.histoscale.server.auth;

import io.histoscale.core.UserException;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Password hashes: Argon2id (RFC 9106) through BouncyCastle, written as a PHC string
 * {@code $argon2id$v=19$m=19456,t=2,p=1$SALT$HASH} (salt and hash in base64 without padding), the form other Argon2
 * libraries read. A hash carries its own parameters, so hashes made with other parameters still verify.
 *
 * <p>The default parameters (19 MiB, 2 passes, 1 lane: OWASP's recommendation) cost some tens of milliseconds of one
 * core. At most as many hashes as there are cores are computed at once; more callers wait, so that a burst of logins
 * cannot take the server's memory.
 */
public final class Passwords {

    /** The shortest password accepted for a new one. */
    public static final int MIN_LENGTH = 10;
    /** The longest password accepted (longer ones are refused before hashing). */
    public static final int MAX_LENGTH = 1024;

    /** Argon2id's cost: memory in KiB, passes over it, lanes. */
    public record Parameters(int memoryKiB, int iterations, int parallelism) {
        /** 19 MiB, 2 passes, 1 lane. */
        public static final Parameters DEFAULT = new Parameters(19 * 1024, 2, 1);

        public Parameters {
            if (parallelism < 1 || parallelism > 16) throw new IllegalArgumentException("parallelism " + parallelism);
            if (iterations < 1 || iterations > 64) throw new IllegalArgumentException("iterations " + iterations);
            if (memoryKiB < 8 * parallelism || memoryKiB > 1024 * 1024) {
                throw new IllegalArgumentException("memory " + memoryKiB + " KiB");
            }
        }
    }

    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getDecoder();
    private static final Pattern PHC = Pattern.compile(
            "\\$argon2id\\$v=19\\$m=(\\d{1,7}),t=(\\d{1,2}),p=(\\d{1,2})\\$([A-Za-z0-9+/]{11,88})\\$([A-Za-z0-9+/]{22,88})");
    private static final Semaphore HASHING = new Semaphore(Math.max(1, Runtime.getRuntime().availableProcessors()));

    private Passwords() {
    }

    /** {@code password} hashed with the default parameters and a new random salt. */
    public static String hash(char[] password) {
        return hash(password, Parameters.DEFAULT);
    }

    /** {@code password} hashed with {@code p} and a new random salt. */
    public static String hash(char[] password, Parameters p) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] hash = argon2(password, salt, p, HASH_BYTES);
        return "$argon2id$v=19$m=" + p.memoryKiB() + ",t=" + p.iterations() + ",p=" + p.parallelism() + "$"
                + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
    }

    /**
     * Whether {@code password} is the one {@code encoded} was made from; false as well when {@code encoded} is not an
     * Argon2id hash this class can read. The hashes are compared in constant time.
     */
    public static boolean verify(char[] password, String encoded) {
        if (password == null || encoded == null || password.length > MAX_LENGTH) return false;
        Matcher m = PHC.matcher(encoded);
        if (!m.matches()) return false;
        Parameters p;
        byte[] salt;
        byte[] expected;
        try {
            p = new Parameters(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            salt = B64_DECODE.decode(m.group(4));
            expected = B64_DECODE.decode(m.group(5));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
        byte[] actual = argon2(password, salt, p, expected.length);
        return MessageDigest.isEqual(actual, expected);
    }

    /** Whether {@code encoded} was made with other parameters than the defaults (and should be made again). */
    public static boolean needsRehash(String encoded) {
        Parameters d = Parameters.DEFAULT;
        return encoded == null || !encoded.startsWith("$argon2id$v=19$m=" + d.memoryKiB() + ",t=" + d.iterations()
                + ",p=" + d.parallelism() + "$");
    }

    /**
     * Refuses a new password that is too short or too long.
     *
     * @throws UserException keyed {@code password}
     */
    public static void checkNew(char[] password) {
        int length = password == null ? 0 : Character.codePointCount(password, 0, password.length);
        if (length < MIN_LENGTH) {
            throw UserException.forKey("password", "is too short (" + length + " characters); give at least "
                    + MIN_LENGTH);
        }
        if (password.length > MAX_LENGTH) {
            throw UserException.forKey("password", "is too long; give at most " + MAX_LENGTH + " characters");
        }
    }

    private static byte[] argon2(char[] password, byte[] salt, Parameters p, int length) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13).withMemoryAsKB(p.memoryKiB())
                .withIterations(p.iterations()).withParallelism(p.parallelism()).withSalt(salt).build();
        byte[] utf8 = utf8(password);
        byte[] out = new byte[length];
        HASHING.acquireUninterruptibly();
        try {
            Argon2BytesGenerator generator = new Argon2BytesGenerator();
            generator.init(params);
            generator.generateBytes(utf8, out);
            return out;
        } finally {
            HASHING.release();
            Arrays.fill(utf8, (byte) 0);
        }
    }

    /** The UTF-8 bytes of {@code chars}, without a String copy that would outlive the call. */
    private static byte[] utf8(char[] chars) {
        ByteBuffer buffer = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[buffer.remaining()];
        buffer.get(bytes);
        if (buffer.hasArray()) Arrays.fill(buffer.array(), (byte) 0);
        return bytes;
    }
}
