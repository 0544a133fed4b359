package io.histoscale.slide.tissue;

import io.histoscale.slide.Slide;
import io.histoscale.slide.annotation.AnnotationClasses;
import io.histoscale.slide.annotation.Annotations;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A thumbnail for people to check tiling: the slide at the tissue mask's resolution, tissue tinted and outlined in
 * amber, patches outlined in the colour of their label (tumour red, normal green, unlabelled blue), tumour patches
 * drawn on top.
 */
public final class GridOverlay {
    private static final Color TISSUE = new Color(240, 170, 0);
    private static final Color UNLABELLED = new Color(30, 90, 230);

    private GridOverlay() {
    }

    public static BufferedImage render(Slide slide, TissueMask mask, List<PatchGrid.Cell> patches) {
        return render(slide, mask, patches, null);
    }

    /**
     * @param labels one per patch, in the same order (class names such as "tumor" or "normal"), or {@code null}
     */
    public static BufferedImage render(Slide slide, TissueMask mask, List<PatchGrid.Cell> patches, List<String> labels) {
        if (labels != null && labels.size() != patches.size()) {
            throw new IllegalArgumentException(labels.size() + " labels for " + patches.size() + " patches");
        }
        BufferedImage image = SlideThumbnail.read(slide, mask.downsample());
        tintTissue(image, mask);
        Graphics2D g = image.createGraphics();
        g.setStroke(new BasicStroke(1));
        double d = mask.downsample();
        for (boolean tumourPass : new boolean[]{false, true}) {
            for (int i = 0; i < patches.size(); i++) {
                String label = labels == null ? null : labels.get(i);
                if ((label != null && AnnotationClasses.DEFAULT.isTumour(label)) != tumourPass) continue;
                PatchGrid.Cell p = patches.get(i);
                g.setColor(label == null ? UNLABELLED : Annotations.colour(label));
                int side = Math.max(1, (int) Math.round(p.size() / d) - 1);
                g.drawRect((int) Math.round(p.x() / d), (int) Math.round(p.y() / d), side, side);
            }
        }
        g.dispose();
        return image;
    }

    private static void tintTissue(BufferedImage image, TissueMask mask) {
        int w = Math.min(image.getWidth(), mask.width()), h = Math.min(image.getHeight(), mask.height());
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (!mask.isTissue(x, y)) continue;
                boolean edge = x == 0 || y == 0 || x == w - 1 || y == h - 1 || !mask.isTissue(x - 1, y)
                        || !mask.isTissue(x + 1, y) || !mask.isTissue(x, y - 1) || !mask.isTissue(x, y + 1);
                image.setRGB(x, y, edge ? TISSUE.getRGB() : blend(image.getRGB(x, y), TISSUE.getRGB(), 0.2));
            }
        }
    }

    private static int blend(int rgb, int tint, double amount) {
        int out = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            double c = ((rgb >> shift) & 0xff) * (1 - amount) + ((tint >> shift) & 0xff) * amount;
            out |= (int) Math.round(c) << shift;
        }
        return out;
    }
}
