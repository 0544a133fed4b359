package io.histoscale.staging;

import io.histoscale.synth.SlideTruth;
import org.locationtech.jts.geom.Coordinate;
import org.locationtech.jts.geom.Geometry;
import org.locationtech.jts.geom.GeometryFactory;
import org.locationtech.jts.operation.union.UnaryUnionOp;

import java.util.List;

/** Heatmaps a perfect model would give for a synthetic slide: each cell's tumour share, from the true outlines. */
final class PerfectHeatmaps {
    private static final GeometryFactory GEOMETRY = new GeometryFactory();

    private PerfectHeatmaps() {
    }

    /**
     * @param cellUm side of a cell in micrometres
     * @param shift  offset of the grid from the slide's corner, as a share of a cell (0-1) in x and y
     */
    static Heatmap of(SlideTruth truth, double cellUm, double shift) {
        double cell = cellUm / truth.mpp();
        HeatmapGeometry g = new HeatmapGeometry((int) Math.ceil(truth.widthPx() / cell), (int) Math.ceil(truth.heightPx() / cell),
                -shift * cell, -shift * cell, cell, truth.mpp());
        return Heatmap.coverage(g, tumour(truth));
    }

    static Geometry tumour(SlideTruth truth) {
        List<Geometry> polygons = truth.lesions().stream().map(l -> polygon(l.polygon())).toList();
        return polygons.isEmpty() ? GEOMETRY.createPolygon() : UnaryUnionOp.union(polygons);
    }

    static Geometry polygon(double[][] vertices) {
        Coordinate[] ring = new Coordinate[vertices.length + 1];
        for (int i = 0; i < vertices.length; i++) ring[i] = new Coordinate(vertices[i][0], vertices[i][1]);
        ring[vertices.length] = ring[0];
        return GEOMETRY.createPolygon(ring);
    }
}
