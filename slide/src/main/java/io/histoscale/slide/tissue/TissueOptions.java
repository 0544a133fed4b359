package io.histoscale.slide.tissue;

import io.histoscale.core.UserException;

/**
 * Settings of {@link TissueMask#detect}. Sizes are physical (µm, µm²) so that they mean the same on every scanner.
 *
 * <pre>{@code
 * TissueOptions opts = TissueOptions.builder().optMinTissueAreaUm2(50_000).build();
 * }</pre>
 */
public final class TissueOptions {
    private final double maskMpp;
    private final int maxSide;
    private final double minSaturation;
    private final double maxHoleAreaUm2;
    private final double minTissueAreaUm2;
    private final double closingUm;

    private TissueOptions(Builder b) {
        this.maskMpp = b.maskMpp;
        this.maxSide = b.maxSide;
        this.minSaturation = b.minSaturation;
        this.maxHoleAreaUm2 = b.maxHoleAreaUm2;
        this.minTissueAreaUm2 = b.minTissueAreaUm2;
        this.closingUm = b.closingUm;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The defaults: an 8 µm/px mask of at most 2048 px a side, saturation floor 0.08, 20,000 µm² limits. */
    public static TissueOptions defaults() {
        return builder().build();
    }

    public double maskMpp() {
        return maskMpp;
    }

    public int maxSide() {
        return maxSide;
    }

    public double minSaturation() {
        return minSaturation;
    }

    public double maxHoleAreaUm2() {
        return maxHoleAreaUm2;
    }

    public double minTissueAreaUm2() {
        return minTissueAreaUm2;
    }

    public double closingUm() {
        return closingUm;
    }

    public static final class Builder {
        private double maskMpp = 8;
        private int maxSide = 2048;
        private double minSaturation = 0.08;
        private double maxHoleAreaUm2 = 20_000;
        private double minTissueAreaUm2 = 20_000;
        private double closingUm = 0;

        private Builder() {
        }

        /** Resolution of the mask in µm per pixel (default 8); coarser when the slide is too big for {@link #optMaxSide}. */
        public Builder optMaskMpp(double maskMpp) {
            this.maskMpp = positive(maskMpp, "mask resolution");
            return this;
        }

        /** Longest side of the mask in pixels (default 2048), which bounds time and memory on huge slides. */
        public Builder optMaxSide(int maxSide) {
            this.maxSide = (int) positive(maxSide, "mask size");
            return this;
        }

        /**
         * HSV saturation (0-1) a pixel needs at least to be tissue, whatever Otsu's threshold says (default 0.08):
         * glass and blank slides stay empty instead of Otsu splitting their noise in two.
         */
        public Builder optMinSaturation(double minSaturation) {
            if (!(minSaturation >= 0 && minSaturation < 1)) {
                throw new UserException("minimum saturation must be from 0 to below 1, not " + minSaturation);
            }
            this.minSaturation = minSaturation;
            return this;
        }

        /** Holes in tissue smaller than this (µm², default 20,000 - about 140 µm across) are filled; 0 fills none. */
        public Builder optMaxHoleAreaUm2(double area) {
            this.maxHoleAreaUm2 = nonNegative(area, "hole area");
            return this;
        }

        /** Tissue pieces smaller than this (µm², default 20,000) are dropped as dust and debris; 0 keeps all. */
        public Builder optMinTissueAreaUm2(double area) {
            this.minTissueAreaUm2 = nonNegative(area, "tissue area");
            return this;
        }

        /** Radius in µm of a morphological closing that joins nearby tissue before filling holes; 0 (default) is off. */
        public Builder optClosingUm(double radius) {
            this.closingUm = nonNegative(radius, "closing radius");
            return this;
        }

        public TissueOptions build() {
            return new TissueOptions(this);
        }

        private static double positive(double v, String what) {
            if (!(v > 0) || Double.isInfinite(v)) throw new UserException(what + " must be a positive number, not " + v);
            return v;
        }

        private static double nonNegative(double v, String what) {
            if (!(v >= 0) || Double.isInfinite(v)) throw new UserException(what + " must be 0 or more, not " + v);
            return v;
        }
    }
}
