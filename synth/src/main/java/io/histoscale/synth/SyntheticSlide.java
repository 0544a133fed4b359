package io.histoscale.synth;

import io.histoscale.core.UserException;
import io.histoscale.slide.camelyon.SlideLabel;

import java.awt.geom.Path2D;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A synthetic H&amp;E lymph-node section with tumour regions of known size, written as a pyramidal Aperio-style TIFF
 * with its ASAP annotation and a JSON ground truth. Same seed and settings, same bytes.
 *
 * <pre>{@code
 * SyntheticSlide slide = SyntheticSlide.builder().optSizeMm(6, 6).optMpp(1.0).optSeed(7).addTumour(2.5).build();
 * slide.writeTiff(dir.resolve("slide.tif"));
 * slide.writeAnnotations(dir.resolve("slide.xml"));
 * slide.writeTruth(dir.resolve("slide.json"));
 * }</pre>
 *
 * <p>The tissue is a large irregular section with a few smaller pieces around it, on white glass. Tumours are blobs
 * whose largest diameter (the largest distance between two outline vertices, as Camelyon measures lesions) equals the
 * asked one, placed fully inside tissue and apart from each other.
 */
public final class SyntheticSlide {
    public static final double DEFAULT_SIZE_MM = 6;
    public static final double DEFAULT_MPP = 1.0;
    /** Largest width or height in pixels; level 1 (1/16 of level 0) is held in memory while writing. */
    public static final int MAX_SIDE_PX = 50_000;

    /** Half-axes of the main section as fractions of the slide's sides; with its wobble it stays on the slide. */
    private static final double MAIN_RADIUS = 0.45;
    private static final double SAFETY_PX = 2;
    private static final double TUMOUR_GAP_MM = 0.05;

    private final double widthMm, heightMm, mpp;
    private final long seed;
    private final int width, height;
    private final List<Blob> tissue;
    private final List<Blob> tumours;
    private final SlideTruth truth;

    private SyntheticSlide(Builder builder) {
        widthMm = builder.widthMm;
        heightMm = builder.heightMm;
        mpp = builder.mpp;
        seed = builder.seed;
        width = (int) Math.round(widthMm * 1000 / mpp);
        height = (int) Math.round(heightMm * 1000 / mpp);
        SplittableRandom random = new SplittableRandom(seed);
        tissue = tissue(random);
        tumours = placeTumours(random, builder.tumoursMm);
        List<PlantedLesion> lesions = tumours.stream().map(t -> new PlantedLesion(t.diameter() * mpp / 1000, t.vertexPairs())).toList();
        truth = new SlideTruth(width, height, mpp,
                SlideLabel.ofLargestLesionMm(lesions.stream().mapToDouble(PlantedLesion::diameterMm).max().orElse(0)), lesions,
                tissue.stream().map(Blob::vertexPairs).toList());
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Size, MPP, label and the tumour outlines in level-0 pixels. */
    public SlideTruth truth() {
        return truth;
    }

    /** Pyramid level sizes as {width, height}, level 0 first. */
    public List<int[]> levelSizes() {
        return PyramidTiffWriter.levelSizes(width, height);
    }

    /** Writes the slide as a pyramidal JPEG-tiled TIFF that OpenSlide opens as "aperio" with this MPP. */
    public void writeTiff(Path file) {
        writeTiff(file, true);
    }

    /**
     * Writes the slide as {@link #writeTiff} does but without its resolution, as some scanners' exports (and TCGA
     * SVS files) come: the description states no MPP, and the TIFF has no resolution tags a reader would trust.
     * Reading it needs a resolution assumed ({@code Slides.withAssumedMpp}).
     */
    public void writeTiffWithoutMpp(Path file) {
        writeTiff(file, false);
    }

    private void writeTiff(Path file, boolean withMpp) {
        SplittableRandom looks = new SplittableRandom(Noise.mix(seed ^ 0x5EED));
        Path2D.Double tissueShape = new Path2D.Double(Path2D.WIND_NON_ZERO);
        tissue.forEach(blob -> tissueShape.append(blob.path(), false));
        TileRenderer renderer = new TileRenderer(tissueShape, tumours.stream().map(Blob::path).toList(), mpp, seed,
                new Stain(looks), Textures.forMpp(mpp));
        String description = String.format(Locale.ROOT,
                "Aperio Image Library HistoScale synthetic\r\n%dx%d [0,0 %dx%d] (%dx%d) JPEG/RGB Q=90|AppMag = %d|MPP = %s",
                width, height, width, height, TileRenderer.TILE, TileRenderer.TILE, mpp < 0.375 ? 40 : 20, mpp);
        if (!withMpp) description = description.substring(0, description.lastIndexOf("|MPP = "));
        try {
            PyramidTiffWriter.write(file, width, height, description, renderer);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write synthetic slide " + file, e);
        }
    }

    /** Writes the tumour outlines as ASAP / Camelyon16 XML in level-0 pixels; no tumours, no annotations. */
    public void writeAnnotations(Path file) {
        AsapXml.write(file, truth.lesions());
    }

    /** Writes {@link #truth()} as JSON. */
    public void writeTruth(Path file) {
        truth.write(file);
    }

    /** One large section near the centre, a little oval, plus one to three small pieces, all inside the slide. */
    private List<Blob> tissue(SplittableRandom random) {
        List<Blob> blobs = new ArrayList<>();
        double aspect = random.nextDouble(0.88, 1);
        boolean wide = random.nextBoolean();
        blobs.add(Blob.random(random, width * (0.5 + random.nextDouble(-0.01, 0.01)),
                height * (0.5 + random.nextDouble(-0.01, 0.01)), MAIN_RADIUS * width * (wide ? 1 : aspect),
                MAIN_RADIUS * height * (wide ? aspect : 1), 0, 0.09, 8, 240).rounded());
        int minSide = Math.min(width, height), pieces = 1 + random.nextInt(3);
        for (int i = 0; i < pieces; i++) {
            double r = minSide * random.nextDouble(0.08, 0.16), reach = 1.25 * r + 0.01 * minSide;
            blobs.add(Blob.random(random, random.nextDouble(reach, width - reach), random.nextDouble(reach, height - reach),
                    r, r * random.nextDouble(0.6, 1.0), random.nextDouble(Math.PI), 0.2, 6, 120).rounded());
        }
        return blobs;
    }

    /** Largest first, so the big ones find room; the result keeps the asked order. */
    private List<Blob> placeTumours(SplittableRandom random, List<Double> diametersMm) {
        Blob[] placed = new Blob[diametersMm.size()];
        List<Blob> done = new ArrayList<>();
        List<Integer> order = IntStream.range(0, placed.length).boxed()
                .sorted(Comparator.comparing((Integer i) -> diametersMm.get(i)).reversed()).toList();
        for (int i : order) {
            placed[i] = placeTumour(random, diametersMm.get(i), done);
            done.add(placed[i]);
        }
        return List.of(placed);
    }

    /**
     * Draws outlines until one fits: its centre goes inside a tissue blob's inscribed disc, shrunk by the tumour's
     * own enclosing radius, which keeps the whole tumour inside tissue; enclosing discs of tumours keep apart.
     */
    private Blob placeTumour(SplittableRandom random, double diameterMm, List<Blob> others) {
        double gapPx = TUMOUR_GAP_MM * 1000 / mpp;
        for (int shape = 0; shape < 30; shape++) {
            Blob outline = Blob.random(random, 0, 0, 1, random.nextDouble(0.7, 1.0), random.nextDouble(Math.PI),
                    0.25, 7, 96);
            outline = outline.scaledAboutBoxCentre(diameterMm * 1000 / mpp / outline.diameter());
            double radius = outline.circumRadius();
            double[] slack = tissue.stream().mapToDouble(b -> Math.max(0, b.inscribedRadius() - radius - SAFETY_PX)).toArray();
            double total = 0;
            for (double s : slack) total += s * s;
            if (total == 0) continue;
            for (int position = 0; position < 200; position++) {
                int blob = 0;
                double pick = random.nextDouble(total);
                while (blob < slack.length - 1 && pick >= slack[blob] * slack[blob]) {
                    pick -= slack[blob] * slack[blob];
                    blob++;
                }
                double angle = random.nextDouble(2 * Math.PI), distance = slack[blob] * Math.sqrt(random.nextDouble());
                double x = tissue.get(blob).cx + distance * Math.cos(angle), y = tissue.get(blob).cy + distance * Math.sin(angle);
                boolean apart = others.stream().allMatch(o ->
                        Math.hypot(o.cx - x, o.cy - y) >= o.circumRadius() + radius + gapPx);
                if (apart) return outline.movedTo(x, y);
            }
        }
        throw new UserException(String.format(Locale.ROOT,
                "a tumour of %.2f mm does not fit in the tissue of a %.1f x %.1f mm slide with the other tumours: "
                        + "use a larger slide, or fewer or smaller tumours", diameterMm, widthMm, heightMm));
    }

    /** Settings of a {@link SyntheticSlide}; every one has a default. */
    public static final class Builder {
        private double widthMm = DEFAULT_SIZE_MM, heightMm = DEFAULT_SIZE_MM, mpp = DEFAULT_MPP;
        private long seed;
        private final List<Double> tumoursMm = new ArrayList<>();

        private Builder() {
        }

        /** Physical size of the scanned area; default {@value #DEFAULT_SIZE_MM} mm square. */
        public Builder optSizeMm(double widthMm, double heightMm) {
            this.widthMm = widthMm;
            this.heightMm = heightMm;
            return this;
        }

        /** Micrometres per level-0 pixel; default {@value #DEFAULT_MPP}. */
        public Builder optMpp(double mpp) {
            this.mpp = mpp;
            return this;
        }

        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Adds a tumour region whose largest diameter is {@code diameterMm}. */
        public Builder addTumour(double diameterMm) {
            tumoursMm.add(diameterMm);
            return this;
        }

        /** Lays out tissue and tumours (no pixels yet). */
        public SyntheticSlide build() {
            if (!(mpp >= 0.1 && mpp <= 20)) {
                throw new UserException("synthetic slide MPP " + mpp + " is out of range: use 0.1 to 20 µm per pixel");
            }
            if (!(widthMm > 0 && heightMm > 0 && Math.min(widthMm, heightMm) * 1000 / mpp >= 256)) {
                throw new UserException(String.format(Locale.ROOT,
                        "synthetic slide size %s x %s mm is too small at %s µm/px: make each side at least %.2f mm",
                        widthMm, heightMm, mpp, 256 * mpp / 1000));
            }
            if (Math.max(widthMm, heightMm) * 1000 / mpp > MAX_SIDE_PX) {
                throw new UserException(String.format(Locale.ROOT,
                        "synthetic slide size %s x %s mm is over %d px a side at %s µm/px: use a smaller size or a larger MPP",
                        widthMm, heightMm, MAX_SIDE_PX, mpp));
            }
            for (double d : tumoursMm) {
                if (!(d * 1000 / mpp >= 4) || d > Math.max(widthMm, heightMm)) {
                    throw new UserException(String.format(Locale.ROOT,
                            "tumour diameter %s mm does not suit a %s x %s mm slide at %s µm/px: "
                                    + "use at least 4 pixels (%.3f mm) and less than the slide", d, widthMm, heightMm, mpp, 4 * mpp / 1000));
                }
            }
            return new SyntheticSlide(this);
        }
    }
}
