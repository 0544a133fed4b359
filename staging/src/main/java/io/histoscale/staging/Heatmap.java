package io.histoscale.staging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.histoscale.core.AtomicFiles;
import io.histoscale.core.Json;
import io.histoscale.core.UserException;
import org.locationtech.jts.geom.Envelope;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.geom.prep.PreparedGeometry;
import org.locationtech.jts.geom.prep.PreparedGeometryFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.Inflater;

/**
 * Tumour probability per cell of a grid laid over a slide, with the grid's place on the slide
 * ({@link HeatmapGeometry}). Cells that were not predicted (no tissue, outside the scanned area) are invalid: they
 * read as NaN and count as no tumour.
 *
 * <p>Inference fills an {@link #empty} heatmap with {@link #set}; threads may set different cells at once, and the
 * values are visible to whoever joins those threads.
 *
 * <p>File format ({@link #save}): the line {@value #MAGIC}, one line of JSON with the geometry, then the values as
 * float32 little-endian, row by row, NaN for invalid cells, zlib-deflated. {@code head -2 FILE} shows the header.
 */
public final class Heatmap {
    static final String MAGIC = "histoscale-heatmap 1";
    private static final String ENCODING = "float32 little-endian, row by row, zlib deflate; NaN = not predicted";

    private final HeatmapGeometry geometry;
    private final float[] values;

    private Heatmap(HeatmapGeometry geometry, float[] values) {
        this.geometry = geometry;
        this.values = values;
    }

    /** All cells invalid, for inference to fill. */
    public static Heatmap empty(HeatmapGeometry geometry) {
        float[] values = new float[geometry.cellCount()];
        Arrays.fill(values, Float.NaN);
        return new Heatmap(geometry, values);
    }

    /**
     * A heatmap of these values, row by row (copied); NaN marks an invalid cell.
     *
     * @throws IllegalArgumentException when the count does not match or a value is outside 0-1
     */
    public static Heatmap of(HeatmapGeometry geometry, float[] values) {
        if (values.length != geometry.cellCount()) {
            throw new IllegalArgumentException(values.length + " values for " + geometry.cellCount() + " cells");
        }
        for (float v : values) {
            if (!Float.isNaN(v)) checkProbability(v);
        }
        return new Heatmap(geometry, values.clone());
    }

    /**
     * What a perfect model would say: every cell valid, its value the share of its area inside {@code region}
     * (level-0 pixels). Used to calibrate lesion measurement against known outlines.
     */
    public static Heatmap coverage(HeatmapGeometry geometry, Geometry region) {
        float[] values = new float[geometry.cellCount()];
        PreparedGeometry prepared = PreparedGeometryFactory.prepare(region);
        GeometryFactory factory = region.getFactory();
        Envelope bounds = region.getEnvelopeInternal();
        double size = geometry.cellSize(), area = size * size;
        int c0 = Math.max(0, (int) Math.floor((bounds.getMinX() - geometry.originX()) / size));
        int c1 = Math.min(geometry.columns() - 1, (int) Math.floor((bounds.getMaxX() - geometry.originX()) / size));
        int r0 = Math.max(0, (int) Math.floor((bounds.getMinY() - geometry.originY()) / size));
        int r1 = Math.min(geometry.rows() - 1, (int) Math.floor((bounds.getMaxY() - geometry.originY()) / size));
        for (int r = r0; r <= r1; r++) {
            for (int c = c0; c <= c1; c++) {
                Envelope cellBox = new Envelope(geometry.x(c), geometry.x(c + 1), geometry.y(r), geometry.y(r + 1));
                Geometry cell = factory.toGeometry(cellBox);
                if (prepared.containsProperly(cell)) {
                    values[r * geometry.columns() + c] = 1;
                } else if (prepared.intersects(cell)) {
                    values[r * geometry.columns() + c] = (float) Math.min(1, region.intersection(cell).getArea() / area);
                }
            }
        }
        return new Heatmap(geometry, values);
    }

    public HeatmapGeometry geometry() {
        return geometry;
    }

    public int columns() {
        return geometry.columns();
    }

    public int rows() {
        return geometry.rows();
    }

    /** Probability of a cell, NaN when it is invalid. */
    public float get(int column, int row) {
        return values[index(column, row)];
    }

    public boolean isValid(int column, int row) {
        return !Float.isNaN(get(column, row));
    }

    /** Makes a cell valid with this tumour probability (0-1). */
    public void set(int column, int row, double probability) {
        values[index(column, row)] = (float) checkProbability(probability);
    }

    /** Number of valid cells. */
    public int validCount() {
        int n = 0;
        for (float v : values) {
            if (!Float.isNaN(v)) n++;
        }
        return n;
    }

    /** The values row by row, NaN for invalid cells (a copy). */
    public float[] values() {
        return values.clone();
    }

    /**
     * Gaussian smoothing over valid cells only: each valid cell becomes the weighted mean of the valid cells around
     * it, so the edge of the tissue does not pull values towards zero. Invalid cells stay invalid.
     *
     * @param sigmaCells standard deviation in cells; 0 returns a copy
     */
    public Heatmap smoothed(double sigmaCells) {
        if (!(sigmaCells >= 0) || Double.isInfinite(sigmaCells)) {
            throw new IllegalArgumentException("smoothing sigma " + sigmaCells);
        }
        if (sigmaCells == 0) return new Heatmap(geometry, values.clone());
        int radius = (int) Math.ceil(3 * sigmaCells);
        double[] kernel = new double[2 * radius + 1];
        for (int i = -radius; i <= radius; i++) kernel[i + radius] = Math.exp(-0.5 * i * i / (sigmaCells * sigmaCells));
        int w = columns(), h = rows();
        double[] sum = new double[values.length], weight = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            if (!Float.isNaN(values[i])) {
                sum[i] = values[i];
                weight[i] = 1;
            }
        }
        // Separable: blur the sums and the weights along rows, then along columns, and divide.
        sum = blur(blur(sum, w, h, kernel, false), w, h, kernel, true);
        weight = blur(blur(weight, w, h, kernel, false), w, h, kernel, true);
        float[] out = new float[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.isNaN(values[i]) ? Float.NaN : (float) Math.min(1, Math.max(0, sum[i] / weight[i]));
        }
        return new Heatmap(geometry, out);
    }

    /** Writes the heatmap to {@code file}, replacing it in one step (readers see the old or the new file). */
    public void save(Path file) {
        ObjectNode header = Json.MAPPER.createObjectNode()
                .put("columns", geometry.columns()).put("rows", geometry.rows())
                .put("originX", geometry.originX()).put("originY", geometry.originY())
                .put("cellSize", geometry.cellSize()).put("cellSizeUm", geometry.cellSizeUm())
                .put("slideMpp", geometry.slideMpp()).put("values", ENCODING);
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            out.write((MAGIC + "\n" + Json.MAPPER.writeValueAsString(header) + "\n").getBytes(StandardCharsets.UTF_8));
            try (DeflaterOutputStream deflate = new DeflaterOutputStream(out, new Deflater(Deflater.BEST_COMPRESSION))) {
                deflate.write(raw.array());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e); // in-memory streams do not fail
        }
        AtomicFiles.write(file, out.toByteArray());
    }

    /** Reads a file written by {@link #save}. */
    public static Heatmap load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new UserException("heatmap file " + file + " does not exist: check the path", e);
        } catch (IOException e) {
            throw new UserException("cannot read heatmap file " + file + ": " + e.getMessage(), e);
        }
        int firstEnd = indexOf(bytes, 0), secondEnd = firstEnd < 0 ? -1 : indexOf(bytes, firstEnd + 1);
        if (secondEnd < 0 || !new String(bytes, 0, firstEnd, StandardCharsets.UTF_8).equals(MAGIC)) {
            throw corrupt(file, "it does not start with '" + MAGIC + "' and a JSON header line", null);
        }
        HeatmapGeometry geometry;
        try {
            JsonNode h = Json.MAPPER.readTree(new String(bytes, firstEnd + 1, secondEnd - firstEnd - 1, StandardCharsets.UTF_8));
            geometry = new HeatmapGeometry(h.required("columns").asInt(), h.required("rows").asInt(),
                    h.required("originX").asDouble(), h.required("originY").asDouble(),
                    h.required("cellSize").asDouble(), h.required("slideMpp").asDouble());
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(file, "its header is not valid (" + e.getMessage() + ")", e);
        }
        byte[] raw = new byte[4 * geometry.cellCount()];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(bytes, secondEnd + 1, bytes.length - secondEnd - 1);
            int n = 0;
            while (n < raw.length && !inflater.finished()) {
                int got = inflater.inflate(raw, n, raw.length - n);
                if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) break;
                n += got;
            }
            if (n != raw.length || !inflater.finished()) {
                throw corrupt(file, "it holds fewer or more values than its " + geometry.columns() + " x "
                        + geometry.rows() + " cells (truncated?)", null);
            }
        } catch (DataFormatException e) {
            throw corrupt(file, "its values are damaged", e);
        } finally {
            inflater.end();
        }
        float[] values = new float[geometry.cellCount()];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        try {
            return of(geometry, values);
        } catch (IllegalArgumentException e) {
            throw corrupt(file, e.getMessage(), e);
        }
    }

    private int index(int column, int row) {
        if (column < 0 || row < 0 || column >= columns() || row >= rows()) {
            throw new IndexOutOfBoundsException("cell (" + column + ", " + row + ") of a " + columns() + " x " + rows() + " heatmap");
        }
        return row * columns() + column;
    }

    private static double checkProbability(double p) {
        if (!(p >= 0 && p <= 1)) throw new IllegalArgumentException("probability " + p + " is not within 0-1");
        return p;
    }

    private static double[] blur(double[] in, int w, int h, double[] kernel, boolean alongColumns) {
        double[] out = new double[in.length];
        int radius = kernel.length / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double s = 0;
                for (int k = -radius; k <= radius; k++) {
                    int xx = alongColumns ? x : x + k, yy = alongColumns ? y + k : y;
                    if (xx >= 0 && yy >= 0 && xx < w && yy < h) s += kernel[k + radius] * in[yy * w + xx];
                }
                out[y * w + x] = s;
            }
        }
        return out;
    }

    private static int indexOf(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == '\n') return i;
        }
        return -1;
    }

    private static UserException corrupt(Path file, String why, Exception cause) {
        return new UserException("heatmap file " + file + " cannot be read: " + why + "; write it again with inference", cause);
    }
}
