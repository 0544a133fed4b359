package io.histoscale.slide.fake;

import io.histoscale.core.UserException;
import io.histoscale.slide.AbstractSlide;
import io.histoscale.slide.Level;
import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideBackend;
import io.histoscale.slide.SlideReaderProvider;
import io.histoscale.slide.UnsupportedSlideException;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Backend {@code fake}, registered from the test sources only: the whole of a new backend is this file and one line in
 * {@code src/test/resources/META-INF/services/io.histoscale.slide.SlideReaderProvider}.
 *
 * <p>It reads a text format: a first line {@code fakeslide}, then {@code width}, {@code height}, {@code colour}
 * (hex RGB) and optionally {@code mpp}, one {@code key value} a line. The slide has two levels (downsample 1 and 4),
 * every pixel of the image the colour, and white outside it.
 */
public final class FakeSlideProvider implements SlideReaderProvider {

    public static final SlideBackend BACKEND = new SlideBackend("fake");
    private static final String MAGIC = "fakeslide";

    /** Writes a fake slide. */
    public static Path write(Path file, int width, int height, int rgb, double mpp) throws IOException {
        return Files.writeString(file, MAGIC + "\nwidth " + width + "\nheight " + height
                + "\ncolour " + String.format("%06x", rgb) + (Double.isNaN(mpp) ? "" : "\nmpp " + mpp) + "\n");
    }

    @Override
    public SlideBackend backend() {
        return BACKEND;
    }

    @Override
    public String formats() {
        return "HistoScale's test format .fakeslide";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public Support probe(Path path) {
        return isFake(path) ? Support.RECOGNISED : Support.NONE;
    }

    @Override
    public Slide open(Path path) {
        if (!isFake(path)) {
            throw new UnsupportedSlideException(path + " is not a fake slide: it does not start with '" + MAGIC + "'.");
        }
        Map<String, String> fields = new HashMap<>();
        try {
            List<String> lines = Files.readAllLines(path, StandardCharsets.ISO_8859_1);
            for (String line : lines.subList(1, lines.size())) {
                String[] kv = line.strip().split("\\s+", 2);
                if (kv.length == 2) fields.put(kv[0], kv[1]);
            }
            return new FakeSlide(path, Integer.parseInt(fields.get("width")), Integer.parseInt(fields.get("height")),
                    Integer.parseInt(fields.get("colour"), 16), fields.get("mpp"));
        } catch (IOException | RuntimeException e) {
            throw new UserException("Fake slide " + path + " is corrupt (" + e.getMessage() + "): it needs width,"
                    + " height and colour lines.", e);
        }
    }

    private static boolean isFake(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            return new String(in.readNBytes(MAGIC.length() + 1), StandardCharsets.ISO_8859_1).equals(MAGIC + "\n");
        } catch (IOException e) {
            return false;
        }
    }

    private static final class FakeSlide extends AbstractSlide {
        private final int rgb;

        FakeSlide(Path path, int width, int height, int rgb, String mpp) {
            super(path, "fake", List.of(new Level(width, height, 1), new Level(width / 4, height / 4, 4)),
                    mpp == null ? Map.of() : Map.of("openslide.mpp-x", mpp, "openslide.mpp-y", mpp), Set.of());
            this.rgb = rgb;
        }

        @Override
        public SlideBackend backend() {
            return BACKEND;
        }

        @Override
        protected BufferedImage read(int level, long x, long y, int w, int h) {
            BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            int[] pixels = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
            Arrays.fill(pixels, 0xFFFFFF);
            long left = Math.round(x / downsample(level)), top = Math.round(y / downsample(level));
            for (int row = 0; row < h; row++) {
                for (int col = 0; col < w; col++) {
                    if (left + col >= 0 && left + col < width(level) && top + row >= 0 && top + row < height(level)) {
                        pixels[row * w + col] = rgb;
                    }
                }
            }
            return image;
        }

        @Override
        protected BufferedImage readAssociatedImage(String name) {
            throw new IllegalStateException("a fake slide has no associated images");
        }

        @Override
        protected void release() {
        }
    }
}
