package io.histoscale.slide.camelyon;

import io.histoscale.core.UserException;

import java.util.Collection;
import java.util.Locale;

/**
 * Patient pN stage from the slide labels of the patient's lymph nodes, by the Camelyon17 rules
 * (a simplified TNM pN used by the challenge):
 * <ul>
 *   <li>pN0: no ITC, micro- or macro-metastasis;</li>
 *   <li>pN0(i+): only ITCs;</li>
 *   <li>pN1mi: micro-metastases, no macro-metastasis;</li>
 *   <li>pN1: metastases in 1-3 nodes, at least one a macro-metastasis;</li>
 *   <li>pN2: metastases in 4-9 nodes, at least one a macro-metastasis.</li>
 * </ul>
 * Nodes with ITCs only are not counted as positive. The ordinal is the order used by the weighted kappa.
 */
public enum PnStage {
    PN0("pN0"), PN0_I("pN0(i+)"), PN1MI("pN1mi"), PN1("pN1"), PN2("pN2");

    private final String csvName;

    PnStage(String csvName) {
        this.csvName = csvName;
    }

    public String csvName() {
        return csvName;
    }

    public static PnStage of(Collection<SlideLabel> nodes) {
        long positive = nodes.stream().filter(SlideLabel::isMetastasis).count();
        boolean macro = nodes.contains(SlideLabel.MACRO);
        if (macro) return positive <= 3 ? PN1 : PN2;
        if (positive > 0) return PN1MI;
        if (nodes.contains(SlideLabel.ITC)) return PN0_I;
        return PN0;
    }

    public static PnStage parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (PnStage s : values()) {
            if (s.csvName.toLowerCase(Locale.ROOT).equals(t)) return s;
        }
        throw new UserException("unknown pN stage '" + text + "': use pN0, pN0(i+), pN1mi, pN1 or pN2");
    }
}
