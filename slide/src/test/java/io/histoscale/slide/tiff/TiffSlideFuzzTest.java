package io.histoscale.slide.tiff;

import io.histoscale.core.fuzz.Fuzz;
import io.histoscale.core.fuzz.Mutations;
import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideTestData;
import io.histoscale.slide.Slides;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.statistics.Statistics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Hostile TIFF files for the pure-Java reader: small pyramids (both byte orders) whose directories are damaged where a
 * parser trusts them (entry types, counts and offsets set to extremes, directory chains looping or pointing past the
 * end, tile sizes of 2^31) or whose bytes are damaged as a bad copy would (cuts, flips, slices). Opening each with the
 * TIFF reader and reading every level, a region across tiles and the associated images gives pixels or a
 * UserException naming the file, within the time and allocation limits.
 */
@Tag("fuzz")
class TiffSlideFuzzTest {
    /** Values a damaged directory entry may hold: empty, one, the file's end and beyond, 2^31, all ones. */
    private static final long[] EXTREMES = {0, 1, 2, 7, 65_535, 65_536, 1 << 20, 0x7FFF_FFFFL, 0x8000_0000L,
            0xFFFF_FFFFL};
    private static final List<String> SNIPPETS = List.of("II*\0", "MM\0*", "II+\0", "\0\0\0\0", "\uFFFF",
            "Aperio Image Library|MPP = NaN|AppMag = -1e309", "\u00FF\u00D8\u00FF\u00DB", "\u00FF\u00D9");
    private static final List<byte[]> PYRAMIDS = pyramids();

    @Property(tries = 400, seed = "20261213", shrinking = ShrinkingMode.OFF)
    void anyTiffGivesPixelsOrAUserErrorNamingTheFile(@ForAll("tiffs") Fuzz.Bytes tiff) {
        Statistics.collect(Fuzz.parse("fuzzed-slide.tif", tiff, TiffSlideFuzzTest::readAll));
        Fuzz.coverBothOutcomes(40);
    }

    @Provide
    Arbitrary<Fuzz.Bytes> tiffs() {
        return Fuzz.bytes(TiffSlideFuzzTest::tiff);
    }

    /** Uses a slide as a tiler would: each level's size and first tile, a region across tiles, associated images. */
    private static Object readAll(Path file) {
        try (Slide slide = Slides.open(file, "tiff")) {
            slide.mpp();
            for (int level = 0; level < slide.levelCount(); level++) {
                slide.readRegion(level, 0, 0, 64, 64);
            }
            slide.readRegion(0, 100, 100, 200, 150);
            for (String name : slide.associatedImageNames()) {
                slide.associatedImage(name);
            }
            return slide.properties();
        }
    }

    /** A pristine pyramid, its directories damaged, its bytes damaged, or both. */
    static byte[] tiff(Random random) {
        byte[] doc = PYRAMIDS.get(random.nextInt(PYRAMIDS.size())).clone();
        return switch (random.nextInt(5)) {
            case 0, 1 -> damageDirectories(doc, random, 1 + random.nextInt(3));
            case 2 -> Mutations.mutate(doc, random, 3, SNIPPETS);
            case 3 -> Mutations.mutate(damageDirectories(doc, random, 1), random, 2, SNIPPETS);
            default -> Arrays.copyOf(doc, random.nextInt(doc.length)); // cut off
        };
    }

    /**
     * Sets {@code times} fields of the file's directory entries (type, count or value) or directory links to extreme
     * values. Classic TIFF: 12-byte entries of tag, type, count and value-or-offset.
     */
    static byte[] damageDirectories(byte[] doc, Random random, int times) {
        ByteBuffer buffer = ByteBuffer.wrap(doc).order(doc[0] == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        List<Integer> entries = new ArrayList<>();
        List<Integer> links = new ArrayList<>(List.of(4));
        long ifd = Integer.toUnsignedLong(buffer.getInt(4));
        for (int i = 0; i < 16 && ifd > 0 && ifd + 2 <= doc.length; i++) {
            int count = Short.toUnsignedInt(buffer.getShort((int) ifd));
            int link = (int) ifd + 2 + 12 * count;
            if (link + 4 > doc.length) {
                break;
            }
            for (int e = 0; e < count; e++) {
                entries.add((int) ifd + 2 + 12 * e);
            }
            links.add(link);
            ifd = Integer.toUnsignedLong(buffer.getInt(link));
        }
        for (int i = 0; i < times; i++) {
            long value = random.nextInt(4) == 0 ? doc.length + random.nextInt(3) - 1
                    : EXTREMES[random.nextInt(EXTREMES.length)];
            if (entries.isEmpty() || random.nextInt(8) == 0) {
                int link = Mutations.pick(links, random);
                buffer.putInt(link, (int) (random.nextBoolean() ? value : link - 2 - random.nextInt(4) * 12));
                continue;
            }
            int entry = Mutations.pick(entries, random);
            switch (random.nextInt(3)) {
                case 0 -> buffer.putShort(entry + 2, (short) random.nextInt(20)); // type: any, known or not
                case 1 -> buffer.putInt(entry + 4, (int) value); // count
                default -> buffer.putInt(entry + 8, (int) value); // value or offset
            }
        }
        return doc;
    }

    /**
     * Sets the entry of {@code tag} in directory {@code ifd} (0 the first) of a classic TIFF to {@code type}, {@code
     * count} and a value-or-offset of {@code value}, as a damaged file might hold it.
     */
    static byte[] setEntry(byte[] doc, int ifd, int tag, int type, int count, int value) {
        ByteBuffer buffer = ByteBuffer.wrap(doc).order(doc[0] == 'M' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int at = buffer.getInt(4);
        for (int i = 0; i < ifd; i++) {
            at = buffer.getInt(at + 2 + 12 * Short.toUnsignedInt(buffer.getShort(at)));
        }
        for (int e = 0, n = Short.toUnsignedInt(buffer.getShort(at)); e < n; e++) {
            int entry = at + 2 + 12 * e;
            if (Short.toUnsignedInt(buffer.getShort(entry)) == tag) {
                buffer.putShort(entry + 2, (short) type).putInt(entry + 4, count).putInt(entry + 8, value);
                return doc;
            }
        }
        throw new IllegalArgumentException("no tag " + tag + " in directory " + ifd);
    }

    private static List<byte[]> pyramids() {
        try {
            Path dir = Files.createTempDirectory("tiff-fuzz-");
            try {
                List<byte[]> pyramids = new ArrayList<>();
                for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
                    Path file = SlideTestData.writePyramid(dir.resolve("pyramid.tif"), order);
                    pyramids.add(Files.readAllBytes(file));
                    Files.delete(file);
                }
                return pyramids;
            } finally {
                Files.delete(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
