package io.histoscale.core.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Damage done to a valid document, as a cut-off copy, a bad disk or a hostile author would: flipped bits, random
 * bytes, cuts, deleted and repeated slices, hostile snippets inserted, numbers replaced by extreme ones.
 */
public final class Mutations {
    /** Numbers parsers choke on. */
    public static final List<String> EXTREME_NUMBERS = List.of("NaN", "-NaN", "Infinity", "-Infinity", "1e309",
            "-1e309", "4.9e-324", "1e-400", "-0", "0", "99999999999999999999999999999", "2147483648", "-2147483649",
            "9223372036854775808", "0x10", "1_000", "1,5", "", " ", "1e2147483648", "00000000000000000000001");

    private Mutations() {
    }

    /** {@code doc} damaged {@code 1 + random(max)} times, each time in one of the ways above. */
    public static byte[] mutate(byte[] doc, Random random, int max, List<String> snippets) {
        byte[] out = doc;
        int times = 1 + random.nextInt(max);
        for (int i = 0; i < times; i++) {
            out = once(out, random, snippets);
        }
        return out;
    }

    private static byte[] once(byte[] doc, Random random, List<String> snippets) {
        int n = doc.length;
        int at = n == 0 ? 0 : random.nextInt(n);
        switch (random.nextInt(8)) {
            case 0: { // flip a bit
                if (n == 0) return doc;
                byte[] out = doc.clone();
                out[at] ^= (byte) (1 << random.nextInt(8));
                return out;
            }
            case 1: { // a random byte
                if (n == 0) return doc;
                byte[] out = doc.clone();
                out[at] = (byte) random.nextInt(256);
                return out;
            }
            case 2: // cut off
                return Arrays.copyOf(doc, at);
            case 3: { // delete a slice
                int length = Math.min(n - at, 1 + random.nextInt(64));
                return splice(doc, at, length, new byte[0]);
            }
            case 4: { // repeat a slice
                int length = Math.min(n - at, 1 + random.nextInt(256));
                return splice(doc, at, 0, Arrays.copyOfRange(doc, at, at + length));
            }
            case 5: { // random bytes
                byte[] noise = new byte[1 + random.nextInt(16)];
                random.nextBytes(noise);
                return splice(doc, at, 0, noise);
            }
            case 6: // a hostile snippet
                return snippets.isEmpty() ? doc : splice(doc, at, 0, pick(snippets, random).getBytes(StandardCharsets.UTF_8));
            default:
                return replaceNumber(doc, random);
        }
    }

    /** A number in the document (the first run of digits from a random place) replaced by an extreme one. */
    static byte[] replaceNumber(byte[] doc, Random random) {
        int n = doc.length;
        int start = n == 0 ? 0 : random.nextInt(n);
        while (start < n && !Character.isDigit(doc[start])) {
            start++;
        }
        int end = start;
        while (end < n && (Character.isDigit(doc[end]) || doc[end] == '.' || doc[end] == '-')) {
            end++;
        }
        return splice(doc, start, end - start, pick(EXTREME_NUMBERS, random).getBytes(StandardCharsets.UTF_8));
    }

    /** {@code doc} with {@code length} bytes at {@code at} replaced by {@code insert}. */
    public static byte[] splice(byte[] doc, int at, int length, byte[] insert) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(doc.length + insert.length);
        out.write(doc, 0, at);
        out.write(insert, 0, insert.length);
        out.write(doc, at + length, doc.length - at - length);
        return out.toByteArray();
    }

    /** One element, uniformly. */
    public static <T> T pick(List<T> items, Random random) {
        return items.get(random.nextInt(items.size()));
    }

    /**
     * Text from characters that break parsers: quotes, separators, line ends, NUL, a byte-order mark, lone and paired
     * surrogates, combining marks, non-breaking and wide spaces, as well as plain letters and digits.
     */
    public static String nastyText(Random random, int maxLength) {
        String alphabet = "aZ09 ,;\"'\t\r\n\0\\/<>&=#:-_.é\u00A0\u2028\u3000\uFEFF\u0301\uD800\uDC00{}[]|";
        int length = random.nextInt(maxLength + 1);
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(16) == 0) {
                s.appendCodePoint(0x1F600 + random.nextInt(64)); // outside the BMP: a surrogate pair
            } else {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return s.toString();
    }
}
