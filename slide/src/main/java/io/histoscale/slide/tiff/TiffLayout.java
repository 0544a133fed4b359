package io.histoscale.slide.tiff;

import com.twelvemonkeys.imageio.metadata.CompoundDirectory;
import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;
import io.histoscale.core.UserException;
import io.histoscale.slide.Level;
import io.histoscale.slide.UnsupportedSlideException;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * How a TIFF slide is laid out, decided as OpenSlide 3.4.1 does: which pages are pyramid levels, which are associated
 * images, and the properties OpenSlide would report.
 *
 * <p>Aperio SVS (ImageDescription starting "Aperio"): every tiled page is a level, in file order; stripped pages are
 * associated images, the second page "thumbnail", the others named by the first word of their description's second
 * line ("label", "macro"). Generic TIFF: page 0 and every tiled reduced-resolution page are levels, widest first.
 */
record TiffLayout(String format, List<Page> levels, Map<String, Page> associatedImages,
                  Map<String, String> properties) {

    static final int COMPRESSION_JPEG = 7;
    private static final Set<Integer> DECODABLE_COMPRESSIONS = Set.of(
            1, 5, COMPRESSION_JPEG, 8, 32773, 32946); // none, LZW, JPEG, Deflate, PackBits, old Deflate
    private static final Set<Integer> JPEG_2000 = Set.of(33003, 33005, 34712);
    private static final int TAG_NDPI_FORMAT_FLAG = 65420;
    private static final int MAX_TILE_SIDE = 4096;
    private static final int MAX_SAMPLES = 5;
    /** Label, macro and thumbnail images are decoded whole: at most 16 Mi pixels (4096x4096; scanners write ~2 Mi). */
    private static final long MAX_ASSOCIATED_PIXELS = 1L << 24;

    /**
     * One TIFF page (image file directory); tile sizes are 0 for stripped pages.
     *
     * @param reduced         whether NewSubfileType marks it a reduced-resolution version of another page
     * @param description     its ImageDescription, or null
     * @param samplesPerPixel its SamplesPerPixel (1 when absent)
     * @param bitsPerSample   the largest of its BitsPerSample (1 when absent)
     */
    record Page(int index, long width, long height, int tileWidth, int tileHeight, int compression, boolean reduced,
                String description, long samplesPerPixel, long bitsPerSample) {
        boolean tiled() {
            return tileWidth > 0;
        }
    }

    /** Level sizes, downsamples as OpenSlide computes them: the mean of the width and height ratios to level 0. */
    List<Level> levelSizes() {
        return sizes(levels);
    }

    /** The layout, or empty when the file is not a TIFF (classic or BigTIFF). */
    static Optional<TiffLayout> read(Path path) {
        if (!isTiff(path)) {
            return Optional.empty();
        }
        List<Directory> ifds = readDirectories(path);
        checkComplete(path, ifds);
        if (ifds.get(0).getEntryById(TAG_NDPI_FORMAT_FLAG) != null) {
            throw unsupported(path, "a Hamamatsu NDPI slide");
        }
        List<Page> pages = IntStream.range(0, ifds.size()).mapToObj(i -> page(i, ifds.get(i))).toList();
        Page first = pages.get(0);
        if (!first.tiled()) {
            throw new UnsupportedSlideException(path + " is a TIFF image stored in strips, not a tiled whole-slide"
                    + " pyramid; convert it to a tiled pyramidal TIFF"
                    + " (e.g. vips tiffsave in.tif out.tif --tile --pyramid).");
        }
        boolean aperio = first.description() != null && first.description().startsWith("Aperio");

        List<Page> levels = new ArrayList<>();
        Map<String, Page> associated = new LinkedHashMap<>();
        for (Page page : pages) {
            if (page.tiled() && (aperio || page.index() == 0 || page.reduced())) {
                levels.add(page);
            } else if (aperio && !page.tiled()) {
                String name = page.index() == 1 ? "thumbnail" : associatedName(page.description());
                if (name != null) {
                    associated.put(name, page);
                }
            }
        }
        if (!aperio) {
            levels.sort(Comparator.comparingLong(Page::width).reversed());
        }
        for (Page level : levels) {
            checkReadable(path, level);
        }
        for (Page image : associated.values()) {
            checkSamples(path, image);
            if (image.width() <= 0 || image.height() <= 0 || image.width() * image.height() > MAX_ASSOCIATED_PIXELS) {
                throw corrupt(path, "has an associated image of " + image.width() + "x" + image.height() + " pixels");
            }
        }
        String format = aperio ? "aperio" : "generic-tiff";
        return Optional.of(new TiffLayout(format, levels, associated, properties(format, levels, ifds.get(0))));
    }

    static boolean isTiff(Path path) {
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes(4);
        } catch (IOException e) {
            throw new UserException("Cannot read slide file " + path + ": " + e.getMessage(), e);
        }
        return head.length == 4
                && (head[0] == 'I' && head[1] == 'I' && (head[2] == 42 || head[2] == 43) && head[3] == 0
                || head[0] == 'M' && head[1] == 'M' && head[2] == 0 && (head[3] == 42 || head[3] == 43));
    }

    private static List<Directory> readDirectories(Path path) {
        try (ImageInputStream in = ImageIO.createImageInputStream(path.toFile())) {
            CompoundDirectory directories = (CompoundDirectory) new TIFFReader().read(in);
            int chained = countChainedDirectories(path, in);
            if (chained == 0 || directories.directoryCount() != chained) {
                throw new IOException(chained + " directories chained, " + directories.directoryCount() + " readable");
            }
            List<Directory> ifds = new ArrayList<>();
            for (int i = 0; i < chained; i++) {
                ifds.add(directories.getDirectory(i));
            }
            return ifds;
        } catch (UserException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new UserException(path + " is a TIFF file whose directories cannot be read (" + e.getMessage()
                    + "): it is probably truncated or corrupt; copy it again from its source.", e);
        }
    }

    /**
     * Walks the chain of directories, failing at one past the end of the file: TwelveMonkeys' reader silently stops
     * there, which would hide the missing pages of a cut-off copy.
     */
    private static int countChainedDirectories(Path path, ImageInputStream in) throws IOException {
        in.seek(2); // The byte order is set: TIFFReader read it.
        boolean bigTiff = in.readUnsignedShort() == 43;
        in.seek(bigTiff ? 8 : 4);
        long size = in.length();
        Set<Long> seen = new HashSet<>();
        int count = 0;
        for (long offset = readOffset(in, bigTiff); offset != 0; count++) {
            if (!seen.add(offset)) {
                throw new IOException("the directory at byte " + offset + " links back into the chain");
            }
            long entries = -1;
            if (offset <= size - 8) {
                in.seek(offset);
                entries = bigTiff ? in.readLong() : in.readUnsignedShort();
            }
            long next = offset + (bigTiff ? 8 + entries * 20 : 2 + entries * 12);
            if (entries < 0 || next + (bigTiff ? 8 : 4) > size) {
                throw new UserException(path + " is truncated: its TIFF directory at byte " + offset
                        + " runs past the end of the file (" + size + " bytes). Copy it again from its source.");
            }
            in.seek(next);
            offset = readOffset(in, bigTiff);
        }
        return count;
    }

    private static long readOffset(ImageInputStream in, boolean bigTiff) throws IOException {
        return bigTiff ? in.readLong() : in.readUnsignedInt();
    }

    private static Page page(int index, Directory ifd) {
        return new Page(index, number(ifd, 256, 0), number(ifd, 257, 0), (int) number(ifd, 322, 0),
                (int) number(ifd, 323, 0), (int) number(ifd, 259, 1), (number(ifd, 254, 0) & 1) != 0,
                string(ifd, 270), number(ifd, 277, 1), Arrays.stream(numbers(ifd.getEntryById(258))).max().orElse(1));
    }

    private static List<Level> sizes(List<Page> levels) {
        Page base = levels.get(0);
        return levels.stream()
                .map(p -> new Level(p.width(), p.height(),
                        ((double) base.width() / p.width() + (double) base.height() / p.height()) / 2))
                .toList();
    }

    /** Every strip and tile must lie inside the file; a cut-off copy fails here rather than in the middle of a run. */
    private static void checkComplete(Path path, List<Directory> ifds) {
        long size;
        try {
            size = Files.size(path);
        } catch (IOException e) {
            throw new UserException("Cannot read slide file " + path + ": " + e.getMessage(), e);
        }
        long end = 0;
        for (Directory ifd : ifds) {
            long[] offsets = numbers(ifd.getEntryById(ifd.getEntryById(324) != null ? 324 : 273));
            long[] counts = numbers(ifd.getEntryById(ifd.getEntryById(325) != null ? 325 : 279));
            for (int i = 0; i < Math.min(offsets.length, counts.length); i++) {
                end = Math.max(end, offsets[i] + counts[i]);
            }
        }
        if (end > size) {
            throw new UserException(path + " is truncated: its image data runs to byte " + end + " but the file has "
                    + size + " bytes. Copy it again from its source.");
        }
    }

    /**
     * Checks what a decoder would trust before it allocates: sizes, tile sizes and samples. Limits: tiles of at most
     * {@value #MAX_TILE_SIDE} pixels a side (scanners write 240 to 1024), at most {@value #MAX_SAMPLES} samples of at
     * most 16 bits per pixel.
     */
    private static void checkReadable(Path path, Page level) {
        if (level.width() <= 0 || level.height() <= 0 || level.tileHeight() <= 0
                || level.tileWidth() > MAX_TILE_SIDE || level.tileHeight() > MAX_TILE_SIDE) {
            throw corrupt(path, "has a pyramid level of " + level.width() + "x" + level.height() + " pixels in tiles of "
                    + level.tileWidth() + "x" + level.tileHeight());
        }
        checkSamples(path, level);
        int compression = level.compression();
        if (JPEG_2000.contains(compression)) {
            throw unsupported(path, "a slide compressed with JPEG 2000 (TIFF compression " + compression + ")");
        }
        if (!DECODABLE_COMPRESSIONS.contains(compression)) {
            throw unsupported(path, "a slide with TIFF compression " + compression);
        }
    }

    private static void checkSamples(Path path, Page page) {
        if (page.samplesPerPixel() < 1 || page.samplesPerPixel() > MAX_SAMPLES || page.bitsPerSample() < 1
                || page.bitsPerSample() > 16) {
            throw corrupt(path, "has an image of " + page.samplesPerPixel() + " samples per pixel of "
                    + page.bitsPerSample() + " bits");
        }
    }

    private static UserException corrupt(Path path, String what) {
        return new UserException(path + " " + what + ": the file is corrupt; copy it again from its source.");
    }

    /** A slide the TIFF reader cannot decode, though another reader (OpenSlide) may. */
    private static UnsupportedSlideException unsupported(Path path, String what) {
        return new UnsupportedSlideException(path + " is " + what + ", which the TIFF reader cannot decode.");
    }

    /** First word of the description's second line, as OpenSlide names Aperio's label and macro images. */
    private static String associatedName(String description) {
        if (description == null) {
            return null;
        }
        String[] lines = description.split("[\r\n]", -1);
        if (lines.length < 2) {
            return null;
        }
        String name = lines[1].split(" ", -1)[0];
        return name.isEmpty() ? null : name;
    }

    private static Map<String, String> properties(String format, List<Page> levels, Directory first) {
        Map<String, String> properties = new HashMap<>();
        properties.put("openslide.vendor", format);
        List<Level> sizes = sizes(levels);
        properties.put("openslide.level-count", Integer.toString(sizes.size()));
        for (int i = 0; i < sizes.size(); i++) {
            String prefix = "openslide.level[" + i + "].";
            properties.put(prefix + "width", Long.toString(sizes.get(i).width()));
            properties.put(prefix + "height", Long.toString(sizes.get(i).height()));
            properties.put(prefix + "downsample", formatDouble(sizes.get(i).downsample()));
            properties.put(prefix + "tile-width", Integer.toString(levels.get(i).tileWidth()));
            properties.put(prefix + "tile-height", Integer.toString(levels.get(i).tileHeight()));
        }
        String description = string(first, 270);
        if (description != null) {
            properties.put("openslide.comment", description);
        }
        Map<Integer, String> strings = Map.of(270, "ImageDescription", 271, "Make", 272, "Model", 305, "Software",
                306, "DateTime", 315, "Artist", 316, "HostComputer", 33432, "Copyright", 269, "DocumentName");
        strings.forEach((tag, name) -> {
            String value = string(first, tag);
            if (value != null) {
                properties.put("tiff." + name, value);
            }
        });
        Map<Integer, String> decimals = Map.of(282, "XResolution", 283, "YResolution", 286, "XPosition",
                287, "YPosition");
        decimals.forEach((tag, name) -> {
            Entry entry = first.getEntryById(tag);
            if (entry != null && entry.getValue() instanceof Number value) {
                properties.put("tiff." + name, formatDouble(value.doubleValue()));
            }
        });
        properties.put("tiff.ResolutionUnit", switch ((int) number(first, 296, 2)) {
            case 1 -> "none";
            case 2 -> "inch";
            case 3 -> "centimeter";
            default -> "unknown";
        });
        if (format.equals("aperio")) {
            addAperioProperties(properties, description);
        }
        return properties;
    }

    /** "header|AppMag = 20|MPP = 0.4990" gives aperio.AppMag, aperio.MPP, objective power and MPP. */
    private static void addAperioProperties(Map<String, String> properties, String description) {
        String[] fields = description.split("\\|");
        for (int i = 1; i < fields.length; i++) {
            String[] pair = fields[i].split("=", 2);
            if (pair.length == 2) {
                properties.put("aperio." + pair[0].strip(), pair[1].strip());
            }
        }
        String magnification = properties.get("aperio.AppMag");
        if (magnification != null && magnification.matches("[+-]?\\d+")) {
            properties.put("openslide.objective-power", Long.toString(Long.parseLong(magnification)));
        }
        String mpp = properties.get("aperio.MPP");
        if (mpp != null) {
            try {
                String formatted = formatDouble(Double.parseDouble(mpp));
                properties.put("openslide.mpp-x", formatted);
                properties.put("openslide.mpp-y", formatted);
            } catch (NumberFormatException e) {
                // OpenSlide leaves MPP unset when the description's value is not a number; so do we.
            }
        }
    }

    /** Doubles as OpenSlide prints them (GLib's g_ascii_dtostr): 15 significant digits, 17 when 15 do not round-trip. */
    static String formatDouble(double value) {
        BigDecimal exact = new BigDecimal(value);
        BigDecimal rounded = exact.round(new MathContext(15));
        if (rounded.doubleValue() != value) {
            rounded = exact.round(new MathContext(17));
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    private static String string(Directory ifd, int tag) {
        Entry entry = ifd.getEntryById(tag);
        return entry != null && entry.getValue() instanceof String value ? value : null;
    }

    private static long number(Directory ifd, int tag, long fallback) {
        long[] values = numbers(ifd.getEntryById(tag));
        return values.length > 0 ? values[0] : fallback;
    }

    private static long[] numbers(Entry entry) {
        Object value = entry == null ? null : entry.getValue();
        if (value instanceof Number number) {
            return new long[] {number.longValue()};
        }
        if (value instanceof long[] longs) {
            return longs;
        }
        if (value instanceof int[] ints) {
            return Arrays.stream(ints).asLongStream().toArray();
        }
        if (value instanceof short[] shorts) {
            long[] longs = new long[shorts.length];
            for (int i = 0; i < shorts.length; i++) {
                longs[i] = shorts[i] & 0xFFFF;
            }
            return longs;
        }
        return new long[0];
    }
}
