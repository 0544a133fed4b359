package io.histoscale.synth;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.util.Arrays;
import java.util.List;

/**
 * Paints level-0 tiles of a synthetic H&amp;E slide. Each tile rasterises the tissue and tumour outlines into a mask
 * with Java2D, lays down stain amounts from the texture tables (fibrous stroma, pale tumour cytoplasm, white glass),
 * then stamps nuclei from jittered grids whose every cell is decided by a hash of its position: small round dark
 * lymphocytes and spindle fibroblasts in the stroma; crowded, large, irregular nuclei with coarse chromatin, a dark rim
 * and nucleoli in the tumour. Everything depends only on level-0 coordinates, so tiles join seamlessly and any order
 * of rendering gives the same pixels. Not thread-safe: use one renderer per thread.
 */
final class TileRenderer {
    static final int TILE = 256;

    /** Mask colours; Java2D may set the unused top byte of an RGB pixel, so reads mask it off. */
    private static final int TISSUE = 0x0000FF, TUMOUR = 0x00FF00;
    /** Spacing of the low-frequency stain field samples, in pixels; divides {@link #TILE}. */
    private static final int FIELD_STEP = 16;
    /** Reach of the largest nucleus from its centre, lobes included; sets the margin of cells seen from a tile. */
    private static final double LARGEST_NUCLEUS_UM = 10;

    /**
     * How a kind of nucleus looks.
     *
     * @param eosin     eosin left inside the nucleus
     * @param chromatin how strongly chromatin clumps mottle the darkness
     * @param rim       extra darkness at the nuclear membrane (vesicular nuclei)
     * @param ragged    how far the outline departs from an ellipse
     */
    private record Look(float eosin, float chromatin, float rim, float ragged) {
    }

    private static final Look LYMPHOCYTE = new Look(0.3f, 0.25f, 0, 0.1f);
    private static final Look FIBROBLAST = new Look(0.5f, 0.2f, 0, 0.1f);
    private static final Look TUMOUR_CELL = new Look(0.25f, 0.9f, 1.4f, 0.35f);
    private static final Look NUCLEOLUS = new Look(1.4f, 0, 0, 0);

    private final Shape tissue;
    private final List<? extends Shape> tumours;
    private final Rectangle2D tissueBounds;
    private final double mpp;
    private final long seed;
    private final Stain stain;
    private final Textures textures;
    private final int fibreMask, fibreShift;

    private final int margin, maskSize;
    private final int[] mask;
    private final Graphics2D maskGraphics;
    private final float[] haematoxylin = new float[TILE * TILE], eosin = new float[TILE * TILE];
    private final float[] field = new float[(TILE / FIELD_STEP + 1) * (TILE / FIELD_STEP + 1)];
    private final float[] fieldRow = new float[TILE / FIELD_STEP + 1];

    TileRenderer(Shape tissue, List<? extends Shape> tumours, double mpp, long seed, Stain stain, Textures textures) {
        this.tissue = tissue;
        this.tumours = tumours;
        this.tissueBounds = tissue.getBounds2D();
        this.mpp = mpp;
        this.seed = seed;
        this.stain = stain;
        this.textures = textures;
        this.fibreMask = textures.fibreSize - 1;
        this.fibreShift = Integer.numberOfTrailingZeros(textures.fibreSize);
        this.margin = (int) Math.ceil(LARGEST_NUCLEUS_UM / mpp) + 2;
        this.maskSize = TILE + 2 * margin;
        BufferedImage maskImage = new BufferedImage(maskSize, maskSize, BufferedImage.TYPE_INT_RGB);
        this.mask = ((DataBufferInt) maskImage.getRaster().getDataBuffer()).getData();
        this.maskGraphics = maskImage.createGraphics();
    }

    /** Paints the tile whose top-left corner is (x0, y0) in level-0 pixels into {@code rgb} as packed 0xRRGGBB. */
    void render(int x0, int y0, int[] rgb) {
        if (!tissueBounds.intersects(x0 - margin, y0 - margin, maskSize, maskSize)) {
            paintGlass(x0, y0);
        } else {
            rasteriseMask(x0, y0);
            paintBase(x0, y0);
            stampStroma(x0, y0);
            stampTumour(x0, y0);
        }
        for (int i = 0; i < rgb.length; i++) rgb[i] = stain.rgb(haematoxylin[i], eosin[i]);
    }

    private void rasteriseMask(int x0, int y0) {
        Arrays.fill(mask, 0);
        maskGraphics.setTransform(AffineTransform.getTranslateInstance(margin - x0, margin - y0));
        maskGraphics.setColor(new Color(TISSUE));
        maskGraphics.fill(tissue);
        maskGraphics.setColor(new Color(TUMOUR));
        Rectangle2D extended = new Rectangle2D.Double(x0 - margin, y0 - margin, maskSize, maskSize);
        for (Shape tumour : tumours) {
            if (tumour.getBounds2D().intersects(extended)) maskGraphics.fill(tumour);
        }
    }

    private int classAt(double x, double y, int x0, int y0) {
        return mask[((int) Math.floor(y) - y0 + margin) * maskSize + (int) Math.floor(x) - x0 + margin] & 0xFFFFFF;
    }

    private void paintGlass(int x0, int y0) {
        for (int i = 0; i < TILE * TILE; i++) glass(i, grain(x0 + i % TILE, y0 + i / TILE));
    }

    /** Bare glass: a faint pink cast with speckle. */
    private void glass(int i, float speckle) {
        haematoxylin[i] = 0;
        eosin[i] = 0.02f + 0.03f * speckle;
    }

    /** Stain amounts before nuclei: fibrous pink stroma, pale lilac tumour cytoplasm, near-white glass. */
    private void paintBase(int x0, int y0) {
        sampleField(x0, y0);
        float[] fibre = textures.fibre, grain = textures.grain;
        int columns = TILE / FIELD_STEP + 1;
        for (int y = 0; y < TILE; y++) {
            int gy = y / FIELD_STEP;
            float fy = (y % FIELD_STEP) / (float) FIELD_STEP;
            for (int c = 0; c < columns; c++) {
                fieldRow[c] = Noise.lerp(field[gy * columns + c], field[(gy + 1) * columns + c], fy);
            }
            int maskRow = (y + margin) * maskSize + margin;
            int fibreRow = ((y0 + y) & fibreMask) << fibreShift;
            int grainRow = ((y0 + y) & (Textures.GRAIN_SIZE - 1)) * Textures.GRAIN_SIZE;
            for (int x = 0; x < TILE; x++) {
                int i = y * TILE + x, kind = mask[maskRow + x] & 0xFFFFFF;
                float speckle = grain[grainRow + ((x0 + x) & (Textures.GRAIN_SIZE - 1))];
                if (kind == 0) {
                    glass(i, speckle);
                    continue;
                }
                float strength = Noise.lerp(fieldRow[x / FIELD_STEP], fieldRow[x / FIELD_STEP + 1], (x % FIELD_STEP) / (float) FIELD_STEP);
                if (kind == TUMOUR) {
                    haematoxylin[i] = 0.32f + 0.12f * speckle;
                    eosin[i] = strength * (0.5f + 0.2f * speckle);
                } else {
                    haematoxylin[i] = 0.06f + 0.05f * speckle;
                    eosin[i] = strength * (0.25f + 0.95f * fibre[fibreRow + ((x0 + x) & fibreMask)] + 0.12f * speckle);
                }
            }
        }
    }

    /** Eosin strength that drifts smoothly over a few hundred micrometres, sampled every {@link #FIELD_STEP} px. */
    private void sampleField(int x0, int y0) {
        int columns = TILE / FIELD_STEP + 1;
        double scale = mpp / 400;
        for (int gy = 0; gy < columns; gy++) {
            for (int gx = 0; gx < columns; gx++) {
                float v = Noise.patches(seed ^ 0x51, (x0 + gx * FIELD_STEP) * scale, (y0 + gy * FIELD_STEP) * scale);
                field[gy * columns + gx] = 0.75f + 0.5f * v;
            }
        }
    }

    private void stampStroma(int x0, int y0) {
        forEachCell(x0, y0, 9 / mpp, seed ^ 0x1F, (cell, cx, cy) -> {
            if (Noise.unit(cell, 0) > 0.75f) return;
            int kind = classAt(cx, cy, x0, y0);
            if (kind == 0 || kind == TUMOUR && Noise.unit(cell, 12) > 0.05f) return;
            float density = Noise.patches(seed ^ 0x2E, cx * mpp / 300, cy * mpp / 300);
            if (Noise.unit(cell, 0) > Math.max(0.04f, 1.6f * density - 0.45f)) return;
            double r = (3.0 + 0.8 * Noise.unit(cell, 24)) / mpp;
            stamp(x0, y0, cx, cy, r, r * (0.85 + 0.15 * Noise.unit(cell, 36)), Math.PI * Noise.unit(cell, 48),
                    2.0f + 0.4f * Noise.unit(Noise.mix(cell), 0), LYMPHOCYTE, Noise.mix(cell));
        });
        forEachCell(x0, y0, 28 / mpp, seed ^ 0x3D, (cell, cx, cy) -> {
            if (Noise.unit(cell, 0) > 0.35f || classAt(cx, cy, x0, y0) != TISSUE) return;
            double a = (5 + 3 * Noise.unit(cell, 12)) / mpp, b = (1.1 + 0.6 * Noise.unit(cell, 24)) / mpp;
            stamp(x0, y0, cx, cy, a, b, Math.PI * Noise.unit(cell, 36), 1.5f + 0.3f * Noise.unit(cell, 48),
                    FIBROBLAST, Noise.mix(cell));
        });
    }

    private void stampTumour(int x0, int y0) {
        forEachCell(x0, y0, 11 / mpp, seed ^ 0x4C, (cell, cx, cy) -> {
            if (Noise.unit(cell, 0) > 0.93f || classAt(cx, cy, x0, y0) != TUMOUR) return;
            double a = (4.5 + 3.0 * Noise.unit(cell, 12)) / mpp, b = a * (0.65 + 0.35 * Noise.unit(cell, 24));
            long more = Noise.mix(cell);
            stamp(x0, y0, cx, cy, a, b, Math.PI * Noise.unit(cell, 36), 1.0f + 0.7f * Noise.unit(cell, 48),
                    TUMOUR_CELL, more);
            for (int n = 0; n < 2 && Noise.unit(more, 36 + 12 * n) < 0.45f; n++) {
                long spot = Noise.mix(more + n);
                double dx = 0.5 * a * (Noise.unit(spot, 0) - 0.5), dy = 0.5 * b * (Noise.unit(spot, 12) - 0.5);
                double r = (0.7 + 0.5 * Noise.unit(spot, 24)) / mpp;
                stamp(x0, y0, cx + dx, cy + dy, r, r, 0, 2.2f, NUCLEOLUS, spot);
            }
        });
    }

    private interface CellAction {
        void accept(long cell, double cx, double cy);
    }

    /** Visits the jittered grid cells whose point lies in the tile or its margin, with a hash of the cell to draw from. */
    private void forEachCell(int x0, int y0, double spacing, long familySeed, CellAction action) {
        int first = (int) Math.floor((x0 - margin) / spacing), last = (int) Math.floor((x0 + TILE + margin) / spacing);
        int top = (int) Math.floor((y0 - margin) / spacing), bottom = (int) Math.floor((y0 + TILE + margin) / spacing);
        for (int j = top; j <= bottom; j++) {
            for (int i = first; i <= last; i++) {
                long cell = Noise.hash(familySeed, i, j);
                double cx = (i + 0.15 + 0.7 * Noise.unit(cell, 0)) * spacing;
                double cy = (j + 0.15 + 0.7 * Noise.unit(cell, 12)) * spacing;
                if (cx < x0 - margin || cy < y0 - margin || cx >= x0 + TILE + margin || cy >= y0 + TILE + margin) continue;
                action.accept(Noise.mix(cell), cx, cy);
            }
        }
    }

    /**
     * Blends one nucleus into the stain amounts: an ellipse with semi-axes a, b (pixels) turned by {@code angle},
     * bent into up to three lobes and roughened by the mottle texture, with an antialiased edge.
     */
    private void stamp(int x0, int y0, double cx, double cy, double a, double b, double angle, float darkness,
                       Look look, long shape) {
        double reach = 1.25 * a + 1;
        int left = Math.max(0, (int) Math.floor(cx - reach) - x0), right = Math.min(TILE - 1, (int) Math.ceil(cx + reach) - x0);
        int top = Math.max(0, (int) Math.floor(cy - reach) - y0), bottom = Math.min(TILE - 1, (int) Math.ceil(cy + reach) - y0);
        float cos = (float) Math.cos(angle), sin = (float) Math.sin(angle);
        float invA = (float) (1 / a), invB = (float) (1 / b), edge = (float) (0.5 * Math.min(a, b)) + 0.5f;
        float lobeCos = look.ragged * (Noise.unit(shape, 0) - 0.5f), lobeSin = look.ragged * (Noise.unit(shape, 12) - 0.5f);
        float[] mottle = textures.mottle;
        int ox = (int) (shape >>> 40) & 0xFF, oy = (int) (shape >>> 48) & 0xFF;
        for (int y = top; y <= bottom; y++) {
            float dy = (float) (y0 + y + 0.5 - cy);
            int mottleRow = ((y0 + y + oy) & (Textures.GRAIN_SIZE - 1)) * Textures.GRAIN_SIZE;
            for (int x = left; x <= right; x++) {
                float dx = (float) (x0 + x + 0.5 - cx);
                float u = (dx * cos + dy * sin) * invA, v = (dy * cos - dx * sin) * invB;
                float m = mottle[mottleRow + ((x0 + x + ox) & (Textures.GRAIN_SIZE - 1))];
                float d2 = u * u + v * v + lobeCos * u * (u * u - 3 * v * v) + lobeSin * v * (3 * u * u - v * v)
                        + 0.5f * look.ragged * m;
                if (d2 >= 1) continue;
                float weight = Math.min(1, (1 - d2) * edge);
                float h = darkness * (1 + look.chromatin * m) + (d2 > 0.55f ? look.rim * (d2 - 0.55f) * 2.2f : 0);
                int i = y * TILE + x;
                haematoxylin[i] = Math.max(haematoxylin[i], haematoxylin[i] + (h - haematoxylin[i]) * weight);
                eosin[i] += (look.eosin - eosin[i]) * weight;
            }
        }
    }

    private float grain(int x, int y) {
        return textures.grain[(y & (Textures.GRAIN_SIZE - 1)) * Textures.GRAIN_SIZE + (x & (Textures.GRAIN_SIZE - 1))];
    }
}
