package io.histoscale.cli;

import io.histoscale.dataset.tile.Tiling;
import io.histoscale.slide.Slide;
import io.histoscale.slide.SlideInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Print format, levels, dimensions, MPP and vendor of slides.")
final class InfoCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "SLIDE", description = "Slide files (SVS, NDPI, MRXS, TIFF, ...).")
    List<Path> slides;

    @Option(names = "--json", description = "One JSON object per slide (a JSON array for several).")
    boolean json;

    @Option(names = "--backend", description = "auto, openslide or tiff (pure Java). Default: ${DEFAULT-VALUE}.",
            defaultValue = "auto")
    String backend;

    @Override
    public Integer call() {
        List<SlideInfo> infos = new ArrayList<>();
        for (Path p : slides) {
            try (Slide s = Tiling.opener(backend, null).apply(p)) {
                infos.add(SlideInfo.of(s));
            }
        }
        if (json) {
            System.out.println(infos.size() == 1 ? infos.get(0).toJson() : SlideInfo.toJson(infos));
        } else {
            infos.forEach(InfoCommand::printTable);
        }
        return 0;
    }

    private static void printTable(SlideInfo i) {
        System.out.println(i.path());
        System.out.printf("  format %s (read by %s), vendor %s%n", i.format(), i.backend().name(), orDash(i.vendor()));
        System.out.printf("  MPP %s x %s µm/px, objective %s%n", orDash(i.mppX()), orDash(i.mppY()),
                i.objectivePower() == null ? "-" : i.objectivePower() + "x");
        System.out.printf("  %-6s %10s %10s %12s%n", "level", "width", "height", "downsample");
        for (int l = 0; l < i.levels().size(); l++) {
            var lv = i.levels().get(l);
            System.out.printf("  %-6d %10d %10d %12.3f%n", l, lv.width(), lv.height(), lv.downsample());
        }
        if (!i.associatedImages().isEmpty()) {
            System.out.println("  associated images: " + String.join(", ", i.associatedImages()));
        }
    }

    private static String orDash(Object o) {
        return o == null ? "-" : o.toString();
    }
}
