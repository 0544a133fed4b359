package io.histoscale.synth;

/**
 * One tumour region drawn into a synthetic slide: the truth a detected {@code io.histoscale.staging.Lesion} is judged by. (As a record holding an array, equality is by array identity.)
 *
 * @param diameterMm largest distance between two vertices of {@code polygon}, in millimetres
 * @param polygon    vertices as {x, y} pairs in level-0 pixels, the same numbers the ASAP XML holds
 */
public record PlantedLesion(double diameterMm, double[][] polygon) {

    /** Largest distance between two vertices, in level-0 pixels. */
    public double diameterPx() {
        double[] xs = new double[polygon.length], ys = new double[polygon.length];
        for (int i = 0; i < polygon.length; i++) {
            xs[i] = polygon[i][0];
            ys[i] = polygon[i][1];
        }
        return Blob.diameter(xs, ys);
    }
}
